// End to end: spawns `node --import tsx src/cli/main.ts templates …` on the fixture library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(__dirname, '..', '..', '..');
const fx = join(root, 'test', 'fixtures', 'templates');
const good = join(fx, 'good');
const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const main = join(root, 'src', 'cli', 'main.ts');
const empty = mkdtempSync(join(tmpdir(), 'rf-cli-ws-'));

function cli(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, ['--import', loader, main, 'templates', ...args], {
    cwd: opts.cwd ?? root,
    input: opts.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const lib = ['--library', good, '--workspace', empty];

test('search prints ranked templates; --json prints {"results": [...]}', () => {
  const human = cli(['search', 'What is the remainder when 3^50 is divided by 7?', '--top', '2', ...lib]);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^1\. Reducing powers modulo m {2}\(fx\.nt\.modular-reduction, score \d/);
  assert.match(human.out, /matched .*tags/);
  const j = cli(['search', 'how many ways to choose 3 of 8 people', '--top', '3', '--json', ...lib]);
  assert.equal(j.code, 0, j.err);
  const parsed = JSON.parse(j.out) as { results: Array<Record<string, unknown>> };
  assert.ok(parsed.results.length >= 1 && parsed.results.length <= 3);
  assert.deepEqual(Object.keys(parsed.results[0]!).sort(), ['chapter', 'id', 'name', 'score', 'section', 'subjects']);
  assert.equal(parsed.results[0]!.id, 'fx.cp.choose-committee');
  assert.deepEqual(parsed.results[0]!.subjects, ['Counting & Probability']);
});

test('batch search: one output line per input line, bad lines reported in place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-cli-q-'));
  try {
    const q = join(dir, 'q.jsonl');
    writeFileSync(q, ['{"query": "area of a triangle with base 4 and height 5"}', 'not json', '{"query": "sum of the roots of x^2-5x+6"}', '{"q": 1}'].join('\n') + '\n');
    const r = cli(['search', '--jsonl', q, '--top', '2', '--json', ...lib]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    assert.equal(lines[0].results[0].id, 'fx.geo.triangle-area');
    assert.ok(lines[0].results.length <= 2);
    assert.match(lines[1].error, /line 2/);
    assert.equal(lines[2].results[0].id, 'fx.ia.vieta');
    assert.deepEqual(lines[3].results, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('search --step runs the plan-step search a solve makes (step reranker), not plain BM25; also for --jsonl', async () => {
  const { loadTemplateIndex } = await import('../../../src/core/templates/library.js');
  const { createTemplateIndex } = await import('../../../src/core/templates/index.js');
  const { navigatorStepSearch } = await import('../../../src/core/templates/methodEval.js');
  const builtin = ['--library', join(root, 'templates'), '--workspace', empty];
  // Written here (not from an evaluation set): a navigator step and its problem.
  const req = navigatorStepSearch({ method: 'factor as a difference of squares', goal: 'Write the expression as a product of two factors' }, 'Show that 2^{20} - 1 is divisible by 41.');
  const { templates } = await loadTemplateIndex({ builtinDir: join(root, 'templates') });
  const expected = (planStep: boolean) => createTemplateIndex(templates).search(req.query, { top: 5, context: req.context, ...(planStep ? { planStep } : {}) }).map((m) => m.template.id);
  const ids = (out: string) => (JSON.parse(out) as { results: Array<{ id: string }> }).results.map((x) => x.id);
  const step = cli(['search', req.query, '--context', req.context, '--step', '--top', '5', '--json', ...builtin]);
  assert.equal(step.code, 0, step.err);
  const plain = cli(['search', req.query, '--context', req.context, '--top', '5', '--json', ...builtin]);
  assert.equal(plain.code, 0, plain.err);
  assert.deepEqual(ids(step.out), expected(true));
  assert.deepEqual(ids(plain.out), expected(false));
  assert.notDeepEqual(ids(step.out), ids(plain.out), 'the step reranker reorders this step');
  const dir = mkdtempSync(join(tmpdir(), 'rf-cli-step-'));
  try {
    const q = join(dir, 'q.jsonl');
    writeFileSync(q, JSON.stringify({ query: req.query, context: req.context }) + '\n');
    const batch = cli(['search', '--jsonl', q, '--step', '--top', '5', '--json', ...builtin]);
    assert.equal(batch.code, 0, batch.err);
    assert.deepEqual(ids(batch.out.trim()), expected(true));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('search errors are one line with a non-zero exit', () => {
  const r = cli(['search', ...lib]);
  assert.equal(r.code, 2);
  assert.match(r.err, /^reasonflux: templates search needs a query/);
  assert.equal(r.err.trim().split('\n').length, 1);
  const bad = cli(['search', 'x', '--top', 'zero', ...lib]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--top must be a whole number/);
  const missing = cli(['search', '--jsonl', join(fx, 'nope.jsonl'), ...lib]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*nope\.jsonl: ENOENT/);
});

test('validate: exit 0 on a good library, 1 with errors naming file and template', () => {
  const ok = cli(['validate', good]);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /ok: 5 templates in 2 file\(s\) are valid/);
  const bad = cli(['validate', join(fx, 'bad')]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /error: .*invalid\.json: template "fx\.bad\.missing" \(#2\): steps:/);
  assert.match(bad.out, /error: .*zz-duplicate\.json: template "fx\.ok\.one": id: duplicate id/);
  const j = cli(['validate', join(fx, 'bad'), '--json']);
  const report = JSON.parse(j.out);
  assert.equal(report.ok, false);
  assert.ok(report.errors.length >= 5);
});

test('validate flags near-duplicates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-cli-dup-'));
  try {
    const t = JSON.parse(readFileSync(join(good, 'b.json'), 'utf8'))[1];
    const copy = { ...t, id: 'fx.ia.vieta-copy', name: 'Sum and product of the roots (Vieta)' };
    writeFileSync(join(dir, 'lib.json'), JSON.stringify([t, copy]));
    const r = cli(['validate', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /template "fx\.ia\.vieta-copy": near-duplicate of "fx\.ia\.vieta"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stats --json counts per chapter, subject and difficulty', () => {
  const r = cli(['stats', '--json', ...lib]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  assert.equal(s.count, 5);
  assert.equal(s.byChapter['Number Theory'], 1);
  assert.equal(s.bySubject['Geometry'], 1);
  assert.equal(s.bySubject['Algebra'], 1);
  assert.equal(s.bySubject['Intermediate Algebra'], 1);
  assert.equal(s.byDifficulty['1'], 1);
  assert.equal(s.byDifficulty['3'], 5);
  assert.equal(s.byDifficulty['6'], 1);
});

test('import: --dry-run --json reports counts and warnings; otherwise writes into .reasonflux/templates', () => {
  const mini = join(fx, 'upstream', 'mini-v1.json');
  const dry = cli(['import', mini, '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.err);
  const report = JSON.parse(dry.out);
  assert.equal(report.imported, 6);
  assert.ok(report.warnings.length > 0);
  assert.equal(report.file, undefined);

  const ws = mkdtempSync(join(tmpdir(), 'rf-cli-imp-'));
  try {
    cpSync(mini, join(ws, 'mini-v1.json'));
    const r = cli(['import', join(ws, 'mini-v1.json'), '--json', ...[]], { cwd: ws });
    // cwd without node_modules: tsx is loaded by absolute URL, so this works anywhere
    assert.equal(r.code, 0, r.err);
    const out = join(ws, '.reasonflux', 'templates', 'mini-v1.imported.json');
    assert.ok(existsSync(out), r.out);
    assert.equal(JSON.parse(r.out).file, out);
    // the written file is a valid template library that search picks up as the workspace layer
    // it passes the schema; the fixture's two same-named upstream entries are flagged as near-duplicates
    const v = cli(['validate', out, '--json']);
    const vr = JSON.parse(v.out);
    assert.equal(vr.templates, 6);
    assert.equal(vr.errors.length, 1, vr.errors.join('\n'));
    assert.match(vr.errors[0], /near-duplicate of "rf1\.counting-principles\.arrangements-in-a-row"/);
    const s = cli(['stats', '--json', '--library', good], { cwd: ws });
    assert.equal(JSON.parse(s.out).count, 11);
    assert.equal(JSON.parse(s.out).byOrigin.workspace, 6);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
  const notUpstream = cli(['import', join(good, 'b.json'), '--dry-run']);
  assert.equal(notUpstream.code, 2);
  assert.match(notUpstream.err, /cannot import .*b\.json: not a ReasonFlux v1 library/);
});

test.after(() => rmSync(empty, { recursive: true, force: true }));
