// Broken, binary, random and huge input never crashes the detector and never loses the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProblems, DetectCancelledError, looksBinary, ProblemDetector } from '../../../src/core/detect/index.js';

test('unclosed environments and stray braces do not hide later problems', () => {
  const tex = [
    '\\begin{document}',
    'A stray } brace and an open { group',
    '\\begin{itemize}', // never closed
    '\\begin{problem}',
    'Find $x$ with $x+1=2$.',
    '\\end{problem}',
    '\\end{enumerate}', // \end without \begin
    '\\begin{problem}',
    'Prove $1<2$.', // never closed: the next \begin{problem} closes it
    '\\begin{problem}',
    'Show that $2<3$.',
    '\\end{problem}',
    '\\end{document}',
  ].join('\n');
  const ps = detectProblems(tex, 'latex');
  assert.deepEqual(
    ps.map((p) => p.startLine),
    [3, 7, 9],
  );
  assert.equal(ps[2]!.text, 'Show that $2<3$.');
});

test('a \\verb or lstlisting holding \\begin{problem} is skipped', () => {
  const tex = 'Use \\verb|\\begin{problem}| here.\n\\begin{lstlisting}\n\\begin{problem}x\\end{problem}\n\\end{lstlisting}\n\\begin{minted}{latex}\n\\begin{exercise}y\\end{exercise}\n\\end{minted}\n';
  assert.deepEqual(detectProblems(tex, 'latex'), []);
});

test('unterminated Markdown fences and directives keep earlier problems', () => {
  const md = '**Problem 1.** Find $x$.\n\n```\n**Problem 2.** inside an unterminated fence\n';
  assert.deepEqual(detectProblems(md, 'markdown').map((p) => p.startLine), [0]);
  const md2 = '::::challenge\nFind $y$.\n';
  assert.equal(detectProblems(md2, 'markdown').length, 1);
});

test('binary input gives no problems', () => {
  const bin = 'PK\u0003\u0004\u0000\u0000' + '\u0000\u0001\u0002'.repeat(100);
  assert.equal(looksBinary(bin), true);
  assert.deepEqual(detectProblems(bin, 'latex'), []);
  assert.deepEqual(detectProblems(bin, 'markdown'), []);
  assert.equal(looksBinary('\\section{Problem 1} Find $x$.'), false);
});

test('random garbage never throws', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = '\\{}[]%$#*`~:>-1. \n\tabcproblemexercise\u00e9\u554f\ud83d\ude00';
  for (let k = 0; k < 200; k++) {
    let s = '';
    const n = Math.floor(rand() * 400);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    detectProblems(s, 'latex');
    detectProblems(s, 'markdown');
  }
  detectProblems('\\begin{'.repeat(5000), 'latex');
  detectProblems('{'.repeat(50000), 'latex');
  detectProblems('\\begin{a}'.repeat(50000) + '\\begin{problem}Find x.\\end{problem}', 'latex');
  detectProblems('> '.repeat(3000) + '- '.repeat(3000) + 'Find x?', 'markdown');
  detectProblems('\\newcommand{'.repeat(2000), 'latex');
  detectProblems('> '.repeat(20000), 'markdown');
  detectProblems('::::a\n'.repeat(3000), 'markdown');
});

test('maxChars caps the work and maxProblems caps the output', () => {
  const one = '\\begin{problem}\nFind $x$.\n\\end{problem}\n';
  const big = one.repeat(2000);
  const det = new ProblemDetector('latex', { maxChars: 10_000 });
  const ps = det.reset(big);
  assert.equal(det.wasTruncated, true);
  assert.ok(ps.length > 0 && ps.length <= Math.ceil(10_000 / one.length));
  assert.equal(detectProblems(big, 'latex', { maxProblems: 7 }).length, 7);
});

test('cancellation stops a long scan with DetectCancelledError', () => {
  const big = '\\begin{problem}\nFind $x$.\n\\end{problem}\n\n'.repeat(20000);
  assert.throws(() => detectProblems(big, 'latex', { isCancelled: () => true }), DetectCancelledError);
  const md = '## Problem 1\n\nFind $x$ and more text here to fill.\n\n'.repeat(20000);
  assert.throws(() => detectProblems(md, 'markdown', { isCancelled: () => true }), DetectCancelledError);
});

test('names that collide with Object.prototype are plain names', () => {
  const tex = '\\begin{constructor}Find x.\\end{constructor}\n\\begin{toString}Prove y.\\end{toString}\n';
  assert.deepEqual(detectProblems(tex, 'latex'), []);
  assert.deepEqual(detectProblems('```{constructor}\nFind x.\n```\n', 'markdown'), []);
});
