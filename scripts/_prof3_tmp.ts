import { loadTemplateDirSync } from '../src/core/templates/loader.js';
import { createTemplateIndex, DEFAULT_FIELDS } from '../src/core/templates/index.js';
import { analyze } from '../src/core/templates/tokenize.js';
import { Bm25Index } from '../src/core/templates/bm25.js';
const ts = loadTemplateDirSync('templates', 'builtin').templates;
const get = (t: any, f: string) => f === 'example' ? t.example.problem : Array.isArray(t[f]) ? t[f].join(' ; ') : t[f];
console.log(ts.length, 'chars', ts.reduce((a, t) => a + DEFAULT_FIELDS.reduce((b, f) => b + get(t, f.name).length, 0), 0));
for (let r = 0; r < 6; r++) {
  let t0 = performance.now(); const docs = ts.map((t) => DEFAULT_FIELDS.map((f) => analyze(get(t, f.name)))); const a = performance.now() - t0;
  t0 = performance.now(); new Bm25Index(docs, DEFAULT_FIELDS); const b = performance.now() - t0;
  t0 = performance.now(); createTemplateIndex(ts); const c = performance.now() - t0;
  t0 = performance.now(); loadTemplateDirSync('templates', 'builtin'); const d = performance.now() - t0;
  console.log({ analyze: a.toFixed(1), bm25: b.toFixed(1), total: c.toFixed(1), load: d.toFixed(1) });
}
