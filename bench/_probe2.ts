import { performance } from 'node:perf_hooks';
import { ProblemDetector } from '../src/core/detect/index.js';
import { buildDocs } from './detect-corpus.js';
const { tex, md } = buildDocs();
const [fmt, opener, fracS] = process.argv.slice(2);
const text = fmt === 'latex' ? tex : md;
const det = new ProblemDetector(fmt as 'latex', { maxProblems: 100000 });
let cur = text;
let at = cur.indexOf('\n', Math.floor(cur.length * Number(fracS))) + 1;
const op = JSON.parse(`"${opener}"`);
cur = cur.slice(0, at) + op + cur.slice(at);
det.reset(cur);
const segsOf = () => (det as any).doc.segs as { length: number }[];
console.log('segments', segsOf().length, 'largest', Math.max(...segsOf().map(s => s.length)));
at += op.length;
for (let i = 0; i < 6; i++) {
  const next = cur.slice(0, at) + 'x' + cur.slice(at);
  const before = new Set(segsOf());
  const t0 = performance.now();
  det.edit(at, at, 'x', next);
  const dt = performance.now() - t0;
  const fresh = segsOf().filter(s => !before.has(s));
  console.log(dt.toFixed(2), 'ms; new segs', fresh.length, 'chars rescanned', fresh.reduce((a, s) => a + s.length, 0));
  cur = next; at++;
}
