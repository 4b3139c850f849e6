// Past the diagnostics cap: hover, code actions, code lenses and document symbols answer on every problem
// of a 5,000-problem document, and the server says (a notice diagnostic and reasonflux/documentStatus)
// when the diagnostics are capped and when a file is only partly examined. Over a real LSP connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  DocumentSymbolRequest,
  HoverRequest,
  type CodeLens,
  type DocumentSymbol,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { startSession, uriOf, type LspSession } from './lsp-client.js';

const N = 5000;
const CAP = 2000;
/** Problem n (1-based) is on line 2n. */
const lineOf = (n: number): number => 2 * n;
function bigSet(): string {
  const out = ['# Homework', ''];
  for (let n = 1; n <= N; n++) out.push(`**Problem ${n}.** Find the remainder when $${n}^2 + ${n}$ is divided by $7$.`, '');
  return out.join('\n');
}

let s: LspSession;
before(async () => {
  s = await startSession();
});
after(async () => {
  if (s) await s.close();
});

const isProblem = (code: unknown): boolean => typeof code === 'string' && code.startsWith('problem.');

test('a 5,000-problem document: diagnostics capped, with a notice where the list stops, and a status saying so', async () => {
  const uri = uriOf('five-thousand.md');
  const wait = s.waitDiagnostics(uri, () => true, 60000);
  await s.open(uri, 'markdown', bigSet());
  const p = await wait;
  const problems = p.diagnostics.filter((d) => isProblem(d.code));
  assert.equal(problems.length, CAP);
  assert.equal(problems[CAP - 1]!.range.start.line, lineOf(CAP));
  const notices = p.diagnostics.filter((d) => !isProblem(d.code));
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.code, 'problems.capped');
  assert.equal(notices[0]!.source, 'ReasonFlux');
  assert.equal(notices[0]!.range.start.line, lineOf(CAP + 1), 'on the first problem that is not listed');
  assert.match(String(notices[0]!.message), /5,000 problems in this file; only the first 2,000 are listed/);
  const st = await s.waitStatus(uri);
  assert.deepEqual(
    { problems: st.problems, listed: st.listed, capped: st.capped, truncated: st.truncated },
    { problems: N, listed: CAP, capped: true, truncated: false },
  );
});

test('hover answers on problem 2,501 and on problem 5,000 (past the cap)', async () => {
  const uri = uriOf('five-thousand.md');
  for (const n of [1, 2501, N]) {
    const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: lineOf(n), character: 4 } });
    assert.ok(hover, `hover on problem ${n}`);
    const md = (hover!.contents as MarkupContent).value;
    assert.match(md, new RegExp(`Problem ${n}\\b`));
    // The statement's math is typeset (an image whose alt text is the readable formula) or readable text.
    assert.match(md, new RegExp(`remainder when (!\\[)?${n}² \\+ ${n}`));
    const link = /\(command:reasonflux\.solve\?([^ )]+)/.exec(md);
    assert.ok(link, md);
    const [ref] = JSON.parse(decodeURIComponent(link[1]!)) as { range: { start: { line: number } } }[];
    assert.equal(ref!.range.start.line, lineOf(n));
  }
  // Between problems: nothing.
  assert.equal(await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: lineOf(N) + 1, character: 0 } }), null);
});

test('code actions answer on problem 5,000', async () => {
  const uri = uriOf('five-thousand.md');
  const line = lineOf(N);
  const actions = await s.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    context: { diagnostics: [] },
  });
  assert.equal(actions!.length, 4);
  const ref = (actions![0] as { command: { arguments: { text: string; range: { start: { line: number } } }[] } }).command.arguments[0]!;
  assert.equal(ref.range.start.line, line);
  assert.match(ref.text, /remainder when \$5000\^2/);
});

