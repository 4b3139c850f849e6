// The language server through the real language client: diagnostics, hover, code actions and code
// lenses on the fixture problem sets, settings sync, and edits.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, diagnosticsOf, fixtureUri, hoverText, openFixture, waitFor, withSetting } from './support/host';

interface Fixture {
  file: string;
  /** 0-based line spans of the stated problems (opening markup … end of statement). */
  problems: Array<{ span: [number, number]; solved: boolean; probe: vscode.Position }>;
  /** Lines that look like problems but are not (code, comments, verbatim). */
  decoys: number[];
  /** A line of prose outside any problem. */
  prose: vscode.Position;
}

const FIXTURES: Fixture[] = [
  {
    file: 'problems.md',
    problems: [
      { span: [4, 4], solved: false, probe: new vscode.Position(4, 30) },
      { span: [6, 6], solved: true, probe: new vscode.Position(6, 30) },
      { span: [16, 18], solved: false, probe: new vscode.Position(18, 10) },
    ],
    decoys: [11, 12, 13, 14],
    prose: new vscode.Position(10, 10),
  },
  {
    file: 'problems.tex',
    problems: [
      { span: [6, 8], solved: false, probe: new vscode.Position(7, 10) },
      { span: [10, 12], solved: true, probe: new vscode.Position(11, 10) },
      { span: [23, 25], solved: false, probe: new vscode.Position(24, 10) },
    ],
    decoys: [17, 19, 20, 21],
    prose: new vscode.Position(4, 3),
  },
];

const TUTOR_COMMANDS = ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain'];

const intersects = (r: vscode.Range, [a, b]: [number, number]) => r.start.line <= b && r.end.line >= a;

function commandOf(item: vscode.Command | vscode.CodeAction): vscode.Command | undefined {
  return 'title' in item && typeof (item as vscode.Command).command === 'string' ? (item as vscode.Command) : (item as vscode.CodeAction).command;
}

function assertProblemRef(arg: unknown, uri: vscode.Uri, span: [number, number]): void {
  assert.ok(arg && typeof arg === 'object', 'the command gets the problem as its argument');
  const ref = arg as { uri?: unknown; range?: { start?: { line?: unknown }; end?: { line?: unknown } }; text?: unknown; kind?: unknown };
  assert.equal(ref.uri, uri.toString(), 'ProblemRef.uri is the document URI');
  assert.equal(typeof ref.text, 'string');
  assert.ok((ref.text as string).trim().length > 0, 'ProblemRef.text holds the statement');
  assert.equal(typeof ref.kind, 'string');
  const start = ref.range?.start?.line;
  assert.equal(typeof start, 'number');
  assert.ok((start as number) >= span[0] - 1 && (start as number) <= span[1], `ProblemRef.range starts in the problem (${String(start)})`);
}

