// What the editor keeps of a finished run (src/extension/history/runs.ts): the trajectory Save as Template
// distils (the same one `reasonflux templates distill` reads from the run's event log), the record kept
// for grading and preference pairs, and the runs file (a corrupt one is reported, never overwritten).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SolveEvent, SolveStats } from '../../../src/core/reasoning/events.js';
import { trajectoryFromEvents } from '../../../src/core/templates/distill.js';
import { MAX_RUNS, RunStore, gradedRunOf, recordOf, saveTarget, templatesOf, trajectoryFromState } from '../../../src/extension/history/runs.js';
import { emptyState, reduce, type PanelState } from '../../../src/webview/state.js';

const stats: SolveStats = {
  calls: 6, navigatorCalls: 3, solverCalls: 3, promptTokens: 100, completionTokens: 50, totalTokens: 150,
  ms: 1200, modelMs: 1000, rounds: 1, roundBudget: 2, templatesUsed: ['t1'],
};
const summary = (id: string) => ({ id, name: id, chapter: 'Algebra', section: 'Equations', score: 2, matchedFields: ['name'] });
const events = (status: 'solved' | 'no-answer' = 'solved'): SolveEvent[] => [
  { type: 'start', runId: 'r1', problem: 'Find $x$ if $2x = 4$.', mode: 'solve', navigator: 'nav', solver: 'sol' },
  { type: 'plan', plan: { analysis: 'Linear.', complexity: 2, steps: [{ goal: 'Set up', method: 'algebra', query: 'linear' }, { goal: 'Solve', method: 'algebra', query: 'solve' }] }, source: 'navigator', round: 0 },
  { type: 'retrieval', stepIndex: 0, query: 'linear', templates: [summary('t1'), summary('t2')], chosen: 't1' },
  { type: 'step-start', stepIndex: 0, goal: 'Set up', templateId: 't1', attempt: 1 },
  { type: 'step-done', stepIndex: 0, text: 'A first try.', attempt: 1 },
  { type: 'evaluation', stepIndex: 0, verdict: 'revise', feedback: 'again' },
  { type: 'step-start', stepIndex: 0, goal: 'Set up', templateId: 't1', attempt: 2 },
  { type: 'step-done', stepIndex: 0, text: 'We have $2x = 4$.', attempt: 2 },
  { type: 'retrieval', stepIndex: 1, query: 'solve', templates: [summary('t2'), summary('t1')], chosen: 't2' },
  { type: 'step-start', stepIndex: 1, goal: 'Solve', templateId: 't2', attempt: 1 },
  { type: 'step-done', stepIndex: 1, text: 'So $x = \\boxed{2}$.', attempt: 1 },
  ...(status === 'solved' ? [{ type: 'final', answer: '2', text: 'So $x = \\boxed{2}$.' } as SolveEvent] : []),
  { type: 'done', status, stats },
];
const stateOf = (evs: SolveEvent[]): PanelState => evs.reduce(reduce, emptyState({ mode: 'solve' }));

describe('trajectoryFromState', () => {
  it('is the trajectory the CLI distils from the same run\'s event log', () => {
    const evs = events();
    const fromState = trajectoryFromState(stateOf(evs));
    const fromLog = trajectoryFromEvents(evs.map((e) => JSON.stringify(e)).join('\n'));
    assert.deepEqual(fromState, fromLog);
    assert.ok(!('error' in fromState) && fromState.steps[0]!.text === 'We have $2x = 4$.', 'the last attempt of a step');
  });
  it('says why a run cannot be distilled: not a solve, not solved, no finished steps', () => {
    assert.deepEqual(trajectoryFromState({ ...stateOf(events()), mode: 'hint' }), { error: 'not-solve' });
    assert.deepEqual(trajectoryFromState(stateOf(events('no-answer'))), { error: 'not-solved' });
    const noSteps = stateOf([...events().slice(0, 2), { type: 'final', answer: '2', text: '' }, { type: 'done', status: 'solved', stats }]);
    assert.deepEqual(trajectoryFromState(noSteps), { error: 'no-steps' });
  });
});

