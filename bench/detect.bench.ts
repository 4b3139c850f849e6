// Detection speed on ~1 MB documents built from MATH-500 problems: full detection, re-detection after a
// one-character edit (incremental), typing inside / after structures left open, and markdown-it alone on
// the same Markdown. Prints numbers only.
import { performance } from 'node:perf_hooks';
import { detectProblems, ProblemDetector } from '../src/core/detect/index.js';
import { markdownItParse } from '../src/core/detect/markdown.js';
import { buildDocs } from './detect-corpus.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function time(fn: () => void, runs: number): { median: number; min: number } {
  fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return { median: median(xs), min: Math.min(...xs) };
}
const fmt = (x: number) => `${x.toFixed(2)} ms`;

const { tex, md, source, texProblems, mdProblems } = buildDocs();
console.log(`documents from ${source}`);
console.log(`.tex ${(tex.length / 1024).toFixed(0)} KiB (${texProblems} blocks), .md ${(md.length / 1024).toFixed(0)} KiB (${mdProblems} blocks)`);

const rows: [string, string, string, string][] = [];
for (const [name, text, format, goalFull] of [
  ['.tex', tex, 'latex', 30],
  ['.md', md, 'markdown', 150],
] as const) {
  let found = 0;
  const full = time(() => {
    found = detectProblems(text, format, { maxProblems: 100000 }).length;
  }, 15);
  rows.push([`${name} full detection (${found} problems)`, fmt(full.median), fmt(full.min), `≤ ${goalFull} ms`]);

  // One-character edits in the middle of a problem statement, alternately inserted and removed.
  const det = new ProblemDetector(format, { maxProblems: 100000 });
  det.reset(text);
  let cur = text;
  const mid = text.indexOf('Find', Math.floor(text.length / 2));
  const at = mid > 0 ? mid + 2 : Math.floor(text.length / 2);
  const edits: number[] = [];
  for (let i = 0; i < 200; i++) {
    const insert = i % 2 === 0;
    const next = insert ? cur.slice(0, at) + 'x' + cur.slice(at) : cur.slice(0, at) + cur.slice(at + 1);
    const t0 = performance.now();
    const ps = insert ? det.edit(at, at, 'x', next) : det.edit(at, at + 1, '', next);
    edits.push(performance.now() - t0);
    cur = next;
    if (ps.length === 0) throw new Error('lost the problems');
  }
  rows.push([`${name} re-detect after 1-char edit`, fmt(median(edits.slice(10))), fmt(Math.min(...edits)), '≤ 3 ms']);

  // An edit that opens a new structure (worst case for resync): typed at the top.
  const det2 = new ProblemDetector(format, { maxProblems: 100000 });
  det2.reset(text);
  const ins = format === 'latex' ? '\\begin{problem}Find $y$.\\end{problem}\n' : '**Problem 0.** Find $y$.\n\n';
  const pos = format === 'latex' ? text.indexOf('\\begin{document}') + 17 : text.indexOf('# Problems');
  const t0 = performance.now();
  det2.edit(pos, pos, ins, text.slice(0, pos) + ins + text.slice(pos));
  rows.push([`${name} re-detect after inserting a problem at the top`, fmt(performance.now() - t0), '', '']);
}
// Typing inside or after a structure left open (an unclosed \begin{…}, $$, code fence or <!--): the opener
// is typed at a tenth of the ~1 MB document, then 60 one-character edits each right after it, in the
// middle of the rest and near the end. Each case prints the median and the slowest keystroke (wall clock),
// and the median CPU time of the process per keystroke (less disturbed by other work on the machine).
const openRows: [string, string, string, string][] = [];
for (const [name, text, format, openers] of [
  ['.tex', tex, 'latex', ['\\begin{', '\\begin{center}\n', '\\begin{itemize}\n\\item ', '\\begin{verbatim}\n', '\\begin{comment}\n', '$$\n', '']],
  ['.md', md, 'markdown', ['```\n', '````\n', '<!--\n', '$$\n', ':::{note}\n', '']],
] as const) {
  for (const opener of openers) {
    const det = new ProblemDetector(format, { maxProblems: 100000 });
    // After a blank line: where a fence, comment or environment starts a block of its own.
    const at0 = text.indexOf('\n\n', Math.floor(text.length / 10)) + 2;
    let cur = text.slice(0, at0) + opener + text.slice(at0);
    det.reset(cur);
    const times: number[] = [];
    const cpu: number[] = [];
    for (const where of [0, 0.5, 0.97]) {
      let at = where === 0 ? at0 + opener.length : cur.indexOf('\n', Math.floor(cur.length * where)) + 1;
      for (let k = 0; k < 60; k++) {
        const next = cur.slice(0, at) + 'y' + cur.slice(at);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        det.edit(at, at, 'y', next);
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        cur = next;
        at++;
      }
    }
    const label = opener === '' ? '(nothing open: plain typing)' : `after unclosed ${JSON.stringify(opener.replace(/\n$/, ''))}`;
    openRows.push([`${name} 1-char edits ${label}`, fmt(median(times)), fmt(Math.max(...times)), `${fmt(median(cpu))} CPU; ≤ 3 ms each`]);
  }
}

const mdit = time(() => markdownItParse(md), 15);
rows.push(['.md markdown-it parse alone (same text)', fmt(mdit.median), fmt(mdit.min), '(reference)']);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${'measure'.padEnd(w)}  ${'median'.padStart(10)}  ${'min'.padStart(10)}  goal`);
for (const r of rows) console.log(`${r[0].padEnd(w)}  ${r[1].padStart(10)}  ${r[2].padStart(10)}  ${r[3]}`);
const w2 = Math.max(...openRows.map((r) => r[0].length));
console.log(`\n${'typing inside / after an open structure (180 keystrokes each)'.padEnd(w2)}  ${'median'.padStart(10)}  ${'slowest'.padStart(10)}  goal`);
for (const r of openRows) console.log(`${r[0].padEnd(w2)}  ${r[1].padStart(10)}  ${r[2].padStart(10)}  ${r[3]}`);
