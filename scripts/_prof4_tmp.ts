import { loadTemplateDirSync } from '../src/core/templates/loader.js';
import { DEFAULT_FIELDS } from '../src/core/templates/index.js';
import { analyze, latexToWords } from '../src/core/templates/tokenize.js';
const ts = loadTemplateDirSync('templates', 'builtin').templates;
const get = (t: any, f: string) => f === 'example' ? t.example.problem : Array.isArray(t[f]) ? t[f].join(' ; ') : t[f];
const texts = ts.flatMap((t) => DEFAULT_FIELDS.map((f) => get(t, f.name) as string));
for (let r = 0; r < 8; r++) {
  let t0 = performance.now(); const low = texts.map((x) => x.normalize('NFKC').toLowerCase()); const a = performance.now() - t0;
  t0 = performance.now(); const lw = low.map(latexToWords); const b = performance.now() - t0;
  t0 = performance.now(); for (const x of texts) analyze(x, { concepts: false }); const c = performance.now() - t0;
  t0 = performance.now(); for (const x of texts) analyze(x); const d = performance.now() - t0;
  console.log({ norm: a.toFixed(1), latex: b.toFixed(1), analyzeNoC: c.toFixed(1), analyze: d.toFixed(1) });
}
