// The orchestrator's speed-ups must not change behaviour: the schema-free fast paths of plan / evaluation
// validation give exactly what the schemas give, template renderings are cached per template object, and
// prefetched retrieval never runs a search twice or after the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/types.js';
import { evaluationFromObject, parseEvaluation, parsePlan, planFromObject } from '../../../src/core/reasoning/json.js';
import { evaluatePrompt, MAX_WORK_CHARS, stepPrompt, templateBlock } from '../../../src/core/reasoning/prompts.js';
import { solveProblem } from '../../../src/core/reasoning/orchestrator.js';
import { FIXTURE_TEMPLATES, fixtureIndex, kindOf } from './fixtures.js';

const PLAN_OBJECTS: Record<string, unknown>[] = [
  { analysis: 'a', complexity: 4, steps: [{ goal: 'g', method: 'm', query: 'q' }] },
  { analysis: '  padded  ', complexity: 4.6, steps: [{ goal: '  g  ', method: ' m ', query: ' q ' }, 'a step as text'] },
  { complexity: 0, steps: ['one'] },
  { complexity: 99, steps: ['one', 'two'] },
  { complexity: -3.5, steps: [{ goal: 'g' }] },
  { complexity: '7/10', steps: [{ goal: 'g' }] },
  { complexity: 'seven', steps: [{ goal: 'g' }] },
  { complexity: null, steps: [{ goal: 'g' }] },
  { analysis: 42, steps: [{ goal: 7, method: 8, query: 9 }] },
  { analysis: null, steps: [{ goal: 'g' }] },
  { analysis: ['x'], steps: [{ goal: 'g' }] },
  { steps: [] },
  { steps: 'not a list' },
  { steps: [{ goal: '   ' }] },
  { steps: [{ goal: 'g', method: null }] },
  { steps: [{ goal: 'g', query: { q: 1 } }] },
  { steps: [['nested']] },
  { steps: [null] },
  { steps: [{ method: 'm' }] },
  { steps: Array.from({ length: 20 }, (_, i) => ({ goal: `g${i}`, extra: true })), other: 'ignored' },
  { analysis: 'a' },
  {},
];

const EVALUATION_OBJECTS: Record<string, unknown>[] = [
  { verdict: 'accept', feedback: 'ok', progress: 0.5 },
  { verdict: ' Revise ', feedback: 'fix it' },
  { verdict: 'FINISH' },
  { verdict: 'replan', feedback: 3, progress: 1 },
  { verdict: 'accept', progress: 0 },
  { verdict: 'accept', progress: 1.5 },
  { verdict: 'accept', progress: -1 },
  { verdict: 'accept', progress: '0.4' },
  { verdict: 'accept', progress: 'lots' },
  { verdict: 'accept', progress: null },
  { verdict: 'accept', feedback: null },
  { verdict: 'accept', feedback: { nested: true } },
  { verdict: 'maybe' },
  { verdict: 1 },
  { feedback: 'no verdict' },
  { verdict: 'accept', extra: 'dropped' },
];

test('plan fast path gives exactly what the schema gives (values, key order, errors)', () => {
  for (const obj of PLAN_OBJECTS) {
    const fast = planFromObject(obj);
    const slow = planFromObject(obj, { schemaOnly: true });
    assert.deepEqual(fast, slow, JSON.stringify(obj));
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), JSON.stringify(obj));
  }
  // And through the text entry point.
  assert.deepEqual(parsePlan(JSON.stringify(PLAN_OBJECTS[1])), planFromObject(PLAN_OBJECTS[1]!, { schemaOnly: true }));
});

test('evaluation fast path gives exactly what the schema gives (values, key order, errors)', () => {
  for (const obj of EVALUATION_OBJECTS) {
    const fast = evaluationFromObject(obj);
    const slow = evaluationFromObject(obj, { schemaOnly: true });
    assert.deepEqual(fast, slow, JSON.stringify(obj));
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), JSON.stringify(obj));
    assert.equal(fast.ok && 'progress' in fast.value, slow.ok && 'progress' in slow.value, JSON.stringify(obj));
  }
  assert.deepEqual(parseEvaluation('{"verdict": "accept", "feedback": "ok", "progress": 0.5}'), {
    ok: true,
    value: { verdict: 'accept', feedback: 'ok', progress: 0.5 },
  });
});

