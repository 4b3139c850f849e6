// Markdown forms seen in real documents (admonitions, callouts, titled directives, <details> solutions,
// link lists, task lists whose task comes late). Small texts written for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProblems, ProblemDetector } from '../../../src/core/detect/index.js';
import { planMarkdownInsertion, planLatexInsertion } from '../../../src/extension/insert/compose.js';

const starts = (text: string): number[] => detectProblems(text, 'markdown').map((p) => p.startLine + 1);

test('MkDocs admonitions: a problem when titled with a numbered label or when the body states a task', () => {
  const doc = [
    '# Suites',
    '',
    '!!! question "Exercice 1"',
    '    Calculer la limite de $u_n = 1/n$.',
    '',
    '???+ exercise',
    '',
    '\tFind all real $x$ with $x^2 = 4$.',
    '',
    '!!! question "Notion de continuité"',
    '    N°23-24 p202',
    '',
    '??? success "Solution"',
    '    $x = \\pm 2$.',
    '',
    '!!! note',
    '    Remember that $0 < 1$.',
    '',
  ].join('\n');
  assert.deepEqual(starts(doc), [3, 6]);
  const ps = detectProblems(doc, 'markdown');
  assert.equal(ps[1]!.solved, true, 'the solution admonition after the exercise solves it');
  assert.match(ps[0]!.text, /Calculer la limite/);
});

test('titled directives: MyST {admonition} / Pandoc divs / Docusaurus titles name the problem; Lösung and Fasit are solutions', () => {
  const doc = [
    '```{admonition} Aufgabe 2.1',
    ':class: tip',
    'Berechnen Sie $2 + 3$.',
    '```',
    '',
    '```{admonition} Lösung',
    ':class: dropdown',
    '$5$',
    '```',
    '',
    '::: {.exercise title="Exercice 4"}',
    'Dérivez $x^3$.',
    ':::',
    '',
    ':::tip[Oppgave 5]',
    'Bestem $f\'(2)$ når $f(x) = x^2$.',
    ':::',
    '',
    '::::{admonition} Eksempel 1',
    'Finn $x$ når $2x = 4$.',
    '::::',
  ].join('\n');
  assert.deepEqual(starts(doc), [1, 11, 15]);
  assert.equal(detectProblems(doc, 'markdown')[0]!.solved, true);
});

test('callouts: [!exercise] is a problem, [!question] under an Examples heading is a worked example', () => {
  const doc = ['## Oppgaver', '', '> [!exercise] Oppgave 1', '> Regn ut $3 \\cdot 4$.', '', '### Eksempler', '', '> [!question] Spørsmål', '> Hva er $\\lim_{x \\to 0} x$?', ''].join('\n');
  assert.deepEqual(starts(doc), [3]);
});

test('lists of links to problems elsewhere are not problems; a late task in a task list is', () => {
  const links = ['## Practice Problems', '', '* [UVa 374 - Big Mod](https://example.org/374)', '* [Codeforces - Parking Lot](https://example.org/630)', ''].join('\n');
  assert.deepEqual(starts(links), []);
  const tasks = [
    '## Automatic differentiation',
    '',
    '1. Calculate the gradient of $\\cos x$ at $x = 0$.',
    '1. In the code below, replace the manual gradient by autograd and compare the timings.',
    '1. Compute the Hessian of $x^T A x$.',
    '',
  ].join('\n');
  assert.deepEqual(starts(tasks), [3, 4, 5]);
});

test('headings: "EX4Q(a)" under "EX4" is a sub-part; "Exercise: Title" is a problem when its body states a task', () => {
  const doc = ['## EX4', '', '> How many divisors does $620$ have?', '', '### EX4Q(a)', '', 'It has 12.', '', '## EX5', '', '> Determine the number of trailing zeros of $50!$.', ''].join('\n');
  assert.deepEqual(starts(doc), [1, 9]);
  assert.deepEqual(starts('# Exercise: Identities\n\nFind $\\alpha$ with $\\sin \\alpha = 1$.\n\n## Solution\n\n$\\alpha = \\pi/2$.\n'), [1]);
  assert.deepEqual(starts('# Exercise: Setup\n\nThis page lists the tools we use.\n'), []);
});

