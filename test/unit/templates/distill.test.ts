// `templates distill`: a solved run's event log → a navigator-drafted, schema-valid template, compared
// with the library, stored in the user's folder and found by search at once. Real HTTP to the scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import { solveProblem } from '../../../src/core/reasoning/orchestrator.js';
import { DISTILLED_FILE, DistillError, distillTemplate, freeId, saveDistilled, slug, trajectoryFromEvents } from '../../../src/core/templates/distill.js';
import { createTemplateIndex } from '../../../src/core/templates/index.js';
import { loadTemplateDirSync } from '../../../src/core/templates/loader.js';
import { thoughtTemplateSchema } from '../../../src/core/templates/schema.js';
import { runCli, ROOT } from '../../support/cli.js';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { fixtureIndex, kindOf } from '../reasoning/fixtures.js';

const PROBLEM = 'Find the sum of the first 30 odd positive integers.';
const PLAN = {
  analysis: 'A sum of an arithmetic progression.',
  complexity: 2,
  steps: [
    { goal: 'Recognise the terms as an arithmetic progression', method: 'arithmetic series', query: 'arithmetic series' },
    { goal: 'Apply the sum formula', method: 'arithmetic series', query: 'sum formula' },
  ],
};
const DRAFT = {
  name: 'Sums of consecutive odd numbers as squares',
  chapter: 'Algebra',
  section: 'Sequences',
  subjects: ['Algebra'],
  tags: ['odd numbers', 'sum of odd integers', 'perfect square', 'arithmetic progression'],
  description: 'The sum of the first n odd positive integers is n squared; sums of runs of odd numbers are differences of squares.',
  whenToUse: ['A sum of consecutive odd integers', 'A count of terms in an odd progression'],
  steps: ['Count the terms n of the run of odd numbers.', 'Write the sum as n^2, or as a difference of two squares for a run that starts later.'],
  pitfalls: ['Counting the terms wrongly (the k-th odd number is 2k - 1)'],
  difficulty: { min: 1, max: 3 },
};
const isDistill = (body: any) => /Distil the method/.test(body?.messages?.at(-1)?.content ?? '');

async function solvedRun(): Promise<string> {
  const server = await startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan') return { content: JSON.stringify(PLAN) };
    if (k === 'step') return { content: /Apply the sum/.test(JSON.stringify(body)) ? 'The sum is $30^2 = 900$, so $\\boxed{900}$.' : 'The terms are $1, 3, \\ldots, 59$: 30 terms with difference 2.' };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'ok', progress: 0.5 }) };
    return { status: 500 };
  });
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 });
    const events: SolveEvent[] = [];
    for await (const e of solveProblem(PROBLEM, { navigator: model, solver: model, index: fixtureIndex() })) events.push(e);
    return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  } finally {
    await server.close();
  }
}

const library = createTemplateIndex(loadTemplateDirSync(join(ROOT, 'templates'), 'builtin').templates);

test('trajectoryFromEvents reads a solved run; refuses other logs with one line', async () => {
  const log = await solvedRun();
  const t = trajectoryFromEvents(log);
  assert.equal(t.problem, PROBLEM);
  assert.equal(t.answer, '900');
  assert.equal(t.steps.length, 2);
  assert.equal(t.steps[0]!.goal, PLAN.steps[0]!.goal);
  assert.match(t.steps[1]!.text, /30\^2 = 900/);
  assert.throws(() => trajectoryFromEvents('not json\n', 'run.jsonl'), (e: unknown) => e instanceof DistillError && /^run\.jsonl: line 1 is not JSON/.test(e.message));
  assert.throws(() => trajectoryFromEvents(log.replace('"status":"solved"', '"status":"no-answer"')), /did not end solved/);
  assert.throws(() => trajectoryFromEvents(JSON.stringify({ type: 'done', status: 'solved' })), /no "start" event/);
});

