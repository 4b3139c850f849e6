// The orchestrator end to end: real `openai` SDK over real HTTP against the scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import type { ChatModel } from '../../../src/core/llm/types.js';
import { solveProblem, directSolve, HintSession, topKFor, roundBudget, FINAL_RESERVE, type OrchestratorOptions, type SolveResult } from '../../../src/core/reasoning/orchestrator.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { MAX_PLAN_STEPS } from '../../../src/core/reasoning/json.js';
import { startScriptedOpenAiServer, type ScriptedReply, type ScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { EMPTY_INDEX, fixtureIndex, kindOf, routed } from './fixtures.js';
import { closedPort } from '../../support/net.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';

const PLAN = {
  analysis: 'A linear equation in one unknown.',
  complexity: 2,
  steps: [
    { goal: 'Move the constant to the right side', method: 'alg.linear-equation', query: 'linear equation isolate' },
    { goal: 'Divide by the coefficient and state x', method: 'Solve a linear equation', query: 'linear equation divide coefficient' },
  ],
};
const accept = (feedback = 'Correct.') => JSON.stringify({ verdict: 'accept', feedback, progress: 0.5 });

async function run(gen: AsyncGenerator<SolveEvent, SolveResult>, onEvent?: (e: SolveEvent) => void) {
  const events: SolveEvent[] = [];
  let r = await gen.next();
  while (!r.done) {
    events.push(r.value);
    onEvent?.(r.value);
    r = await gen.next();
  }
  return { events, result: r.value };
}

/** Event types with runs of step-delta collapsed, for asserting order. */
function shape(events: SolveEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const name = e.type === 'usage' ? `usage:${e.role}` : e.type === 'evaluation' ? `evaluation:${e.verdict}` : e.type;
    if ((name === 'step-delta' || name === 'analysis-delta') && out[out.length - 1] === name) continue;
    out.push(name);
  }
  return out;
}

function models(server: ScriptedOpenAiServer, extra: Partial<Parameters<typeof createOpenAiModel>[0]> = {}): { navigator: ChatModel; solver: ChatModel } {
  const base = { baseUrl: server.baseUrl, retryBaseDelayMs: 1, ...extra };
  return { navigator: createOpenAiModel({ ...base, model: 'nav-model' }), solver: createOpenAiModel({ ...base, model: 'solver-model' }) };
}


test('budget formulas scale with complexity', () => {
  assert.deepEqual([1, 3, 4, 6, 7, 9, 10].map(topKFor), [3, 3, 4, 4, 5, 5, 6]);
  assert.deepEqual([1, 3, 4, 7, 10].map((c) => roundBudget(c)), [2, 2, 3, 4, 5]);
  assert.equal(roundBudget(9, 1), 1);
  assert.equal(roundBudget(2, 0), 2);
});