test('bracket labels on their own line (【1】) start a problem when the text under them states a task', () => {
  const doc = ['【1】', '', '質点の運動エネルギーを求めよ。', '', '【2】', '', 'これは説明です。', ''].join('\n');
  assert.deepEqual(starts(doc), [1]);
});

test('an introduction sentence introduces the list right after it, not an earlier sentence', () => {
  const doc = ['Solve the following problems. Submit in one of the following formats:', '', '* typed in $\\LaTeX$', '* scanned paper', '', '**Problem 1:** Find all subgroups of $\\mathbb Z_8$.', ''].join('\n');
  assert.deepEqual(starts(doc), [6]);
});

const SUMMARIES = ['Solution (ReasonFlux)', '풀이 (ReasonFlux)', 'Lösung', 'Answer'];

test('Insert Solution (Markdown): the inserted <details> ends the problem, marks it solved, and leaves its statement unchanged', () => {
  const cases = [
    '# Practice\n\n1. Find $x$ if $2x + 3 = 7$.\n\nNext paragraph.\n',
    '## Problem 1\n\nFind $x$ if $2x + 3 = 7$.\n\n## Problem 2\n\nCompute $3 \\cdot 4$.\n',
    '**Problem 1.** Find $x$ if $2x + 3 = 7$.\n\n**Problem 2.** Compute $3 \\cdot 4$.\n',
    '## Exercises\n\n1. Find $x$ if $2x + 3 = 7$.\n2. Compute $3 \\cdot 4$.\n',
  ];
  const solution = '**Step 1: Isolate**\n\nSubtract 3:\n\n$$2x = 4.$$\n\n## Check\n\nSo $x = \\boxed{2}$.';
  for (const doc of cases) {
    for (const summary of SUMMARIES) {
      const before = detectProblems(doc, 'markdown');
      const target = before[0]!;
      assert.equal(target.solved, false, doc);
      const plan = planMarkdownInsertion(doc, { start: target.startOffset, end: target.endOffset }, solution, summary, target.blockEndOffset);
      const after = doc.slice(0, plan.offset) + plan.text + doc.slice(plan.offset);
      // trust-editor may add attributes to the opening tag
      for (const text of [after, after.replace('<details>', '<details class="reasonflux-solution" open>')]) {
        const got = detectProblems(text, 'markdown');
        assert.equal(got.length, before.length, `no problem appears or disappears:\n${text}`);
        assert.equal(got[0]!.solved, true, `solved:\n${text}`);
        assert.equal(got[0]!.text, target.text, 'statement text unchanged');
        assert.ok(got[0]!.blockEndOffset >= text.indexOf('</details>'), 'the block reaches past the inserted solution');
        for (let k = 1; k < got.length; k++) assert.equal(got[k]!.text, before[k]!.text);
        // The incremental detector agrees with a fresh scan after the insertion edit.
        const det = new ProblemDetector('markdown');
        det.reset(doc);
        const inc = det.edit(plan.offset, plan.offset, plan.text, after);
        assert.deepEqual(
          inc.map((p) => [p.startLine, p.solved, p.text]),
          detectProblems(after, 'markdown').map((p) => [p.startLine, p.solved, p.text]),
        );
      }
    }
  }
});

test('Insert Solution (LaTeX): the inserted solution environment marks the problem solved, statement unchanged', () => {
  const doc = '\\begin{document}\n\\begin{problem}\nFind $x$ if $2x + 3 = 7$.\n\\end{problem}\n\nSome text.\n\\end{document}\n';
  const before = detectProblems(doc, 'latex');
  assert.equal(before.length, 1);
  const p = before[0]!;
  const plan = planLatexInsertion(doc, { start: p.startOffset, end: p.endOffset }, { name: 'solution', argument: '', source: 'default' }, 'Subtract 3, so $x = 2$.', p.blockEndOffset);
  const after = doc.slice(0, plan.offset) + plan.text + doc.slice(plan.offset);
  const got = detectProblems(after, 'latex');
  assert.equal(got.length, 1);
  assert.equal(got[0]!.solved, true);
  assert.equal(got[0]!.text, p.text);
});