describe('run records', () => {
  it('keep the templates, the plan and its prompt; hint runs and runs without an id are not kept', () => {
    const s = stateOf(events());
    assert.deepEqual(templatesOf(s), { retrieved: ['t1', 't2'], chosen: ['t1', 't2'] });
    const planPrompt = [{ role: 'user', content: 'Plan the solution of: …', extra: 'dropped' }];
    const r = recordOf(s, { planText: '{"steps":[]}', planPrompt }, 5)!;
    assert.deepEqual(r, {
      runId: 'r1', problem: 'Find $x$ if $2x = 4$.', at: 5, status: 'solved', answer: '2', retrieved: ['t1', 't2'], chosen: ['t1', 't2'], calls: 6,
      planText: '{"steps":[]}', planPrompt: [{ role: 'user', content: 'Plan the solution of: …' }],
    });
    assert.equal(gradedRunOf(r).correct, undefined, 'not graded yet');
    assert.equal(gradedRunOf({ ...r, graded: { correct: false, reference: '3' } }).correct, false);
    assert.equal(recordOf({ ...s, mode: 'hint' }), undefined);
    assert.equal(recordOf({ ...s, runId: undefined }), undefined);
  });

  it('the file round-trips, keeps the newest MAX_RUNS, and a corrupt file is reported, not overwritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rf-runs-'));
    try {
      const file = join(dir, 'g', 'runs.json');
      const store = await RunStore.load(file);
      const base = recordOf(stateOf(events()))!;
      for (let i = 0; i < MAX_RUNS + 5; i++) store.put({ ...base, runId: `r${i}` });
      store.put({ ...base, runId: 'r7', graded: { correct: true } }); // replaces, moves to the front
      await store.save();
      const again = await RunStore.load(file);
      assert.equal(again.list().length, MAX_RUNS);
      assert.equal(again.list()[0]!.runId, 'r7');
      assert.deepEqual(again.get('r7')!.graded, { correct: true });
      assert.equal(again.get('r0'), undefined, 'the oldest went first');
      writeFileSync(file, '[1,2');
      await assert.rejects(RunStore.load(file), /not valid JSON — move the file away/);
      assert.equal(readFileSync(file, 'utf8'), '[1,2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('saveTarget (where Save as Template writes)', () => {
  const base = { workspaceFolder: '.reasonflux/templates', userFile: '', userFileGlobal: '' };
  it('a trusted folder: its templates folder (relative or absolute setting)', () => {
    assert.deepEqual(saveTarget({ ...base, trusted: true, folder: '/w' }), { file: join('/w', '.reasonflux/templates', 'distilled.json') });
    assert.deepEqual(saveTarget({ ...base, trusted: true, folder: '/w', workspaceFolder: '/t' }), { file: join('/t', 'distilled.json') });
  });
  it('Restricted Mode: never the workspace; only a user file from the user settings', () => {
    assert.deepEqual(saveTarget({ ...base, trusted: false, folder: '/w' }), { error: 'untrusted' });
    assert.deepEqual(saveTarget({ ...base, trusted: false, folder: '/w', userFile: '/w/evil.json' }), { error: 'untrusted' }, 'a workspace-chosen file is not written');
    assert.deepEqual(saveTarget({ ...base, trusted: false, folder: '/w', userFile: '/w/evil.json', userFileGlobal: '/home/me/mine.json' }), { file: '/home/me/mine.json' });
  });
  it('no folder: the user file, else says to open a folder', () => {
    assert.deepEqual(saveTarget({ ...base, trusted: true }), { error: 'no-folder' });
    assert.deepEqual(saveTarget({ ...base, trusted: true, userFile: '/home/me/mine.json' }), { file: '/home/me/mine.json' });
  });
});