test('full solve: plan → retrieval → steps → evaluation → boxed answer, events in order', async () => {
  const server = await routed({
    plan: { content: '```json\n' + JSON.stringify(PLAN) + '\n```' },
    step: [{ content: 'Subtract 3 from both sides: $2x = 10$.' }, { content: 'Divide by 2: $x = 5$, so the answer is $\\boxed{5}$.' }],
    evaluate: [{ content: accept() }, { content: JSON.stringify({ verdict: 'finish', feedback: 'Solved.', progress: 1 }) }],
  });
  try {
    const index = fixtureIndex();
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index, runId: 'r1' }));
    assert.deepEqual(shape(events), [
      'start',
      'usage:navigator',
      'plan',
      'retrieval',
      'step-start',
      'step-delta',
      'usage:solver',
      'step-done',
      'usage:navigator',
      'evaluation:accept',
      'retrieval',
      'step-start',
      'step-delta',
      'usage:solver',
      'step-done',
      'usage:navigator',
      'evaluation:finish',
      'final',
      'done',
    ]);
    assert.equal(result.status, 'solved');
    assert.equal(result.answer, '5');
    assert.equal(result.steps.length, 2);
    assert.equal(result.steps[0]!.templateId, 'alg.linear-equation');
    assert.match(result.text, /2x = 10[\s\S]*boxed\{5\}/);
    const start = events[0] as Extract<SolveEvent, { type: 'start' }>;
    assert.equal(start.runId, 'r1');
    assert.equal(start.navigator, 'nav-model');
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'navigator');
    assert.equal(plan.plan.steps.length, 2);
    const retrieval = events.filter((e) => e.type === 'retrieval') as Extract<SolveEvent, { type: 'retrieval' }>[];
    assert.equal(retrieval[0]!.chosen, 'alg.linear-equation');
    assert.match(retrieval[0]!.why!, /plan names it/);
    assert.equal(retrieval[1]!.chosen, 'alg.linear-equation');
    assert.ok(retrieval.every((r) => r.templates.length <= topKFor(2)));
    // Deltas reassemble the step texts exactly.
    const deltas = events.filter((e) => e.type === 'step-delta' && e.stepIndex === 1).map((e) => (e as { text: string }).text).join('');
    assert.equal(deltas, result.steps[1]!.text);
    // Stats match what the server saw.
    const reqs = server.chatRequests;
    assert.equal(reqs.length, 5);
    assert.deepEqual(reqs.map((r) => kindOf(r.body)), ['plan', 'step', 'evaluate', 'step', 'evaluate']);
    assert.equal(result.stats.calls, 5);
    assert.equal(result.stats.navigatorCalls, 3);
    assert.equal(result.stats.solverCalls, 2);
    assert.equal(result.stats.roundBudget, roundBudget(2));
    assert.equal(result.stats.rounds, 0);
    assert.deepEqual(result.stats.templatesUsed, ['alg.linear-equation']);
    assert.ok(result.stats.totalTokens > 0 && result.stats.totalTokens === result.stats.promptTokens + result.stats.completionTokens);
    assert.ok(result.stats.modelMs <= result.stats.ms);
    // Navigator calls ask for JSON and use the navigator model; the step prompt carries the template and its example.
    assert.deepEqual(reqs[0]!.body.response_format, { type: 'json_object' });
    assert.equal(reqs[0]!.body.model, 'nav-model');
    assert.equal(reqs[1]!.body.model, 'solver-model');
    const stepPrompt = reqs[1]!.body.messages[1].content as string;
    assert.match(stepPrompt, /Chosen template \(the plan names it/);
    assert.match(stepPrompt, /Solve 3x \+ 2 = 11/);
    const lastStepPrompt = reqs[3]!.body.messages[1].content as string;
    assert.match(lastStepPrompt, /Work so far:\n### Step 1: Move the constant[\s\S]*2x = 10/);
    assert.match(lastStepPrompt, /\\boxed\{\.\.\.\}/);
  } finally {
    await server.close();
  }
});

test('malformed plan: prose first, repaired on the second ask', async () => {
  const server = await routed({
    plan: { content: 'Sure! I think we should first isolate x and then divide.' },
    repair: { content: 'Here it is:\n' + JSON.stringify(PLAN) },
    step: [{ content: '$2x = 10$' }, { content: '$x = \\boxed{5}$' }],
    evaluate: { content: accept() },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'repaired');
    assert.match(plan.note!, /no JSON object/);
    assert.equal(result.answer, '5');
    const repair = server.chatRequests[1]!.body.messages as { role: string; content: string }[];
    assert.equal(repair[repair.length - 2]!.role, 'assistant');
    assert.match(repair[repair.length - 1]!.content, /could not be used: it contains no JSON object/);
  } finally {
    await server.close();
  }
});

test('broken-but-recoverable JSON (leading text, trailing commas, LaTeX backslashes) is used directly', async () => {
  const broken = `Let me think.\n{\n "analysis": "Solve $\\frac{x}{2}$ style equation",\n "complexity": "3",\n "steps": [\n  {"goal": "Isolate x", "method": "", "query": "linear equation",},\n ],\n}\nDone.`;
  const server = await routed({ plan: { content: broken }, step: { content: 'So $x=\\boxed{5}$.' }, evaluate: { content: accept() } });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'navigator');
    assert.equal(plan.plan.complexity, 3);
    assert.equal(plan.plan.analysis, 'Solve $\\frac{x}{2}$ style equation');
    assert.equal(result.answer, '5');
  } finally {
    await server.close();
  }
});