test('template renderings are cached per template object and match a fresh rendering', () => {
  const t = FIXTURE_TEMPLATES[1]!;
  const full = templateBlock(t, true);
  const short = templateBlock(t, false);
  assert.notEqual(full, short);
  assert.match(full, /Worked example/);
  assert.doesNotMatch(short, /Worked example/);
  // A copy is a new object: rendered afresh, same text.
  assert.equal(templateBlock({ ...t }, true), full);
  assert.equal(templateBlock({ ...t }, false), short);
  assert.equal(templateBlock(t, true), full);
  // A changed template (a reload makes new objects) shows its new content.
  const changed = { ...t, description: 'A different description.' };
  assert.match(templateBlock(changed, true), /A different description\./);
  assert.match(templateBlock(t, true), new RegExp(t.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // The step prompt carries the rendering.
  const msgs = stepPrompt({
    problem: 'P',
    plan: null,
    stepIndex: 0,
    step: { goal: 'g', method: '', query: 'q' },
    isLast: false,
    templates: { templates: [t, FIXTURE_TEMPLATES[2]!], chosen: t },
    done: [],
  });
  assert.ok(msgs[1]!.content.includes(full));
  assert.ok(msgs[1]!.content.includes(templateBlock(FIXTURE_TEMPLATES[2]!, false)));
});

/** The work-so-far section as rendered from scratch (the reference the cached rendering must match). */
function referenceWork(done: { goal: string; text: string }[]): string {
  if (done.length === 0) return '(nothing yet)';
  let out = done.map((s, i) => `### Step ${i + 1}: ${s.goal}\n${s.text.trim()}`).join('\n\n');
  if (out.length > MAX_WORK_CHARS) out = '[earlier work elided]\n…' + out.slice(out.length - MAX_WORK_CHARS);
  return out;
}

function quotedWork(done: { goal: string; text: string }[]): string {
  const plan = { analysis: '', complexity: 3, steps: [{ goal: 'g', method: '', query: '' }] };
  const content = evaluatePrompt({ problem: 'P', plan, stepIndex: 0, stepText: 'x', done, isLast: false })[1]!.content;
  return content.slice(content.indexOf('Accepted work so far:\n') + 'Accepted work so far:\n'.length, content.indexOf('\n\nThe solver just carried out'));
}

test('the work so far is appended step by step, and never served stale when a list changes in place', () => {
  const done: { goal: string; text: string }[] = [];
  assert.equal(quotedWork(done), '(nothing yet)');
  for (let i = 0; i < 5; i++) {
    done.push({ goal: `goal ${i}`, text: `  text of step ${i} with $x^${i}$  ` });
    assert.equal(quotedWork(done), referenceWork(done));
    assert.equal(quotedWork(done), referenceWork(done)); // served from the cache
  }
  done[1] = { goal: 'replaced', text: 'new text' };
  assert.equal(quotedWork(done), referenceWork(done));
  done[2]!.text = 'edited in place';
  assert.equal(quotedWork(done), referenceWork(done));
  done.pop();
  assert.equal(quotedWork(done), referenceWork(done));
  done.length = 0;
  assert.equal(quotedWork(done), '(nothing yet)');
  // Long work is elided from the front, as before.
  const long = Array.from({ length: 6 }, (_, i) => ({ goal: `g${i}`, text: String(i).repeat(5000) }));
  assert.equal(quotedWork(long), referenceWork(long));
  assert.ok(quotedWork(long).startsWith('[earlier work elided]'));
});

const PLAN3 = JSON.stringify({
  analysis: 'quadratic',
  complexity: 4,
  steps: [
    { goal: 'Identify the coefficients', method: 'alg.quadratic-formula', query: 'quadratic coefficients roots' },
    { goal: 'Find the roots', method: 'Quadratic formula', query: 'quadratic formula discriminant' },
    { goal: 'Sum the roots', method: "Vieta's formulas", query: 'sum of roots vieta' },
  ],
});

/** In-process model; `delayMs` > 0 makes every call wait on a timer (the event loop goes idle, like I/O). */
function model(delayMs: number): ChatModel {
  let steps = 0;
  return {
    id: 'm',
    label: 'm',
    async *stream(req: ChatRequest) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const k = kindOf({ messages: req.messages });
      const text = k === 'plan' ? PLAN3 : k === 'evaluate' ? '{"verdict": "accept", "feedback": "ok"}' : ++steps === 3 ? 'so $\\boxed{5}$' : 'work';
      yield { type: 'delta', text };
      yield { type: 'done', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: delayMs, model: 'm', retries: 0 };
    },
  };
}

for (const delayMs of [0, 5]) {
  test(`prefetched retrieval: one search per step, none after the run (model ${delayMs ? 'waits' : 'instant'})`, async () => {
    const index = fixtureIndex();
    const m = model(delayMs);
    const events = [];
    for await (const ev of solveProblem('Find the sum of the roots of x^2 - 5x + 6 = 0.', { navigator: m, solver: m, index })) events.push(ev);
    const done = events[events.length - 1]!;
    assert.equal(done.type === 'done' && done.status, 'solved');
    // The plan's hint search, then one per step, in step order.
    assert.deepEqual(index.queries.slice(1), ['quadratic coefficients roots', 'quadratic formula discriminant', 'sum of roots vieta']);
    const retrievals = events.filter((e) => e.type === 'retrieval');
    assert.deepEqual(retrievals.map((e) => e.type === 'retrieval' && e.stepIndex), [0, 1, 2]);
    // Nothing left scheduled: no search runs once the run is over.
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(index.queries.length, 4);
  });
}
