// The language server over a real LSP connection: `node dist/server.js --stdio` spoken to with
// vscode-languageserver-protocol's client side.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeLensRequest,
  DiagnosticSeverity,
  DocumentSymbolRequest,
  HoverRequest,
  type DocumentSymbol,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { ROOT, startSession, uriOf, type LspSession } from './lsp-client.js';

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'detect', name), 'utf8');
let s: LspSession;
let closed = false;

before(async () => {
  s = await startSession();
});
after(async () => {
  if (s && !closed) await s.close();
});

test('didOpen publishes one diagnostic per stated problem', async () => {
  const uri = uriOf('exam-class.tex');
  const wait = s.waitDiagnostics(uri);
  await s.open(uri, 'latex', fixture('exam-class.tex'));
  const p = await wait;
  assert.deepEqual(p.diagnostics.map((d) => d.range.start.line), [3, 9, 14]);
  for (const d of p.diagnostics) {
    assert.equal(d.source, 'ReasonFlux');
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
  }
  const [a, b] = p.diagnostics;
  assert.equal(a!.code, 'problem.unsolved');
  assert.equal(a!.severity, DiagnosticSeverity.Information);
  assert.equal(b!.code, 'problem.solved');
  assert.equal(b!.severity, DiagnosticSeverity.Hint);
  assert.equal((a!.data as { kind: string }).kind, 'question');
});

test('incremental didChange keeps diagnostics in sync', async () => {
  const uri = uriOf('sync.md');
  const text = '# Set\n\n**Problem 1.** Find $x$.\n\n**Problem 2.** Find $y$.\n';
  let wait = s.waitDiagnostics(uri);
  await s.open(uri, 'markdown', text);
  assert.deepEqual((await wait).diagnostics.map((d) => d.range.start.line), [2, 4]);
  // Insert a problem at the top, in two keystroke-sized edits, then delete problem 2.
  wait = s.waitDiagnostics(uri, (d) => d.length === 3);
  await s.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '**Problem 0.** Show $0=0$.\n' }]);
  await s.change(uri, 3, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\n' }]);
  const three = await wait;
  assert.equal(three.version, 3);
  assert.deepEqual(three.diagnostics.map((d) => d.range.start.line), [1, 4, 6]);
  wait = s.waitDiagnostics(uri, (d) => d.length === 2);
  await s.change(uri, 4, [{ range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } }, text: '' }]);
  assert.deepEqual((await wait).diagnostics.map((d) => d.range.start.line), [1, 4]);
  // A full-text change (no range) also works.
  wait = s.waitDiagnostics(uri, (d) => d.length === 0);
  await s.change(uri, 5, [{ text: 'No problems here.\n' }]);
  await wait;
});

test('code actions, code lenses, symbols and hover on a problem', async () => {
  const uri = uriOf('multilingual.md');
  const wait = s.waitDiagnostics(uri);
  await s.open(uri, 'markdown', fixture('multilingual.md'));
  const diags = (await wait).diagnostics;
  assert.ok(diags.length >= 10);
  const d = diags[0]!;
  const actions = await s.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.ok(actions);
  const cmds = actions!.map((a) => ('command' in a && a.command && typeof a.command !== 'string' ? a.command.command : (a as { command?: string }).command));
  assert.deepEqual(cmds, ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain', 'reasonflux.insertSolution']);
  const titles = actions!.map((a) => a.title);
  assert.deepEqual(titles, ['Solve with ReasonFlux', 'Give me a hint', 'Explain this problem', 'Insert solution below']);
  const ref = (actions![0] as { command: { arguments: unknown[] } }).command.arguments[0] as { uri: string; kind: string; text: string; range: { start: { line: number } }; solved: boolean };
  assert.equal(ref.uri, uri);
  assert.equal(ref.range.start.line, 6);
  assert.match(ref.text, /^Find all integers/);
  assert.equal(ref.solved, true);

  // No actions away from problems.
  const none = await s.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, context: { diagnostics: [] } });
  assert.deepEqual(none, []);

  const lenses = (await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
  assert.equal(lenses.length, diags.length * 3);
  assert.deepEqual(lenses.slice(0, 3).map((l) => l.command?.command), ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain']);
  assert.equal(lenses[0]!.range.start.line, 6);

  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.equal(symbols.length, diags.length);
  assert.match(symbols[0]!.name, /^Problem 1: Find all integers/);
  assert.equal(symbols[0]!.detail, 'solved');

  const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 16, character: 3 } });
  assert.ok(hover, 'hover on "## Aufgabe 4"');
  const md = (hover!.contents as MarkupContent).value;
  assert.match(md, /Aufgabe 4/);
  assert.match(md, /Berechne das Integral/);
  assert.match(md, /\(command:reasonflux\.explain\?/);
  assert.match(md, /\(command:reasonflux\.hint\?/);
  assert.match(md, /\(command:reasonflux\.solve\?/);
  const link = /\(command:reasonflux\.explain\?([^ )]+)/.exec(md)![1]!;
  const args = JSON.parse(decodeURIComponent(link)) as { kind: string; uri: string }[];
  assert.equal(args[0]!.uri, uri);
  assert.equal(args[0]!.kind, 'problem');
  const away = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 0 } });
  assert.equal(away, null);
});

