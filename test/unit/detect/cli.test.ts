// `reasonflux detect FILE… [--json]` end to end (tsx runs the CLI source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
const fx = join(root, 'test', 'fixtures', 'detect');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'detect', ...args], { cwd: root, encoding: 'utf8' });

test('--json prints files with 1-based problems', () => {
  const r = cli('--json', join(fx, 'exam-class.tex'), join(fx, 'multilingual.md'));
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { file: string; problems: { line: number; endLine: number; kind: string; text: string; solved: boolean }[] }[];
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]!.problems.map((p) => p.line), [4, 10, 15]);
  assert.equal(out[0]!.problems[1]!.solved, true);
  for (const p of out[1]!.problems) {
    assert.deepEqual(Object.keys(p).filter((k) => k !== 'label').sort(), ['endLine', 'kind', 'line', 'solved', 'text']);
    assert.ok(p.endLine >= p.line);
  }
});

test('human output lists problems; bad files get a clear error each, others still reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-detect-'));
  const bin = join(dir, 'x.tex');
  writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x10]));
  writeFileSync(join(dir, 'notes.txt'), 'Find x.\n');
  const r = cli(join(fx, 'exam-class.tex'), bin, join(dir, 'missing.md'), join(dir, 'notes.txt'), dir);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /exam-class\.tex: 3 problems/);
  assert.match(r.stdout, /^\s+10\s+question\s+solved\s+Prove that/m);
  assert.match(r.stderr, /x\.tex: looks like a binary file/);
  assert.match(r.stderr, /missing\.md: not found/);
  assert.match(r.stderr, /rf-detect-\w+: is a directory/);
  assert.match(r.stderr, /notes\.txt: not a LaTeX or Markdown file/);
});

test('usage errors', () => {
  const r = cli();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no file given/);
  assert.match(cli('--bogus', 'a.md').stderr, /unknown option --bogus/);
});
