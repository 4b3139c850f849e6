// The engine's own difficulty assessment: statement features, the calibrated feature model, the
// combination with the navigator's number and the run signals; re-plans re-estimate; a missing
// complexity stays missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FEATURE_MODEL,
  NAVIGATOR_WEIGHT,
  NavigatorReliability,
  RELIABILITY_MIN,
  emptySignals,
  estimateDifficulty,
  featureComplexity,
  fitFeatureModel,
  problemFeatures,
} from '../../../src/core/reasoning/difficulty.js';
import { parsePlan } from '../../../src/core/reasoning/json.js';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { solveProblem, roundBudget, type SolveResult } from '../../../src/core/reasoning/orchestrator.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { fixtureIndex, kindOf, run } from './fixtures.js';

const CALIBRATION = join(__dirname, '..', '..', 'fixtures', 'difficulty', 'calibration.jsonl');
const rows = readFileSync(CALIBRATION, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; problem: string; level: number });

test('problem features: length, quantities, conditions, nesting, proof, parts, scope', () => {
  const easy = problemFeatures('What is $7 \\times 8$?');
  const hard = problemFeatures(
    'Let $a_1 = 2$ and $a_{n+1} = a_n^2 - a_n + 1$. (a) Prove that the $a_n$ are pairwise coprime. (b) Find how many $n \\le 100$ satisfy $a_n \\equiv 1 \\pmod{7}$, where $n$ is a positive integer.',
  );
  for (const k of ['words', 'mathChars', 'quantities', 'conditions', 'nesting', 'parts', 'scope'] as const) assert.ok(hard[k] > easy[k], k);
  assert.equal(hard.proof, 1);
  assert.equal(easy.proof, 0);
  // Bounded, and never throws on odd input.
  const junk = problemFeatures('$'.repeat(5000) + '{'.repeat(3000));
  assert.ok(Object.values(junk).every((v) => Number.isFinite(v) && v >= 0));
  assert.ok(featureComplexity('') >= 1);
});

test('statements in Chinese, Japanese and Korean are read too (no spaces, their own condition words)', () => {
  const en = featureComplexity('Find the number of ordered pairs of positive integers $(a,b)$ such that $a + b \\le 12$ and $a$ divides $b$.');
  const zh = featureComplexity('求满足 $a + b \\le 12$ 且 $a$ 整除 $b$ 的正整数有序对 $(a,b)$ 的个数。');
  assert.ok(Math.abs(en - zh) < 1, `en ${en} zh ${zh}`);
  assert.equal(problemFeatures('证明：对所有正整数 $n$，$n^3 - n$ 能被 6 整除。').proof, 1);
  assert.ok(problemFeatures('다음 조건을 만족하는 모든 정수 $x$의 개수를 구하여라: $x^2 < 50$.').conditions >= 2);
});

test('FEATURE_MODEL is the ridge fit on the project\'s own calibration set (none from MATH-500 / AIME / AMC)', () => {
  assert.ok(rows.length >= 40);
  assert.ok(rows.every((r) => r.id.startsWith('cal-')));
  const fit = fitFeatureModel(rows);
  for (const key of ['means', 'scales', 'weights'] as const) {
    fit[key].forEach((v, i) => assert.ok(Math.abs(v - FEATURE_MODEL[key][i]!) < 1e-3, `${key}[${i}] ${v} vs ${FEATURE_MODEL[key][i]}`));
  }
  assert.ok(Math.abs(fit.bias - FEATURE_MODEL.bias) < 1e-3);
  // It orders the calibration set: mean estimate rises with the label, and the error is small.
  const byLabel = new Map<number, number[]>();
  for (const r of rows) (byLabel.get(r.level) ?? byLabel.set(r.level, []).get(r.level)!).push(featureComplexity(r.problem));
  const means = [...byLabel].sort(([a], [b]) => a - b).map(([, xs]) => xs.reduce((a, b) => a + b, 0) / xs.length);
  assert.ok(means[means.length - 1]! - means[0]! > 5, means.join(' '));
  const mae = rows.reduce((a, r) => a + Math.abs(featureComplexity(r.problem) - r.level), 0) / rows.length;
  assert.ok(mae < 1, `mean absolute error ${mae}`);
});