test('code lenses cover every problem; those past the cap resolve to their commands', async () => {
  const uri = uriOf('five-thousand.md');
  const lenses = (await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
  assert.equal(lenses.length, 3 * N);
  assert.equal(lenses[3 * (CAP - 1)]!.command?.command, 'reasonflux.solve', 'listed problems come resolved');
  const last = lenses.slice(-3);
  assert.deepEqual(last.map((l) => l.range.start.line), [lineOf(N), lineOf(N), lineOf(N)]);
  const resolved: CodeLens[] = [];
  for (const l of last) resolved.push(await s.conn.sendRequest(CodeLensResolveRequest.type, l));
  assert.deepEqual(resolved.map((l) => l.command?.command), ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain']);
  const ref = resolved[0]!.command!.arguments![0] as { text: string; uri: string; range: { start: { line: number } } };
  assert.equal(ref.uri, uri);
  assert.equal(ref.range.start.line, lineOf(N));
  assert.match(ref.text, /remainder when \$5000\^2/);
  // After an edit above it, a new lens request gives problem 2,501 one line lower, and it resolves; a
  // stale lens (of the previous version) resolves by its line or stays without a command, never fails.
  await s.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' }]);
  const stale = await s.conn.sendRequest(CodeLensResolveRequest.type, lenses[3 * 2500]!);
  assert.equal(stale.range.start.line, lineOf(2501));
  const fresh = (await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
  const l2501 = fresh[3 * 2500]!;
  assert.equal(l2501.range.start.line, lineOf(2501) + 1);
  const r = await s.conn.sendRequest(CodeLensResolveRequest.type, l2501);
  const ref2 = r.command!.arguments![0] as { text: string; range: { start: { line: number } } };
  assert.match(ref2.text, /remainder when \$2501\^2/);
  assert.equal(ref2.range.start.line, lineOf(2501) + 1);
  await s.change(uri, 3, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
});

test('document symbols list all 5,000 problems', async () => {
  const uri = uriOf('five-thousand.md');
  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.equal(symbols.length, N);
  assert.match(symbols[N - 1]!.name, /^Problem 5000: Find the remainder/);
  assert.equal(symbols[N - 1]!.range.start.line, lineOf(N));
});

test('deleting problems below the cap removes the notice and updates the status', async () => {
  const uri = uriOf('five-thousand.md');
  // Delete problems 101..5000.
  const wait = s.waitDiagnostics(uri, (d) => !d.some((x) => x.code === 'problems.capped'), 60000);
  await s.change(uri, 4, [{ range: { start: { line: lineOf(101), character: 0 }, end: { line: lineOf(N) + 2, character: 0 } }, text: '' }]);
  const p = await wait;
  assert.equal(p.diagnostics.length, 100);
  const st = await s.waitStatus(uri, (x) => x.capped === false);
  assert.equal(st.problems, 100);
  assert.equal(st.listed, 100);
});

test('a file longer than 3,000,000 characters: a notice at the line where examination stopped, and the status', async () => {
  const uri = uriOf('long.tex');
  const block = '\\begin{problem}\nShow that $n^5 - n$ is divisible by $30$ for every integer $n$.\n\\end{problem}\n\n';
  const reps = Math.ceil(3_200_000 / block.length);
  const text = block.repeat(reps);
  const wait = s.waitDiagnostics(uri, () => true, 60000);
  await s.open(uri, 'latex', text);
  const p = await wait;
  const notice = p.diagnostics.find((d) => d.code === 'document.truncated');
  assert.ok(notice, 'a truncation notice');
  const stopLine = text.slice(0, 3_000_000).split('\n').length - 1;
  assert.equal(notice!.range.start.line, stopLine);
  assert.match(String(notice!.message), /Only the first 3,000,000 characters of this file were examined \(up to line [\d,]+\)/);
  const st = await s.waitStatus(uri, (x) => x.truncated === true);
  assert.equal(st.examinedChars, 3_000_000);
  assert.equal(st.totalChars, text.length);
  // Problems after the limit are not found; those before it are (and past the cap they answer hover).
  const perBlock = 4;
  const hoverLine = perBlock * 10000 + 1;
  const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: hoverLine, character: 2 } });
  assert.ok(hover, 'hover on problem 10,001');
  const beyond = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: stopLine + 9, character: 2 } });
  assert.equal(beyond, null);
});
