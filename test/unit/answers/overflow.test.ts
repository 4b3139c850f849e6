// Regression: numbers beyond double range evaluated to Infinity on both sides and were graded equal
// (2^{1000000} = 2^{1000001}). Real infinities still compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeAnswer } from '../../../src/core/answers/grade.js';

const cases: [string, string, boolean][] = [
  ['2^{1000000}', '2^{1000001}', false],
  ['10^{400}', '10^{401}', false],
  ['10^{400}', '2\\cdot 10^{400}', false],
  ['2^{1000000}', '2^{1000000}', true],
  ['\\infty', '\\infty', true],
  ['-\\infty', '\\infty', false],
  ['2^{10}', '1024', true],
];

for (const [ref, cand, equal] of cases) {
  test(`grade ${ref} vs ${cand} → ${equal ? 'equal' : 'not equal'}`, () => {
    const g = gradeAnswer(ref, cand);
    assert.equal(g.equal, equal, JSON.stringify(g));
  });
}
