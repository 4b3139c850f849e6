// Tests that catch deliberate breakages of the orchestrator which the rest of the suite let through:
// top-K ignoring complexity, the `finish` verdict ignored, the first \boxed{} taken instead of the last,
// the other candidate templates dropped from the solver prompt, the accepted work left out of the
// evaluation prompt — and the final-answer check once the round budget is spent. Each was verified by
// applying the breakage and watching the test fail (node scripts/check-mutations.mjs does it again).
// Real `openai` SDK over HTTP against the scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { HintSession, solveProblem, topKFor, type SolveResult } from '../../../src/core/reasoning/orchestrator.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { FIXTURE_TEMPLATES, fixtureIndex, kindOf, run, routed } from './fixtures.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';
/** Matches every fixture template, so retrieval is limited by top-K alone. */
const WIDE_QUERY = 'linear equation quadratic roots modulo remainder counting complement right triangle vieta';



function models(baseUrl: string) {
  const m = createOpenAiModel({ baseUrl, model: 'm', retryBaseDelayMs: 1, maxRetries: 0 });
  return { navigator: m, solver: m };
}

const plan = (complexity: number, goals: string[], query = 'linear equation') =>
  JSON.stringify({ analysis: 'a', complexity, steps: goals.map((goal) => ({ goal, method: '', query })) });
const verdict = (v: string) => ({ content: JSON.stringify({ verdict: v, feedback: `said ${v}` }) });

test('top-K follows the assessed complexity: more templates per step for a harder problem', async () => {
  const counts: number[] = [];
  for (const complexity of [1, 10]) {
    const server = await routed({ plan: { content: plan(complexity, ['Solve it'], WIDE_QUERY) }, step: { content: '$\\boxed{5}$' }, evaluate: verdict('accept') });
    try {
      const { events } = await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() }));
      const p = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
      const r = events.find((e) => e.type === 'retrieval') as Extract<SolveEvent, { type: 'retrieval' }>;
      assert.equal(r.templates.length, Math.min(FIXTURE_TEMPLATES.length, topKFor(p.plan.complexity)), `complexity ${p.plan.complexity}`);
      // The solver sees exactly those templates.
      const stepPrompt = server.chatRequests.find((q) => kindOf(q.body) === 'step')!.body.messages[1].content as string;
      assert.equal(stepPrompt.match(/^Template \S+ — /gm)?.length, r.templates.length);
      counts.push(r.templates.length);
    } finally {
      await server.close();
    }
  }
  assert.ok(counts[1]! > counts[0]!, `templates per step: ${counts.join(' vs ')}`);
});

test('a "finish" verdict ends the run: no further steps, the answer is that step\'s', async () => {
  const server = await routed({
    plan: { content: plan(3, ['Solve it at once', 'Check the work', 'Restate the answer']) },
    step: [{ content: 'Directly: $x = \\boxed{5}$.' }, { content: 'Should never run: $\\boxed{99}$.' }],
    evaluate: verdict('finish'),
  });
  try {
    const { result } = await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() }));
    assert.deepEqual(server.chatRequests.map((r) => kindOf(r.body)), ['plan', 'step', 'evaluate']);
    assert.equal(result.answer, '5');
    assert.equal(result.steps.length, 1);
    assert.equal(result.verification, 'accepted');
  } finally {
    await server.close();
  }
});

test('the last \\boxed{} of the last step is the answer, not the first', async () => {
  const text = 'A first guess gives $\\boxed{3}$, but that ignores the constant; correcting it, $x = \\boxed{5}$.';
  const server = await routed({ plan: { content: plan(2, ['Solve it']) }, step: { content: text }, evaluate: verdict('accept') });
  try {
    const { result } = await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() }));
    assert.equal(result.answer, '5');
    // Hints end on the same answer.
    const hint = new HintSession(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() });
    for await (const _ of hint.plan()) void _;
    const events: SolveEvent[] = [];
    for await (const e of hint.next()) events.push(e);
    const final = events.find((e) => e.type === 'final') as Extract<SolveEvent, { type: 'final' }>;
    assert.equal(final.answer, '5');
  } finally {
    await server.close();
  }
});

test('the solver prompt lists the other retrieved templates as candidates besides the chosen one', async () => {
  const server = await routed({ plan: { content: plan(5, ['Solve it'], WIDE_QUERY) }, step: { content: '$\\boxed{5}$' }, evaluate: verdict('accept') });
  try {
    const { events } = await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() }));
    const r = events.find((e) => e.type === 'retrieval') as Extract<SolveEvent, { type: 'retrieval' }>;
    const others = r.templates.filter((t) => t.id !== r.chosen);
    assert.ok(others.length >= 2, `${others.length} other candidates`);
    const prompt = server.chatRequests.find((q) => kindOf(q.body) === 'step')!.body.messages[1].content as string;
    assert.match(prompt, new RegExp(`Chosen template [^\\n]*\\n[\\s\\S]*Template ${r.chosen!.replace(/\./g, '\\.')} `));
    assert.match(prompt, /Other candidates \(use one instead if it fits better\):/);
    const tail = prompt.slice(prompt.indexOf('Other candidates'));
    for (const t of others) assert.ok(tail.includes(`Template ${t.id} — ${t.name}`), `candidate ${t.id} missing from the solver prompt`);
  } finally {
    await server.close();
  }
});

test('the evaluation prompt quotes the accepted work of the earlier steps', async () => {
  const server = await routed({
    plan: { content: plan(5, ['Move the constant', 'Divide and state x']) },
    step: [{ content: 'Subtracting 3 gives $2x = 10$ (STEP-ONE-MARK).' }, { content: 'So $x = \\boxed{5}$.' }],
    evaluate: verdict('accept'),
  });
  try {
    await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex() }));
    const evals = server.chatRequests.filter((q) => kindOf(q.body) === 'evaluate').map((q) => q.body.messages[1].content as string);
    assert.equal(evals.length, 2);
    assert.match(evals[0]!, /Accepted work so far:\n\(nothing yet\)/);
    assert.match(evals[1]!, /Accepted work so far:\n### Step 1: Move the constant\nSubtracting 3 gives \$2x = 10\$ \(STEP-ONE-MARK\)\./);
    // …and the step being judged separately.
    assert.match(evals[1]!, /The solver just carried out step 2 \(Divide and state x\):\nSo \$x = \\boxed\{5\}\$\./);
  } finally {
    await server.close();
  }
});

test('with the round budget spent, a wrong final answer is still evaluated and gets its reserved revision', async () => {
  // Step 1 uses the only round (maxRounds 1); the final step's first answer is wrong, the navigator says so.
  const server = await routed({
    plan: { content: plan(2, ['Move the constant', 'Divide and state x']) },
    step: [{ content: '$2x = 16$' }, { content: '$2x = 10$' }, { content: 'So $x = \\boxed{4}$.' }, { content: 'Dividing by 2 correctly: $x = \\boxed{5}$.' }],
    evaluate: [verdict('revise'), verdict('revise'), verdict('accept')],
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server.baseUrl), index: fixtureIndex(), maxRounds: 1 }));
    // Step 1's revision runs unevaluated (no budget left), but the last step is judged, revised once more and judged again.
    assert.deepEqual(server.chatRequests.map((r) => kindOf(r.body)), ['plan', 'step', 'evaluate', 'step', 'step', 'evaluate', 'step', 'evaluate']);
    assert.equal(result.answer, '5');
    assert.equal(result.verification, 'accepted');
    assert.equal(events.filter((e) => e.type === 'adjustment').length, 2);
  } finally {
    await server.close();
  }
});