test('malformed plans twice (missing keys, broken JSON) → fallback plan from retrieval, still solves', async () => {
  const server = await routed({
    plan: { content: JSON.stringify({ analysis: 'no steps here', complexity: 4 }) },
    repair: { content: '{"analysis": "x", "steps": [ {"goal": ' },
    step: [{ content: 'collected' }, { content: 'divided: $\\boxed{5}$' }],
    evaluate: { content: accept() },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'fallback');
    // The best template for the problem is the linear-equation one: its steps become the plan.
    assert.deepEqual(plan.plan.steps.map((s) => s.goal), ['Collect the terms with the unknown on one side', 'Divide by the coefficient of the unknown']);
    const err = events.find((e) => e.type === 'error') as Extract<SolveEvent, { type: 'error' }>;
    assert.equal(err.fatal, false);
    assert.match(err.message, /no usable plan twice/);
    assert.equal(result.status, 'solved');
    assert.equal(result.answer, '5');
    assert.deepEqual(server.chatRequests.slice(0, 2).map((r) => kindOf(r.body)), ['plan', 'repair']);
  } finally {
    await server.close();
  }
});

test('fallback with an empty template index uses a generic plan', async () => {
  const server = await routed({ plan: { content: 'no' }, repair: { content: 'still no' }, step: [{ content: 'a' }, { content: 'b' }, { content: '$\\boxed{5}$' }], evaluate: { content: accept() } });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: EMPTY_INDEX }));
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'fallback');
    assert.equal(plan.plan.steps.length, 3);
    const retrieval = events.filter((e) => e.type === 'retrieval') as Extract<SolveEvent, { type: 'retrieval' }>[];
    assert.ok(retrieval.every((r) => r.templates.length === 0 && r.chosen === undefined));
    assert.match(server.chatRequests.find((r) => kindOf(r.body) === 'step')!.body.messages[1].content, /No template matched/);
    assert.equal(result.answer, '5');
  } finally {
    await server.close();
  }
});

test('step retrieval is a plan-step search (planStep, the problem as context); problem searches are not', async () => {
  const base = fixtureIndex();
  const calls: Array<{ query: string; context?: string; planStep?: boolean }> = [];
  const index = { ...base, search: (query: string, o: { context?: string; planStep?: boolean } = {}) => (calls.push({ query, context: o.context, planStep: o.planStep }), base.search(query, o)) };
  const server = await routed({ plan: { content: JSON.stringify(PLAN) }, step: { content: '$\\boxed{5}$' }, evaluate: { content: accept() } });
  try {
    const { result } = await run(solveProblem(PROBLEM, { ...models(server), index }));
    assert.equal(result.status, 'solved');
    const stepCalls = calls.filter((c) => PLAN.steps.some((s) => s.query === c.query));
    assert.ok(stepCalls.length >= 1, JSON.stringify(calls));
    for (const c of stepCalls) assert.deepEqual([c.context, c.planStep], [PROBLEM, true]);
    for (const c of calls.filter((x) => x.query === PROBLEM)) assert.equal(c.planStep, undefined);
  } finally {
    await server.close();
  }
});

test('a throwing template index does not crash the run', async () => {
  const index = { ...fixtureIndex(), search: () => { throw new Error('index corrupted'); } };
  const server = await routed({ plan: { content: JSON.stringify(PLAN) }, step: { content: '$\\boxed{5}$' }, evaluate: { content: accept() } });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index }));
    assert.equal(result.status, 'solved');
    assert.ok(events.some((e) => e.type === 'error' && !e.fatal && /index corrupted/.test(e.message)));
  } finally {
    await server.close();
  }
});

