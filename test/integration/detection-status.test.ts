// What the user sees when a document has more problems than are listed as diagnostics, or is longer than
// the detector examines: a notice in the Problems panel and a status bar item; hover and code lenses
// still work past the cap. In the real VS Code host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, hoverText, waitFor } from './support/host';

const STATUS_COMMAND = 'reasonflux.test.detectionStatus';
type Shown = { text: string; tooltip: string; uri: string } | undefined;

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('detection status (capped diagnostics, partly examined files)', () => {
  before(async () => {
    await activate();
  });
  afterEach(closeAll);

  it('says in the Problems panel and the status bar that only 2,000 of 2,100 problems are listed; hover works past the cap', async () => {
    const n = 2100;
    const lines = ['# Sheet', ''];
    for (let k = 1; k <= n; k++) lines.push(`**Problem ${k}.** Find the remainder when $${k}^3$ is divided by $11$.`, '');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(
      'the capped-list notice',
      () => vscode.languages.getDiagnostics(doc.uri),
      (d) => d.some((x) => x.code === 'problems.capped'),
      60_000,
    );
    const notice = diags.find((x) => x.code === 'problems.capped')!;
    assert.equal(notice.source, 'ReasonFlux');
    assert.match(notice.message, /2,100 problems in this file; only the first 2,000 are listed/);
    assert.equal(notice.range.start.line, 2 * 2001, 'on the first problem that is not listed');
    assert.equal(diags.filter((x) => String(x.code).startsWith('problem.')).length, 2000);

    const shown = await waitFor('the status bar item', () => vscode.commands.executeCommand<Shown>(STATUS_COMMAND), (s) => !!s, 30_000);
    assert.equal(shown!.uri, doc.uri.toString());
    assert.match(shown!.text, /ReasonFlux: 2,000 of 2,100 problems listed/);
    assert.match(shown!.tooltip, /hover, code lenses, code actions and the outline work on all 2,100/);

    // Problem 2,100 (past the cap): hover and code lenses answer.
    const line = 2 * n;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 5));
    // (The statement's math is typeset — an image whose alt text is the readable formula — or readable text.)
    assert.ok(hovers.some((h) => /Problem 2100/.test(hoverText(h)) && /(!\[)?2100³/.test(hoverText(h))), hovers.map(hoverText).join('\n---\n'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100000);
    const here = lenses.filter((l) => l.range.start.line === line);
    assert.deepEqual(here.map((l) => l.command?.command).sort(), ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve']);

    // Another editor without the condition: the item hides; back again: it shows.
    const small = await vscode.workspace.openTextDocument({ language: 'markdown', content: '**Problem 1.** Find $x$ with $x+1=2$.\n' });
    await vscode.window.showTextDocument(small);
    await waitFor('the item hidden on a small file', () => vscode.commands.executeCommand<Shown>(STATUS_COMMAND), (s) => s === undefined);
    await vscode.window.showTextDocument(doc);
    await waitFor('the item shown again', () => vscode.commands.executeCommand<Shown>(STATUS_COMMAND), (s) => !!s && s.uri === doc.uri.toString());
  });

  it('says when only the first 3,000,000 characters of a file were examined', async () => {
    const block = '\\begin{problem}\nShow that $n^5 - n$ is divisible by $30$ for every integer $n$.\n\\end{problem}\n\n';
    const text = block.repeat(Math.ceil(3_100_000 / block.length));
    const doc = await vscode.workspace.openTextDocument({ language: 'latex', content: text });
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(
      'the partly-examined notice',
      () => vscode.languages.getDiagnostics(doc.uri),
      (d) => d.some((x) => x.code === 'document.truncated'),
      90_000,
    );
    const notice = diags.find((x) => x.code === 'document.truncated')!;
    assert.equal(notice.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(notice.message, /Only the first 3,000,000 characters of this file were examined/);
    const shown = await waitFor('the status bar item', () => vscode.commands.executeCommand<Shown>(STATUS_COMMAND), (s) => !!s && /characters examined/.test(s.text), 30_000);
    assert.match(shown!.text, new RegExp(`first 3,000,000 of ${text.length.toLocaleString('en-US')} characters examined`));
  });
});
