import { readFileSync } from 'node:fs';
import { importReasonFluxV1Text } from '../src/core/templates/importer.js';
import { analyze, latexToWords } from '../src/core/templates/tokenize.js';
import { createTemplateIndex } from '../src/core/templates/index.js';
const ts = importReasonFluxV1Text(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8')).templates;
const texts = ts.flatMap((t) => [t.name, t.tags.join(' ; '), t.description, t.whenToUse.join(' ; '), t.section, t.chapter, t.subjects.join(' '), t.steps.join(' ; '), t.example.problem]);
console.log('chars', texts.reduce((a, t) => a + t.length, 0));
for (let r = 0; r < 5; r++) {
  let t0 = performance.now(); for (const x of texts) latexToWords(x.normalize('NFKC')).toLowerCase(); const a = performance.now() - t0;
  t0 = performance.now(); for (const x of texts) analyze(x, { concepts: false }); const b = performance.now() - t0;
  t0 = performance.now(); for (const x of texts) analyze(x); const c = performance.now() - t0;
  t0 = performance.now(); createTemplateIndex(ts); const d = performance.now() - t0;
  console.log({ latex: a.toFixed(1), noConcepts: b.toFixed(1), full: c.toFixed(1), build: d.toFixed(1) });
}