test('a solution <details> with headings inside, in a long document: later problems are unaffected, incremental = fresh', () => {
  const pad = 'Some words about the topic that are not a task at all, repeated to make the section long. '.repeat(6);
  const parts: string[] = [];
  for (let i = 1; i <= 40; i++) parts.push(`## Problem ${i}\n\nCompute $${i} + ${i}$.\n\n${pad}\n`);
  const doc = parts.join('\n');
  const before = detectProblems(doc, 'markdown');
  assert.equal(before.length, 40);
  const target = before[9]!;
  const solution = '### Step 1\n\nAdd.\n\n## Result\n\n$$20$$';
  const plan = planMarkdownInsertion(doc, { start: target.startOffset, end: target.endOffset }, solution, 'Solution (ReasonFlux)', target.blockEndOffset);
  const after = doc.slice(0, plan.offset) + plan.text + doc.slice(plan.offset);
  const fresh = detectProblems(after, 'markdown');
  assert.equal(fresh.length, 40);
  assert.equal(fresh[9]!.solved, true);
  assert.equal(fresh[9]!.text, target.text);
  assert.equal(fresh[10]!.solved, false);
  const det = new ProblemDetector('markdown');
  det.reset(doc);
  const inc = det.edit(plan.offset, plan.offset, plan.text, after);
  assert.deepEqual(
    inc.map((p) => [p.startLine, p.solved, p.text, p.blockEndOffset]),
    fresh.map((p) => [p.startLine, p.solved, p.text, p.blockEndOffset]),
  );
  // Deleting the closing tag (typing inside the solution) keeps the later problems visible once it is back.
  const cut = after.indexOf('</details>');
  const broken = after.slice(0, cut) + after.slice(cut + '</details>'.length);
  const inc2 = det.edit(cut, cut + '</details>'.length, '', broken);
  assert.deepEqual(inc2.map((p) => p.startLine), detectProblems(broken, 'markdown').map((p) => p.startLine));
  assert.equal(inc2.length, 40, 'an unclosed solution ends at the next problem heading');
});

test('tab-indented lists (after a blank line or running on from a paragraph) are lists, not code', () => {
  assert.deepEqual(starts('## Homework\n\nExercises:\n\t1. Find $x$ with $x^2=4$.\n\t2. Show that $2>1$.\n'), [4, 5]);
  assert.deepEqual(starts('## Homework\n\nExercises:\n\n\t1. Find $x$ with $x^2=4$.\n\t2. Show that $2>1$.\n'), [5, 6]);
  assert.deepEqual(starts('## Homework\n\n\tfor (i = 0; i < n; i++) {\n\t  x += i;\n\t}\n'), []);
});

test('statements in HTML blocks: class names and custom tags open a problem; <summary>Problem N</summary> names one', () => {
  assert.deepEqual(starts('<div class="exercise">\n<b>Exercise 1</b> Compute $2+2$.\n</div>\n\nText.\n'), [1]);
  assert.deepEqual(starts('<div class="exercise">\n\n**Exercise 2.** Compute $2+2$.\n\n</div>\n\n<div class="problem">\n\nFind $y$ such that $y^2 = 9$.\n\n</div>\n\nSome prose.\n'), [1, 7]);
  assert.deepEqual(starts('<exercise>\nProve that $\\sqrt 2$ is irrational.\n</exercise>\n'), [1]);
  const d = detectProblems('<details>\n<summary>Problem 3</summary>\n\nFind $x$.\n\n</details>\n\n<details><summary>Solution</summary>\n\n$x=1$\n\n</details>\n', 'markdown');
  assert.deepEqual(d.map((p) => [p.startLine + 1, p.solved, p.text]), [[1, true, 'Find $x$.']]);
  assert.deepEqual(starts('<div class="note">\nRemember $1+1=2$.\n</div>\n'), []);
  assert.deepEqual(starts('<div class="exercise">\n\nThis box explains the notation only.\n\n</div>\n'), []);
});

