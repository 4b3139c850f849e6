// Preference pairs from graded runs outside eval (the editor's panel runs): runs of one problem over the
// same plan prompt form one source; the pairs are the same JSONL layout as `eval --export-pairs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairSourcesFromRuns, preferencePairs, type GradedRun } from '../../../src/core/eval/pairs.js';

const prompt = [
  { role: 'system', content: 'You are the navigator.' },
  { role: 'user', content: 'Plan the solution of: Find x.' },
];
const runOf = (plan: string, correct: boolean | undefined, extra: Partial<GradedRun> = {}): GradedRun => ({
  problem: 'Find x.',
  planPrompt: prompt,
  planText: plan,
  answer: correct ? '2' : '3',
  ...(correct === undefined ? {} : { correct }),
  ...extra,
});

test('runs of one problem with a correct and a wrong grade give a pair over their plan prompt', () => {
  const sources = pairSourcesFromRuns([runOf('{"plan":"good"}', true), runOf('{"plan":"bad"}', false), runOf('{"plan":"ungraded"}', undefined)]);
  assert.equal(sources.length, 1);
  assert.equal(sources[0]!.trajectories!.length, 2, 'the ungraded run is left out');
  const pairs = preferencePairs(sources);
  assert.deepEqual(pairs, [{ prompt, chosen: [{ role: 'assistant', content: '{"plan":"good"}' }], rejected: [{ role: 'assistant', content: '{"plan":"bad"}' }] }]);
  const std = preferencePairs(sources, 'standard');
  assert.deepEqual(std, [{ prompt: `${prompt[0]!.content}\n\n${prompt[1]!.content}`, chosen: '{"plan":"good"}', rejected: '{"plan":"bad"}' }]);
});

test('no pair across problems or across different plan prompts, nor without a plan; only-correct gives none', () => {
  const other = [{ role: 'user', content: 'Plan the solution of: Find x. (other templates)' }];
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), runOf('B', false, { problem: 'Find y.' })])).length, 0);
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), runOf('B', false, { planPrompt: other })])).length, 0);
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), { ...runOf('B', false), planText: undefined }])).length, 0);
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), runOf('B', true)])).length, 0);
  // the same plan graded both ways is no preference
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), runOf('A', false)])).length, 0);
  // problem text differing only in surrounding whitespace is the same problem
  assert.equal(preferencePairs(pairSourcesFromRuns([runOf('A', true), runOf('B', false, { problem: '  Find x.\n' })])).length, 1);
});
