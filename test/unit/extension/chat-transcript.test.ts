import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatTranscript, openMathAt, readableMath } from '../../../src/extension/chat/transcript.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';

const plan = { analysis: 'a', complexity: 2, steps: [{ goal: 'Factor the *quadratic*', method: 'm', query: 'q' }, { goal: 'Read off the roots', method: 'm', query: 'q' }] };
const stats = { calls: 3, navigatorCalls: 1, solverCalls: 2, promptTokens: 1, completionTokens: 1, totalTokens: 2, ms: 5, modelMs: 4, rounds: 0, roundBudget: 1, templatesUsed: [] };

function run(mode: 'solve' | 'hint' | 'explain', events: SolveEvent[], math: 'tex' | 'text' = 'tex'): string {
  let out = '';
  const t = new ChatTranscript(mode, (md) => (out += md), undefined, math);
  for (const e of events) t.event(e);
  return out;
}

describe('chat transcript', () => {
  it('streams plan, the template of each step, the steps and the boxed answer, in order', () => {
    const md = run('solve', [
      { type: 'start', runId: 'r', problem: 'p', mode: 'solve', navigator: 'n', solver: 's' },
      { type: 'plan', plan, source: 'navigator', round: 0 },
      { type: 'retrieval', stepIndex: 0, query: 'q', templates: [{ id: 't1', name: 'Factoring [quadratics]', chapter: 'Algebra', section: 'S', score: 3, matchedFields: [] }], chosen: 't1', why: 'matched quadratic' },
      { type: 'step-start', stepIndex: 0, goal: 'Factor the *quadratic*', templateId: 't1', attempt: 1 },
      { type: 'step-delta', stepIndex: 0, text: '$(x-2)(x-5)$' },
      { type: 'step-delta', stepIndex: 0, text: ' = 0\u202e' },
      { type: 'step-done', stepIndex: 0, text: '$(x-2)(x-5)$ = 0', attempt: 1 },
      { type: 'final', answer: '2, 5', text: '' },
      { type: 'done', status: 'solved', stats },
    ]);
    const order = ['**Plan**', '1. Factor the \\*quadratic\\*', '2. Read off the roots', '**Step 1: Factor the \\*quadratic\\***', '> Template: Factoring \\[quadratics\\] — matched quadratic', '$(x-2)(x-5)$ = 0', '**Answer:** $\\boxed{2, 5}$'];
    let at = -1;
    for (const piece of order) {
      const i = md.indexOf(piece);
      assert.ok(i > at, `"${piece}" after the previous piece in:\n${md}`);
      at = i;
    }
    assert.ok(!md.includes('\u202e'), 'bidi overrides are dropped');
  });

  it('explain streams the explanation only; hint ends with how to go on and shows no answer', () => {
    const ex = run('explain', [
      { type: 'analysis-delta', text: 'It is a quadratic.' },
      { type: 'final', answer: null, text: 'It is a quadratic.' },
      { type: 'done', status: 'no-answer', stats },
    ]);
    assert.equal(ex, '**Explanation**\n\nIt is a quadratic.');
    const hint = run('hint', [
      { type: 'plan', plan, source: 'navigator', round: 0 },
      { type: 'step-start', stepIndex: 0, goal: 'g', attempt: 1 },
      { type: 'step-delta', stepIndex: 0, text: 'Try factoring.' },
      { type: 'final', answer: '2', text: '' },
      { type: 'done', status: 'no-answer', stats },
    ]);
    assert.match(hint, /Try factoring\./);
    assert.doesNotMatch(hint, /boxed|Answer/);
    assert.match(hint, /first hint/);
  });

  it('a fatal error is one plain line', () => {
    const md = run('solve', [{ type: 'error', kind: 'auth', fatal: true, message: 'the endpoint refused the key (401) *' }, { type: 'done', status: 'failed', stats }]);
    assert.equal(md.trim(), '**ReasonFlux:** the endpoint refused the key (401) \\*');
  });

  describe('a chat that cannot typeset math gets readable text, not raw TeX', () => {
    it('rewrites math in steps, goals, template names and the answer, also when a formula is split across deltas', () => {
      const md = run('solve', [
        { type: 'plan', plan: { ...plan, steps: [{ goal: 'Solve $x^2 - 7x + 10 = 0$', method: 'm', query: 'q' }] }, source: 'navigator', round: 0 },
        { type: 'retrieval', stepIndex: 0, query: 'q', templates: [{ id: 't1', name: 'Roots of $ax^2+bx+c$', chapter: 'Algebra', section: 'S', score: 3, matchedFields: [] }], chosen: 't1' },
        { type: 'step-start', stepIndex: 0, goal: 'Solve $x^2 - 7x + 10 = 0$', templateId: 't1', attempt: 1 },
        { type: 'step-delta', stepIndex: 0, text: 'Factor: $(x-2)(x' },
        { type: 'step-delta', stepIndex: 0, text: '-5) = 0$, and \\[ \\frac{1}{2} \\] so $x = \\boxed{2}$ or $5' },
        { type: 'step-delta', stepIndex: 0, text: '$. Costs $5 and $6 stay prose.' },
        { type: 'final', answer: '\\frac{1}{2}', text: '' },
        { type: 'done', status: 'solved', stats },
      ], 'text');
      assert.doesNotMatch(md, /\\frac|\\boxed|x\^2/, md);
      for (const piece of ['1. Solve x² − 7x + 10 = 0', 'Roots of ax²+bx+c', 'Factor: (x − 2)(x − 5) = 0, and', '1/2', 'so x = 2 or 5.', 'Costs $5 and $6 stay prose.', '**Answer:** **1/2**'])
        assert.ok(md.includes(piece), `"${piece}" in:\n${md}`);
    });

    it('holds back only an open formula, and lets a lone "$" go at a paragraph break or the end', () => {
      assert.equal(openMathAt('a $x$ b'), 7);
      assert.equal(openMathAt('a $x'), 2);
      assert.equal(openMathAt('a \\[ x'), 2);
      assert.equal(openMathAt('a $$x$'), 2);
      assert.equal(openMathAt('price $5\n\nnext'), 'price $5\n\nnext'.length);
      assert.equal(openMathAt('ends with \\'), 10);
      assert.equal(readableMath('so $\\sqrt{2}\\cdot\\pi$'), 'so √2·π');
      // An unclosed formula at the end of the run still goes out (as prose).
      const md = run('explain', [{ type: 'analysis-delta', text: 'Let $x = ' }, { type: 'done', status: 'no-answer', stats }], 'text');
      assert.match(md, /Let \$x = $/);
    });
  });
});
