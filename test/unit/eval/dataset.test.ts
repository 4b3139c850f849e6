import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatasetError, loadDataset, parseDataset } from '../../../src/core/eval/dataset.js';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'eval');

test('reads the three formats as they are (own fixtures)', () => {
  const m = loadDataset(join(FIX, 'math500-mini.jsonl'));
  assert.equal(m.format, 'math500');
  assert.equal(m.name, 'math500-mini.jsonl');
  assert.deepEqual(m.problems[0], { id: 'test/prealgebra/9001.json', problem: 'What is $3 + 4$? [RF-M1]', answer: '7', subject: 'Prealgebra', level: 1, line: 1 });
  assert.equal(m.problems[1]!.answer, '\\frac{1}{2}');
  const a = loadDataset(join(FIX, 'aime-mini.jsonl'));
  assert.equal(a.format, 'aime');
  assert.equal(a.problems[0]!.id, '9101');
  assert.equal(a.problems[0]!.answer, '024');
  assert.equal(a.problems[0]!.level, undefined);
  const c = loadDataset(join(FIX, 'amc-mini.jsonl'));
  assert.equal(c.format, 'amc');
  assert.equal(c.problems[0]!.answer, '60');
  assert.equal(c.problems[1]!.answer, '36');
});

test('bad input names the line', () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => parseDataset(text, 'x.jsonl'), (e: unknown) => e instanceof DatasetError && re.test(e.message));
  bad('{"problem":"p","answer":"1"}\n{oops', /x\.jsonl:2: not valid JSON/);
  bad('[1,2]', /x\.jsonl:1: expected a JSON object/);
  bad('{"answer":"1"}', /:1: missing "problem"/);
  bad('{"problem":"p"}', /:1: missing "answer"/);
  bad('{"problem":"p","answer":"1","id":1}\n\n{"problem":"q","answer":"2","id":1}', /x\.jsonl:3: duplicate id "1"/);
  bad('\n\n', /no problems found/);
  assert.throws(() => loadDataset(join(FIX, 'missing.jsonl')), /file not found/);
});

test('question field and ids from line numbers for generic files', () => {
  const d = parseDataset('{"question":"What is 1+1?","answer":2}\n{"problem":"And 2+2?","answer":"4","level":"Level 3"}', 'g.jsonl');
  assert.equal(d.problems[0]!.problem, 'What is 1+1?');
  assert.equal(d.problems[0]!.id, 'line-1');
  assert.equal(d.problems[1]!.level, 3);
});

const SHARED: [string, number, string][] = [
  ['math500.jsonl', 500, 'math500'],
  ['aime24.jsonl', 30, 'aime'],
  ['amc23.jsonl', 40, 'amc'],
];
for (const [name, rows, format] of SHARED) {
  test(`reads ../shared/data/${name}`, { skip: skipUnlessShared(name) }, () => {
    const d = loadDataset(sharedFile(name)!);
    assert.equal(d.problems.length, rows);
    assert.equal(d.format, format);
    assert.equal(new Set(d.problems.map((p) => p.id)).size, rows);
    for (const p of d.problems) {
      assert.ok(p.problem.length > 10);
      assert.ok(p.answer.length > 0);
    }
    if (format === 'math500') {
      assert.equal(new Set(d.problems.map((p) => p.subject)).size, 7);
      assert.deepEqual([...new Set(d.problems.map((p) => p.level))].sort(), [1, 2, 3, 4, 5]);
      assert.match(d.problems[0]!.id, /^test\/[a-z_]+\/\d+\.json$/);
    }
    if (format === 'aime') assert.ok(d.problems.some((p) => /^0\d\d$/.test(p.answer)));
    if (format === 'amc') assert.ok(d.problems.every((p) => !/\.0$/.test(p.answer)));
  });
}
