// Problem labels of the languages and abbreviations in src/core/detect/lexicon.ts, each on a small
// Markdown sheet written here, and what must stay unflagged beside them. Start lines are 1-based.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProblems } from '../../../src/core/detect/index.js';
import { matchProblemLabel } from '../../../src/core/detect/lexicon.js';

const md = (t: string): number[] => detectProblems(t, 'markdown').map((p) => p.startLine + 1);
const sheet = (a: string, b: string, body: string): string =>
  ['# Sheet', '', `## ${a}`, '', body, '', `## ${b}`, '', body, ''].join('\n');

test('an abbreviation of one label word that is the head of another ("Ejer." / "Ejercicio") leaves the longer word a label', () => {
  assert.deepEqual(md(sheet('Ejercicio 5', 'Ejercicio 6', 'Calcula $\\int_0^1 x^2\\,dx$.')), [3, 7]);
  assert.deepEqual(md(sheet('Ejer. 5', 'Ejer. 6', 'Calcula $\\int_0^1 x^2\\,dx$.')), [3, 7]);
  assert.equal(matchProblemLabel('Ejercicio 6')?.kind, 'exercise');
  assert.equal(matchProblemLabel('Ejercicio 6')?.number, '6');
  // "Zadanie" (a word) and "Zad. 3" (its abbreviation) are both labels; "Zadig 3" is neither.
  assert.deepEqual(md(sheet('Zadanie 1', 'Zad. 2', 'Oblicz $2^{10}$.')), [3, 7]);
  assert.equal(matchProblemLabel('Zad. 3')?.number, '3');
  assert.equal(matchProblemLabel('Zadig 3'), undefined);
  assert.equal(matchProblemLabel('Esempio 3'), undefined);
});

test('abbreviated labels need a number: "Aufg. 2" is one, a bare "Aufg." is not', () => {
  assert.deepEqual(md(sheet('Aufg. 1', 'Aufg. 2', 'Berechne $\\sqrt{2}\\cdot\\sqrt{8}$.')), [3, 7]);
  assert.equal(matchProblemLabel('Aufg.'), undefined);
  assert.equal(matchProblemLabel('Es.'), undefined);
  assert.equal(matchProblemLabel('Es. 4')?.number, '4');
});

test('the problem words of Hungarian, Finnish, Indonesian, Vietnamese, Romanian, Serbian/Croatian and Arabic', () => {
  const cases: Array<[string, string]> = [
    ['Feladat 1', 'Számítsa ki az $x^2 - 5x + 6 = 0$ egyenlet gyökeit.'],
    ['Tehtävä 1', 'Laske $\\int_0^2 3x^2\\,dx$.'],
    ['Soal 1', 'Tentukan nilai $x$ yang memenuhi $2x + 3 = 11$.'],
    ['Bài toán 1', 'Tìm $x$ sao cho $x^2 = 16$.'],
    ['Problema 1', 'Calculați $\\lim_{n\\to\\infty} \\frac{n+1}{n}$.'],
    ['Zadatak 1', 'Izračunajte $\\sum_{k=1}^{10} k$.'],
    ['مسألة 1', 'احسب قيمة $x$ إذا كان $3x = 12$.'],
  ];
  for (const [label, body] of cases) {
    const n = label.replace(/1$/, '2');
    assert.deepEqual(md(sheet(label, n, body)), [3, 7], label);
  }
});
