// The LaTeX habits of real documents (issue 11), each on a small document of our own: undeclared and
// abbreviated environment names, names inferred from usage, problem macros, bold paragraph heads,
// sections with free titles, lists under any heading, questions without task verbs, nesting, exam
// sub-parts, solution headings and inserted solutions. Start lines are 1-based as `detect --json` prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProblems, ProblemDetector } from '../../../src/core/detect/index.js';

const starts = (tex: string): number[] => detectProblems(tex, 'latex').map((p) => p.startLine + 1);
const doc = (...lines: string[]): string => ['\\documentclass{article}', '\\begin{document}', ...lines, '\\end{document}', ''].join('\n');

test('abbreviated, variant and starred problem environment names that the file does not declare', () => {
  const names = ['pr', 'ex', 'exer', 'aufgabe', 'zadacha', 'dproblem', 'sproblem', 'problem*', 'exercisebox', 'oppg', 'esercizio', 'uloha'];
  const lines: string[] = [];
  for (const n of names) lines.push(`\\begin{${n}}`, `Compute $\\int_0^1 x^{${lines.length}}\\,dx$.`, `\\end{${n}}`, '');
  const got = starts(doc(...lines));
  assert.deepEqual(got, names.map((_, k) => 3 + 4 * k));
});

test('an unknown environment used several times whose bodies state tasks is a problem environment', () => {
  const tex = doc(
    '\\begin{kysymys}', 'Find all real $x$ with $x^2 = 2x$.', '\\end{kysymys}',
    '\\begin{kysymys}', 'Prove that $\\sqrt 3$ is irrational.', '\\end{kysymys}',
    '\\begin{kysymys}', 'How many subsets does a set of $n$ elements have?', '\\end{kysymys}',
    '\\begin{mybox}', 'The derivative measures change.', '\\end{mybox}',
    '\\begin{mybox}', 'Continuity is preserved by sums.', '\\end{mybox}',
  );
  assert.deepEqual(starts(tex), [3, 6, 9]);
  // Used once, an unknown name says nothing.
  assert.deepEqual(starts(doc('\\begin{kysymys}', 'Find $x$.', '\\end{kysymys}')), []);
});

test('macros that start a problem: \\problem, \\exercise{Title}, \\pr, and {number}{statement} commands', () => {
  const tex = doc(
    '\\problem Show that every bounded monotone sequence converges.',
    '',
    '\\exercise{Warm-up} Compute $2^{10}$.',
    '',
    '\\pr Find the remainder of $3^{100}$ modulo $7$.',
  );
  assert.deepEqual(starts(tex), [3, 5, 7]);
  const numbered = doc(
    '\\hw{1}{Find the radius of convergence of the series $\\sum x^k/k$.}{It is 1.}',
    '',
    '\\hw{2}{Show that the function $f(x)=|x|$ is not differentiable at 0.}{Left and right limits differ.}',
  );
  assert.deepEqual(starts(numbered), [3, 5]);
  // \pr used as an operator inside math is not a problem.
  assert.deepEqual(starts(doc('\\begin{problem}', 'Let $P = \\pr_1 \\circ f$. Show that $P$ is open.', '\\end{problem}')), [3]);
});

test('bold paragraph heads: \\textbf{Problem 4}, {\\bf Question 3.2}, \\noindent\\textbf{5.}', () => {
  const tex = doc(
    '\\textbf{Problem 4.} Evaluate $\\lim_{x\\to 0} \\sin x / x$.',
    '',
    '\\textbf{Solution.} It is 1.',
    '',
    '{\\bf Question 3.2} Is it true that every group of order 4 is abelian?',
    '\\begin{enumerate}',
    '\\item Answer for the cyclic group.',
    '\\item Answer for the Klein group.',
    '\\end{enumerate}',
  );
  const ps = detectProblems(tex, 'latex');
  assert.deepEqual(ps.map((p) => p.startLine + 1), [3, 7]);
  assert.equal(ps[0]!.solved, true, 'the bold Solution paragraph solves Problem 4');
  const numbers = doc(
    '\\noindent\\textbf{1.} Find all integers $n$ with $n^2 < 10$.',
    '',
    '\\noindent\\textbf{2.} Determine the sum of the first 100 odd numbers.',
    '',
    '\\noindent\\textbf{3.} Solve $x^3 = x$ over the reals.',
  );
  assert.deepEqual(starts(numbers), [3, 5, 7]);
});

test('sections with free titles are problems when their sibling group states tasks', () => {
  const tex = doc(
    '\\section{Limits}', 'Compute $\\lim_{n\\to\\infty} (1+1/n)^n$.',
    '\\section{Series}', 'Decide whether $\\sum 1/n^2$ converges.',
    '\\section{Integrals}', 'Evaluate $\\int_0^\\pi \\sin x\\,dx$.',
    '\\section{Esercizio 2}', 'Dimostra che $\\sqrt 2$ è irrazionale.',
  );
  assert.deepEqual(starts(tex), [3, 5, 7, 9]);
  // Lecture notes: the sections explain, they do not ask.
  const notes = doc(
    '\\section{Limits}', 'A sequence converges when its terms approach a number.',
    '\\section{Series}', 'A series is the sequence of its partial sums.',
    '\\section{Integrals}', 'The integral measures signed area.',
  );
  assert.deepEqual(starts(notes), []);
});

