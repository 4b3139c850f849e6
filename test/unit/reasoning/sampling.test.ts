// Sampling: N ReasonFlux trajectories (vote / navigator verification, 'auto' from the engine's difficulty
// assessment) and the direct baselines (self-consistency, best-of-n). Real `openai` SDK over HTTP against
// the scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { directSampled, samplesFor, solveSampled, voteClusters, type SampledResult } from '../../../src/core/reasoning/sampling.js';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { fixtureIndex, kindOf } from './fixtures.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';

async function drain(gen: AsyncGenerator<SolveEvent, SampledResult>) {
  const events: SolveEvent[] = [];
  let r = await gen.next();
  while (!r.done) {
    events.push(r.value);
    r = await gen.next();
  }
  return { events, result: r.value };
}

/** Each trajectory: plan (with `complexity`) → one step answering the next of `answers` → evaluation `verdict`. */
async function trajectories(answers: string[], o: { complexity?: number; verdict?: string; select?: number } = {}) {
  let t = -1;
  return startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan') {
      t++;
      return { content: JSON.stringify({ analysis: 'a', ...(o.complexity !== undefined ? { complexity: o.complexity } : {}), steps: [{ goal: `Solve (${t})`, method: 'alg.linear-equation', query: 'linear equation' }] }) };
    }
    if (k === 'step') return { content: `So $x = \\boxed{${answers[Math.min(t, answers.length - 1)]}}$.` };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: o.verdict ?? 'accept', feedback: 'ok' }) };
    if (k === 'select') return { content: JSON.stringify({ best: o.select ?? 1, why: 'checked' }) };
    if (k === 'direct') {
      t++;
      return { content: `The answer is $\\boxed{${answers[Math.min(t, answers.length - 1)]}}$.` };
    }
    return { status: 400, error: { error: { message: `unexpected ${k}` } } };
  });
}

function model(server: ScriptedOpenAiServer) {
  return createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1, maxRetries: 0 });
}

test('voteClusters groups answers the grader finds equivalent, heaviest first', () => {
  const c = voteClusters(['3', '1/2', '0.5', null, '\\frac{1}{2}', '3'], [1, 1, 1, 1, 0.25, 1]);
  assert.equal(c.length, 2);
  assert.deepEqual(c[0]!.members, [1, 2, 4]);
  assert.equal(c[0]!.weight, 2.25);
  assert.deepEqual(c[1]!.members, [0, 5]);
  assert.deepEqual(voteClusters([null, '']), []);
  assert.deepEqual([1, 5, 6, 7, 8, 10].map(samplesFor), [1, 1, 2, 2, 3, 3]);
});

test('--samples 3 with vote: equivalent answers are one vote; one final and one done with summed stats', async () => {
  const server = await trajectories(['0.5', '3', '\\frac{1}{2}']);
  try {
    const m = model(server);
    const { events, result } = await drain(solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex(), samples: 3 }));
    assert.equal(result.samples.length, 3);
    assert.equal(result.selectedBy, 'vote');
    assert.ok(['0.5', '\\frac{1}{2}'].includes(result.answer!), result.answer!);
    assert.equal(events.filter((e) => e.type === 'final').length, 1);
    assert.equal(events.filter((e) => e.type === 'done').length, 1);
    assert.equal(events.filter((e) => e.type === 'start').length, 1);
    assert.deepEqual(events.filter((e) => e.type === 'sample').map((e) => (e as { answer: string }).answer), ['0.5', '3', '\\frac{1}{2}']);
    assert.equal(result.stats.calls, server.chatRequests.length);
    assert.equal(result.stats.calls, 9); // 3 × (plan, step, evaluation)
    // Samples after the first are drawn at a temperature (independent samples).
    assert.equal(server.chatRequests[3]!.body.temperature, 0.7);
  } finally {
    await server.close();
  }
});

test('--select verify: the navigator chooses among the distinct answers (one more call)', async () => {
  const server = await trajectories(['3', '5', '3'], { select: 2 });
  try {
    const m = model(server);
    const { result } = await drain(solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex(), samples: 3, select: 'verify' }));
    assert.equal(result.answer, '5'); // the vote would say 3
    assert.equal(result.selectedBy, 'verify');
    const select = server.chatRequests.filter((r) => kindOf(r.body) === 'select');
    assert.equal(select.length, 1);
    assert.match(select[0]!.body.messages[1].content, /Candidate 1 \(final answer: 3\)[\s\S]*Candidate 2 \(final answer: 5\)/);
    assert.equal(result.stats.calls, 10);
  } finally {
    await server.close();
  }
});

test('samples auto: one trajectory for an easy problem, more when the assessment is high or the answers disagree', async () => {
  let server = await trajectories(['5'], { complexity: 2 });
  try {
    const m = model(server);
    const { result } = await drain(solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex() }));
    assert.equal(result.samples.length, 1);
    assert.equal(result.selectedBy, 'single');
    assert.equal(server.chatRequests.length, 3);
  } finally {
    await server.close();
  }
  // The navigator says 10: the engine's assessment (with the statement's features) asks for 2 trajectories;
  // they disagree (3 vs 5), so a third one decides.
  server = await trajectories(['3', '5', '5'], { complexity: 10 });
  try {
    const m = model(server);
    const { result } = await drain(solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex() }));
    assert.equal(result.samples.length, 3);
    assert.equal(result.answer, '5');
  } finally {
    await server.close();
  }
  // A final answer the navigator keeps rejecting is a signal too: a second trajectory runs.
  server = await trajectories(['5'], { complexity: 2, verdict: 'revise' });
  try {
    const m = model(server);
    const { result } = await drain(solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex(), maxRounds: 1 }));
    assert.ok(result.samples.length >= 2, `${result.samples.length} trajectories`);
    assert.equal(result.samples[0]!.verification, 'rejected');
  } finally {
    await server.close();
  }
});

test('baselines: self-consistency votes over N direct samples; best-of-n lets the navigator pick', async () => {
  let server = await trajectories(['7', '8', '7.0']);
  try {
    const m = model(server);
    const { result } = await drain(directSampled(PROBLEM, m, { n: 3, method: 'self-consistency' }));
    assert.equal(result.answer, '7');
    assert.equal(result.stats.calls, 3);
    assert.ok(server.chatRequests.every((r) => kindOf(r.body) === 'direct'));
  } finally {
    await server.close();
  }
  server = await trajectories(['7', '8', '8'], { select: 2 });
  try {
    const m = model(server);
    const { result } = await drain(directSampled(PROBLEM, m, { n: 3, method: 'best-of-n', navigator: m }));
    // Candidates are ordered by votes (8 first); the navigator picks candidate 2, the minority answer 7.
    assert.equal(result.answer, '7');
    assert.equal(result.selectedBy, 'verify');
    assert.equal(result.stats.calls, 4);
  } finally {
    await server.close();
  }
});

test('a consumer that stops early ends the sampled run: no further trajectories or requests', async () => {
  const server = await trajectories(['5', '5', '5']);
  try {
    const m = model(server);
    for await (const e of solveSampled(PROBLEM, { navigator: m, solver: m, index: fixtureIndex(), samples: 3 })) {
      if (e.type === 'plan') break;
    }
    const n = server.chatRequests.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.chatRequests.length, n);
    assert.ok(n <= 2, `${n} requests`);
  } finally {
    await server.close();
  }
});
