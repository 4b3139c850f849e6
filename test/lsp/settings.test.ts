// Settings: severity, languages, features and extra environments, from initializationOptions and
// from workspace/configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeLensRequest, DiagnosticSeverity, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startSession, uriOf } from './lsp-client.js';

const TEX = '\\begin{myprob}\nFind $x$.\n\\end{myprob}\n\\begin{problem}\nShow $y$.\n\\end{problem}\n';

test('initializationOptions: severity, extra environments, features off', async () => {
  const s = await startSession({
    initializationOptions: {
      reasonflux: { detection: { severity: 'warning', extraEnvironments: ['myprob'] }, features: { codeLens: false, hover: false } },
    },
  });
  try {
    const uri = uriOf('opts.tex');
    const wait = s.waitDiagnostics(uri);
    await s.open(uri, 'latex', TEX);
    const d = (await wait).diagnostics;
    assert.deepEqual(d.map((x) => x.range.start.line), [0, 3]);
    assert.ok(d.every((x) => x.severity === DiagnosticSeverity.Warning));
    assert.deepEqual(await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), []);
    assert.equal(await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 1 } }), null);
  } finally {
    await s.close();
  }
});

test('workspace/configuration: languages and diagnostics switch', async () => {
  const s = await startSession({
    capabilities: { workspace: { configuration: true } },
    configuration: { detection: { languages: ['markdown'], severity: 'hint' }, features: { diagnostics: true } },
  });
  try {
    // latex is not in the languages: nothing is published for it, markdown is served.
    const md = uriOf('cfg.md');
    await new Promise((r) => setTimeout(r, 200)); // let the server pull its configuration
    const wait = s.waitDiagnostics(md);
    await s.open(uri('cfg.tex'), 'latex', TEX);
    await s.open(md, 'markdown', '**Problem 1.** Find $x$.\n');
    const d = (await wait).diagnostics;
    assert.equal(d.length, 1);
    assert.equal(d[0]!.severity, DiagnosticSeverity.Hint);
    assert.equal(s.diagnostics.has(uri('cfg.tex')), false);
  } finally {
    await s.close();
  }
});

function uri(name: string): string {
  return uriOf(name);
}