test('problem headings over answers only are not problems', () => {
  const tex = doc(
    '\\section{Exercise 1}', 'We obtain $x = 2$ from the first equation, and then $y = 3$.',
    '\\section{Exercise 2}', 'The series converges by the ratio test, with limit $1/2$.',
    '\\section{Exercise 3}', 'Since $f$ is continuous on a compact set, it attains its maximum.',
  );
  assert.deepEqual(starts(tex), []);
});

test('lists of exercises under any heading or none; questions without a task verb; questions late in an item', () => {
  const tex = doc(
    '\\section*{Sequences}',
    '\\begin{enumerate}',
    '\\item Does there exist a sequence with every rational as a limit point?',
    '\\item For which $n$ is $n^2 + 1$ prime?',
    '\\item Let $a_1 = 1$ and $a_{n+1} = \\sqrt{2 + a_n}$. Is the sequence bounded?',
    '\\item $\\lim_{n \\to \\infty} n^{1/n}$',
    '\\end{enumerate}',
  );
  assert.deepEqual(starts(tex), [5, 6, 7, 8]);
  // Advice in a list is not a problem.
  const advice = doc('Before the exam:', '\\begin{itemize}', '\\item Check if you can state the definitions.', '\\item Sleep well.', '\\item Bring a pencil.', '\\end{itemize}');
  assert.deepEqual(starts(advice), []);
});

test('problems nested in proof, remark, frame, minipage and multicols; comment hides them', () => {
  const tex = doc(
    '\\begin{proof}',
    'By induction.',
    '\\begin{exercise}', 'Check the base case $n = 1$.', '\\end{exercise}',
    '\\end{proof}',
    '\\begin{remark}', '\\begin{question}', 'Why is compactness needed here?', '\\end{question}', '\\end{remark}',
    '\\begin{frame}', '\\begin{problem}', 'Find $x$ with $2^x = 8$.', '\\end{problem}', '\\end{frame}',
    '\\begin{minipage}{0.5\\textwidth}', '\\begin{problem}', 'Solve $x + 1 = 3$.', '\\end{problem}', '\\end{minipage}',
    '\\begin{multicols}{2}', '\\begin{problem}', 'Factor $x^2 - 1$.', '\\end{problem}', '\\end{multicols}',
    '\\begin{comment}', '\\begin{problem}', 'Find the hidden value.', '\\end{problem}', '\\end{comment}',
  );
  assert.deepEqual(starts(tex), [5, 10, 15, 20, 25]);
});

test('an unclosed environment while typing does not hide the problems after it', () => {
  const tex = doc(
    '\\begin{problem}', 'Find $x$ with $3x = 9$.',
    '\\begin{itemize}', '\\item typing here',
    '',
    '\\begin{problem}', 'Prove that $2 + 2 = 4$.', '\\end{problem}',
    '\\begin{problem}', 'Compute $7 \\cdot 8$.', '\\end{problem}',
  );
  assert.deepEqual(starts(tex), [3, 8, 11]);
});

test('exam class: sub-parts and choices belong to their question', () => {
  const tex = doc(
    '\\begin{questions}',
    '\\question[10] Let $f(x) = x^3 - 3x$.',
    '\\begin{parts}', '\\part Find the critical points of $f$.', '\\part Which of them are maxima?', '\\end{parts}',
    '\\question Which number is prime?',
    '\\begin{choices}', '\\choice 4', '\\CorrectChoice 5', '\\choice 6', '\\end{choices}',
    '\\end{questions}',
  );
  assert.deepEqual(starts(tex), [4, 9]);
});

test('an inserted solution after a problem ends it and marks it solved (environment, heading and item problems)', () => {
  const before = doc('\\section*{Problem 1}', 'Find $x$ with $x + 2 = 5$.', '', '\\section*{Problem 2}', 'Compute $3!$.');
  const p = detectProblems(before, 'latex');
  assert.deepEqual(p.map((q) => [q.startLine + 1, q.solved]), [[3, false], [6, false]]);
  // What Insert Solution writes: a proof environment titled Solution right after the statement.
  const at = p[0]!.endOffset;
  const after = before.slice(0, at) + '\n\\begin{proof}[Solution]\nSubtract 2: $x = 3$.\n\\end{proof}' + before.slice(at);
  const q = detectProblems(after, 'latex');
  assert.deepEqual(q.map((r) => [r.startLine + 1, r.solved]), [[3, true], [9, false]]);
  assert.equal(q[0]!.text, p[0]!.text, 'the statement is unchanged by the inserted solution');
  assert.ok(!/Subtract/.test(q[0]!.text));
  // The incremental detector agrees with a fresh detection after the insertion.
  const det = new ProblemDetector('latex');
  det.reset(before);
  const inc = det.edit(at, at, after.slice(at, at + (after.length - before.length)), after);
  assert.deepEqual(inc.map((r) => [r.startLine, r.solved, r.text]), q.map((r) => [r.startLine, r.solved, r.text]));

  const env = doc('\\begin{problem}', 'Compute $2^5$.', '\\end{problem}');
  const e = detectProblems(env, 'latex')[0]!;
  const withSol = env.slice(0, e.blockEndOffset) + '\n\\begin{solution}\n$32$.\n\\end{solution}' + env.slice(e.blockEndOffset);
  const s = detectProblems(withSol, 'latex');
  assert.equal(s.length, 1);
  assert.equal(s[0]!.solved, true);
  assert.equal(s[0]!.text, e.text);
});

