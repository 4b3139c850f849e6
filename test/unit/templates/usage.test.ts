// Per-user template statistics: counted from a run's events, saved and loaded, used as a bounded retrieval
// prior, and kept by `solve --stats` (graded with --expect) and shown by `templates search --stats`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { createTemplateIndex } from '../../../src/core/templates/index.js';
import { PRIOR_RANGE, TemplateUsageStore } from '../../../src/core/templates/usage.js';
import { runCli } from '../../support/cli.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { FIXTURE_TEMPLATES, kindOf } from '../reasoning/fixtures.js';

const summary = (id: string) => ({ id, name: id, chapter: 'c', section: 's', score: 1, matchedFields: [] });
const run = (chosen: string, status: 'solved' | 'no-answer' = 'solved'): SolveEvent[] => [
  { type: 'retrieval', stepIndex: 0, query: 'q', templates: [summary(chosen), summary('other')], chosen, why: 'w' },
  { type: 'retrieval', stepIndex: 1, query: 'q2', templates: [summary(chosen)], chosen },
  { type: 'done', status, stats: {} as never },
];

test('recordRun counts per run: retrieved, chosen, solved, graded and correct; describe says it in one line', () => {
  const s = TemplateUsageStore.inMemory();
  s.recordRun(run('a'), { correct: true });
  s.recordRun(run('a', 'no-answer'), { correct: false });
  s.recordRun(run('a'));
  assert.deepEqual(s.get('a'), { retrieved: 3, chosen: 3, solved: 2, graded: 2, correct: 1 });
  assert.deepEqual(s.get('other'), { retrieved: 3, chosen: 0, solved: 0, graded: 0, correct: 0 });
  assert.equal(s.describe('a'), 'retrieved 3× · chosen 3× · solved 2 of 3 · correct 1 of 2 graded');
  assert.equal(s.describe('never'), undefined);
});

test('the prior is 1 without graded runs and stays within 1 ± PRIOR_RANGE; it reorders near-ties only', () => {
  const s = TemplateUsageStore.inMemory();
  assert.equal(s.prior('x'), 1);
  for (let i = 0; i < 20; i++) s.recordRun(run('good'), { correct: true });
  for (let i = 0; i < 20; i++) s.recordRun(run('bad'), { correct: false });
  s.recordRun(run('once'), { correct: true });
  assert.ok(s.prior('good') > 1 && s.prior('good') <= 1 + PRIOR_RANGE);
  assert.ok(s.prior('bad') < 1 && s.prior('bad') >= 1 - PRIOR_RANGE);
  assert.ok(s.prior('once') > 1 && s.prior('once') < s.prior('good'), 'one graded run counts little');
  // two equally matching templates: the one with the better record comes first
  const base = FIXTURE_TEMPLATES[0]!;
  const twins = ['bad', 'good'].map((id) => ({ ...base, id, name: 'Twin method', tags: ['twin'] }));
  assert.deepEqual(createTemplateIndex(twins).search('twin method', { top: 2 }).map((m) => m.template.id), ['bad', 'good']);
  assert.deepEqual(createTemplateIndex(twins, { prior: s.priorOf() }).search('twin method', { top: 2 }).map((m) => m.template.id), ['good', 'bad']);
});

test('save and load round-trip; a corrupt file is reported, not overwritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-usage-'));
  try {
    const file = join(dir, 'sub', 'usage.json');
    const s = await TemplateUsageStore.load(file);
    assert.equal(s.size, 0);
    s.recordRun(run('a'), { correct: true });
    await s.save();
    assert.deepEqual((await TemplateUsageStore.load(file)).get('a'), s.get('a'));
    writeFileSync(file, '{oops');
    await assert.rejects(TemplateUsageStore.load(file), /not valid JSON — move the file away/);
    assert.equal(readFileSync(file, 'utf8'), '{oops');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: solve --stats --expect records the graded run; templates search --stats shows it', async () => {
  const plan = { analysis: 'Linear.', complexity: 2, steps: [{ goal: 'Isolate x', method: 'alg.linear-equation-clear-fractions', query: 'linear equation' }] };
  const server = await startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan') return { content: JSON.stringify(plan) };
    if (k === 'step') return { content: 'So $x = 5$: $\\boxed{5}$' };
    return { content: JSON.stringify({ verdict: 'finish', feedback: 'ok', progress: 1 }) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'rf-usage-cli-'));
  const file = join(dir, 'usage.json');
  try {
    const solve = (expect: string) => runCli(['solve', 'Solve x/2 + 1 = 3.5.', '--base-url', server.baseUrl, '--model', 'm', '--stats', file, '--expect', expect]);
    const a = await solve('5');
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /graded against --expect: correct/);
    const b = await solve('6');
    assert.match(b.stderr, /graded against --expect: not correct/);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { templates: Record<string, { chosen: number; graded: number; correct: number }> };
    assert.deepEqual(saved.templates['alg.linear-equation-clear-fractions'], { retrieved: 2, chosen: 2, solved: 2, graded: 2, correct: 1 });
    const shown = await runCli(['templates', 'search', 'solve a linear equation with fractions', '--stats', file, '--top', '3']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /your use: retrieved 2× · chosen 2× · solved 2 of 2 · correct 1 of 2 graded/);
    const noStats = await runCli(['solve', 'x', '--base-url', server.baseUrl, '--model', 'm', '--expect', '5']);
    assert.equal(noStats.code, 2);
    assert.match(noStats.stderr, /--expect is used for template statistics/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test('the editor counts a run from its templates and grades it later; a regrade moves only "correct"; brief says it short', () => {
  const s = TemplateUsageStore.inMemory();
  // retrieved twice in one run counts once; chosen and solved
  s.record({ retrieved: ['a', 'b', 'a'], chosen: ['a'], solved: true });
  assert.deepEqual(s.get('a'), { retrieved: 1, chosen: 1, solved: 1, graded: 0, correct: 0 });
  assert.equal(s.brief('a'), 'used 1× · 1 solved');
  assert.equal(s.brief('b'), 'retrieved 1×, not used yet');
  assert.equal(s.brief('never'), undefined);
  s.recordGrade(['a'], true);
  assert.deepEqual(s.get('a'), { retrieved: 1, chosen: 1, solved: 1, graded: 1, correct: 1 });
  s.recordGrade(['a'], false, true); // the same run graded again: wrong after all
  assert.deepEqual(s.get('a'), { retrieved: 1, chosen: 1, solved: 1, graded: 1, correct: 0 });
  s.recordGrade(['a'], false, false); // unchanged grade: nothing moves
  assert.deepEqual(s.get('a'), { retrieved: 1, chosen: 1, solved: 1, graded: 1, correct: 0 });
  s.record({ retrieved: ['a'], chosen: ['a'], solved: false, correct: true });
  assert.equal(s.brief('a'), 'used 2× · 1 solved · 1/2 correct');
  // recordRun (the CLI's events) and record agree
  const t = TemplateUsageStore.inMemory();
  t.recordRun(run('a'), { correct: true });
  const u = TemplateUsageStore.inMemory();
  u.record({ retrieved: ['a', 'other'], chosen: ['a'], solved: true, correct: true });
  assert.deepEqual(t.get('a'), u.get('a'));
  assert.deepEqual(t.get('other'), u.get('other'));
});
