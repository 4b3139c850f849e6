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
at += op.length;
const xs: number[] = [];
for (let i = 0; i < 400; i++) {
  const next = cur.slice(0, at) + 'x' + cur.slice(at);
  const t0 = performance.now();
  det.edit(at, at, 'x', next);
  xs.push(performance.now() - t0);
  cur = next; at++;
}
xs.sort((a,b)=>a-b);
console.log('median', xs[200]!.toFixed(2), 'p90', xs[360]!.toFixed(2), 'max', xs[399]!.toFixed(2));
