import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTemplateIndex } from '../../../src/core/templates/library.js';
import { parseLabelledProblems, scoreMethods } from '../../../src/core/templates/methodEval.js';

const file = resolve(__dirname, '..', '..', 'fixtures', 'library-eval', 'methods.jsonl');
const problems = parseLabelledProblems(readFileSync(file, 'utf8'));

test('the labelled set: at least 200 test problems, over half from competitions the library was not written from, labels name real templates', async () => {
  const { index, templates } = await loadTemplateIndex({ builtinDir: resolve(__dirname, '..', '..', '..', 'templates') });
  const ids = new Set(templates.map((t) => t.id));
  const testSplit = problems.filter((p) => p.split === 'test');
  assert.ok(testSplit.length >= 200, `${testSplit.length} test problems`);
  const unseen = testSplit.filter((p) => p.source !== 'written-here').length;
  assert.ok(unseen * 2 > testSplit.length, `${unseen} of ${testSplit.length} from outside competitions`);
  assert.deepEqual(problems.flatMap((p) => p.templates.filter((t) => !ids.has(t)).map((t) => `${p.id}: ${t}`)), []);
  assert.equal(new Set(problems.map((p) => p.id)).size, problems.length, 'ids are unique');
  // Regression floor for retrieval with the whole problem as the query (the bench prints the numbers).
  const all = scoreMethods(index, testSplit).find((r) => r.source === 'all')!;
  assert.ok(all.hit3 / all.labelled >= 0.38, `hit@3 ${all.hit3}/${all.labelled}`);
});

test('scoring counts hits per source and leaves unlabelled problems out of the rates', () => {
  const fake = {
    size: 2,
    search: (q: string) => [{ template: { id: q.includes('gcd') ? 'a' : 'b' } }, { template: { id: 'c' } }],
  } as never;
  const rows = scoreMethods(fake, [
    { id: '1', source: 's', split: 'test', problem: 'gcd of two numbers', templates: ['a'] },
    { id: '2', source: 's', split: 'test', problem: 'other', templates: ['c'] },
    { id: '3', source: 't', split: 'test', problem: 'other', templates: ['z'] },
    { id: '4', source: 't', split: 'test', problem: 'gap', templates: [] },
  ]);
  assert.deepEqual(rows.map((r) => [r.source, r.problems, r.labelled, r.hit1, r.hit3]), [
    ['s', 2, 2, 1, 2],
    ['t', 2, 1, 0, 0],
    ['all', 4, 3, 1, 2],
  ]);
  assert.throws(() => parseLabelledProblems('{"id": "x"}'), /line 1: expected/);
});
