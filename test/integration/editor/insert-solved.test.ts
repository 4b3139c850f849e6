// After Insert Solution, the detector (through the real language server) reports the problem solved and
// keeps its statement: the inserted block is not swallowed into the problem (.md and .tex). Runs against
// the scripted OpenAI-compatible server (a test double for a paid API, on 127.0.0.1).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server';
import { activate, hoverText, waitFor, workspaceRoot } from '../support/host';

const PLAN = { analysis: 'A linear equation.', complexity: 1, steps: [{ goal: 'Isolate $x$', method: 'linear equation', query: 'solve linear equation' }] };
const STEP = 'Subtract $3$ and divide by $2$: $x = \\boxed{2}$.';

function reply(body: { messages?: Array<{ content: string }> }): ScriptedReply {
  const text = (body.messages ?? []).map((m) => m.content).join('\n');
  if (/Plan the (solution|remaining)/.test(text)) return { content: JSON.stringify(PLAN) };
  if (/Judge this step/.test(text)) return { content: JSON.stringify({ verdict: 'finish', feedback: 'Correct.', progress: 1 }) };
  if (/State the final answer/.test(text)) return { content: 'The answer is $\\boxed{2}$.' };
  if (/Now step 1/.test(text)) return { content: STEP, chunkSize: 8 };
  return { content: 'OK' };
}

const STATEMENT = 'Find $x$ if $2x + 3 = 7$.';

async function open(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

/** The diagnostic of the problem whose range starts on `line`. */
const diagAt = (uri: vscode.Uri, line: number) => vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === line);

async function solveAndInsert(editor: vscode.TextEditor, problemLine: number): Promise<void> {
  const uri = editor.document.uri;
  await waitFor('the problem to be flagged unsolved', () => diagAt(uri, problemLine), (d) => !!d && d.code === 'problem.unsolved', 30_000);
  const at = editor.document.getText().indexOf(STATEMENT);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + STATEMENT.length));
  await vscode.commands.executeCommand('reasonflux.solve');
  assert.equal(await vscode.commands.executeCommand('reasonflux.insertSolution'), 'inserted');
  assert.ok(editor.document.getText().includes('Subtract'), 'the solution was written');
}

async function assertSolvedWithStatement(editor: vscode.TextEditor, problemLine: number, otherLine: number): Promise<void> {
  const uri = editor.document.uri;
  const d = await waitFor('the problem to be reported solved', () => diagAt(uri, problemLine), (x) => !!x && x.code === 'problem.solved', 30_000);
  // The diagnostic names the problem; its statement is in the hover (typeset), below.
  assert.match(d!.message, /already solved/);
  assert.doesNotMatch(d!.message, /Subtract|boxed/, 'the diagnostic does not quote the solution');
  // The problem after it is still there, unsolved.
  assert.equal(diagAt(uri, otherLine + (editor.document.lineCount - linesBefore.get(uri.toString())!))?.code, 'problem.unsolved');
  const hs = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(problemLine, 1))) ?? [];
  const hover = hs.map(hoverText).join('\n');
  assert.match(hover, /\(solved\)/);
  const statement = hover.split('Thought templates')[0]!;
  assert.match(statement, /Find .*if .*2x \+ 3 = 7/, 'the statement (math as images with readable alt text)');
  assert.doesNotMatch(statement, /Subtract/, 'the hover quotes the statement only');
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  const onProblem = lenses.filter((l) => l.range.start.line === problemLine).map((l) => l.command?.title);
  assert.ok(onProblem.includes('Solve again'), `code lens says Solve again (${onProblem.join(', ')})`);
}

const linesBefore = new Map<string, number>();

describe('editor: an inserted solution ends the problem and marks it solved', function () {
  this.timeout(180_000);
  let server: ScriptedOpenAiServer;
  const cfg = () => vscode.workspace.getConfiguration('reasonflux');

  before(async () => {
    await activate();
    server = await startScriptedOpenAiServer(reply, { models: ['scripted-model'] });
    await cfg().update('endpoint.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await cfg().update('solver.model', 'scripted-model', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await cfg().update('endpoint.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('solver.model', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('Markdown: the <details> block solves the problem above it and is not part of its statement', async () => {
    const text = `# Homework\n\n## Problem 1\n\n${STATEMENT}\n\n## Problem 2\n\nCompute $3 \\cdot 4$.\n`;
    const editor = await open('insert-solved.md', text);
    linesBefore.set(editor.document.uri.toString(), editor.document.lineCount);
    await solveAndInsert(editor, 2);
    assert.match(editor.document.getText(), /<details[^>]*>\n<summary>[^<]+<\/summary>/);
    await assertSolvedWithStatement(editor, 2, 6);
  });

  it('LaTeX: the solution environment solves the problem above it', async () => {
    // The document declares its solution environment, so Insert Solution writes \\begin{solution}.
    const text = `\\documentclass{article}\n\\newtheorem{problem}{Problem}\n\\newtheorem*{solution}{Solution}\n\\begin{document}\n\\begin{problem}\n${STATEMENT}\n\\end{problem}\n\\begin{problem}\nCompute $3 \\cdot 4$.\n\\end{problem}\n\\end{document}\n`;
    const editor = await open('insert-solved.tex', text);
    linesBefore.set(editor.document.uri.toString(), editor.document.lineCount);
    await solveAndInsert(editor, 4);
    assert.match(editor.document.getText(), /\\begin\{solution\}/);
    await assertSolvedWithStatement(editor, 4, 7);
  });
});
