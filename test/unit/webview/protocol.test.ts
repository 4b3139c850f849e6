// The one message contract: both directions validated; the shared reducer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SolveEvent, SolveStats } from '../../../src/core/reasoning/events.js';
import { UI_STRING_KEYS, isPanelState, isSafeExternalLink, isSolveEvent, parseFromWebview, parseToWebview } from '../../../src/webview/protocol.js';
import { emptyState, reduce, stateToMarkdown } from '../../../src/webview/state.js';

const stats: SolveStats = {
  calls: 5, navigatorCalls: 2, solverCalls: 3, promptTokens: 100, completionTokens: 50, totalTokens: 150,
  ms: 1200, modelMs: 1000, rounds: 0, roundBudget: 2, templatesUsed: ['nt-crt'],
};

const run: SolveEvent[] = [
  { type: 'start', runId: 'r1', problem: 'Find x.', mode: 'solve', navigator: 'nav', solver: 'sol' },
  { type: 'plan', plan: { analysis: 'Asks for $x$.', complexity: 3, steps: [{ goal: 'Set up', method: 'algebra', query: 'linear' }, { goal: 'Solve', method: 'algebra', query: 'solve' }] }, source: 'navigator', round: 0 },
  { type: 'retrieval', stepIndex: 0, query: 'linear', templates: [{ id: 't1', name: 'Linear equations', chapter: 'Algebra', section: 'Equations', score: 2.5, matchedFields: ['name'] }], chosen: 't1', why: 'fits' },
  { type: 'step-start', stepIndex: 0, goal: 'Set up', templateId: 't1', attempt: 1 },
  { type: 'step-delta', stepIndex: 0, text: 'We have $2x' },
  { type: 'step-delta', stepIndex: 0, text: '=4$.' },
  { type: 'step-done', stepIndex: 0, text: 'We have $2x=4$.', attempt: 1 },
  { type: 'evaluation', stepIndex: 0, verdict: 'accept', feedback: 'ok', progress: 0.5 },
  { type: 'step-start', stepIndex: 1, goal: 'Solve', attempt: 1 },
  { type: 'step-done', stepIndex: 1, text: 'So $x=\\boxed{2}$.', attempt: 1 },
  { type: 'final', answer: '2', text: 'So $x=\\boxed{2}$.' },
  { type: 'usage', role: 'solver', model: 'sol', promptTokens: 10, completionTokens: 5, latencyMs: 10 },
  { type: 'done', status: 'solved', stats },
];
const strings = Object.fromEntries(UI_STRING_KEYS.map((k) => [k, k]));

describe('SolveEvent validation', () => {
  it('accepts every well-formed event', () => {
    for (const e of run) assert.ok(isSolveEvent(e), e.type);
    assert.ok(isSolveEvent({ type: 'error', message: 'down', kind: 'unreachable', fatal: true }));
    assert.ok(isSolveEvent({ type: 'adjustment', kind: 'replan', stepIndex: 1, reason: 'r', plan: run[1]!.type === 'plan' ? (run[1] as { plan: unknown }).plan : undefined }));
    assert.ok(isSolveEvent({ type: 'analysis-delta', text: 'x' }));
  });
  it('rejects malformed events', () => {
    for (const bad of [
      null, 'x', [], { type: 'nope' }, { type: 'step-delta', stepIndex: -1, text: 'a' }, { type: 'step-delta', stepIndex: 0, text: 5 },
      { type: 'final', answer: 3, text: '' }, { type: 'done', status: 'won', stats }, { type: 'error', message: 'm', kind: 'weird', fatal: true },
      { type: 'plan', plan: { analysis: 'a', complexity: 'high', steps: [] }, source: 'navigator', round: 0 },
      { type: 'step-delta', stepIndex: 1.5, text: 'a' }, { type: 'step-delta', stepIndex: 0, text: 'x'.repeat(1_000_000) },
    ]) assert.equal(isSolveEvent(bad), false, JSON.stringify(bad)?.slice(0, 80));
  });
});

describe('extension → webview', () => {
  it('parses reset, event, check and notice', () => {
    assert.ok(parseToWebview({ type: 'reset', state: emptyState(), strings, canInsert: true }));
    assert.ok(parseToWebview({ type: 'event', runId: 'r1', event: run[4] }));
    assert.ok(parseToWebview({ type: 'check', result: { verdict: 'right', message: 'yes' } }));
    assert.ok(parseToWebview({ type: 'notice', level: 'info', text: 'Copied' }));
  });
  it('rejects anything else', () => {
    assert.equal(parseToWebview({ type: 'reset', state: { version: 2 }, strings, canInsert: true }), undefined);
    assert.equal(parseToWebview({ type: 'reset', state: emptyState(), strings: { problem: 'x' }, canInsert: true }), undefined);
    assert.equal(parseToWebview({ type: 'event', runId: 'r1', event: { type: 'step-delta' } }), undefined);
    assert.equal(parseToWebview({ type: 'check', result: { verdict: 'maybe', message: '' } }), undefined);
    assert.equal(parseToWebview({ type: 'eval', code: 'alert(1)' }), undefined);
    assert.equal(parseToWebview(undefined), undefined);
  });
});

