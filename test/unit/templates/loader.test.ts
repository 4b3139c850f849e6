import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTemplateDir, loadTemplateFile, parseTemplateText } from '../../../src/core/templates/loader.js';
import { defaultBuiltinDir, loadTemplateIndex, loadTemplateIndexSync, watchLibrary, type LibraryResult } from '../../../src/core/templates/library.js';

const fx = resolve(__dirname, '..', '..', 'fixtures', 'templates');

test('loads a good folder: object files with $schema and bare arrays', async () => {
  const r = await loadTemplateDir(join(fx, 'good'), 'builtin');
  assert.deepEqual(r.errors, []);
  assert.equal(r.files.length, 2);
  assert.deepEqual(r.templates.map((t) => t.id).sort(), ['fx.cp.choose-committee', 'fx.geo.triangle-area', 'fx.ia.vieta', 'fx.nt.modular-reduction', 'fx.pc.trig-identities']);
  const t = r.templates.find((x) => x.id === 'fx.geo.triangle-area')!;
  assert.equal(t.origin, 'builtin');
  assert.ok(t.file?.endsWith('b.json'));
  assert.deepEqual(t.pitfalls, [], 'pitfalls default to []');
});

test('a bad folder: every problem is reported with file, template and field; good templates still load', async () => {
  const r = await loadTemplateDir(join(fx, 'bad'), 'builtin');
  assert.deepEqual(r.templates.map((t) => t.id), ['fx.ok.one']);
  const has = (re: RegExp) => assert.ok(r.errors.some((e) => re.test(e)), `no error matching ${re}:\n${r.errors.join('\n')}`);
  has(/broken\.json: invalid JSON/);
  has(/invalid\.json: template "fx\.bad\.missing" \(#2\): steps: /);
  has(/invalid\.json: template "fx\.bad\.missing" \(#2\): difficulty: difficulty\.min must not exceed difficulty\.max/);
  has(/invalid\.json: template #3: \(template\): /);
  has(/zz-duplicate\.json: template "fx\.ok\.one": id: duplicate id, already defined in invalid\.json/);
  has(/wrong-shape\.json: not a template file/);
});

test('missing file and folder are errors, not exceptions; optional folder is silent', async () => {
  const f = await loadTemplateFile(join(fx, 'nope.json'), 'user-file');
  assert.match(f.errors[0]!, /nope\.json: cannot read: ENOENT/);
  const d = await loadTemplateDir(join(fx, 'nope'), 'workspace');
  assert.match(d.errors[0]!, /cannot read folder/);
  const o = await loadTemplateDir(join(fx, 'nope'), 'workspace', true);
  assert.deepEqual(o.errors, []);
});

test('parseTemplateText: duplicate id inside one file keeps the first; BOM is accepted', () => {
  const good = JSON.parse(readFileSync(join(fx, 'good', 'b.json'), 'utf8'));
  const text = '\ufeff' + JSON.stringify([good[0], { ...good[0], name: 'second' }]);
  const r = parseTemplateText(text, 'x.json', 'workspace');
  assert.equal(r.templates.length, 1);
  assert.equal(r.templates[0]!.name, good[0].name);
  assert.match(r.errors[0]!, /x\.json: template "fx\.geo\.triangle-area" \(#2\): id: duplicate id/);
});

test('loadTemplateIndex merges built-in, workspace and user file; user entries win by id', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'rf-ws-'));
  try {
    const good = JSON.parse(readFileSync(join(fx, 'good', 'b.json'), 'utf8'));
    writeFileSync(join(ws, 'area.json'), JSON.stringify([{ ...good[0], name: 'Workspace area' }]));
    const r = await loadTemplateIndex({ builtinDir: join(fx, 'good'), workspaceDir: ws, userFile: join(fx, 'user', 'mine.json') });
    assert.deepEqual(r.errors, []);
    assert.equal(r.templates.length, 6);
    assert.equal(r.index.size, 6);
    const area = r.index.get('fx.geo.triangle-area')!;
    assert.equal(area.name, 'Workspace area');
    assert.equal(area.origin, 'workspace');
    const comb = r.index.get('fx.cp.choose-committee')!;
    assert.equal(comb.name, 'My own combinations method');
    assert.equal(comb.origin, 'user-file');
    assert.equal(r.index.get('fx.user.extra')!.origin, 'user-file');
    assert.equal(r.index.get('fx.ia.vieta')!.origin, 'builtin');
    const sync = loadTemplateIndexSync({ builtinDir: join(fx, 'good'), workspaceDir: ws, userFile: join(fx, 'user', 'mine.json') });
    assert.deepEqual(sync.templates.map((t) => t.id), r.templates.map((t) => t.id));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('loadTemplateIndex reports errors of user files without failing', async () => {
  const r = await loadTemplateIndex({ builtinDir: join(fx, 'good'), workspaceDir: join(fx, 'bad') });
  assert.equal(r.index.size, 6);
  assert.ok(r.errors.length >= 5);
  const missing = await loadTemplateIndex({ builtinDir: join(fx, 'good'), userFile: join(fx, 'missing.json') });
  assert.match(missing.errors.join('\n'), /missing\.json: cannot read/);
});

test('the default built-in folder is the repository templates/ when run from source', () => {
  assert.equal(defaultBuiltinDir(), resolve(__dirname, '..', '..', '..', 'templates'));
});

test('watchLibrary reloads when a workspace file changes, including a folder created later', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rf-watch-'));
  const ws = join(root, '.reasonflux', 'templates');
  const good = JSON.parse(readFileSync(join(fx, 'good', 'b.json'), 'utf8'));
  const reloads: LibraryResult[] = [];
  let wake: (() => void) | undefined;
  const w = watchLibrary({
    builtinDir: join(fx, 'good'),
    workspaceDir: ws,
    debounceMs: 50,
    onReload: (r) => {
      reloads.push(r);
      wake?.();
    },
  });
  const next = () =>
    new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('no reload within 5 s')), 5000);
      wake = () => {
        clearTimeout(timer);
        res();
      };
    });
  try {
    let p = next();
    mkdirSync(ws, { recursive: true });
    await p;
    p = next();
    writeFileSync(join(ws, 'mine.json'), JSON.stringify([{ ...good[0], id: 'fx.watch.new', name: 'Watched template' }]));
    await p;
    // Events may arrive in more than one burst; wait until the new template is visible.
    for (let i = 0; i < 5 && !reloads.at(-1)!.index.get('fx.watch.new'); i++) await next();
    assert.equal(reloads.at(-1)!.index.get('fx.watch.new')?.origin, 'workspace');
    // The folder deleted and made again: later changes in the new folder are still seen.
    p = next();
    rmSync(join(root, '.reasonflux'), { recursive: true, force: true });
    await p;
    for (let i = 0; i < 5 && reloads.at(-1)!.index.get('fx.watch.new'); i++) await next();
    assert.equal(reloads.at(-1)!.index.get('fx.watch.new'), undefined, 'gone with the folder');
    mkdirSync(ws, { recursive: true });
    writeFileSync(join(ws, 'mine.json'), JSON.stringify([{ ...good[0], id: 'fx.watch.again', name: 'Watched again' }]));
    for (let i = 0; i < 5 && !reloads.at(-1)!.index.get('fx.watch.again'); i++) await next();
    assert.ok(reloads.at(-1)!.index.get('fx.watch.again'), 'the re-made folder is read');
    // Let the creation settle, then change the file: only a watcher on the NEW folder sees this.
    await new Promise((r) => setTimeout(r, 300));
    p = next();
    writeFileSync(join(ws, 'mine.json'), JSON.stringify([{ ...good[0], id: 'fx.watch.edited', name: 'Watched edited' }]));
    await p;
    for (let i = 0; i < 5 && !reloads.at(-1)!.index.get('fx.watch.edited'); i++) await next();
    assert.ok(reloads.at(-1)!.index.get('fx.watch.edited'), 'an edit in the re-made folder reloads');
  } finally {
    w.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
