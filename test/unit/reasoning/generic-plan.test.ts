// Regression: when the navigator fails and no template matches the problem, the generic fallback plan
// used its step goals as queries, so "Understand what is asked…" retrieved unrelated templates
// (induction) right after saying "no template matched".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveProblem } from '../../../src/core/reasoning/orchestrator.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { createOpenAiModel } from '../../../src/core/llm/index.js';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { FIXTURE_TEMPLATES, fixtureIndex, kindOf } from './fixtures.js';

test('generic fallback plan steps retrieve no templates', async () => {
  // A template that the generic goals would match word for word, but the problem does not.
  const noisy = { ...FIXTURE_TEMPLATES[0]!, id: 'fx.noise', name: 'Understand, check and state the result', tags: ['computation', 'argument', 'mathematical', 'problem'], description: 'Carry out the main computation and check the result.' };
  const index = fixtureIndex([noisy]);
  const server = await startScriptedOpenAiServer((body): ScriptedReply => {
    const k = kindOf(body);
    if (k === 'plan' || k === 'repair') return { content: 'no plan today' };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'ok', progress: 0.5 }) };
    return { content: '$\\boxed{7}$' };
  });
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 });
    const events: SolveEvent[] = [];
    for await (const e of solveProblem('Zorblax qux?', { navigator: model, solver: model, index })) events.push(e);
    const plan = events.find((e) => e.type === 'plan') as Extract<SolveEvent, { type: 'plan' }>;
    assert.equal(plan.source, 'fallback');
    assert.match(plan.plan.analysis, /no template matched/);
    const retrieval = events.filter((e) => e.type === 'retrieval') as Extract<SolveEvent, { type: 'retrieval' }>[];
    assert.ok(retrieval.length > 0);
    for (const r of retrieval) {
      assert.equal(r.chosen, undefined, `step ${r.stepIndex} retrieved ${r.chosen}`);
      assert.equal(r.templates.length, 0);
    }
  } finally {
    await server.close();
  }
});
