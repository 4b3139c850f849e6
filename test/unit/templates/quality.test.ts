import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultBuiltinDir } from '../../../src/core/templates/library.js';
import { loadTemplateDirSync } from '../../../src/core/templates/loader.js';
import { evalOverlaps, exampleStatesAnswer } from '../../../src/core/templates/quality.js';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';

const library = loadTemplateDirSync(defaultBuiltinDir(), 'builtin').templates;

test('the built-in library has at least 800 templates', () => {
  assert.ok(library.length >= 800, `${library.length} templates`);
});

test('every worked example ends by stating its answer (checked with the grader)', () => {
  const missing = library.filter((t) => !exampleStatesAnswer(t)).map((t) => `${t.id}: answer ${t.example.answer}`);
  assert.deepEqual(missing, []);
});

test('the example check fails when the steps state another value or no value', () => {
  const base = library.find((t) => t.id === 'nt.euclidean-algorithm-gcd')!;
  assert.equal(exampleStatesAnswer(base), true);
  const wrong = { example: { ...base.example, solution: ['$1071 = 2\\cdot 462 + 147$.', 'The last nonzero remainder is $147$.'] } };
  assert.equal(exampleStatesAnswer(wrong), false);
  const equivalent = { example: { problem: 'p', solution: ['So $x = \\frac{6}{8}$.'], answer: '\\frac34' } };
  assert.equal(exampleStatesAnswer(equivalent), true, 'an equal value written differently counts');
});

function evalProblems(): string[] {
  const out: string[] = [];
  for (const name of ['math500.jsonl', 'aime24.jsonl', 'amc23.jsonl']) {
    for (const line of readFileSync(sharedFile(name)!, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const d = JSON.parse(line) as { problem?: string; question?: string };
      out.push(d.problem ?? d.question ?? '');
    }
  }
  return out;
}

const skip = skipUnlessShared('math500.jsonl') || skipUnlessShared('aime24.jsonl') || skipUnlessShared('amc23.jsonl');

test('no template shares a distinctive phrase with, or copies, a MATH-500 / AIME 2024 / AMC 2023 problem', { skip }, () => {
  const problems = evalProblems();
  assert.deepEqual(evalOverlaps(library, problems), []);
});

test('the overlap check catches a copied evaluation problem and a borrowed phrase', { skip }, () => {
  const problems = evalProblems();
  const base = library[0]!;
  const p = problems.find((x) => x.split(/\s+/).length > 25)!;
  const copied = { ...base, id: 'x.copied', example: { ...base.example, problem: p.replace(/\$/g, ' ') } };
  // A description that borrows twelve consecutive plain words of a wordy problem.
  const wordy = problems.map((x) => x.split(/\s+/)).find((ws) => ws.slice(0, 12).every((w) => /^[A-Za-z,.]+$/.test(w)) && ws.slice(0, 12).filter((w) => w.length >= 6).length >= 4)!;
  const borrowed = { ...base, id: 'x.borrowed', description: `A method. ${wordy.slice(0, 12).join(' ')} and more.` };
  const found = evalOverlaps([copied, borrowed], problems);
  assert.ok(found.some((o) => o.kind === 'copy' && o.id === 'x.copied'), JSON.stringify(found));
  assert.ok(found.some((o) => o.kind === 'phrase' && o.id === 'x.borrowed'), JSON.stringify(found));
  assert.ok(!found.some((o) => o.id === base.id), 'the real template is not flagged');
});
