// The incremental detector must give exactly what a full detection of the edited text gives, after
// any sequence of edits (random inserts / deletes of markup that opens and closes structures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems, formatOf, ProblemDetector, type DetectedProblem } from '../../../src/core/detect/index.js';
import { sharedDataDir } from '../../support/shared-data.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = {
  latex: ['\n', '\n\n', '{', '}', '\\', '%', 'a', ' ', '\\begin{problem}\nFind $x$.\n', '\\end{problem}\n', '\\begin{enumerate}\n\\item Prove it.\n', '\\end{enumerate}', '\\section*{Problem 9}\n', '\\begin{verbatim}\n', '\\end{verbatim}\n', '\\begin{solution}ok\\end{solution}\n', '\\newtheorem{qq}{Question}\n', '\\begin{qq}Why?\\end{qq}\n'],
  markdown: ['\n', '\n\n', '#', '# ', '### Solution\n\n', '#### Example 2\n\nFind it.\n', '## Problem 4\n\nFind $y$.\n', '**Problem 5.** Show it.\n\n', '```\n', '```{exercise}\nSolve.\n```\n', '::::challenge\nFind z.\n::::\n', '> Is it true?\n', '1. Compute $2+2$.\n', '---\n', '<!--', '-->', 'x', ' ', '**Solution.** Done.\n\n', '## Exercises\n\n'],
};

function sources(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const fx = join(__dirname, '..', '..', 'fixtures', 'detect');
  for (const f of readdirSync(fx)) if (formatOf(f)) out.push({ name: f, text: readFileSync(join(fx, f), 'utf8') });
  const dev = sharedDataDir ? join(sharedDataDir, 'detect-dev', 'docs') : undefined;
  if (dev && existsSync(dev)) for (const f of readdirSync(dev)) out.push({ name: f, text: readFileSync(join(dev, f), 'utf8') });
  // Long documents: many segments, so edits really are incremental.
  const fixtures = out.filter((s) => !s.name.includes('/') && existsSync(join(fx, s.name)));
  for (const s of fixtures) out.push({ name: `${s.name} ×12`, text: Array(12).fill(s.text).join('\n') });
  // A long Markdown problem set with nested sections, where the detector resumes after the edited
  // segments from the previous run's results (headings of every level, solutions, containers).
  const chunks: string[] = ['# Problems', ''];
  for (let i = 0; i < 160; i++) {
    if (i % 4 === 0) chunks.push(`### Problem ${i}`, '', `Find all $x$ with $x^2 = ${i}$.`, '');
    else if (i % 4 === 1) chunks.push(`**Problem ${i}.** Show that $${i}$ is an integer.`, '', '**Solution.** Omitted.', '');
    else if (i % 4 === 2) chunks.push('```{exercise}', `:label: ex-${i}`, '', `Compute $${i} + 1$.`, '```', '');
    else chunks.push(`## Exercises ${i}`, '', `1. Evaluate $${i}^2$ and explain.`, '', i % 8 === 3 ? '## Solution\n\nIt is easy.\n' : '');
  }
  out.push({ name: 'generated-sections.md', text: chunks.join('\n') });
  return out;
}

function strip(ps: ReturnType<typeof detectProblems>) {
  return ps.map((p) => ({ ...p }));
}

for (const src of sources()) {
  const format = formatOf(src.name.replace(/ ×\d+$/, ''))!;
  test(`incremental = full after random edits: ${src.name}`, () => {
    const rand = rng(src.name.length * 7919 + src.text.length);
    const det = new ProblemDetector(format);
    let text = src.text;
    assert.deepEqual(strip(det.reset(text)), strip(detectProblems(text, format)));
    const pieces = PIECES[format];
    for (let step = 0; step < 60; step++) {
      const at = Math.floor(rand() * (text.length + 1));
      let start = at;
      let end = at;
      let insert = '';
      const r = rand();
      if (r < 0.45) insert = pieces[Math.floor(rand() * pieces.length)]!;
      else if (r < 0.8) end = Math.min(text.length, at + Math.floor(rand() * 40));
      else {
        end = Math.min(text.length, at + Math.floor(rand() * 10));
        insert = pieces[Math.floor(rand() * pieces.length)]!;
      }
      if (rand() < 0.3) {
        // Edits at line starts hit segment boundaries.
        const ls = text.lastIndexOf('\n', at - 1) + 1;
        start = ls;
        end = Math.max(ls, Math.min(end, text.length));
      }
      const next = text.slice(0, start) + insert + text.slice(end);
      const inc = det.edit(start, end, insert, next);
      const full = detectProblems(next, format);
      assert.deepEqual(strip(inc), strip(full), `step ${step}: edit [${start},${end}) → ${JSON.stringify(insert)}`);
      text = next;
    }
  });
}

