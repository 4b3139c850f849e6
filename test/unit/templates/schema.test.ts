import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTemplateJsonSchema, renderTemplateJsonSchema } from '../../../src/core/templates/jsonSchema.js';
import { thoughtTemplateSchema } from '../../../src/core/templates/schema.js';

const committed = resolve(__dirname, '..', '..', '..', 'templates', 'template.schema.json');

test('templates/template.schema.json is the one generated from the zod schema', () => {
  const text = readFileSync(committed, 'utf8');
  assert.equal(text, renderTemplateJsonSchema(), 'run: node --import tsx scripts/gen-template-schema.ts');
});

test('the JSON Schema documents every template field and requires what zod requires', () => {
  const s = buildTemplateJsonSchema() as { definitions: { ThoughtTemplate: { properties: Record<string, { description?: string; markdownDescription?: string }>; required: string[] } } };
  const t = s.definitions.ThoughtTemplate;
  const fields = Object.keys(thoughtTemplateSchema.shape);
  assert.deepEqual(Object.keys(t.properties).sort(), [...fields].sort());
  for (const f of fields) {
    assert.ok(t.properties[f]!.description, `${f} has a description`);
    assert.ok(t.properties[f]!.markdownDescription, `${f} has a markdownDescription`);
  }
  assert.deepEqual([...t.required].sort(), ['chapter', 'description', 'difficulty', 'example', 'id', 'name', 'section', 'steps', 'subjects', 'tags', 'whenToUse']);
});

test('package.json points VS Code at the generated schema', () => {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const urls = (pkg.contributes.jsonValidation as Array<{ url: string }>).map((v) => v.url);
  assert.ok(urls.includes('./templates/template.schema.json'));
});

test('blank strings are rejected, kind is optional and checked', () => {
  const base = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'fixtures', 'templates', 'good', 'b.json'), 'utf8'))[0];
  assert.ok(thoughtTemplateSchema.safeParse(base).success);
  assert.equal(thoughtTemplateSchema.safeParse({ ...base, name: '   ' }).success, false);
  assert.ok(thoughtTemplateSchema.safeParse({ ...base, kind: 'method' }).success);
  assert.equal(thoughtTemplateSchema.safeParse({ ...base, kind: 'recipe' }).success, false);
});