test('a revision with feedback, then a re-plan of the remaining steps', async () => {
  const replan = {
    analysis: 'Dividing first is cleaner.',
    complexity: 5,
    steps: [
      { goal: 'Divide the whole equation by 2', method: 'alg.linear-equation', query: 'linear' },
      { goal: 'Subtract 3/2 and state x', method: '', query: 'linear equation' },
    ],
  };
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: [
      { content: 'Subtract 3: $2x = 11$.' }, // wrong
      { content: 'Subtract 3: $2x = 10$.' }, // revised
      { content: 'Now x = 10 - 2 = 8?' }, // wrong approach → replan
      { content: '$x + 3/2 = 13/2$' },
      { content: '$x = \\boxed{5}$' },
    ],
    evaluate: [
      { content: JSON.stringify({ verdict: 'revise', feedback: '13 - 3 is 10, not 11.' }) },
      { content: accept() },
      { content: JSON.stringify({ verdict: 'replan', feedback: 'Subtracting 2 is wrong; divide instead.' }) },
      { content: accept() },
      { content: JSON.stringify({ verdict: 'finish', feedback: 'Done.' }) },
    ],
    replan: { content: JSON.stringify(replan) },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), maxRounds: 3 }));
    const adjustments = events.filter((e) => e.type === 'adjustment') as Extract<SolveEvent, { type: 'adjustment' }>[];
    assert.deepEqual(adjustments.map((a) => [a.kind, a.stepIndex]), [['revise', 0], ['replan', 1]]);
    assert.match(adjustments[0]!.reason, /not 11/);
    assert.deepEqual(adjustments[1]!.plan!.steps.map((s) => s.goal), ['Move the constant to the right side', 'Divide the whole equation by 2', 'Subtract 3/2 and state x']);
    const starts = events.filter((e) => e.type === 'step-start') as Extract<SolveEvent, { type: 'step-start' }>[];
    assert.deepEqual(starts.map((s) => [s.stepIndex, s.attempt]), [[0, 1], [0, 2], [1, 1], [1, 1], [2, 1]]);
    // The revision request carries the feedback and the previous attempt.
    const stepReqs = server.chatRequests.filter((r) => kindOf(r.body) === 'step');
    const revision = stepReqs[1]!.body.messages[1].content as string;
    assert.match(revision, /13 - 3 is 10, not 11/);
    assert.match(revision, /2x = 11/);
    assert.equal(result.answer, '5');
    assert.equal(result.stats.rounds, 2);
    assert.equal(result.stats.roundBudget, 3);
    assert.deepEqual(result.steps.map((s) => s.text), ['Subtract 3: $2x = 10$.', '$x + 3/2 = 13/2$', '$x = \\boxed{5}$']);
    assert.ok(!result.text.includes('2x = 11'), 'rejected attempts are not part of the solution');
  } finally {
    await server.close();
  }
});

test('the round budget bounds adjustments: a navigator that always says revise', async () => {
  const server = await routed({
    plan: { content: JSON.stringify({ ...PLAN, steps: [PLAN.steps[0]] }) },
    step: { content: 'attempt $\\boxed{5}$' },
    evaluate: { content: JSON.stringify({ verdict: 'revise', feedback: 'again' }) },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), maxRounds: 2 }));
    // 2 rounds of the budget + the one reserved revision of the final answer
    assert.equal(events.filter((e) => e.type === 'adjustment').length, 2 + FINAL_RESERVE);
    assert.equal(result.stats.rounds, 2 + FINAL_RESERVE);
    // plan + (step + eval) × 4 attempts: the final answer is evaluated even once the budget is spent
    assert.equal(server.chatRequests.length, 1 + 2 * (3 + FINAL_RESERVE));
    assert.equal(kindOf(server.chatRequests.at(-1)!.body), 'evaluate');
    assert.equal(result.answer, '5');
    // still rejected: reported as such, never as checked
    assert.equal(result.verification, 'rejected');
    const final = events.find((e) => e.type === 'final') as Extract<SolveEvent, { type: 'final' }>;
    assert.equal(final.verification, 'rejected');
    assert.ok(events.some((e) => e.type === 'error' && !e.fatal && /reported as unverified/.test(e.message)));
  } finally {
    await server.close();
  }
});

test('the last step without a box gets one short extra call for the boxed answer', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: [{ content: '$2x=10$' }, { content: 'so x equals five' }],
    evaluate: { content: accept() },
    final: { content: 'The final answer is $\\boxed{5}$.' },
  });
  try {
    const { result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    assert.equal(result.answer, '5');
    assert.equal(kindOf(server.chatRequests[server.chatRequests.length - 1]!.body), 'final');
    assert.equal(server.chatRequests[server.chatRequests.length - 1]!.body.max_tokens, 1024);
    assert.match(result.text, /final answer is/);
  } finally {
    await server.close();
  }
});

test('429 (Retry-After) on the plan call, then success', async () => {
  let first = true;
  const server = await startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan' && first) {
      first = false;
      return { status: 429, retryAfter: '0.05' };
    }
    if (k === 'plan') return { content: JSON.stringify(PLAN) };
    if (k === 'evaluate') return { content: accept() };
    return { content: '$\\boxed{5}$' };
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    assert.equal(result.status, 'solved');
    assert.equal((events.find((e) => e.type === 'plan') as any).source, 'navigator');
    assert.equal(server.chatRequests.filter((r) => kindOf(r.body) === 'plan').length, 2);
    assert.ok(!events.some((e) => e.type === 'error'));
  } finally {
    await server.close();
  }
});

