import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTemplateIndex } from '../../../src/core/templates/library.js';
import { methodQuery, parseLabelledProblems, scoreMethods } from '../../../src/core/templates/methodEval.js';
import { parsePlan } from '../../../src/core/reasoning/json.js';

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
  assert.deepEqual(problems.filter((p) => !p.step || !p.stepSource).map((p) => p.id), [], 'every problem has a plan step and its source');
  // Regression floors on the test split (the bench prints the numbers): the whole problem as the query,
  // and the plan step + problem as a solve queries per step.
  const rate = (mode: 'problem' | 'step+problem', source: string) => {
    const r = scoreMethods(index, testSplit, { mode }).find((x) => x.source === source)!;
    return r.hit3 / r.labelled;
  };
  assert.ok(rate('problem', 'all') >= 0.36, `problem-only hit@3 ${rate('problem', 'all')}`);
  assert.ok(rate('step+problem', 'all') >= STEP_FLOOR.all, `step+problem hit@3 ${rate('step+problem', 'all')}`);
  assert.ok(rate('step+problem', 'olympiadbench') >= STEP_FLOOR.olympiadbench, `OlympiadBench step+problem hit@3 ${rate('step+problem', 'olympiadbench')}`);
});

/**
 * A few points below the step+problem hit@3 measured on the test split with the plan-step reranker
 * (820 templates, round-6 features: 0.741 all, 0.694 OlympiadBench; without it 0.670 and 0.599; problem
 * only 0.386 all).
 */
const STEP_FLOOR = { all: 0.71, olympiadbench: 0.66 };

test('a step query is the one a solve makes: the plan parser builds it, the problem is the context', () => {
  const p = { id: 'x', source: 's', split: 'test' as const, problem: 'Find all n with n^2 + 1 prime.', templates: ['a'], step: { method: 'parity argument', goal: 'Show n must be even' }, stepSource: 'written' as const };
  const plan = parsePlan(JSON.stringify({ steps: [p.step] }));
  assert.ok(plan.ok);
  // Both step modes are plan-step searches (the step reranker applies); the problem mode is not.
  assert.deepEqual(methodQuery(p, 'step+problem'), { query: plan.value.steps[0]!.query, context: p.problem, planStep: true });
  assert.deepEqual(methodQuery(p, 'step'), { query: plan.value.steps[0]!.query, planStep: true });
  assert.deepEqual(methodQuery(p, 'problem'), { query: p.problem });
  assert.throws(() => methodQuery({ ...p, step: undefined }, 'step'), /x: no "step"/);
  assert.throws(() => parseLabelledProblems('{"id":"x","source":"s","split":"dev","problem":"p","templates":[],"step":{"method":"m","goal":""},"stepSource":"written"}'), /line 1: "step" must be/);
  assert.throws(() => parseLabelledProblems('{"id":"x","source":"s","split":"dev","problem":"p","templates":[],"step":{"method":"m","goal":"g"}}'), /line 1: a step needs "stepSource"/);
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

test('step modes search with the step (and the problem as context in step+problem)', () => {
  const calls: Array<[string, string | undefined, boolean | undefined]> = [];
  const fake = {
    size: 1,
    search: (q: string, o: { context?: string; planStep?: boolean }) => {
      calls.push([q, o.context, o.planStep]);
      return [{ template: { id: q.includes('pigeonhole') ? 'hit' : 'miss' } }];
    },
  } as never;
  const p = { id: '1', source: 's', split: 'test' as const, problem: 'Ten socks in a drawer.', templates: ['hit'], step: { method: 'pigeonhole', goal: 'Find two of one colour' }, stepSource: 'written' as const };
  assert.equal(scoreMethods(fake, [p], { mode: 'problem' })[0]!.hit1, 0);
  assert.equal(scoreMethods(fake, [p], { mode: 'step+problem' })[0]!.hit1, 1);
  assert.equal(scoreMethods(fake, [p], { mode: 'step' })[0]!.hit1, 1);
  assert.deepEqual(calls, [
    ['Ten socks in a drawer.', undefined, undefined],
    ['Find two of one colour pigeonhole', 'Ten socks in a drawer.', true],
    ['Find two of one colour pigeonhole', undefined, true],
  ]);
});