test('estimateDifficulty: navigator + features, signals raise it, a missing number is the engine\'s alone', () => {
  const p = 'Compute $15 + 27$.';
  const none = estimateDifficulty(p, null);
  assert.equal(none.navigator, null);
  assert.equal(none.source, 'engine');
  assert.equal(none.complexity, Math.round(featureComplexity(p)));
  const said = estimateDifficulty(p, 9);
  assert.equal(said.navigator, 9);
  assert.equal(said.source, 'navigator+engine');
  assert.ok(said.complexity > none.complexity && said.complexity < 9);
  const s = emptySignals();
  s.revisions = 2;
  s.disagreements = 1;
  const raised = estimateDifficulty(p, null, s);
  assert.equal(raised.signals, 3.5);
  assert.ok(raised.complexity > none.complexity);
});

test('NavigatorReliability: a navigator whose number never varies gets no weight', () => {
  const r = new NavigatorReliability();
  for (let i = 0; i < RELIABILITY_MIN - 1; i++) r.observe(5);
  assert.equal(r.weight(), NAVIGATOR_WEIGHT);
  r.observe(5);
  assert.equal(r.weight(), 0);
  const p = 'Compute $15 + 27$.';
  assert.equal(estimateDifficulty(p, 9, emptySignals(), undefined, 0).source, 'engine');
  assert.equal(estimateDifficulty(p, 9, emptySignals(), undefined, 0).navigator, 9);
  const varied = new NavigatorReliability();
  [2, 5, 8, 3, 7, null].forEach((n) => varied.observe(n));
  assert.equal(varied.weight(), NAVIGATOR_WEIGHT);
});

test('a plan without complexity is recorded as missing, not as 5', () => {
  const r = parsePlan(JSON.stringify({ analysis: 'a', steps: ['g'] }));
  assert.ok(r.ok);
  assert.equal(r.value.navigatorComplexity, null);
  const given = parsePlan(JSON.stringify({ analysis: 'a', complexity: 5, steps: ['g'] }));
  assert.ok(given.ok);
  assert.equal(given.value.navigatorComplexity, 5);
});


test('the plan event carries the engine\'s assessment; a re-plan re-estimates complexity and rejected steps raise the budget', async () => {
  const problem = 'Solve the linear equation 2x + 3 = 13 for x.';
  let evals = 0;
  const server = await startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan') return { content: JSON.stringify({ analysis: 'a', steps: [{ goal: 'Guess', method: '', query: 'linear' }, { goal: 'State x', method: '', query: 'linear' }] }) };
    if (k === 'replan') return { content: JSON.stringify({ analysis: 'harder than it looked', complexity: 9, steps: [{ goal: 'Isolate x properly', method: '', query: 'linear' }] }) };
    if (k === 'step') return { content: 'So $x = \\boxed{5}$.' };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: evals++ === 0 ? 'replan' : 'accept', feedback: 'f' }) };
    return { status: 400 };
  });
  try {
    const m = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1, maxRetries: 0 });
    const { events, result } = await run(solveProblem(problem, { navigator: m, solver: m, index: fixtureIndex() }));
    const plans = events.filter((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>[];
    assert.equal(plans.length, 2);
    // First plan: no number from the navigator, the engine's estimate, labelled as such.
    assert.equal(plans[0]!.plan.navigatorComplexity, null);
    assert.equal(plans[0]!.plan.difficulty!.source, 'engine');
    assert.equal(plans[0]!.plan.complexity, plans[0]!.plan.difficulty!.complexity);
    // The re-plan's number replaces it, combined with the features and the re-plan signal.
    assert.equal(plans[1]!.plan.navigatorComplexity, 9);
    assert.equal(plans[1]!.plan.difficulty!.source, 'navigator+engine');
    assert.ok(plans[1]!.plan.complexity > plans[0]!.plan.complexity);
    assert.equal(result.difficulty!.navigator, 9);
    assert.ok(result.stats.roundBudget >= roundBudget(plans[1]!.plan.complexity));
    assert.equal(result.answer, '5');
  } finally {
    await server.close();
  }
});
