import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showsFinal, statusLabel } from '../../../src/webview/labels.js';
import { UI_STRING_KEYS, type UiStrings } from '../../../src/webview/protocol.js';
import { emptyState, reduce, type PanelState } from '../../../src/webview/state.js';

const strings = Object.fromEntries(UI_STRING_KEYS.map((k) => [k, `<${k}>`])) as UiStrings;
const stats = { calls: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2, estimatedTokens: false, ms: 10, rounds: 0, roundBudget: 0, templatesUsed: [] };

function explainRun(): PanelState {
  let s = emptyState({ runId: 'r', mode: 'explain', problem: 'Find $x$.', status: 'running', phase: 'planning' });
  s = reduce(s, { type: 'start', runId: 'r', problem: 'Find $x$.', mode: 'explain', navigator: 'n', solver: 's' });
  return s;
}

describe('panel status labels', () => {
  it('an explanation says "Explaining…" while it streams, never "Planning…"', () => {
    let s = explainRun();
    assert.equal(statusLabel(s, strings).text, '<explaining>');
    s = reduce(s, { type: 'analysis-delta', text: 'This is a linear equation.' });
    assert.equal(statusLabel(s, strings).text, '<explaining>');
  });

  it('a finished explanation is "Explained", not "No final answer", and shows no answer box', () => {
    let s = explainRun();
    s = reduce(s, { type: 'analysis-delta', text: 'This is a linear equation.' });
    s = reduce(s, { type: 'final', answer: null, text: 'This is a linear equation.' });
    s = reduce(s, { type: 'done', status: 'no-answer', stats } as never);
    assert.deepEqual(statusLabel(s, strings), { text: '<explained>', tone: 'explained' });
    assert.equal(showsFinal(s), false);
  });

  it('a solve without an answer still says so, and shows its final text', () => {
    const s: PanelState = { ...emptyState({ mode: 'solve', problem: 'p' }), status: 'no-answer', phase: 'done', final: { answer: null, text: 'work' } };
    assert.equal(statusLabel(s, strings).text, '<noAnswer>');
    assert.equal(showsFinal(s), true);
  });

  it('hints: preparing, then "Hint i / n" while paused, then "All hints shown" while the solution stays hidden', () => {
    const plan = { analysis: '', complexity: 2, steps: [{ goal: 'a', method: '', query: 'a' }, { goal: 'b', method: '', query: 'b' }] };
    let s = emptyState({ mode: 'hint', problem: 'p', status: 'running', phase: 'planning' });
    assert.equal(statusLabel(s, strings).text, '<preparingHints>');
    s = { ...reduce(s, { type: 'plan', plan, source: 'navigator', round: 0 } as never), status: 'paused', phase: 'idle', hintsRevealed: 1 };
    assert.deepEqual(statusLabel(s, strings), { text: '<hint> 1 / 2', tone: 'paused' });
    s = { ...s, status: 'solved', phase: 'done', hintsRevealed: 2, final: { answer: '2', text: '' } };
    assert.equal(statusLabel(s, strings).text, '<allHints>');
    assert.equal(showsFinal(s), false);
    s = { ...s, solutionRevealed: true };
    assert.equal(statusLabel(s, strings).text, '<solved>');
    assert.equal(showsFinal(s), true);
  });
});