test('500s exhausting retries end the run with a fatal server error', async () => {
  const server = await startScriptedOpenAiServer(() => ({ status: 503 }));
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server, { maxRetries: 1 }), index: fixtureIndex() }));
    assert.equal(result.status, 'failed');
    const fatal = events.filter((e) => e.type === 'error' && e.fatal) as Extract<SolveEvent, { type: 'error' }>[];
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0]!.kind, 'server');
    assert.match(fatal[0]!.message, /HTTP 503/);
    assert.equal(events[events.length - 1]!.type, 'done');
    // plan (2 attempts) falls back, first step (2 attempts) fails: bounded.
    assert.equal(server.chatRequests.length, 4);
  } finally {
    await server.close();
  }
});

test('a connection cut mid-stream, twice: asked once more, then a clear "cut off" error, never solved', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: { content: 'Subtract three from both sides now', chunkSize: 5, cutAfterChunks: 3 },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    assert.equal(result.status, 'failed');
    // Each attempt streams its own text once; a fresh step-start separates them.
    const partials = events.filter((e) => e.type === 'step-partial') as Extract<SolveEvent, { type: 'step-partial' }>[];
    assert.deepEqual(partials.map((p) => [p.text, p.retrying]), [['Subtract three ', true], ['Subtract three ', false]]);
    const err = events.find((e) => e.type === 'error' && e.fatal) as Extract<SolveEvent, { type: 'error' }>;
    assert.equal(err.kind, 'incomplete');
    assert.match(err.message, /cut off .*connection closed in the middle of the reply.*\(the retry was cut off too\)/);
    assert.ok(err.message.includes(server.baseUrl));
    assert.equal(server.chatRequests.filter((r) => kindOf(r.body) === 'step').length, 2);
    assert.deepEqual(result.steps, [], 'the partial step is not part of the result');
  } finally {
    await server.close();
  }
});

test('slow model + cancellation mid-stream: stops promptly, status cancelled, no further requests', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: { content: 'This is a very slow answer that goes on and on and on.', chunkSize: 2, chunkDelayMs: 40 },
    evaluate: { content: accept() },
  });
  try {
    const ac = new AbortController();
    let deltas = 0;
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), signal: ac.signal }), (e) => {
      if (e.type === 'step-delta' && ++deltas === 3) ac.abort();
    });
    assert.equal(result.status, 'cancelled');
    assert.equal(events[events.length - 1]!.type, 'done');
    assert.equal((events[events.length - 1] as any).status, 'cancelled');
    assert.ok(!events.some((e) => e.type === 'error'), 'cancellation is not an error');
    assert.ok(deltas < 10);
    const before = server.chatRequests.length;
    assert.equal(before, 2);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(server.chatRequests.length, before);
  } finally {
    await server.close();
  }
});

test('cancellation before the run starts makes no request', async () => {
  const server = await routed({ plan: { content: JSON.stringify(PLAN) } });
  try {
    const ac = new AbortController();
    ac.abort();
    const { result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), signal: ac.signal }));
    assert.equal(result.status, 'cancelled');
    assert.equal(server.chatRequests.length, 0);
  } finally {
    await server.close();
  }
});

test('a model that never complies ends after a bounded number of calls with a clear error', async () => {
  const server = await startScriptedOpenAiServer(() => ({ content: "I'm sorry, I can only chat about the weather." }));
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    assert.equal(result.status, 'no-answer');
    assert.equal(result.answer, null);
    const errors = events.filter((e) => e.type === 'error') as Extract<SolveEvent, { type: 'error' }>[];
    assert.ok(errors.some((e) => /no usable plan/.test(e.message)));
    assert.ok(errors.some((e) => /evaluations are unusable/.test(e.message)));
    assert.ok(errors.some((e) => /no final answer in \\boxed\{\}/.test(e.message)));
    const bound = 2 + 2 * (MAX_PLAN_STEPS + result.stats.roundBudget) + result.stats.roundBudget + 1;
    assert.ok(server.chatRequests.length <= bound, `${server.chatRequests.length} ≤ ${bound}`);
    // fallback plan (2 template steps): plan, repair, 2 steps, 2 unusable evaluations, final-answer call
    assert.equal(server.chatRequests.length, 7);
  } finally {
    await server.close();
  }
});

