// Precomputes the built-in template library: validates templates/*.json and analyses their index fields
// once, writing dist/library.json (see src/core/templates/precomputed.ts). Run by esbuild.mjs on every
// build; by hand: `node --import tsx scripts/build-library.ts [TEMPLATES_DIR] [OUT_FILE]`.
import { resolve } from 'node:path';
import { writePrecomputed } from '../src/core/templates/precomputed.js';

const dir = resolve(process.argv[2] ?? 'templates');
const out = resolve(process.argv[3] ?? 'dist/library.json');
const t0 = performance.now();
const { count, errors } = writePrecomputed(dir, out);
if (errors.length > 0) {
  // Not fatal for the build: without dist/library.json the library loads (and reports problems) from source.
  console.warn(`library: not precomputed, ${errors.length} template problem(s), e.g. ${errors[0]} — run "reasonflux templates validate"`);
} else {
  console.log(`built ${out} (${count} templates, ${(performance.now() - t0).toFixed(0)} ms)`);
}