test('free-titled sections: problems when most siblings state a task, not in lecture notes that pose and work tasks', () => {
  const sheet = ['# Integrals', '', '## Oil leak', '', 'Oil leaks at a rate $r(t) = 200 - 4t$. Compute $\\int_0^{10} r(t)\\,dt$.', '', '## Bees', '', 'A colony grows at rate $r(t)$. What does $\\int_0^{15} r$ mean?', '', '## Tank', '', 'Water flows in at $180 + 3t$ litres per minute. Determine the amount after 20 minutes.', ''].join('\n');
  assert.deepEqual(starts(sheet), [3, 7, 11]);
  const notes = ['# Limits', '', '## Definition', '', 'We say $f(x) \\to L$ when $x \\to a$ if for every $\\varepsilon > 0$ …', '', '## One-sided limits', '', 'The limit from the right only looks at $x > a$.', '', '## An exercise', '', 'Compute $\\lim_{x \\to 0} \\sin x / x$.', ''].join('\n');
  assert.deepEqual(starts(notes), [], 'one task among three sections is a lecture, not a sheet');
});

test('a numbered list split by an inserted solution keeps its context; FAQ admonitions and plans are not problems', () => {
  const doc = ['## 問題 8', '', '次の積分の値を求めよ。$\\int_0^1 x\\,dx$', '', '## Review', '', 'Answer the following questions.', '', '1. Compute $7 \\times 8$.', '', '<details>', '<summary>Solution</summary>', '', '$56$', '', '</details>', '', '2. Simplify $\\frac{x^2-1}{x-1}$.', ''].join('\n');
  const got = detectProblems(doc, 'markdown');
  assert.deepEqual(got.map((p) => p.startLine + 1), [1, 9, 18]);
  assert.deepEqual(got.map((p) => p.solved), [false, true, false]);
  assert.deepEqual(starts('# Circles\n\n??? question "Why is the circle unique?"\n    Suppose two circles were minimal; show that their intersection gives a smaller one.\n'), []);
  assert.deepEqual(starts('# Plan\n\nOur plan is:\n\n1. Compute the benchmark solution for $x$.\n2. Solve the model with several priors.\n3. Compare the results.\n'), []);
});

test('more languages: Greek, Slovak, Italian, Norwegian, Polish labels and verbs; advice lists are not tasks', () => {
  assert.deepEqual(starts('## Άσκηση 1\n\nΝα βρείτε το $x$ αν $2x = 4$.\n\n## Άσκηση 2\n\nΝα αποδείξετε ότι $\\sqrt 2 \\notin \\mathbb Q$.\n'), [1, 5]);
  assert.deepEqual(starts('> **Úloha 1.** Dokážte, že trajektória je parabola $y = ax^2$.\n\n*Riešenie.* …\n'), [1]);
  assert.deepEqual(starts('**Esercizio 3.** Calcola $\\int_0^1 x^2\\,dx$.\n\n**Soluzione.** $1/3$.\n'), [1]);
  assert.deepEqual(detectProblems('**Esercizio 3.** Calcola $\\int_0^1 x^2\\,dx$.\n\n**Soluzione.** $1/3$.\n', 'markdown').map((p) => p.solved), [true]);
  assert.deepEqual(starts('## Oppgaver\n\n1. Bestem $f\'(x)$ når $f(x) = x^3$.\n2. Finn nullpunktene til $x^2 - 1$.\n'), [3, 4]);
  assert.deepEqual(starts('**Zadanie 2.** Oblicz $2^{10}$.\n'), [1]);
  assert.deepEqual(starts('## Self-check\n\n1. Check that you can differentiate $x^n$.\n2. Make sure you understand the chain rule for $f(g(x))$.\n'), []);
});