test('an unreachable endpoint fails the run with kind unreachable', async () => {
  const port = await closedPort();
  const m = createOpenAiModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
  const { events, result } = await run(solveProblem(PROBLEM, { navigator: m, solver: m, index: fixtureIndex() }));
  assert.equal(result.status, 'failed');
  const err = events.find((e) => e.type === 'error') as Extract<SolveEvent, { type: 'error' }>;
  assert.equal(err.kind, 'unreachable');
  assert.equal(err.fatal, true);
  assert.equal(result.stats.calls, 1);
});

test('hint session is lazy: one request to plan, one per revealed step', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: [{ content: 'Hint 1: subtract 3.' }, { content: 'Hint 2: divide, $\\boxed{5}$' }],
  });
  try {
    const s = new HintSession(PROBLEM, { ...models(server), index: fixtureIndex() });
    const planEvents: SolveEvent[] = [];
    const pg = s.plan();
    for (let r = await pg.next(); !r.done; r = await pg.next()) planEvents.push(r.value);
    assert.deepEqual(shape(planEvents), ['start', 'usage:navigator', 'plan']);
    assert.equal(server.chatRequests.length, 1);
    assert.ok(s.hasNext);

    const ev1: SolveEvent[] = [];
    const g1 = s.next();
    let r1 = await g1.next();
    for (; !r1.done; r1 = await g1.next()) ev1.push(r1.value);
    assert.equal(r1.value?.text, 'Hint 1: subtract 3.');
    assert.deepEqual(shape(ev1), ['retrieval', 'step-start', 'step-delta', 'usage:solver', 'step-done']);
    assert.equal(server.chatRequests.length, 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.chatRequests.length, 2, 'nothing is generated ahead of time');

    const ev2: SolveEvent[] = [];
    for await (const e of s.next()) ev2.push(e);
    assert.equal(server.chatRequests.length, 3);
    assert.ok(!s.hasNext);
    assert.deepEqual(shape(ev2).slice(-2), ['final', 'done']);
    assert.equal((ev2.find((e) => e.type === 'final') as any).answer, '5');
    assert.equal(s.stats.calls, 3);
    for await (const _ of s.next()) assert.fail('no events after the last step');
    assert.equal(server.chatRequests.length, 3);
  } finally {
    await server.close();
  }
});

test('solveProblem in hint mode plans and reveals only the first step', async () => {
  const server = await routed({ plan: { content: JSON.stringify(PLAN) }, step: { content: 'Hint: subtract 3.' } });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), mode: 'hint' }));
    assert.equal(server.chatRequests.length, 2);
    assert.equal(result.steps.length, 1);
    assert.equal(result.status, 'no-answer');
    assert.equal(events[events.length - 1]!.type, 'done');
  } finally {
    await server.close();
  }
});

test('explain mode streams analysis only, in one navigator call', async () => {
  const server = await routed({ explain: { content: 'We are asked for x in a linear equation. Isolating x works.', chunkSize: 7 } });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex(), mode: 'explain' }));
    assert.deepEqual(shape(events), ['start', 'analysis-delta', 'usage:navigator', 'final', 'done']);
    assert.equal(events.filter((e) => e.type === 'analysis-delta').map((e) => (e as any).text).join(''), result.text);
    assert.equal(result.answer, null);
    assert.equal(server.chatRequests.length, 1);
    assert.equal(server.chatRequests[0]!.body.model, 'nav-model');
    assert.match(server.chatRequests[0]!.body.messages[1].content, /Do NOT solve it/);
  } finally {
    await server.close();
  }
});

test('directSolve: one chain-of-thought call, same event and result shape', async () => {
  const server = await routed({ direct: { content: 'Subtract 3, divide by 2: $\\boxed{5}$' } });
  try {
    const m = models(server).solver;
    const { events, result } = await run(directSolve(PROBLEM, m));
    assert.deepEqual(shape(events), ['start', 'step-start', 'step-delta', 'usage:solver', 'step-done', 'final', 'done']);
    assert.equal(result.answer, '5');
    assert.equal(result.status, 'solved');
    assert.equal(result.plan, null);
    assert.equal(result.stats.calls, 1);
    assert.equal(server.chatRequests.length, 1);
  } finally {
    await server.close();
  }
});

