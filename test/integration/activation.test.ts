// Activation, the language client and the command list, inside the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LanguageClientController, TRUSTED_HOVER_COMMANDS, documentSelectorFor, trustHoverCommands } from '../../src/extension/client';
import { activate, extension, manifest, openFixture, waitFor } from './support/host';

describe('activation', () => {
  it('is not activated by `*` and activates on opening a Markdown problem set', async () => {
    const events = manifest().activationEvents ?? [];
    assert.ok(!events.includes('*'), 'activationEvents must not contain "*"');
    for (const lang of ['markdown', 'latex']) assert.ok(events.includes(`onLanguage:${lang}`), `missing onLanguage:${lang}`);
    await openFixture('problems.md');
    await waitFor('the extension to be active', () => extension().isActive, (a) => a, 30_000);
  });

  it('starts the language client', async () => {
    const api = (await activate()) as { languageClientState?: string } | undefined;
    assert.ok(api && typeof api === 'object', 'activate() returns the ReasonFlux API object');
    assert.equal(api.languageClientState, 'running', 'the language server answered initialize (see the ReasonFlux output)');
  });

  it('registers every command of contributes.commands', async () => {
    await activate();
    const declared = manifest().contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 5, 'the manifest declares the tutoring commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands declared in package.json but not registered: ${missing.join(', ')}`);
  });
});

describe('language client helpers (in the host)', () => {
  it('trusts hover Markdown for the three tutoring commands only, without HTML', () => {
    const md = new vscode.MarkdownString('[Solve](command:reasonflux.solve) [Other](command:workbench.action.terminal.new)');
    md.isTrusted = true;
    md.supportHtml = true;
    const hover = trustHoverCommands(new vscode.Hover([md, 'plain']));
    const content = hover.contents[0] as vscode.MarkdownString;
    assert.deepEqual(content.isTrusted, { enabledCommands: ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain'] });
    assert.equal(content.supportHtml, false);
    assert.deepEqual([...TRUSTED_HOVER_COMMANDS].sort(), ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve']);
    assert.equal(trustHoverCommands(undefined), undefined);
  });

  it('selects saved and untitled documents of the configured languages', () => {
    assert.deepEqual(documentSelectorFor(['markdown']), [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'untitled', language: 'markdown' },
    ]);
    assert.equal(documentSelectorFor([]).length, 6, 'an empty list falls back to markdown, latex, tex');
  });
});

describe('language client start failure (in the host)', () => {
  it('logs and shows a failed start once, returns no client, and does not throw', async () => {
    const output = vscode.window.createOutputChannel('ReasonFlux test', { log: true });
    const context = { asAbsolutePath: (p: string) => `/nonexistent-reasonflux/${p}` } as unknown as vscode.ExtensionContext;
    const shown: string[] = [];
    const win = vscode.window as { showErrorMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = win.showErrorMessage;
    win.showErrorMessage = (message: unknown) => {
      shown.push(String(message));
      return Promise.resolve(undefined);
    };
    try {
      const lsp = new LanguageClientController(context, output);
      assert.equal(await lsp.start(), undefined);
      assert.equal(lsp.state, 'failed');
      assert.equal(await lsp.start(), undefined, 'a second attempt fails the same way');
      assert.equal(shown.length, 1, `shown once: ${JSON.stringify(shown)}`);
      assert.match(shown[0]!, /dist\/server\.js is missing/);
      await lsp.stop();
    } finally {
      win.showErrorMessage = original;
      output.dispose();
    }
  });
});