describe('webview → extension', () => {
  it('parses every action', () => {
    for (const t of ['ready', 'cancel', 'retry', 'insert', 'check', 'next-hint', 'reveal-solution', 'show-history']) {
      assert.deepEqual(parseFromWebview({ type: t }), { type: t });
    }
    assert.deepEqual(parseFromWebview({ type: 'copy', format: 'latex' }), { type: 'copy', format: 'latex' });
    assert.deepEqual(parseFromWebview({ type: 'open-link', href: 'https://example.org/x' }), { type: 'open-link', href: 'https://example.org/x' });
    const r = { type: 'rendered', runId: 'r', status: 'solved', steps: 2, math: 3, mathSource: 0, finalShown: true };
    assert.deepEqual(parseFromWebview(r), r);
  });
  it('rejects unknown types, extra fields, bad formats and unsafe links', () => {
    for (const bad of [
      { type: 'run-command', command: 'workbench.action.terminal.new' }, { type: 'cancel', extra: 1 }, { type: 'copy', format: 'html' },
      { type: 'open-link', href: 'javascript:alert(1)' }, { type: 'open-link', href: 'file:///etc/passwd' },
      { type: 'open-link', href: 'https://user:pw@example.org' }, { type: 'open-link', href: 'command:reasonflux.solve' },
      { type: 'rendered', runId: 'r', status: 's', steps: -1, math: 0, mathSource: 0, finalShown: true }, 'ready', null,
    ]) assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  });
  it('allows only http(s) external links', () => {
    assert.ok(isSafeExternalLink('http://example.org'));
    assert.equal(isSafeExternalLink('vscode://settings'), false);
    assert.equal(isSafeExternalLink('https://x/' + 'a'.repeat(3000)), false);
  });
});

describe('reducer', () => {
  it('folds a run into plan, templates, steps and the final answer', () => {
    let s = emptyState({ problem: 'Find x.' });
    for (const e of run) s = reduce(s, e);
    assert.ok(isPanelState(s));
    assert.equal(s.status, 'solved');
    assert.equal(s.steps.length, 2);
    assert.equal(s.steps[0]!.text, 'We have $2x=4$.');
    assert.equal(s.steps[0]!.templates[0]!.chapter, 'Algebra');
    assert.equal(s.steps[0]!.chosen, 't1');
    assert.equal(s.steps[0]!.evaluations[0]!.verdict, 'accept');
    assert.deepEqual(s.final, { answer: '2', text: 'So $x=\\boxed{2}$.' });
    assert.equal(s.stats?.calls, 5);
    assert.equal(stateToMarkdown(s), '**Step 1: Set up**\n\nWe have $2x=4$.\n\n**Step 2: Solve**\n\nSo $x=\\boxed{2}$.\n');
  });
  it('records a re-plan at the step where it happens and ignores out-of-range indexes', () => {
    let s = emptyState();
    for (const e of run.slice(0, 7)) s = reduce(s, e);
    s = reduce(s, { type: 'plan', plan: { analysis: 'again', complexity: 3, steps: [{ goal: 'Set up', method: 'm', query: 'q' }, { goal: 'New way', method: 'm', query: 'q' }] }, source: 'navigator', round: 1, note: 'stuck' });
    assert.equal(s.steps[1]!.goal, 'New way');
    assert.deepEqual(s.steps[1]!.adjustments, [{ kind: 'replan', reason: 'stuck' }]);
    const before = s.steps.length;
    s = reduce(s, { type: 'step-delta', stepIndex: 10_000, text: 'x' });
    assert.equal(s.steps.length, before);
  });
  it('counts revealed hints', () => {
    let s = reduce(emptyState(), { type: 'start', runId: 'h', problem: 'p', mode: 'hint', navigator: 'n', solver: 's' });
    s = reduce(s, run[1]!);
    assert.equal(s.hintsRevealed, 0);
    s = reduce(s, { type: 'step-done', stepIndex: 0, text: 't', attempt: 1 });
    assert.equal(s.hintsRevealed, 1);
  });
});

describe('growing the library: messages', () => {
  it('Save as Template and Grade are panel actions with no payload', () => {
    assert.deepEqual(parseFromWebview({ type: 'save-template' }), { type: 'save-template' });
    assert.deepEqual(parseFromWebview({ type: 'grade' }), { type: 'grade' });
    assert.equal(parseFromWebview({ type: 'grade', correct: true }), undefined, 'the grade is chosen in the editor, not by the webview');
  });
  it('template statistics lines reach the webview only as short strings by id', () => {
    assert.deepEqual(parseToWebview({ type: 'usage', lines: { t1: 'used 2× · 2 solved' } }), { type: 'usage', lines: { t1: 'used 2× · 2 solved' } });
    assert.equal(parseToWebview({ type: 'usage', lines: { t1: 3 } }), undefined);
    assert.equal(parseToWebview({ type: 'usage', lines: { t1: 'x'.repeat(301) } }), undefined);
    const reset = { type: 'reset', state: emptyState(), strings, canInsert: false };
    assert.ok(parseToWebview({ ...reset, usage: { t1: 'used 1×' } }));
    assert.equal(parseToWebview({ ...reset, usage: ['used 1×'] }), undefined);
  });
  it('a graded state is a panel state; a malformed grade is not', () => {
    assert.ok(isPanelState(emptyState({ graded: { correct: true, reference: '12' } })));
    assert.ok(isPanelState(emptyState({ graded: { correct: false } })));
    assert.equal(isPanelState({ ...emptyState(), graded: { correct: 'yes' } }), false);
    // a new run starts ungraded
    const s = reduce(emptyState({ graded: { correct: true } }), run[0]!);
    assert.equal(s.graded, undefined);
  });
  it('the render report may list the statistics lines shown', () => {
    const r = { type: 'rendered', runId: 'r', status: 'solved', steps: 1, math: 0, mathSource: 0, finalShown: true, usage: ['Your use: used 1× · 1 solved'] };
    assert.deepEqual(parseFromWebview(r), r);
    assert.equal(parseFromWebview({ ...r, usage: [1] }), undefined);
  });
});
