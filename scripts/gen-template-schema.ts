// Writes templates/template.schema.json from the zod schema. Run: node --import tsx scripts/gen-template-schema.ts
// With --check it only compares and exits 1 when the committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderTemplateJsonSchema } from '../src/core/templates/jsonSchema.js';

const target = resolve(__dirname, '..', 'templates', 'template.schema.json');
const text = renderTemplateJsonSchema();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as out of date */
  }
  if (current !== text) {
    console.error(`${target} is out of date: run node --import tsx scripts/gen-template-schema.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}
