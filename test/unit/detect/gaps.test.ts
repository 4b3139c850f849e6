// Gaps found on the sample workspace: Chinese (and other) bold labels, blockquoted labelled problems
// right after a section problem, and exam-class solutions leaking into the statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems } from '../../../src/core/detect/index.js';

const dir = join(__dirname, '..', '..', 'fixtures', 'detect');

test('bold labels in Chinese, Korean, Japanese, German and Russian are problems', () => {
  for (const word of ['问题', '문제', '問題', 'Aufgabe', 'Задача', '习题', '试题']) {
    const md = `# 练习\n\n**${word} 1.** 求 $x^2 = 4$ 的解。\n\n**${word} 2.** 证明 $\\sqrt 2$ 是无理数。\n`;
    const ps = detectProblems(md, 'markdown');
    assert.deepEqual(ps.map((p) => p.startLine), [2, 4], word);
    assert.equal(ps[0]!.label, `${word} 1`);
    assert.equal(ps[0]!.text, '求 $x^2 = 4$ 的解。');
  }
});

test('a blockquoted labelled problem after a section problem is its own problem', () => {
  const text = readFileSync(join(dir, 'bold-labels.md'), 'utf8');
  const ps = detectProblems(text, 'markdown');
  const ex = ps.find((p) => p.label === 'Exercise 7')!;
  assert.equal(ex.text, 'Show that $n^2 + n$ is even for every integer $n$.');
  assert.equal(ex.endLine, 16);
  const q = ps.find((p) => p.label === 'Problem 8')!;
  assert.equal(q.startLine, 18);
  assert.equal(q.text, 'Let $f(x) = 2x + 3$. Compute $f(f(1))$.');
  const p9 = ps.find((p) => p.label === 'Problem 9')!;
  assert.equal(p9.text, 'Prove that $\\sqrt 2$ is irrational.');
  const p10 = ps.find((p) => p.label === 'Problem 10')!;
  assert.equal(p10.endLine, 22);
  // An unlabelled quote under a section stays part of it.
  const hint = detectProblems('### Exercise 1\n\nShow that $n$ is even.\n\n> Use parity of $n$ and of $n+1$.\n', 'markdown');
  assert.equal(hint.length, 1);
  assert.match(hint[0]!.text, /Use parity/);
});

test('exam class: statements stop at their solution, also inside parts; \\titledquestion titles are labels', () => {
  const text = readFileSync(join(dir, 'exam-solutions.tex'), 'utf8');
  const ps = detectProblems(text, 'latex');
  assert.equal(ps.length, 4);
  for (const p of ps) assert.doesNotMatch(p.text, /product rule|limit is|gives|\\begin|\\end/, p.text);
  assert.equal(ps[0]!.text, 'Find the derivative of $g(x) = x^2 e^{x}$.');
  assert.equal(ps[0]!.endLine, 3);
  assert.equal(ps[1]!.label, 'Limits');
  assert.equal(ps[1]!.text, 'Compute $\\lim_{x \\to 0} \\frac{\\sin 3x}{x}$.');
  assert.match(ps[2]!.text, /critical points/);
  assert.match(ps[2]!.text, /Classify them/);
  assert.match(ps[3]!.text, /^Evaluate .*\n\n- \$0\$/s);
});