test('editMany applies a batch of edits in order', () => {
  const base = '## Problem 1\n\nFind $x$.\n\n## Problem 2\n\nFind $y$.\n';
  const det = new ProblemDetector('markdown');
  det.reset(base);
  const e1 = { start: 0, end: 0, insert: '**Problem 0.** Show $0=0$.\n\n' };
  const t1 = e1.insert + base;
  const e2 = { start: t1.length, end: t1.length, insert: '\n## Problem 3\n\nFind $z$.\n' };
  const t2 = t1 + e2.insert;
  assert.deepEqual(det.editMany([e1, e2], t2), detectProblems(t2, 'markdown'));
  assert.equal(det.current.length, 4);
});

// LaTeX re-detection reuses the previous run's problems before and after the edited segments (segments
// that start with a heading closing every section). Long documents of sectioned problems, edited at
// random with pieces that open/close sections, chapters and solution headings, must still give exactly
// a full detection — also when the number of problems hits maxProblems.
test('latex: reuse of unchanged segments around an edit equals full detection', () => {
  const chunks: string[] = ['\\documentclass{article}', '\\newtheorem{problem}{Problem}', '\\begin{document}', ''];
  for (let n = 0; n < 220; n++) {
    const k = n % 5;
    if (k === 0) chunks.push(`\\begin{problem}\nFind $x_{${n}}$ when $x^2 = ${n}$.\n\\end{problem}\n`);
    else if (k === 1) chunks.push(`\\section*{Problem ${n}}\nShow that ${n} is a number worth a long line of text here.\n`);
    else if (k === 2) chunks.push(`\\begin{exercise}\nCompute $${n}+1$.\n\\end{exercise}\n\\begin{solution}\nIt is ${n + 1}.\n\\end{solution}\n`);
    else if (k === 3) chunks.push(`\\subsection{Warm-up ${n}}\n\\begin{enumerate}\n\\item Prove that $${n} > 0$.\n\\end{enumerate}\n`);
    else chunks.push(`\\section{Notes ${n}}\nSome prose about the topic that follows, long enough to matter.\n`);
  }
  const base = chunks.join('\n');
  const pieces = ['\n', '\\section*{Problem 77}\n', '\\section*{Solution}\n', '\\chapter{Exercises}\n', '\\section{Examples}\n', '\\begin{problem}\n', '\\end{problem}\n', '\\item Find $y$.\n', 'x', '\\subsection*{Problem 3}\nFind it.\n', '%'];
  for (const maxProblems of [undefined, 60]) {
    const rand = rng(maxProblems ?? 7);
    const opts = maxProblems ? { maxProblems } : {};
    const det = new ProblemDetector('latex', opts);
    let text = base;
    assert.deepEqual(strip(det.reset(text)), strip(detectProblems(text, 'latex', opts)));
    for (let step = 0; step < 120; step++) {
      const at = Math.floor(rand() * (text.length + 1));
      const r = rand();
      const end = r < 0.3 ? Math.min(text.length, at + Math.floor(rand() * 300)) : at;
      const insert = r < 0.15 ? '' : pieces[Math.floor(rand() * pieces.length)]!;
      const next = text.slice(0, at) + insert + text.slice(end);
      const inc = det.edit(at, end, insert, next);
      assert.deepEqual(strip(inc), strip(detectProblems(next, 'latex', opts)), `max ${maxProblems} step ${step}: [${at},${end}) → ${JSON.stringify(insert)}`);
      text = next;
    }
  }
});

