// An independent LSP client: Debian's neovim (0.7.2, `apt-get install -y neovim`) drives
// `node dist/server.js --stdio` headless and we assert the diagnostics it received.
// Skips with a note when nvim is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT, SERVER } from './lsp-client.js';

const hasNvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasNvim ? false : 'nvim is not installed (apt-get install -y neovim); the neovim LSP check is skipped';

function runNvim(fixture: string, hoverLine: number): { ok: boolean; filetype: string; diagnostics: { lnum: number; source: string; code: string; severity: number; message: string }[]; hover?: string } {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rf-nvim-'));
  try {
    copyFileSync(join(ROOT, 'test', 'fixtures', 'detect', fixture), join(dir, fixture));
    const out = join(dir, 'out.json');
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(__dirname, 'neovim-check.lua')}`, fixture], {
      cwd: dir,
      env: { ...process.env, RF_OUT: out, RF_SERVER: SERVER, RF_NODE: process.execPath, RF_HOVER_LINE: String(hoverLine) },
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.status, 0, `nvim failed: ${r.stderr || r.stdout}`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const expected = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'detect', 'expected.json'), 'utf8')) as Record<string, { line: number; solved: boolean }[]>;

test('neovim receives the diagnostics of a Markdown file', { skip }, () => {
  const res = runNvim('multilingual.md', 16);
  assert.equal(res.ok, true, 'diagnostics arrived');
  assert.equal(res.filetype, 'markdown');
  const want = expected['multilingual.md']!;
  assert.deepEqual(res.diagnostics.map((d) => d.lnum).sort((a, b) => a - b), want.map((w) => w.line - 1));
  for (const d of res.diagnostics) {
    assert.equal(d.source, 'ReasonFlux');
    const w = want.find((x) => x.line - 1 === d.lnum)!;
    assert.equal(d.code, w.solved ? 'problem.solved' : 'problem.unsolved');
    assert.equal(d.severity, w.solved ? 4 : 3); // vim.diagnostic.severity: 3 INFO, 4 HINT
  }
  assert.match(res.hover ?? '', /Aufgabe 4/);
  assert.match(res.hover ?? '', /command:reasonflux\.solve\?/);
});

test('neovim receives the diagnostics of a LaTeX file', { skip }, () => {
  const res = runNvim('exam-class.tex', 9);
  assert.equal(res.ok, true);
  assert.equal(res.filetype, 'tex');
  assert.deepEqual(res.diagnostics.map((d) => d.lnum).sort((a, b) => a - b), [3, 9, 14]);
  assert.match(res.hover ?? '', /Prove that/);
});