test('Greek, Italian, Norwegian and Slovak task sentences in lists', () => {
  const tex = doc(
    '\\begin{enumerate}',
    '\\item Να υπολογιστεί το ολοκλήρωμα $\\int_0^1 x\\,dx$.',
    '\\item Calcola il limite $\\lim_{x\\to 0} \\sin x/x$.',
    '\\item Vis at $n^3 - n$ er delelig med 6.',
    '\\item Vypočítajte deriváciu funkcie $x^2 e^x$.',
    '\\end{enumerate}',
  );
  assert.deepEqual(starts(tex), [4, 5, 6, 7]);
});

test('beamer slides titled Exercise are problems (a set-up slide continues on the next), other slides are talk', () => {
  const tex = [
    '\\documentclass{beamer}', '\\begin{document}',
    '\\begin{frame}{Exercise}', '\\begin{enumerate}', '\\item Compute $A^2$.', '\\item Show that $A$ is invertible.', '\\end{enumerate}', '\\end{frame}',
    '\\begin{frame}{Exercise}', 'A walk moves left or right with probability $1/2$.', '\\end{frame}',
    '\\begin{frame}{Exercise}', '\\begin{enumerate}', '\\item Find the expected position after $n$ steps.', '\\end{enumerate}', '\\end{frame}',
    '\\begin{frame}{Existence}', '\\begin{enumerate}', '\\item Does a solution exist?', '\\item Is it unique?', '\\end{enumerate}', 'Usually yes to both.', '\\end{frame}',
    '\\end{document}', '',
  ].join('\n');
  const ps = detectProblems(tex, 'latex');
  assert.deepEqual(ps.map((p) => p.startLine + 1), [3, 9]);
  assert.match(ps[1]!.text, /expected position/);
});

test('\\Problem{N} and \\Aufgabe{N} commands followed by the statement on the line; \\Pr in math is not one', () => {
  const tex = doc(
    '\\Problem{1} Show that the odd numbers under addition do not form a group.',
    '',
    '\\textbf{Solution:} The sum of two odd numbers is even.',
    '',
    '\\Problem{2} Find the inverse of $3$ modulo $11$.',
    '\\[',
    '\\Pr(A \\mid B) = \\frac{\\Pr(B \\mid A)\\Pr(A)}{\\Pr(B)}',
    '\\]',
    '\\blatt{3} Berechnen Sie das Integral von $x^2$ auf $[0,1]$.',
    '',
    '\\blatt{4} Zeigen Sie, dass $\\sqrt 2$ irrational ist.',
  );
  const ps = detectProblems(tex, 'latex');
  assert.deepEqual(ps.map((p) => p.startLine + 1), [3, 7, 11, 13]);
  assert.equal(ps[0]!.solved, true);
});

test('problem headings whose statements are bare formulas stay problems', () => {
  const tex = doc('\\section*{Problem 1}', '$\\int_0^1 x^2\\,dx$', '\\section*{Problem 2}', '$\\lim_{n\\to\\infty} (1 + 2/n)^n$', '\\section*{Problem 3}', '$\\sum_{k=1}^{n} k^3$');
  assert.deepEqual(starts(tex), [3, 5, 7]);
});

test('a trivlist labelled "Solution." (Insert Solution without amsthm) ends the problem and marks it solved; the statement never quotes \\end{document}', () => {
  const doc = ['\\documentclass{article}', '\\begin{document}', '\\section*{Problem 1}', 'Find all real $x$ with $x^2 = 4$.', '\\begin{trivlist}', '\\item[\\hskip\\labelsep\\textbf{Solution.}]', '1. Factor: $(x-2)(x+2) = 0$.', '', '2. So $x = \\pm 2$.', '\\end{trivlist}', '', '\\section*{Problem 2}', 'Compute $2+2$.', '\\end{document}'].join('\n');
  const ps = detectProblems(doc, 'latex');
  assert.deepEqual(ps.map((p) => [p.startLine + 1, p.solved]), [[3, true], [12, false]]);
  assert.equal(ps[0]!.text, 'Find all real $x$ with $x^2 = 4$.');
  assert.equal(ps[1]!.text, 'Compute $2+2$.');
  const plain = doc.replace('Solution.', 'Remarks.');
  assert.equal(detectProblems(plain, 'latex')[0]!.solved, false, 'a list labelled otherwise is no solution');
});
