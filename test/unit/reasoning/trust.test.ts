// Issue 12 (trustworthy solving), the engine's part: a step whose reply was cut off is asked once more,
// is never taken as done, never makes a run `solved`, and stays visible as partial; a plan longer than
// the most steps allowed says how many steps were dropped. Real `openai` SDK against the scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { directSolve, HintSession, solveProblem, type SolveResult } from '../../../src/core/reasoning/orchestrator.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { MAX_PLAN_STEPS } from '../../../src/core/reasoning/json.js';
import { emptyState, reduce, stateToMarkdown } from '../../../src/webview/state.js';
import { isSolveEvent } from '../../../src/webview/protocol.js';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { fixtureIndex, kindOf, run, routed } from './fixtures.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';
const PLAN = {
  analysis: 'A linear equation.',
  complexity: 2,
  steps: [{ goal: 'Isolate x and state it', method: 'alg.linear-equation', query: 'linear equation isolate' }],
};
const FINISH = JSON.stringify({ verdict: 'finish', feedback: 'Solved.', progress: 1 });



function options(server: ScriptedOpenAiServer) {
  const base = { baseUrl: server.baseUrl, retryBaseDelayMs: 1, idleTimeoutMs: 400 };
  return { navigator: createOpenAiModel({ ...base, model: 'nav' }), solver: createOpenAiModel({ ...base, model: 'solver' }), index: fixtureIndex() };
}

const ofType = <T extends SolveEvent['type']>(events: SolveEvent[], type: T) => events.filter((e) => e.type === type) as Extract<SolveEvent, { type: T }>[];
const stepRequests = (server: ScriptedOpenAiServer) => server.chatRequests.filter((r) => kindOf(r.body) === 'step').length;

// A truncated reply that even contains a box: taking it as done would "solve" the problem.
const CUT_WITH_BOX = 'Subtract 3: $2x = 10$, so $x = \\boxed{5}$ and then we che';

for (const [name, reply] of [
  ['ends without finish_reason or [DONE]', { content: CUT_WITH_BOX, chunkSize: 7, endEarly: true }],
  ['ends with finish_reason "length"', { content: CUT_WITH_BOX, chunkSize: 7, finishReason: 'length' }],
  ['loses its connection mid-reply', { content: CUT_WITH_BOX, chunkSize: 7, cutAfterChunks: 5 }],
  ['stalls mid-reply (idle timeout)', { content: CUT_WITH_BOX, chunkSize: 7, stallAfterChunks: 5 }],
] as const) {
  test(`a step reply that ${name}, twice: the run fails with "cut off", never solved; the partial stays visible`, async () => {
    const server = await routed({ plan: { content: JSON.stringify(PLAN) }, step: reply, evaluate: { content: FINISH }, final: { content: '\\boxed{5}' } });
    try {
      const { events, result } = await run(solveProblem(PROBLEM, options(server)));
      assert.equal(result.status, 'failed');
      assert.equal(result.answer, null);
      assert.deepEqual(result.steps, []);
      assert.equal(stepRequests(server), 2, 'asked exactly once more');
      const fatal = ofType(events, 'error').filter((e) => e.fatal);
      assert.equal(fatal.length, 1);
      assert.match(fatal[0]!.message, /was cut off after \d+ characters/);
      assert.match(fatal[0]!.message, /the retry was cut off too/);
      const partials = ofType(events, 'step-partial');
      assert.deepEqual(partials.map((p) => p.retrying), [true, false]);
      assert.ok(partials[1]!.text.startsWith('Subtract 3'), 'the partial text is kept');
      assert.equal(ofType(events, 'step-done').length, 0, 'a cut-off step is never done');
      assert.ok(!events.some((e) => e.type === 'final'));
      assert.equal((events[events.length - 1] as Extract<SolveEvent, { type: 'done' }>).status, 'failed');
      for (const e of events) assert.ok(isSolveEvent(e), `the panel accepts ${e.type}`);
      // The panel shows the step as partial, and a copy of it says so.
      const state = events.reduce(reduce, emptyState({ problem: PROBLEM }));
      assert.equal(state.status, 'failed');
      assert.match(state.steps[0]!.partial ?? '', /cut off/);
      assert.ok(state.steps[0]!.text.startsWith('Subtract 3'));
      assert.equal(state.steps[0]!.done, false);
      assert.match(stateToMarkdown(state), /cut off here: this step is incomplete/);
    } finally {
      await server.close();
    }
  });
}