test('distillTemplate: a valid draft gets the project id and the run as worked example; a copy is a near-duplicate; one repair round', async () => {
  const traj = trajectoryFromEvents(await solvedRun());
  const replies: ScriptedReply[] = [];
  const server = await startScriptedOpenAiServer((body) => (isDistill(body) || /could not be used/.test(body?.messages?.at(-1)?.content ?? '') ? replies.shift() ?? { status: 500 } : { status: 500 }));
  try {
    const nav = createOpenAiModel({ baseUrl: server.baseUrl, model: 'nav', retryBaseDelayMs: 1 });
    replies.push({ content: JSON.stringify(DRAFT) });
    const r = await distillTemplate(traj, nav, library);
    assert.equal(r.calls, 1);
    assert.equal(r.template.id, 'user.sums-of-consecutive-odd-numbers-as');
    assert.ok(thoughtTemplateSchema.safeParse(r.template).success);
    assert.equal(r.template.example.problem, PROBLEM);
    assert.equal(r.template.example.answer, '900');
    assert.equal(r.template.example.solution.length, 2);
    assert.equal(r.resembles.length, 3);
    assert.equal(r.duplicate, undefined, r.resembles.map((x) => `${x.template.id} ${x.name} ${x.content}`).join('; '));
    // the prompt showed the navigator the closest library templates
    const prompt = server.requests.at(-1)!.body.messages.at(-1).content as string;
    assert.match(prompt, /The library already has these templates/);
    assert.match(prompt, /Answer: 900/);

    // a copy of a library template (renamed slightly) is found as its near-duplicate
    const existing = library.get('alg.arithmetic-series-sum')!;
    replies.push({ content: JSON.stringify({ ...DRAFT, name: existing.name, description: existing.description, steps: existing.steps, tags: existing.tags }) });
    const dup = await distillTemplate(traj, nav, library);
    assert.equal(dup.duplicate?.template.id, 'alg.arithmetic-series-sum');
    assert.equal(dup.template.id, freeId(existing.name, library));

    // first reply misses the steps: repaired on the second ask
    const { steps: _s, ...noSteps } = DRAFT;
    replies.push({ content: JSON.stringify(noSteps) }, { content: JSON.stringify(DRAFT) });
    const repaired = await distillTemplate(traj, nav, library);
    assert.equal(repaired.calls, 2);
    assert.match(server.requests.at(-1)!.body.messages.at(-1).content, /Your reply could not be used: steps/);

    replies.push({ content: 'I cannot do that.' }, { content: JSON.stringify({ name: 'x' }) });
    await assert.rejects(distillTemplate(traj, nav, library), (e: unknown) => e instanceof DistillError && /no valid template twice/.test(e.message));
  } finally {
    await server.close();
  }
});

test('saveDistilled adds to distilled.json, replaces the same id, and never overwrites a file that is not a template file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-distill-'));
  try {
    const t = thoughtTemplateSchema.parse({ ...DRAFT, id: 'user.a', example: { problem: 'p', solution: ['s'], answer: '1' } });
    const file = await saveDistilled(dir, t);
    assert.equal(file, join(dir, DISTILLED_FILE));
    await saveDistilled(dir, { ...t, id: 'user.b' });
    await saveDistilled(dir, { ...t, name: 'Renamed' });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { templates: Array<{ id: string; name: string }> };
    assert.deepEqual(saved.templates.map((x) => x.id), ['user.b', 'user.a']);
    assert.equal(saved.templates[1]!.name, 'Renamed');
    writeFileSync(file, '{"not": "templates"}');
    await assert.rejects(saveDistilled(dir, t), /is not a template file .*nothing was written/);
    assert.equal(readFileSync(file, 'utf8'), '{"not": "templates"}');
    assert.equal(slug('Law of Cosines (SAS → side)!'), 'law-of-cosines-sas-side');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: templates distill RUN saves the template where search finds it at once; a near-duplicate is not saved without --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-distill-cli-'));
  const ws = join(dir, '.reasonflux', 'templates');
  const run = join(dir, 'run.jsonl');
  writeFileSync(run, await solvedRun());
  let draft: unknown = DRAFT;
  const server = await startScriptedOpenAiServer((body) => (isDistill(body) ? { content: JSON.stringify(draft) } : { status: 500 }));
  try {
    const base = ['templates', 'distill', run, '--base-url', server.baseUrl, '--model', 'nav', '--workspace', ws];
    const r = await runCli([...base, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { template: { id: string }; saved: boolean; file: string; resembles: Array<{ id: string }> };
    assert.equal(out.saved, true);
    assert.equal(out.file, join(ws, DISTILLED_FILE));
    assert.equal(out.resembles.length, 3);
    const found = await runCli(['templates', 'search', 'sum of the first 40 odd numbers', '--workspace', ws, '--json']);
    assert.equal(found.code, 0, found.stderr);
    assert.equal((JSON.parse(found.stdout) as { results: Array<{ id: string }> }).results[0]!.id, out.template.id);

    const existing = library.get('alg.arithmetic-series-sum')!;
    draft = { ...DRAFT, name: existing.name, description: existing.description, steps: existing.steps, tags: existing.tags };
    const dup = await runCli(base);
    assert.equal(dup.code, 1, dup.stderr);
    assert.match(dup.stdout, /resembles: alg\.arithmetic-series-sum/);
    assert.match(dup.stdout, /not saved: a near-duplicate of alg\.arithmetic-series-sum .*--force/);
    const forced = await runCli([...base, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /saved to .*distilled\.json — retrievable now/);

    const bad = await runCli(['templates', 'distill', join(dir, 'missing.jsonl'), '--base-url', server.baseUrl, '--model', 'nav']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot read .*missing\.jsonl: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
