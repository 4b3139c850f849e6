// The incremental detector must give exactly what a full detection of the edited text gives, after
// any sequence of edits (random inserts / deletes of markup that opens and closes structures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems, formatOf, ProblemDetector } from '../../../src/core/detect/index.js';
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