// markdown-it reads `<!x …` (and `<?…`, CDATA, raw `<pre>`) as one HTML block up to its end marker, over blank
// lines and headings: those headings are HTML, not problems, and no segment may end inside (storm 468489145).
test('markdown: an HTML block open until its end marker hides the headings inside it, also after an edit that opens it', () => {
  const sec = (k: number): string => `## Exercise ${k}\n\nFind $x$ with $x^2 = ${k}$ and explain each step of the computation carefully.\n\n${'Some words of prose. '.repeat(60)}\n\n`;
  const parts: string[] = [];
  for (let k = 1; k <= 12; k++) parts.push(sec(k));
  const at = parts.slice(0, 4).join('').length;
  parts.splice(4, 0, '<note about the next part\n\n');
  parts.splice(9, 0, 'end of the note >\n\n');
  const before = parts.join('');
  const det = new ProblemDetector('markdown');
  assert.equal(det.reset(before).length, 12, 'without the `!` every heading is a problem');
  const after = before.slice(0, at + 1) + '!' + before.slice(at + 1);
  const inc = det.edit(at + 1, at + 1, '!', after).map((p) => ({ ...p }));
  const fresh = detectProblems(after, 'markdown').map((p) => ({ ...p }));
  assert.deepEqual(inc, fresh);
  // Exercises 5–8 lie inside `<!note … >`.
  assert.deepEqual(fresh.map((p) => p.label), ['Exercise 1', 'Exercise 2', 'Exercise 3', 'Exercise 4', 'Exercise 9', 'Exercise 10', 'Exercise 11', 'Exercise 12']);
  for (const open of ['<?php\n\n', '<![CDATA[\n\n', '<pre>\n\n']) {
    const t = before.slice(0, at) + open + before.slice(at);
    const close = open.startsWith('<?') ? '?>' : open.startsWith('<![') ? ']]>' : '</pre>';
    const closed = t.replace('end of the note >', `end ${close}`);
    assert.equal(detectProblems(closed, 'markdown').length, 8, `${JSON.stringify(open)}: the four exercises inside are HTML`);
  }
});

// The segment scanner follows markdown-it's blocks only roughly: `<!--` inside a paragraph line is no HTML block to
// markdown-it, which then reads the fence below it; a cut is made only where markdown-it has no block open
// (storm 528170694).
test('markdown: no segment ends inside a fence the scanner missed (an inline `<!--` above it), fresh or after an edit', () => {
  const prose = `${'Some words of prose about the sheet. '.repeat(40)}\n\n`;
  const sec = (k: number): string => `## Exercise ${k}\n\nFind $x$ with $x^2 = ${k}$.\n\n${prose}`;
  const text = [sec(1), sec(2), 'A remark <!-- an unfinished comment\n```\n', sec(3), '-->\n\n', sec(4), '```\n\n', sec(5), sec(6)].join('');
  const fresh = detectProblems(text, 'markdown');
  assert.deepEqual(fresh.map((p) => p.label), ['Exercise 1', 'Exercise 2', 'Exercise 5', 'Exercise 6'], 'Exercises 3 and 4 are code');
  const det = new ProblemDetector('markdown');
  det.reset(text.replace('```\n', '``\n'));
  const at = text.indexOf('``\n') + 2;
  const inc = det.edit(at, at, '`', text).map((p) => ({ ...p }));
  assert.deepEqual(inc, fresh.map((p) => ({ ...p })));
});

test('detach copies a string exactly, lone surrogates and all (it used to round-trip through UTF-8)', async () => {
  const { detach } = await import('../../../src/core/detect/segments.js');
  const doc = `Problem 1. Find x.\n${'\ud835'}broken surrogate and an orphan low ${'\udc00'} half, then ∑ and 𝔽.\n`.repeat(3);
  for (const [a, b] of [[0, doc.length], [5, 60], [19, 40], [0, 12]] as const) {
    const s = doc.slice(a, b);
    assert.equal(detach(s), s);
    assert.equal(detach(s).length, s.length);
  }
});

