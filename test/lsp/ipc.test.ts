// The extension starts the server over Node IPC (vscode-languageclient TransportKind.ipc): the same
// dist/server.js must work with --node-ipc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ensureBuilt, SERVER } from './lsp-client.js';

test('node dist/server.js --node-ipc serves diagnostics', async () => {
  ensureBuilt();
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  try {
    const got = new Promise<PublishDiagnosticsParams>((resolve) => conn.onNotification(PublishDiagnosticsNotification.type, resolve));
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.equal(init.capabilities.documentSymbolProvider, true);
    assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: true });
    await conn.sendNotification(InitializedNotification.type, {});
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: 'file:///ipc/a.md', languageId: 'markdown', version: 1, text: '### Exercise 2\n\nShow that $e^{i\\pi} = -1$.\n' },
    });
    const p = await got;
    assert.equal(p.diagnostics.length, 1);
    assert.equal(p.diagnostics[0]!.code, 'problem.unsolved');
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    const code = await new Promise<number | null>((r) => {
      if (child.exitCode !== null) return r(child.exitCode);
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        r(null);
      }, 5000);
      child.once('exit', (c) => {
        clearTimeout(t);
        r(c);
      });
    });
    assert.equal(code, 0, 'exits cleanly after shutdown + exit');
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
