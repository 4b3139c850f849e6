// Our own fixtures (test/fixtures/detect): every construct of the issue in several languages, with the
// expected start line (1-based), kind, solved flag and language in expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems, formatOf } from '../../../src/core/detect/index.js';

const dir = join(__dirname, '..', '..', 'fixtures', 'detect');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<
  string,
  { line: number; kind: string; solved: boolean; language?: string }[]
>;

for (const [file, want] of Object.entries(expected)) {
  test(`fixture ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const got = detectProblems(text, formatOf(file)!);
    assert.deepEqual(
      got.map((p) => p.startLine + 1),
      want.map((w) => w.line),
      `start lines of ${file}`,
    );
    got.forEach((p, i) => {
      const w = want[i]!;
      assert.equal(p.kind, w.kind, `${file}:${w.line} kind`);
      assert.equal(p.solved, w.solved, `${file}:${w.line} solved`);
      if (w.language) assert.equal(p.language, w.language, `${file}:${w.line} language`);
      assert.ok(p.text.length > 0, `${file}:${w.line} has statement text`);
      assert.ok(p.endLine >= p.startLine && p.endOffset > p.startOffset && p.blockEndOffset >= p.endOffset, `${file}:${w.line} range`);
      assert.equal(text.slice(0, p.startOffset).split('\n').length - 1, p.startLine, `${file}:${w.line} offset/line agree`);
    });
  });
}

test('LaTeX statement text drops markup and keeps math', () => {
  const [p] = detectProblems('\\begin{problem}\\label{x}\n  Show that $a^2 \\ge 0$. % note\n\\end{problem}\n', 'latex');
  assert.equal(p!.text, 'Show that $a^2 \\ge 0$.');
});

test('sub-parts are reported under their parent only', () => {
  const tex = '\\begin{exercise}\nLet $f(x)=x^2$.\n\\begin{enumerate}\n\\item Find $f(2)$.\n\\item Prove $f \\ge 0$.\n\\end{enumerate}\n\\end{exercise}\n';
  assert.equal(detectProblems(tex, 'latex').length, 1);
  const md = '## Problem 1\n\nLet $f(x)=x^2$.\n\n### (a)\n\nFind $f(2)$.\n\n### (b)\n\nProve $f \\ge 0$.\n';
  const ps = detectProblems(md, 'markdown');
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.endLine, 10);
});

test('extra environment names from options', () => {
  const tex = '\\begin{homeworkitem}\nCompute $1+1$.\n\\end{homeworkitem}\n';
  assert.equal(detectProblems(tex, 'latex').length, 0);
  assert.equal(detectProblems(tex, 'latex', { extraEnvironments: ['homeworkitem'] }).length, 1);
});

test('theorems, definitions, proofs and worked examples are not problems', () => {
  const tex = [
    '\\begin{theorem}Show that $x$.\\end{theorem}',
    '\\begin{definition}Find means search.\\end{definition}',
    '\\begin{proof}Prove it.\\end{proof}',
    '\\begin{example}Find $1+1$. It is $2$.\\end{example}',
    '\\begin{remark}Is it true?\\end{remark}',
  ].join('\n');
  assert.deepEqual(detectProblems(tex, 'latex'), []);
  const md = '## Example 1\n\nFind $1+1$.\n\n1. Compute $2+2$.\n\n## Solution\n\nIt is 2.\n\n```python\n# Problem 1. Find x\n```\n';
  assert.deepEqual(detectProblems(md, 'markdown'), []);
});

test('false-positive guards: install steps, quoted remarks, wrapped prose in lists', () => {
  const readme = '# Setup\n\n1. Install the package with npm.\n2. Use the command line to build it.\n3. Check that it works.\n';
  assert.deepEqual(detectProblems(readme, 'markdown'), []);
  const quote = '# Notes\n\nThe sum $1+2$ is $3$.\n\n> Why does this work? Because addition is associative, as we saw.\n';
  assert.deepEqual(detectProblems(quote, 'markdown'), []);
  const tex = '\\begin{itemize}\n\\item The map is continuous, and in the next section we\nshow that it is open.\n\\item It is a bijection.\n\\end{itemize}\n';
  assert.deepEqual(detectProblems(tex, 'latex'), []);
});

test('items under an Exercises heading count even without a task verb', () => {
  const md = '## Exercises\n\n- $\\int_0^1 x^2\\,dx$\n- $\\lim_{x\\to 0} \\frac{\\sin x}{x}$\n\n## Notes\n\n- a remark\n';
  assert.deepEqual(detectProblems(md, 'markdown').map((p) => [p.startLine, p.kind]), [[2, 'item'], [3, 'item']]);
  const tex = '\\section*{Übungen}\n\\begin{enumerate}\n\\item $2^{10}$\n\\item $\\sqrt{144}$\n\\end{enumerate}\n';
  assert.deepEqual(detectProblems(tex, 'latex').map((p) => p.startLine), [2, 3]);
});
