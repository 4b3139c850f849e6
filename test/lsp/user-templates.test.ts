// The server's hover uses the user's own thought templates and reloads them when their file changes
// (fs watching inside the server, so any LSP client gets it). Real stdio connection.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startSession } from './lsp-client.js';
import { zorblaxLibrary as userTemplate } from '../fixtures/templates/user-library.js';

const dir = mkdtempSync(join(tmpdir(), 'rf-user-templates-'));
const file = join(dir, 'mine.json');
after(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('hover shows user templates and follows edits of their file', async () => {
  writeFileSync(file, JSON.stringify(userTemplate('Zorblax pairing')));
  const s = await startSession({ initializationOptions: { templates: { workspaceFolder: dir } } });
  try {
    const uri = pathToFileURL(join(dir, 'set.md')).toString();
    const wait = s.waitDiagnostics(uri, (d) => d.length > 0);
    await s.open(uri, 'markdown', '**Problem 1.** How many zorblax widgets can be paired in the lab?\n');
    await wait;
    const hover = async () => {
      const h = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 20 } });
      return h ? (h.contents as MarkupContent).value : '';
    };
    await until('the user template in the hover', hover, (md) => md.includes('Zorblax pairing'));
    writeFileSync(file, JSON.stringify(userTemplate('Zorblax twin matching')));
    const md = await until('the renamed template after the edit', hover, (m) => m.includes('Zorblax twin matching'));
    assert.ok(!md.includes('Zorblax pairing'), 'the old name is gone');
    // A broken edit keeps the server alive and answering; the user template simply drops out.
    writeFileSync(file, '{ "templates": [ { "id": "BAD ID" } ');
    await until('the hover without the broken file', hover, (m) => m.length > 0 && !m.includes('Zorblax'));
  } finally {
    await s.close();
  }
});

test('hover shows the user\'s template statistics from the file the editor keeps (initializationOptions.usageFile), re-read when it changes', async () => {
  writeFileSync(file, JSON.stringify(userTemplate('Zorblax pairing')));
  const usageFile = join(dir, 'usage.json');
  const usage = (chosen: number, solved: number, graded: number, correct: number) =>
    writeFileSync(usageFile, JSON.stringify({ format: 1, templates: { 'user.zorblax-widgets': { retrieved: chosen + 1, chosen, solved, graded, correct } } }));
  usage(4, 3, 2, 2);
  const s = await startSession({ initializationOptions: { templates: { workspaceFolder: dir }, usageFile } });
  try {
    const uri = pathToFileURL(join(dir, 'stats.md')).toString();
    const wait = s.waitDiagnostics(uri, (d) => d.length > 0);
    await s.open(uri, 'markdown', '**Problem 1.** How many zorblax widgets can be paired in the lab?\n');
    await wait;
    const hover = async () => {
      const h = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 20 } });
      return h ? (h.contents as MarkupContent).value : '';
    };
    const md = await until('the statistics in the hover', hover, (m) => m.includes('Zorblax pairing'));
    assert.match(md, /your use: used 4× · 3 solved · 2\/2 correct/);
    await new Promise((r) => setTimeout(r, 20)); // a later mtime
    usage(5, 4, 3, 2);
    await until('the updated statistics', hover, (m) => m.includes('used 5× · 4 solved · 2/3 correct'));
    writeFileSync(usageFile, '{broken');
    const without = await until('the hover without statistics', hover, (m) => m.includes('Zorblax pairing') && !m.includes('your use'));
    assert.ok(without.length > 0, 'a broken statistics file leaves the hover working');
  } finally {
    await s.close();
  }
});
