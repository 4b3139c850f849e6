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
// One-character edits on the ~1 MB documents, each case 180 keystrokes: typing inside or after a structure
// left open (the opener is typed after a blank line at a tenth of the document, then 60 keystrokes right after
// it, 60 in the middle of the rest and 60 near the end, all inside or after the open structure), plain typing
// in a paragraph, in a heading and on a problem's first line (60 keystrokes at each of three places). Each
// case prints the median and 95th percentile of the wall clock per keystroke, the median CPU time of the
// process per keystroke (less disturbed by other work on the machine), and pass/FAIL against 3 ms (the
// median wall clock). Prints only; asserts nothing.
const BOUND = 3;
const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
};
function typing(text: string, format: 'latex' | 'markdown', opener: string, places: (doc: string) => number[]): { times: number[]; cpu: number[] } {
  const det = new ProblemDetector(format, { maxProblems: 100000 });
  // After a blank line: where a fence, comment or environment starts a block of its own.
  const at0 = text.indexOf('\n\n', Math.floor(text.length / 10)) + 2;
  let cur = opener ? text.slice(0, at0) + opener + text.slice(at0) : text;
  det.reset(cur);
  const times: number[] = [];
  const cpu: number[] = [];
  const at = opener ? [at0 + opener.length, cur.indexOf('\n', Math.floor(cur.length * 0.5)) + 1, cur.indexOf('\n', Math.floor(cur.length * 0.97)) + 1] : places(cur);
  for (let p = 0; p < at.length; p++) {
    let a = at[p]!;
    for (let k = 0; k < 60; k++) {
      const next = cur.slice(0, a) + 'y' + cur.slice(a);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      det.edit(a, a, 'y', next);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      cur = next;
      // Later places move with the inserted characters.
      for (let q = p + 1; q < at.length; q++) if (at[q]! >= a) at[q]!++;
      a++;
    }
  }
  return { times, cpu };
}
/** Three places (at a tenth, the middle, near the end) right after each match of `re` there. */
const after = (re: RegExp) => (doc: string): number[] =>
  [0.1, 0.5, 0.9].map((f) => {
    const r = new RegExp(re.source, 'g');
    r.lastIndex = Math.floor(doc.length * f);
    const m = r.exec(doc);
    return m ? m.index + m[0].length : Math.floor(doc.length * f);
  });
const openRows: [string, string, string, string, string][] = [];
const CASES: [string, string, 'latex' | 'markdown', string, ((doc: string) => number[])?][] = [
  ['.tex', tex, 'latex', '\\begin{center}\n'],
  ['.tex', tex, 'latex', '\\begin{itemize}\n\\item '],
  ['.tex', tex, 'latex', '\\begin{problem}\n'],
  ['.tex', tex, 'latex', '$$\n'],
  ['.tex', tex, 'latex', '\\[\n'],
  ['.tex', tex, 'latex', '\\begin{'],
  ['.tex', tex, 'latex', '\\begin{verbatim}\n'],
  ['.tex', tex, 'latex', '\\begin{comment}\n'],
  ['.tex', tex, 'latex', '', after(/\n\n[A-Z][a-z]+ /)],
  ['.tex', tex, 'latex', '', after(/\\section\*\{Problem /)],
  ['.tex', tex, 'latex', '', after(/\\begin\{problem\}\n/)],
  ['.md', md, 'markdown', '```\n'],
  ['.md', md, 'markdown', '````\n'],
  ['.md', md, 'markdown', '~~~\n'],
  ['.md', md, 'markdown', ':::{note}\n'],
  ['.md', md, 'markdown', '<!--\n'],
  ['.md', md, 'markdown', '<div>\n'],
  ['.md', md, 'markdown', '$$\n'],
  ['.md', md, 'markdown', '', after(/\n\n[A-Z][a-z]+ /)],
  ['.md', md, 'markdown', '', after(/### Problem /)],
  ['.md', md, 'markdown', '', after(/\*\*Problem \d+\.\*\* /)],
];
const PLAIN = ['plain typing in a paragraph', 'typing in a heading', "typing on a problem's first line"];
const plainSeen: Record<string, number> = {};
for (const [name, text, format, opener, places] of CASES) {
  const { times, cpu } = typing(text, format, opener, places ?? (() => []));
  let label: string;
  if (opener) label = `inside/after unclosed ${JSON.stringify(opener.replace(/\n$/, ''))}`;
  else {
    const k = (plainSeen[name] = (plainSeen[name] ?? -1) + 1);
    label = PLAIN[k]!;
  }
  const med = median(times);
  openRows.push([`${name} ${label}`, fmt(med), fmt(pct(times, 0.95)), fmt(median(cpu)), med <= BOUND ? 'pass' : 'FAIL']);
}

// Memory the detector keeps after edits at many places of the ~1 MB documents (heap after a full GC, before and after):
// nothing it keeps may pin a version of the document text (a kept slice of a string keeps the whole string alive).
const gc = (globalThis as { gc?: () => void }).gc;
const kept: string[] = [];
if (gc) {
  for (const [name, text, format] of [['.tex', tex, 'latex'], ['.md', md, 'markdown']] as const) {
    const det = new ProblemDetector(format, { maxProblems: 100000 });
    let cur = text;
    det.reset(cur);
    gc();
    const h0 = process.memoryUsage().heapUsed;
    const PLACES = 40;
    for (let p = 0; p < PLACES; p++) {
      let a = cur.indexOf('\n', Math.floor((cur.length * (p + 0.5)) / PLACES)) + 1;
      for (let k = 0; k < 3; k++) {
        const next = cur.slice(0, a) + 'y' + cur.slice(a);
        det.edit(a, a, 'y', next);
        cur = next;
        a++;
      }
    }
    gc();
    const grown = (process.memoryUsage().heapUsed - h0) / 1e6;
    kept.push(`${name} heap growth after 3 keystrokes at each of ${PLACES} places: ${grown.toFixed(1)} MB (document ${(text.length / 1e6).toFixed(1)} MB; pinned versions would add ~1 MB a place)`);
  }
} else kept.push('(heap growth after edits: run with node --expose-gc, as npm run bench does)');

const mdit = time(() => markdownItParse(md), 15);
rows.push(['.md markdown-it parse alone (same text)', fmt(mdit.median), fmt(mdit.min), '(reference)']);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${'measure'.padEnd(w)}  ${'median'.padStart(10)}  ${'min'.padStart(10)}  goal`);
for (const r of rows) console.log(`${r[0].padEnd(w)}  ${r[1].padStart(10)}  ${r[2].padStart(10)}  ${r[3]}`);
const head = `one-character edits, 180 keystrokes each (bound ${BOUND} ms)`;
const w2 = Math.max(head.length, ...openRows.map((r) => r[0].length));
console.log(`\n${head.padEnd(w2)}  ${'median'.padStart(10)}  ${'p95'.padStart(10)}  ${'CPU median'.padStart(10)}  ≤ ${BOUND} ms`);
for (const r of openRows) console.log(`${r[0].padEnd(w2)}  ${r[1].padStart(10)}  ${r[2].padStart(10)}  ${r[3].padStart(10)}  ${r[4]}`);
console.log('');
for (const k of kept) console.log(k);