test('a step reply cut off once is asked again; the whole second reply is used, the partial one is not', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN) },
    step: [{ content: 'Partial work that brea', chunkSize: 5, endEarly: true }, { content: 'Subtract 3 and halve: $x = \\boxed{5}$.' }],
    evaluate: { content: FINISH },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, options(server)));
    assert.equal(result.status, 'solved');
    assert.equal(result.answer, '5');
    assert.equal(result.steps[0]!.text, 'Subtract 3 and halve: $x = \\boxed{5}$.');
    assert.ok(!result.text.includes('Partial work'));
    assert.equal(stepRequests(server), 2);
    const warn = ofType(events, 'error');
    assert.equal(warn.length, 1);
    assert.equal(warn[0]!.fatal, false);
    assert.match(warn[0]!.message, /cut off .* asking the solver once more/);
    const state = events.reduce(reduce, emptyState({ problem: PROBLEM }));
    assert.equal(state.steps[0]!.partial, undefined, 'the fresh attempt clears the partial mark');
    assert.equal(state.steps[0]!.text, 'Subtract 3 and halve: $x = \\boxed{5}$.');
  } finally {
    await server.close();
  }
});

test('the direct baseline: a cut-off reply is asked again, then fails; never graded as solved', async () => {
  const server = await routed({ direct: { content: CUT_WITH_BOX, endEarly: true } });
  try {
    const { events, result } = await run(directSolve(PROBLEM, createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 })));
    assert.equal(result.status, 'failed');
    assert.equal(result.answer, null);
    assert.equal(result.text, '', 'the partial reply is not the result text (eval grades nothing)');
    assert.equal(server.chatRequests.length, 2);
    assert.match(ofType(events, 'error').find((e) => e.fatal)!.message, /cut off/);
  } finally {
    await server.close();
  }
});

test('hint mode: a cut-off hint step fails the session, not shown as a finished hint', async () => {
  const server = await routed({ plan: { content: JSON.stringify(PLAN) }, step: { content: CUT_WITH_BOX, finishReason: 'length' } });
  try {
    const s = new HintSession(PROBLEM, options(server));
    const events: SolveEvent[] = [];
    for await (const e of s.plan()) events.push(e);
    for await (const e of s.next()) events.push(e);
    const end = s.end();
    let r = await end.next();
    while (!r.done) {
      events.push(r.value);
      r = await end.next();
    }
    assert.equal(r.value.status, 'failed');
    assert.equal(s.revealed.length, 0);
    assert.match(ofType(events, 'error').find((e) => e.fatal)!.message, /token limit \(finish_reason "length"\)/);
  } finally {
    await server.close();
  }
});

test('a navigator plan reply cut off twice falls back to the library plan, saying why', async () => {
  const server = await routed({
    plan: { content: JSON.stringify(PLAN), chunkSize: 10, endEarly: true },
    step: { content: '$x = \\boxed{5}$' },
    evaluate: { content: FINISH },
  });
  try {
    const { events, result } = await run(solveProblem(PROBLEM, options(server)));
    assert.equal(server.chatRequests.filter((r) => kindOf(r.body) === 'plan').length, 2);
    assert.equal(ofType(events, 'plan')[0]!.source, 'fallback');
    assert.ok(ofType(events, 'error').some((e) => !e.fatal && /navigator could not plan \(.*cut off/.test(e.message)));
    assert.equal(result.status, 'solved');
  } finally {
    await server.close();
  }
});

test(`a 200-step plan is cut to ${MAX_PLAN_STEPS} steps and the plan event says how many were dropped`, async () => {
  const big = { analysis: 'Long.', complexity: 3, steps: Array.from({ length: 200 }, (_, i) => ({ goal: `Step number ${i + 1}`, method: '', query: 'linear' })) };
  const server = await routed({ plan: { content: JSON.stringify(big) }, step: { content: 'Done: $\\boxed{5}$' }, evaluate: { content: FINISH } });
  try {
    const { events } = await run(solveProblem(PROBLEM, options(server)));
    const plan = ofType(events, 'plan')[0]!;
    assert.equal(plan.plan.steps.length, MAX_PLAN_STEPS);
    assert.equal(plan.plan.droppedSteps, 200 - MAX_PLAN_STEPS);
    assert.ok(isSolveEvent(plan));
    const state = events.reduce(reduce, emptyState({ problem: PROBLEM }));
    assert.equal(state.plan?.droppedSteps, 200 - MAX_PLAN_STEPS, 'the panel state keeps it (the panel shows it)');
  } finally {
    await server.close();
  }
});