test('hover lists up to three matching templates with chapter › section', async () => {
  const uri = uriOf('hover.tex');
  const wait = s.waitDiagnostics(uri);
  await s.open(uri, 'latex', '\\begin{problem}\nFind the number of positive integer divisors of $360$.\n\\end{problem}\n');
  await wait;
  const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 2 } });
  const md = (hover!.contents as MarkupContent).value;
  assert.match(md, /^\*\*Problem\*\* — Find the number of positive integer divisors of !\[360\]\(data:image\/svg\+xml;base64,/);
  const tpl = /^Thought templates: (.*)$/m.exec(md);
  // With the built-in library present (templates/*.json), a divisor-counting problem finds templates,
  // at most three, and says briefly which words matched.
  if (existsSync(join(ROOT, 'templates', 'number-theory.json'))) {
    assert.ok(tpl, md);
    const names = tpl[1]!.split(' — matched ')[0]!.split(' · ');
    assert.ok(names.length >= 1 && names.length <= 3, tpl[1]);
    assert.match(tpl[1]!, / — matched [a-z, ]*divisors/);
  }
});

test('broken and binary input: no crash, sensible answers', async () => {
  const broken = '\\begin{document}\n}}}{\\begin{problem}\nFind $x$.\n\\end{itemize}\n\\begin{exercise}Show $y$.\n';
  const uri = uriOf('broken.tex');
  let wait = s.waitDiagnostics(uri);
  await s.open(uri, 'latex', broken);
  assert.deepEqual((await wait).diagnostics.map((d) => d.range.start.line), [1, 4]);
  const bin = uriOf('binary.md');
  wait = s.waitDiagnostics(bin);
  await s.open(bin, 'markdown', 'PK\u0003\u0004\u0000\u0000\u0000\u0007' + '\u0000\uFFFD'.repeat(500));
  assert.deepEqual((await wait).diagnostics, []);
  // Requests on a binary document and on an unknown document answer empty.
  assert.deepEqual(await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: bin } }), []);
  assert.deepEqual(await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf('never-opened.md') } }), []);
  // Edits with out-of-range positions are clamped, not fatal.
  wait = s.waitDiagnostics(uri, (_d, p) => p.version === 2);
  await s.change(uri, 2, [{ range: { start: { line: 999, character: 5 }, end: { line: 1200, character: 0 } }, text: '\n\\begin{problem}Prove $z$.\\end{problem}\n' }]);
  assert.equal((await wait).diagnostics.length, 3);
});

test('a 5 MB document gets diagnostics and the server keeps answering', async () => {
  const block = '\\begin{problem}\nFind all real $x$ such that $x^2 - 5x + 6 = 0$ and explain why.\n\\end{problem}\n\nSome prose between problems to make the file longer.\n\n';
  const text = block.repeat(Math.ceil((5 * 1024 * 1024) / block.length));
  assert.ok(text.length >= 5 * 1024 * 1024);
  const uri = uriOf('huge.tex');
  const wait = s.waitDiagnostics(uri, () => true, 60000);
  await s.open(uri, 'latex', text);
  const p = await wait;
  const listed = p.diagnostics.filter((d) => String(d.code).startsWith('problem.'));
  assert.equal(listed.length, 2000, 'capped');
  // The notices: the list is capped, and only the first 3,000,000 characters were examined.
  assert.deepEqual(p.diagnostics.filter((d) => !String(d.code).startsWith('problem.')).map((d) => d.code), ['problems.capped', 'document.truncated']);
  // A one-character edit near the end, then a request: answered. The capped diagnostics do not change,
  // so they are not sent again (the symbols request brings detection up to date before it answers).
  const lines = text.split('\n').length;
  await s.change(uri, 2, [{ range: { start: { line: lines - 2, character: 0 }, end: { line: lines - 2, character: 0 } }, text: 'x' }]);
  const symbols = await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
  // Every problem of the examined part is in the outline, also past the diagnostics cap.
  const perBlock = block.length;
  assert.ok(Array.isArray(symbols) && symbols.length === Math.ceil(3_000_000 / perBlock), `${symbols?.length} symbols`);
  assert.equal(s.diagnostics.get(uri)!.version, 1, 'unchanged diagnostics are not re-sent');
  // An edit of the first statement: the outline follows it at once (the diagnostics name the problem,
  // not its text, so they stay as they are).
  await s.change(uri, 3, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, text: 'Compute' }]);
  const after = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.match(after[0]!.name, /Compute all real/);
});

test('custom stats request reports memory', async () => {
  const stats = await s.conn.sendRequest<{ heapUsed: number; rss: number; documents: number }>('reasonflux/stats', {});
  assert.ok(stats.heapUsed > 0 && stats.rss >= stats.heapUsed);
  assert.ok(stats.documents >= 1);
});

test('shutdown then exit ends the server with code 0', async () => {
  closed = true;
  assert.equal(await s.close(), 0);
  assert.equal(s.stderr().includes('Error'), false, s.stderr());
});