test('a document with \\end{document} in a late segment: problems after it are dropped, also after edits that move or remove it', () => {
  const body = Array.from({ length: 300 }, (_, i) => `\\section*{Problem ${i + 1}}\nFind the value of $x_{${i}}$ such that $x^2 = ${i}$.\n\n`).join('');
  let text = `\\documentclass{article}\n\\begin{document}\n${body}  \\end{document}\n\\section*{Problem 999}\nFind $y$.\n`;
  const det = new ProblemDetector('latex');
  const fresh = (t: string) => detectProblems(t, 'latex');
  assert.deepEqual(det.reset(text), fresh(text));
  assert.equal(det.current.length, 300);
  // Remove the end of the document: the problem after it counts now.
  const at = text.indexOf('  \\end{document}');
  let next = text.slice(0, at) + text.slice(at + '  \\end{document}\n'.length);
  assert.deepEqual(det.edit(at, at + '  \\end{document}\n'.length, '', next), fresh(next));
  assert.equal(det.current.length, 301);
  text = next;
  // Put it back in the middle: the second half is after it.
  const mid = text.indexOf('\\section*{Problem 151}');
  next = text.slice(0, mid) + '\\end{document}\n' + text.slice(mid);
  assert.deepEqual(det.edit(mid, mid, '\\end{document}\n', next), fresh(next));
  assert.equal(det.current.length, 150);
});

// Documents of free-titled sections ("## Topic k"): the sections are problems when their siblings agree (see
// markdownProblems), a decision the rules keep open to the end of the document. Each section fills a segment of its own.
function freeTitled(n: number, task: (k: number) => boolean, title = 'Problem Set 2'): string {
  const filler = 'The notation follows the lecture; all functions are smooth and all sums are finite here. '.repeat(14);
  const parts = [`---\nlayout: page\ntitle: ${title}\n---\n\n`];
  for (let k = 1; k <= n; k++) {
    const body = task(k) ? `Find all real $x_${k}$ with $x_${k}^2 = ${k + 1}$ and show that there are exactly two.` : `The value $x_${k} = ${k}$ is used later.`;
    parts.push(`## Topic ${k}\n\n${body}\n\n${filler}\n\n`);
  }
  return parts.join('');
}
const plainProblems = (ps: readonly DetectedProblem[]): unknown => JSON.parse(JSON.stringify(ps));

test('markdown: an edit that moves the rest of the document, then an edit further down, equals a fresh detection (resume points carried by a shift held the old problem objects)', () => {
  let text = freeTitled(8, () => true);
  const det = new ProblemDetector('markdown');
  det.reset(text);
  // A keystroke in the first section moves every later one; then typing in later sections, where a run resumes at
  // a point that the first run carried over.
  const steps: [number, number, string][] = [[-1, 0, 'y']];
  for (let k = 0; k < 12; k++) steps.push([-(k % 4) - 5, 0, 'y']);
  for (const [a0, del, ins] of steps) {
    // A negative position: inside the statement of topic |a0|.
    const a = a0 >= 0 ? a0 : text.indexOf('Find all real', text.indexOf(`## Topic ${-a0}`)) + 5;
    const next = text.slice(0, a) + ins + text.slice(a + del);
    const inc = det.edit(a, a + del, ins, next);
    text = next;
    assert.deepEqual(plainProblems(inc), plainProblems(detectProblems(text, 'markdown')));
  }
  assert.ok(det.current.length >= 4, `problems left: ${det.current.length}`);
});

test('markdown: editing the front matter title that names a problem set re-decides the sections below it', () => {
  // Half the sections state a task: enough for siblings to agree under a "Problem Set" title, not without it.
  let text = freeTitled(6, (k) => k % 2 === 0);
  const det = new ProblemDetector('markdown');
  assert.deepEqual(plainProblems(det.reset(text)), plainProblems(detectProblems(text, 'markdown')));
  const withTitle = det.current.length;
  const at = text.indexOf('Problem Set 2');
  const next = text.slice(0, at) + 'Lecture notes' + text.slice(at + 'Problem Set 2'.length);
  const inc = det.edit(at, at + 'Problem Set 2'.length, 'Lecture notes', next);
  text = next;
  assert.deepEqual(plainProblems(inc), plainProblems(detectProblems(text, 'markdown')));
  assert.notEqual(inc.length, withTitle, 'the title decides the sections here');
});