for (const fx of FIXTURES) {
  describe(`language server on ${fx.file}`, () => {
    let uri: vscode.Uri;
    before(async () => {
      uri = fixtureUri(fx.file);
      await openFixture(fx.file);
      await activate();
    });

    it('marks each stated problem with one diagnostic, and nothing in code, comments or verbatim', async () => {
      const diags = await diagnosticsOf(uri, fx.problems.length);
      for (const p of fx.problems) {
        const hits = diags.filter((d) => intersects(d.range, p.span));
        assert.equal(hits.length, 1, `one diagnostic on the problem at lines ${p.span[0] + 1}–${p.span[1] + 1}, got ${hits.length}`);
      }
      for (const line of fx.decoys) {
        const bad = diags.filter((d) => d.range.start.line === line);
        assert.deepEqual(bad.map((d) => d.message), [], `no problem detected at line ${line + 1}`);
      }
      assert.equal(diags.length, fx.problems.length, `diagnostics: ${diags.map((d) => `${d.range.start.line + 1}:${d.message}`).join(' | ')}`);
      for (const d of diags) {
        assert.ok(d.source && d.source.length > 0, 'diagnostic source is set');
        assert.ok(d.code !== undefined && d.code !== '', 'diagnostic code is set');
      }
      for (const p of fx.problems.filter((x) => !x.solved)) {
        const d = diags.find((x) => intersects(x.range, p.span))!;
        assert.equal(d.severity, vscode.DiagnosticSeverity.Information, 'an unsolved problem has the default severity, Information');
      }
    });

    it('tells solved and unsolved problems apart', async () => {
      const diags = await diagnosticsOf(uri, fx.problems.length);
      const key = (d: vscode.Diagnostic) => JSON.stringify([typeof d.code === 'object' ? d.code.value : d.code, d.message, d.tags ?? []]);
      const solved = fx.problems.filter((p) => p.solved).map((p) => diags.find((d) => intersects(d.range, p.span))!);
      const unsolved = fx.problems.filter((p) => !p.solved).map((p) => diags.find((d) => intersects(d.range, p.span))!);
      for (const s of solved) {
        for (const u of unsolved) {
          assert.notEqual(key(s), key(u), 'a solved problem is marked differently from an unsolved one');
        }
      }
    });

    it('hovers a problem (no model call) and links only trusted tutoring commands', async () => {
      for (const p of fx.problems) {
        const hovers = await waitFor(
          `a hover at ${fx.file}:${p.probe.line + 1}`,
          () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, p.probe),
          (h) => Array.isArray(h) && h.some((x) => hoverText(x).trim().length > 0),
          15_000,
        );
        for (const h of hovers) {
          for (const c of h.contents) {
            if (typeof c === 'string' || !('value' in c) || !/\]\(command:/.test(c.value)) continue;
            const trusted = (c as vscode.MarkdownString).isTrusted;
            assert.notEqual(trusted, true, 'a hover with command links is never fully trusted');
            assert.ok(trusted && typeof trusted === 'object', 'command links are trusted per command');
            for (const cmd of trusted.enabledCommands) assert.ok(TUTOR_COMMANDS.includes(cmd), `unexpected trusted command ${cmd}`);
            for (const m of c.value.matchAll(/\]\(command:([\w.]+)/g)) {
              assert.ok(TUTOR_COMMANDS.includes(m[1]!), `hover links to ${m[1]}, which is not a tutoring command`);
            }
          }
        }
      }
      const prose = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, fx.prose);
      assert.deepEqual((prose ?? []).map(hoverText).filter((t) => t.trim()), [], 'no hover on prose outside problems');
    });

    it('offers Solve, Hint, Explain and Insert solution as code actions on an unsolved problem', async () => {
      const p = fx.problems.find((x) => !x.solved)!;
      await diagnosticsOf(uri, fx.problems.length);
      const actions = await waitFor(
        `code actions at ${fx.file}:${p.probe.line + 1}`,
        () => vscode.commands.executeCommand<Array<vscode.Command | vscode.CodeAction>>('vscode.executeCodeActionProvider', uri, new vscode.Range(p.probe, p.probe)),
        (a) => Array.isArray(a) && a.some((x) => commandOf(x)?.command?.startsWith('reasonflux.')),
        15_000,
      );
      const commands = actions.map(commandOf).filter((c): c is vscode.Command => !!c && c.command.startsWith('reasonflux.'));
      const ids = new Set(commands.map((c) => c.command));
      for (const id of [...TUTOR_COMMANDS, 'reasonflux.insertSolution']) assert.ok(ids.has(id), `code action for ${id} (got ${[...ids].join(', ')})`);
      for (const c of commands) assertProblemRef(c.arguments?.[0], uri, p.span);
    });

    it('puts Solve · Hint · Explain code lenses above each unsolved problem', async () => {
      const lenses = await waitFor(
        `code lenses on ${fx.file}`,
        () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100),
        (l) => Array.isArray(l) && l.some((x) => x.command?.command?.startsWith('reasonflux.')),
        15_000,
      );
      for (const p of fx.problems.filter((x) => !x.solved)) {
        const here = lenses.filter((l) => l.command && intersects(l.range, [p.span[0] - 1, p.span[1]]));
        const ids = new Set(here.map((l) => l.command!.command));
        for (const id of TUTOR_COMMANDS) assert.ok(ids.has(id), `lens ${id} at line ${p.span[0] + 1} (got ${[...ids].join(', ')})`);
        for (const l of here) assertProblemRef(l.command!.arguments?.[0], uri, p.span);
      }
    });
  });
}

describe('language server settings and edits', () => {
  before(async () => {
    await openFixture('problems.md');
    await activate();
  });

  it('follows reasonflux.detection.severity without a reload (unsolved problems)', async () => {
    const uri = fixtureUri('problems.md');
    await diagnosticsOf(uri, 3);
    // Lines of the fixture's two unsolved problems (0-based).
    const unsolved = (d: vscode.Diagnostic[]) => d.filter((x) => x.range.start.line === 4 || x.range.start.line === 16);
    await withSetting('detection.severity', 'warning', async () => {
      await waitFor(
        'Warning diagnostics after the setting changed',
        () => vscode.languages.getDiagnostics(uri),
        (d) => unsolved(d).length === 2 && unsolved(d).every((x) => x.severity === vscode.DiagnosticSeverity.Warning),
      );
    });
    await waitFor(
      'Information diagnostics after the setting was restored',
      () => vscode.languages.getDiagnostics(uri),
      (d) => unsolved(d).length === 2 && unsolved(d).every((x) => x.severity === vscode.DiagnosticSeverity.Information),
    );
  });

  it('follows reasonflux.detection.languages (LaTeX off, then on again)', async () => {
    const tex = fixtureUri('problems.tex');
    await openFixture('problems.tex');
    await diagnosticsOf(tex, 3);
    await withSetting('detection.languages', ['markdown'], async () => {
      await waitFor('no LaTeX diagnostics with detection.languages = [markdown]', () => vscode.languages.getDiagnostics(tex), (d) => d.length === 0);
    });
    await diagnosticsOf(tex, 3);
    await diagnosticsOf(fixtureUri('problems.md'), 3);
  });

  it('keeps diagnostics in sync with edits of an unsaved document', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: '# Quiz\n\n**Problem 1.** Find the least common multiple of $12$ and $18$.\n',
    });
    const editor = await vscode.window.showTextDocument(doc);
    try {
      await diagnosticsOf(doc.uri, 1);
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n**Problem 2.** Prove that $n^3 - n$ is divisible by $6$ for every integer $n$.\n'));
      const after = await waitFor('two diagnostics after adding a problem', () => vscode.languages.getDiagnostics(doc.uri), (d) => d.length === 2);
      assert.deepEqual(after.map((d) => d.range.start.line).sort((a, b) => a - b), [2, 4]);
      await editor.edit((e) => e.delete(new vscode.Range(2, 0, 3, 0)));
      await waitFor('one diagnostic after deleting a problem', () => vscode.languages.getDiagnostics(doc.uri), (d) => d.length === 1);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
