import { performance } from 'node:perf_hooks';
import { ProblemDetector } from '../src/core/detect/index.js';
import { buildDocs } from './detect-corpus.js';
const { tex, md } = buildDocs();
function run(name: string, text: string, format: 'latex'|'markdown', opener: string, frac: number) {
  const det = new ProblemDetector(format, { maxProblems: 100000 });
  let cur = text;
  let at = cur.indexOf('\n', Math.floor(cur.length * frac)) + 1;
  cur = cur.slice(0, at) + opener + cur.slice(at);
  det.reset(cur);
  at += opener.length;
  const xs: number[] = [];
  for (let i = 0; i < 40; i++) {
    const next = cur.slice(0, at) + 'x' + cur.slice(at);
    const t0 = performance.now();
    det.edit(at, at, 'x', next);
    xs.push(performance.now() - t0);
    cur = next; at++;
  }
  xs.sort((a,b)=>a-b);
  console.log(name.padEnd(40), 'median', xs[20]!.toFixed(2), 'max', xs[39]!.toFixed(2));
}
for (const frac of [0.1, 0.5, 0.9]) {
  run(`tex \\begin{center} @${frac}`, tex, 'latex', '\\begin{center}\n', frac);
  run(`tex \\begin{problem} @${frac}`, tex, 'latex', '\\begin{problem}\n', frac);
  run(`tex $$ @${frac}`, tex, 'latex', '$$\n', frac);
  run(`md fence @${frac}`, md, 'markdown', '```\n', frac);
  run(`md $$ @${frac}`, md, 'markdown', '$$\n', frac);
  run(`md <!-- @${frac}`, md, 'markdown', '<!--\n', frac);
  run(`md plain @${frac}`, md, 'markdown', '\n', frac);
  run(`tex plain @${frac}`, tex, 'latex', '\n', frac);
}
