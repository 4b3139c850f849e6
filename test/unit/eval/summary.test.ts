import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, renderSummaryMarkdown, type EvalMeta } from '../../../src/core/eval/summary.js';
import { ProgressBar, formatDuration } from '../../../src/core/eval/progress.js';
import type { EvalRecord } from '../../../src/core/eval/results.js';

function rec(id: string, over: Partial<EvalRecord>): EvalRecord {
  return {
    id,
    answer: '1',
    extracted: '1',
    correct: true,
    status: 'solved',
    error: null,
    calls: 4,
    tokens: 1000,
    promptTokens: 800,
    completionTokens: 200,
    seconds: 2,
    rounds: 0,
    roundBudget: 2,
    complexity: 2,
    templates: [],
    mode: 'reasonflux',
    model: 'm',
    navigatorModel: 'm',
    gradeMethod: 'exact',
    finishedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const META: EvalMeta = {
  dataset: 'd.jsonl',
  mode: 'reasonflux',
  model: 'm',
  navigatorModel: 'n',
  baseUrl: 'http://127.0.0.1:1/v1',
  selected: 5,
  startedAt: 's',
  finishedAt: 'f',
  interrupted: false,
};

test('summary: overall, by subject, by level with rounds', () => {
  const records = [
    rec('a', { subject: 'Algebra', level: 1, rounds: 0, calls: 3, tokens: 500 }),
    rec('b', { subject: 'Algebra', level: 5, rounds: 2, roundBudget: 4, correct: false, calls: 9, tokens: 3000, complexity: 8 }),
    rec('c', { subject: 'Geometry', level: 5, rounds: 1, roundBudget: 4, calls: 7, tokens: 2500, complexity: 7 }),
    rec('d', { status: 'failed', correct: false, calls: 0, tokens: 0, rounds: 0, complexity: null }),
  ];
  const s = summarize(records, META);
  assert.equal(s.overall.problems, 4);
  assert.equal(s.overall.correct, 2);
  assert.equal(s.overall.accuracy, 0.5);
  assert.equal(s.overall.failed, 1);
  assert.equal(s.overall.meanCalls, (3 + 9 + 7 + 0) / 4);
  assert.equal(s.overall.meanTokens, (500 + 3000 + 2500) / 4);
  assert.deepEqual(s.bySubject.map((g) => [g.key, g.problems, g.correct]), [['Algebra', 2, 1], ['Geometry', 1, 1], ['—', 1, 0]]);
  assert.deepEqual(s.byLevel.map((g) => [g.key, g.meanRounds, g.meanRoundBudget]), [['1', 0, 2], ['5', 1.5, 4], ['—', 0, 2]]);
  assert.equal(s.byLevel[1]!.meanComplexity, 7.5);
  assert.equal(s.byLevel[2]!.meanComplexity, null);
  const md = renderSummaryMarkdown(s);
  assert.match(md, /^# Evaluation: d\.jsonl · reasonflux/);
  assert.match(md, /\| 4 \/ 5 \| 2 \| 50\.0 % \| 1 \| 0 \| 4\.8 \| 1500 \| 2\.0 \| 0\.75 \|/);
  assert.match(md, /\| 5 \| 2 \| 50\.0 % \| 7\.5 \| 1\.50 \| 4\.00 \| 1\.00 \| 8\.0 \| 2750 \| 2\.0 \|/);
  assert.match(md, /navigator `n`/);
});

test('summary of nothing is zeros, not NaN', () => {
  const s = summarize([], META);
  assert.equal(s.overall.accuracy, 0);
  assert.equal(s.overall.meanCalls, 0);
  assert.doesNotMatch(renderSummaryMarkdown(s), /NaN/);
});

test('markdown cells cannot break the table', () => {
  const s = summarize([rec('a', { subject: 'A|B\nC' })], META);
  assert.match(renderSummaryMarkdown(s), /\| A\\\|B C \|/);
});

test('progress: non-TTY prints a line every N problems; TTY redraws one line', () => {
  const plain: string[] = [];
  const bar = new ProgressBar({ write: (s: string) => plain.push(s) }, 10, 0, 5);
  for (let i = 0; i < 10; i++) bar.tick(i % 2 === 0, i === 9);
  bar.finish();
  assert.equal(plain.length, 2);
  assert.match(plain[0]!, /^\[#+\.+\] 5\/10 50 % · correct 3\/5 \(60\.0 %\) · elapsed \d+s · ETA \d+s\n$/);
  assert.match(plain[1]!, /10\/10 100 % · correct 5\/10 \(50\.0 %\) · failed 1/);
  const tty: string[] = [];
  const t = new ProgressBar({ isTTY: true, columns: 200, write: (s: string) => tty.push(s) }, 3, 2);
  t.tick(true, false);
  t.tick(true, false);
  t.finish();
  assert.equal(tty.length, 3);
  assert.ok(tty[0]!.startsWith('\r') && tty[1]!.startsWith('\r'));
  assert.match(tty[1]!, /2\/3 67 % .*2 resumed/);
  assert.equal(tty[2], '\n');
});

test('durations', () => {
  assert.equal(formatDuration(5), '5s');
  assert.equal(formatDuration(125), '2m05s');
  assert.equal(formatDuration(3 * 3600 + 60), '3h01m');
  assert.equal(formatDuration(NaN), '?');
});