test('the consumer stopping early (return()) aborts the stream and makes no more calls', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: { content: 'slow slow slow slow slow slow', chunkSize: 2, chunkDelayMs: 30 },
  });
  try {
    let n = 0;
    for await (const e of solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() })) {
      if (e.type === 'step-delta' && ++n === 2) break;
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.chatRequests.length, 2);
  } finally {
    await server.close();
  }
});

test('OrchestratorOptions accepts a non-HTTP ChatModel (provider-agnostic)', async () => {
  const fake: ChatModel = {
    id: 'fake',
    label: 'fake',
    async *stream(req) {
      const last = req.messages[req.messages.length - 1]!.content;
      const text = last.startsWith('Plan the solution') ? JSON.stringify(PLAN) : last.includes('Judge this step') ? accept() : '$\\boxed{5}$';
      yield { type: 'delta', text };
      yield { type: 'done', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 0, model: 'fake', retries: 0 };
    },
  };
  const opts: OrchestratorOptions = { navigator: fake, solver: fake, index: fixtureIndex() };
  const { result } = await run(solveProblem(PROBLEM, opts));
  assert.equal(result.answer, '5');
  assert.equal(result.stats.totalTokens, 10);
});

/** A model that answers every call with the same untrusted text. */
function parrot(text: string): ChatModel {
  return {
    id: 'parrot',
    label: 'parrot',
    async *stream() {
      yield { type: 'delta', text };
      yield { type: 'done', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 0, model: 'parrot', retries: 0 };
    },
  };
}

const OWN_HOSTILE = [
  '',
  '{'.repeat(3000),
  '{"steps": [{"goal": "' + 'x'.repeat(100_000) + '"}]}',
  '{"analysis": null, "complexity": NaN, "steps": [{"goal": 1e309}]}',
  '{"verdict": "replan", "feedback": {"nested": true}}',
  '<think>' + 'long '.repeat(2000),
  '\\boxed{' + '{'.repeat(500),
  '{"__proto__": {"polluted": true}, "steps": ["a"]}',
];

test('untrusted model output never crashes a run (own fixtures + shared hostile outputs)', async () => {
  const texts = [...OWN_HOSTILE];
  const { sharedFile } = await import('../../support/shared-data.js');
  const file = sharedFile('hostile-model-outputs.jsonl');
  if (file) {
    const { readFileSync } = await import('node:fs');
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as { text?: unknown };
        if (typeof rec.text === 'string') texts.push(rec.text);
      } catch {
        texts.push(line);
      }
    }
  }
  for (const text of texts) {
    const m = parrot(text);
    const { events, result } = await run(solveProblem(PROBLEM, { navigator: m, solver: m, index: fixtureIndex() }));
    assert.equal(events[events.length - 1]!.type, 'done');
    assert.ok(['solved', 'no-answer'].includes(result.status), `${result.status} for ${text.slice(0, 60)}`);
    assert.ok(result.stats.calls <= 2 + 2 * (MAX_PLAN_STEPS + result.stats.roundBudget) + result.stats.roundBudget + 1);
    for (const e of events) JSON.stringify(e);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('<think> blocks of reasoning models stream live but are not kept in the solution', async () => {
  const server = await routed({
    plan: { content: '<think>Let me plan. {"not": "this"}</think>' + JSON.stringify({ ...PLAN, steps: [PLAN.steps[0]] }) },
    step: { content: '<think>13-3=10, 10/2=5. Maybe \\boxed{6}? No.</think>Subtract and divide: $x = \\boxed{5}$.' },
    evaluate: { content: accept() },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, { ...models(server), index: fixtureIndex() }));
    assert.equal((events.find((e) => e.type === 'plan') as any).source, 'navigator');
    assert.match(events.filter((e) => e.type === 'step-delta').map((e) => (e as any).text).join(''), /^<think>/);
    assert.equal(result.steps[0]!.text, 'Subtract and divide: $x = \\boxed{5}$.');
    assert.equal(result.answer, '5');
    assert.ok(!result.text.includes('think'));
  } finally {
    await server.close();
  }
});

test('an empty problem fails at once without calling a model', async () => {
  const m = parrot('never');
  let calls = 0;
  const counting: ChatModel = { ...m, stream: (r) => (calls++, m.stream(r)) };
  const { events, result } = await run(solveProblem('   ', { navigator: counting, solver: counting, index: EMPTY_INDEX }));
  assert.equal(result.status, 'failed');
  assert.equal(calls, 0);
  assert.match((events.find((e) => e.type === 'error') as any).message, /empty/);
});
