// The editor features inside the real extension host, against the scripted OpenAI-compatible server
// (a test double for a paid API, on 127.0.0.1) configured in user settings. Assertions go through the
// test-only command reasonflux.test.panelState (the panel's state and what the webview reports it
// rendered), never through timing; waitFor only bounds a hang.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../../../src/extension/config';
import type { PanelState } from '../../../src/webview/state';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server';
import { activate, fixtureUri, hoverText, waitFor, workspaceRoot } from '../support/host';
import { zorblaxLibrary } from '../../fixtures/templates/user-library';

interface PanelProbe {
  state: PanelState;
  open: boolean;
  ready: boolean;
  rendered?: { runId: string; status: string; steps: number; math: number; mathSource: number; finalShown: boolean; badge?: string };
  rejectedMessages: number;
  openMs?: number;
  statusBar?: string;
}

const probe = () => vscode.commands.executeCommand<PanelProbe>('reasonflux.test.panelState');
const action = (msg: unknown, answer?: string) => vscode.commands.executeCommand('reasonflux.test.panelAction', msg, answer);

const PLAN = {
  analysis: 'We need the value of $x$ in a linear equation $2x + 3 = 7$.',
  complexity: 2,
  steps: [
    { goal: 'Isolate the term with $x$', method: 'linear equation', query: 'solve linear equation isolate variable' },
    { goal: 'Divide to find $x$', method: 'linear equation', query: 'solve linear equation' },
  ],
};
const STEP1 = 'Subtract $3$ from both sides:\n\n$$2x = 4.$$';
const STEP2 = 'Divide by $2$: $x = \\frac{4}{2}$, so $x = \\boxed{2}$.';
const EXPLAIN = 'The problem asks for $x$. It is a **linear equation**: undo the operations in reverse order.';

/** Replies by the kind of request (plan, step, evaluation, explanation, final answer). */
function reply(body: { messages?: Array<{ content: string }> }, slowStep = false): ScriptedReply {
  const text = (body.messages ?? []).map((m) => m.content).join('\n');
  if (/Plan the (solution|remaining)/.test(text)) return { content: JSON.stringify(PLAN) };
  if (/Judge this step/.test(text)) return { content: JSON.stringify({ verdict: /Now step 2|step 2 of|Step 2:/.test(text) ? 'finish' : 'accept', feedback: 'Correct.', progress: 0.5 }) };
  if (/Explain this problem/.test(text)) return { content: EXPLAIN, chunkSize: 6 };
  if (/State the final answer/.test(text)) return { content: 'The answer is $\\boxed{2}$.' };
  if (/Now step 1/.test(text)) return slowStep ? { content: STEP1.repeat(40), chunkSize: 4, chunkDelayMs: 100 } : { content: STEP1, chunkSize: 5 };
  if (/Now step 2/.test(text)) return { content: STEP2, chunkSize: 5 };
  return { content: 'OK' };
}

let server: ScriptedOpenAiServer;
let slow = false;

async function setUser(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reasonflux').update(key, value, vscode.ConfigurationTarget.Global);
}

async function writeFixture(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

function select(editor: vscode.TextEditor, text: string): void {
  const full = editor.document.getText();
  const at = full.indexOf(text);
  assert.ok(at >= 0, `fixture contains ${text}`);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + text.length));
}

describe('editor: solving in the editor', function () {
  this.timeout(120_000);

  before(async () => {
    await activate();
    server = await startScriptedOpenAiServer((body) => reply(body, slow), { models: ['scripted-model', 'scripted-navigator'] });
    await setUser('endpoint.baseUrl', server.baseUrl);
    await setUser('solver.model', 'scripted-model');
  });

  after(async () => {
    await setUser('endpoint.baseUrl', undefined);
    await setUser('solver.model', undefined);
    await server?.close();
  });

  it('solves a selection: the panel shows plan, templates, steps and the boxed answer', async () => {
    const problem = 'Find $x$ if $2x + 3 = 7$.';
    const editor = await writeFixture('solve.md', `# Practice\n\n${problem}\n\nNext paragraph.\n`);
    select(editor, problem);
    const before = server.chatRequests.length;
    await vscode.commands.executeCommand('reasonflux.solve');
    const { state } = await probe();
    assert.equal(state.status, 'solved');
    assert.equal(state.mode, 'solve');
    assert.equal(state.problem, problem);
    assert.equal(state.plan?.steps.length, 2);
    assert.equal(state.steps.length, 2);
    assert.equal(state.steps[0]!.text, STEP1);
    assert.equal(state.steps[1]!.text, STEP2);
    assert.ok(state.steps.every((s) => typeof s.query === 'string' && s.query.length > 0), 'each step retrieved templates with a query');
    assert.equal(state.final?.answer, '2');
    assert.ok(state.stats && state.stats.calls >= 3 && state.stats.totalTokens > 0);
    assert.ok(server.chatRequests.length - before >= 3, 'plan + steps went to the scripted server');
    // The webview itself rendered the run: steps, KaTeX math, the boxed answer.
    const shown = await waitFor('the panel to render the solved run', probe, (p) => !!p.rendered && p.rendered.runId === state.runId && p.rendered.finalShown, 60_000);
    assert.equal(shown.rendered!.steps, 2);
    assert.ok(shown.rendered!.math >= 4, `math rendered by KaTeX (${shown.rendered!.math})`);
    assert.equal(shown.rendered!.mathSource, 0, 'no formula fell back to source');
    assert.equal(shown.rejectedMessages, 0);
    if (shown.openMs !== undefined) console.log(`      panel open (create → webview ready): ${shown.openMs} ms`);
  });

  it('inserts the solution into a Markdown document as a collapsible block (one undo step)', async () => {
    const editor = vscode.window.activeTextEditor!;
    assert.equal(await action({ type: 'insert' }), 'inserted');
    assert.equal(
      editor.document.getText(),
      '# Practice\n\nFind $x$ if $2x + 3 = 7$.\n\n<details>\n<summary>Solution (ReasonFlux)</summary>\n\n' +
        `**Step 1: Isolate the term with $x$**\n\n${STEP1}\n\n**Step 2: Divide to find $x$**\n\n${STEP2}\n\n</details>\n\nNext paragraph.\n`,
    );
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), '# Practice\n\nFind $x$ if $2x + 3 = 7$.\n\nNext paragraph.\n');
  });

  it('inserts into a LaTeX document after \\end{problem}, in the document\'s solution environment, converted to LaTeX', async () => {
    const tex = '\\documentclass{article}\n\\usepackage{amsmath}\n\\newtheorem{problem}{Problem}\n\\newtheorem*{solution}{Solution}\n\\begin{document}\n\\begin{problem}\nFind $x$ if $2x + 3 = 7$.\n\\end{problem}\n\\end{document}\n';
    const editor = await writeFixture('solve.tex', tex);
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    await vscode.commands.executeCommand('reasonflux.solve');
    assert.equal((await probe()).state.status, 'solved');
    // The document changes meanwhile: a line above the problem. The problem is found again by its text.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(5, 0), '% a note added while solving\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await vscode.commands.executeCommand('reasonflux.insertSolution'), 'inserted');
    assert.equal(
      editor.document.getText(),
      '\\documentclass{article}\n\\usepackage{amsmath}\n\\newtheorem{problem}{Problem}\n\\newtheorem*{solution}{Solution}\n\\begin{document}\n% a note added while solving\n\\begin{problem}\nFind $x$ if $2x + 3 = 7$.\n\\end{problem}\n' +
        '\\begin{solution}\n\\textbf{Step 1: Isolate the term with $x$}\n\nSubtract $3$ from both sides:\n\n\\[\n2x = 4.\n\\]\n\n\\textbf{Step 2: Divide to find $x$}\n\nDivide by $2$: $x = \\frac{4}{2}$, so $x = \\boxed{2}$.\n\\end{solution}\n\\end{document}\n',
    );
  });

  it('writes nothing when the problem is gone from the document', async () => {
    const editor = vscode.window.activeTextEditor!;
    const doc = editor.document;
    const at = doc.getText().indexOf('Find $x$');
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Find $x$ if $2x + 3 = 7$.'.length)));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const before = doc.getText();
    assert.equal(await vscode.commands.executeCommand('reasonflux.insertSolution'), 'gone');
    assert.equal(doc.getText(), before);
  });

  it('asks where to insert when the solved statement was edited and a copy is elsewhere, and never guesses', async () => {
    const stmt = 'Find $y$ if $3y = 9$.';
    const editor = await writeFixture('twice.md', `# Sheet\n\n**Problem 1.** ${stmt}\n\n**Problem 2.** ${stmt}\n`);
    const doc = editor.document;
    const second = doc.getText().lastIndexOf(stmt);
    editor.selection = new vscode.Selection(doc.positionAt(second), doc.positionAt(second + stmt.length));
    await vscode.commands.executeCommand('reasonflux.solve');
    assert.equal((await probe()).state.status, 'solved');
    // The student edits the solved problem (the second); the first copy is not the one that was solved.
    const at = doc.getText().lastIndexOf('3y = 9');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 6)), '3y = 12');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const before = doc.getText();
    // Dismissed: nothing written. The only candidate offered is the copy on line 3.
    assert.deepEqual(await action({ type: 'insert' }, 'none'), { outcome: 'cancelled', offered: [3] });
    assert.equal(doc.getText(), before);
    // The real question is a QuickPick; Escape (closing it) inserts nothing either.
    const asked = vscode.commands.executeCommand<string>('reasonflux.insertSolution');
    let outcome: string | undefined;
    void asked.then((o) => (outcome = o));
    for (let i = 0; i < 60 && outcome === undefined; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.equal(outcome, 'cancelled', 'the QuickPick was shown and dismissing it inserted nothing');
    assert.equal(doc.getText(), before);
    // Chosen: inserted under the chosen copy.
    assert.deepEqual(await action({ type: 'insert' }, '3'), { outcome: 'inserted', offered: [3] });
    assert.match(doc.getText(), /^# Sheet\n\n\*\*Problem 1\.\*\* Find \$y\$ if \$3y = 9\$\.\n\n<details>\n<summary>Solution \(ReasonFlux\)<\/summary>/);
    assert.match(doc.getText(), /<\/details>\n\n\*\*Problem 2\.\*\* Find \$y\$ if \$3y = 12\$\.\n$/);
  });

  it('cancels mid-stream', async () => {
    slow = true;
    try {
      const editor = await writeFixture('cancel.md', 'Find $x$ if $2x + 3 = 7$.\n');
      select(editor, 'Find $x$ if $2x + 3 = 7$.');
      const running = vscode.commands.executeCommand('reasonflux.solve');
      await waitFor('the first step to stream', probe, (p) => p.state.status === 'running' && (p.state.steps[0]?.text.length ?? 0) > 0, 60_000);
      await vscode.commands.executeCommand('reasonflux.cancel');
      await running;
      const { state } = await probe();
      assert.equal(state.status, 'cancelled');
      assert.ok(state.steps[0]!.text.length < STEP1.repeat(40).length, 'the step stopped before its end');
      assert.equal(state.final, undefined);
      const requests = server.chatRequests.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.chatRequests.length, requests, 'no request after cancelling');
    } finally {
      slow = false;
    }
  });

  it('hint mode shows the plan first and spends tokens only on opened steps', async () => {
    const editor = await writeFixture('hint.md', 'Find $x$ if $2x + 3 = 7$.\n');
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    const before = server.chatRequests.length;
    await vscode.commands.executeCommand('reasonflux.hint');
    let { state } = await probe();
    assert.equal(state.mode, 'hint');
    assert.equal(state.status, 'paused');
    assert.equal(state.plan?.steps.length, 2);
    assert.ok(state.steps.every((s) => !s.started), 'no step instantiated yet');
    assert.equal(server.chatRequests.length - before, 1, 'only the plan was requested');

    await action({ type: 'next-hint' });
    ({ state } = await probe());
    assert.equal(state.hintsRevealed, 1);
    assert.equal(state.steps[0]!.text, STEP1);
    assert.equal(state.steps[1]!.started, false);
    assert.equal(state.status, 'paused');
    assert.equal(server.chatRequests.length - before, 2, 'one more request for the opened step');

    await action({ type: 'next-hint' });
    ({ state } = await probe());
    assert.equal(state.hintsRevealed, 2);
    assert.equal(state.status, 'solved');
    assert.equal(state.final?.answer, '2');
    assert.equal(state.solutionRevealed, false, 'the final answer stays hidden until asked');

    // "Check my answer" grades against the solved answer with the project's grader, without revealing it.
    await action({ type: 'check' }, '3');
    ({ state } = await probe());
    assert.equal(state.check?.verdict, 'not-yet');
    assert.doesNotMatch(state.check!.message, /\b2\b/, 'the solution is not revealed');
    await action({ type: 'check' }, '\\frac{4}{2}');
    ({ state } = await probe());
    assert.equal(state.check?.verdict, 'right');
    assert.equal(state.solutionRevealed, false);
  });

  it('explain mode streams the analysis without solving', async () => {
    const editor = await writeFixture('explain.md', 'Find $x$ if $2x + 3 = 7$.\n');
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    await vscode.commands.executeCommand('reasonflux.explain');
    const { state } = await probe();
    assert.equal(state.mode, 'explain');
    assert.match(state.analysis, /linear equation/);
    assert.equal(state.final?.answer ?? null, null);
    assert.ok(state.steps.every((s) => !s.text), 'no step was solved');
    // The panel ends in its own state: "Explained", no "Final answer" box repeating the analysis.
    const done = await waitFor('the panel renders the finished explanation', probe, (p) => p.rendered?.runId === state.runId && p.rendered?.status === state.status);
    assert.equal(done.rendered?.badge, 'Explained');
    assert.equal(done.rendered?.finalShown, false);
  });

  it('accepts a ProblemRef argument (code lens / hover link)', async () => {
    const editor = await writeFixture('ref.md', 'Intro.\n\nFind $x$ if $2x + 3 = 7$.\n');
    const ref = {
      uri: editor.document.uri.toString(),
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 25 } },
      text: 'Find $x$ if $2x + 3 = 7$.',
      kind: 'problem',
      solved: false,
    };
    await vscode.commands.executeCommand('reasonflux.solve', ref);
    const { state } = await probe();
    assert.equal(state.problem, 'Find $x$ if $2x + 3 = 7$.');
    assert.equal(state.status, 'solved');
  });

  it('reports an unreachable model as a failed run with a clear error (no crash)', async () => {
    const editor = await writeFixture('down.md', 'Find $x$ if $2x + 3 = 7$.\n');
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    // A port nobody listens on (opened and closed again): the connection is refused.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    await setUser('endpoint.baseUrl', `http://127.0.0.1:${port}/v1`);
    try {
      await vscode.commands.executeCommand('reasonflux.solve');
      const { state } = await probe();
      const seen = JSON.stringify({ status: state.status, error: state.error, problem: state.problem });
      assert.equal(state.status, 'failed', seen);
      assert.equal(state.error?.kind, 'unreachable', seen);
      assert.match(state.error!.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      await setUser('endpoint.baseUrl', server.baseUrl);
    }
  });

  it('ignores panel messages outside the contract', async () => {
    await assert.rejects(Promise.resolve(action({ type: 'run', command: 'workbench.action.terminal.new' })));
    await assert.rejects(Promise.resolve(action({ type: 'open-link', href: 'javascript:alert(1)' })));
  });

  it('inserts into a .tex problem that already has a solution after that solution, never before or over it', async () => {
    const head = '\\documentclass{article}\n\\usepackage{amsmath}\n\\newtheorem{problem}{Problem}\n\\newtheorem*{solution}{Solution}\n\\begin{document}\n';
    const block = '\\begin{problem}\nFind $x$ if $2x + 3 = 7$.\n\\end{problem}\n\\begin{solution}\nA first attempt by the student.\n\\end{solution}\n';
    const editor = await writeFixture('solved.tex', `${head}${block}\nAfter.\n\\end{document}\n`);
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    await vscode.commands.executeCommand('reasonflux.solve');
    assert.equal((await probe()).state.status, 'solved');
    assert.equal(await vscode.commands.executeCommand('reasonflux.insertSolution'), 'inserted');
    assert.equal(
      editor.document.getText(),
      `${head}${block}` +
        '\\begin{solution}\n\\textbf{Step 1: Isolate the term with $x$}\n\nSubtract $3$ from both sides:\n\n\\[\n2x = 4.\n\\]\n\n\\textbf{Step 2: Divide to find $x$}\n\nDivide by $2$: $x = \\frac{4}{2}$, so $x = \\boxed{2}$.\n\\end{solution}\n' +
        '\nAfter.\n\\end{document}\n',
    );
  });

  it('shows the run\'s progress in the status bar while solving', async () => {
    slow = true;
    try {
      const editor = await writeFixture('status.md', 'Find $x$ if $2x + 3 = 7$.\n');
      select(editor, 'Find $x$ if $2x + 3 = 7$.');
      const running = vscode.commands.executeCommand('reasonflux.solve');
      const p = await waitFor('step 1 to stream', probe, (x) => x.state.status === 'running' && (x.state.steps[0]?.text.length ?? 0) > 0, 60_000);
      assert.match(p.statusBar ?? '', /ReasonFlux: step 1 of 2/, `status bar: ${p.statusBar}`);
      await vscode.commands.executeCommand('reasonflux.cancel');
      await running;
      const done = await probe();
      assert.equal(done.state.status, 'cancelled');
      assert.equal(done.statusBar, undefined, 'the item hides when the run ends');
    } finally {
      slow = false;
    }
  });

  it('reopens a past run from "Show History" in the panel without calling the model', async () => {
    const editor = await writeFixture('history.md', 'Find $x$ if $2x + 3 = 7$.\n');
    select(editor, 'Find $x$ if $2x + 3 = 7$.');
    await vscode.commands.executeCommand('reasonflux.solve');
    const solved = (await probe()).state;
    assert.equal(solved.status, 'solved');
    // Another run replaces it in the panel.
    await vscode.commands.executeCommand('reasonflux.explain', 'What is $1+1$?');
    assert.notEqual((await probe()).state.runId, solved.runId);
    const calls = server.chatRequests.length;
    await vscode.commands.executeCommand('reasonflux.showHistory', solved.runId);
    const p = await probe();
    assert.equal(p.open, true);
    assert.equal(p.state.runId, solved.runId);
    assert.equal(p.state.status, 'solved');
    assert.equal(p.state.final?.answer, '2');
    assert.deepEqual(p.state.steps.map((x) => x.text), [STEP1, STEP2]);
    assert.equal(server.chatRequests.length, calls, 'no model call');
    const shown = await waitFor('the panel to render the reopened run', probe, (x) => x.rendered?.runId === solved.runId && !!x.rendered?.finalShown, 60_000);
    assert.equal(shown.rendered!.steps, 2);
    // And it can be inserted again (found by its text).
    assert.equal(await vscode.commands.executeCommand('reasonflux.insertSolution'), 'inserted');
    assert.match(editor.document.getText(), /<details>[\s\S]*x = \\boxed\{2\}/);
  });

  // The @reasonflux chat participant's handler, driven through reasonflux.test.chat with a recording
  // response stream (code-server has no chat view to give a real one); same scripted endpoint.
  interface ChatOut {
    parts: Array<{ kind: string; value?: string; command?: string; title?: string; arguments?: unknown[]; uri?: string }>;
    result: { metadata?: { command?: string; runId?: string; status?: string; answer?: string | null; ids?: string[] }; errorDetails?: { message: string } };
  }
  const chat = (prompt: string, command?: string) => vscode.commands.executeCommand<ChatOut>('reasonflux.test.chat', { prompt, command });
  const chatMarkdown = (o: ChatOut) => o.parts.filter((p) => p.kind === 'markdown').map((p) => p.value).join('');

  it('chat /solve streams the trajectory (plan, templates, steps, answer) and offers the panel', async () => {
    const before = server.chatRequests.length;
    const out = await chat('Find $x$ if $2x + 3 = 7$.', 'solve');
    const md = chatMarkdown(out);
    assert.equal(out.result.metadata?.status, 'solved', md);
    assert.equal(out.result.metadata?.answer, '2');
    // This host's chat typesets no math (no chat.math.enabled): formulas come as readable text, no raw TeX.
    const step1 = 'Subtract 3 from both sides:';
    const step2 = 'Divide by 2: x = 4/2, so x = 2.';
    for (const piece of ['**Plan**', '1. Isolate the term with x', '**Step 1: Isolate the term with x**', step1, '2x = 4.', '**Step 2: Divide to find x**', step2, '**Answer:** **2**']) {
      assert.ok(md.includes(piece), `${piece} in:\n${md}`);
    }
    assert.doesNotMatch(md, /\\boxed|\\frac|\$/, 'no raw TeX');
    assert.ok(md.indexOf('**Plan**') < md.indexOf(step1) && md.indexOf(step1) < md.indexOf(step2), 'in the order of the run');
    assert.ok(server.chatRequests.length - before >= 3, 'the configured endpoint answered (no chat model picked)');
    // "Open in the panel" shows the same run there without another model call.
    const open = out.parts.find((p) => p.kind === 'button' && p.command === 'reasonflux.chat.showInPanel');
    assert.ok(open, 'an Open in the panel button');
    const calls = server.chatRequests.length;
    assert.equal(await vscode.commands.executeCommand(open.command!, ...(open.arguments ?? [])), true);
    const p = await probe();
    assert.equal(p.state.runId, out.result.metadata?.runId);
    assert.equal(p.state.final?.answer, '2');
    assert.equal(server.chatRequests.length, calls, 'no model call');
  });

  it('chat uses the model picked in the chat (vscode.lm) instead of the endpoint', async () => {
    const asked: string[] = [];
    // A LanguageModelChat as the chat hands it over (a test double answering like the scripted server).
    const picked = {
      id: 'picked-model', vendor: 'test', family: 'test', name: 'Picked model', version: '1', maxInputTokens: 100_000,
      countTokens: async () => 1,
      sendRequest: async (messages: vscode.LanguageModelChatMessage[]) => {
        const body = { messages: messages.map((m) => ({ content: m.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('') })) };
        asked.push(body.messages.map((m) => m.content).join('\n'));
        const content = reply(body).content ?? '';
        return { text: (async function* () { for (let i = 0; i < content.length; i += 7) yield content.slice(i, i + 7); })(), stream: (async function* () {})() };
      },
    };
    const before = server.chatRequests.length;
    const out = await vscode.commands.executeCommand<ChatOut>('reasonflux.test.chat', { prompt: 'Find $x$ if $2x + 3 = 7$.', command: 'solve', model: picked });
    assert.equal(out.result.metadata?.answer, '2', chatMarkdown(out));
    assert.ok(asked.length >= 3, 'plan and steps went to the picked model');
    assert.equal(server.chatRequests.length, before, 'the configured endpoint was not used');
  });

  it('chat on the editor selection anchors the problem and inserts the solution below it', async () => {
    const problem = 'Find $x$ if $2x + 3 = 7$.';
    const editor = await writeFixture('chat-insert.md', `# Chat\n\n${problem}\n\nAfter.\n`);
    select(editor, problem);
    const out = await chat('', 'solve');
    assert.ok(out.parts.some((p) => p.kind === 'anchor' && p.uri === editor.document.uri.toString()), 'an anchor to the problem');
    const insert = out.parts.find((p) => p.kind === 'button' && p.command === 'reasonflux.chat.insertSolution');
    assert.ok(insert, 'an Insert the solution button');
    assert.equal(await vscode.commands.executeCommand(insert.command!, ...(insert.arguments ?? [])), 'inserted');
    const text = editor.document.getText();
    const at = text.indexOf('x = \\boxed{2}');
    assert.ok(at > text.indexOf(problem) && at < text.indexOf('After.'), `the solution between the problem and the next paragraph:\n${text}`);
  });

  it('chat /explain and /hint stream without solving; /template searches the library', async () => {
    const ex = await chat('Find $x$ if $2x + 3 = 7$.', 'explain');
    assert.match(chatMarkdown(ex), /\*\*Explanation\*\*[\s\S]*linear equation/);
    assert.doesNotMatch(chatMarkdown(ex), /boxed/);
    const hint = await chat('Find $x$ if $2x + 3 = 7$.', 'hint');
    const hmd = chatMarkdown(hint);
    assert.ok(hmd.includes('Subtract 3 from both sides:'), 'the first hint');
    assert.ok(!hmd.includes('Divide by 2'), 'not the second');
    assert.doesNotMatch(hmd, /\*\*Answer/);
    const tpl = await chat('count the positive divisors of a number', 'template');
    assert.ok((tpl.result.metadata?.ids ?? []).length >= 1, chatMarkdown(tpl));
    // (appendText escapes Markdown punctuation and writes spaces as &nbsp;: compare the text as the chat shows it.)
    assert.match(chatMarkdown(tpl).replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'), /^1\. \*\*.+\*\* — .+ › .+\(matched .*divisors/m);
    const empty = await chat('', 'template');
    assert.match(chatMarkdown(empty), /\/template count lattice paths/);
  });
});

describe('editor: connecting a model', function () {
  this.timeout(60_000);
  const KEY = 'sk-test-RFLUX-0123456789abcdef';
  let srv: ScriptedOpenAiServer;
  const cfg = () => vscode.workspace.getConfiguration('reasonflux');
  const keys = ['endpoint.baseUrl', 'solver.model', 'navigator.model', 'navigator.baseUrl'];

  before(async () => {
    await activate();
    srv = await startScriptedOpenAiServer(() => ({ content: 'OK' }), { models: ['solver-a', 'navigator-b'] });
  });
  after(async () => {
    for (const k of keys) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    await srv?.close();
  });

  it('Set API Key stores the key in SecretStorage, never in settings or the output channel', async () => {
    assert.equal(await vscode.commands.executeCommand('reasonflux.setApiKey', { baseUrl: srv.baseUrl, key: KEY }), true);
    assert.equal(await vscode.commands.executeCommand('reasonflux.test.apiKeyMatches', srv.baseUrl, KEY), true);
    assert.equal(await vscode.commands.executeCommand('reasonflux.test.apiKeyMatches', srv.baseUrl, 'something else'), false);
    assert.equal(await vscode.commands.executeCommand('reasonflux.test.apiKeyMatches', 'http://127.0.0.1:1/v1', KEY), false, 'per endpoint');
    const settings = JSON.stringify(Object.fromEntries(['endpoint', 'solver', 'navigator', 'request', 'templates'].map((k) => [k, cfg().inspect(k)])));
    assert.ok(!settings.includes(KEY), 'not in settings');
  });

  it('Select Model lists the server\'s /models (with the stored key) and writes the settings', async () => {
    const before = srv.requests.length;
    const ok = await vscode.commands.executeCommand('reasonflux.selectModel', { baseUrl: srv.baseUrl, solver: 'solver-a', navigator: 'navigator-b' });
    assert.equal(ok, true);
    const listed = srv.requests.slice(before).filter((r) => r.method === 'GET' && /\/models\/?$/.test(r.path));
    assert.equal(listed.length, 1, 'GET /models was requested once');
    assert.equal(String(listed[0]!.headers.authorization ?? ''), `Bearer ${KEY}`, 'the stored key was sent to its endpoint');
    assert.equal(cfg().inspect<string>('endpoint.baseUrl')?.globalValue, srv.baseUrl);
    assert.equal(cfg().inspect<string>('solver.model')?.globalValue, 'solver-a');
    assert.equal(cfg().inspect<string>('navigator.model')?.globalValue, 'navigator-b');
    assert.equal(readSettings().solverModel, 'solver-a');
  });

  it('never writes the key to the ReasonFlux output channel', async () => {
    const logDir = await vscode.commands.executeCommand<string>('reasonflux.test.logDir');
    // The host writes output channels under output_logging_* next to the extension's log folder.
    const walk = (dir: string, depth: number, files: string[] = []): string[] => {
      if (depth > 4 || !fs.existsSync(dir)) return files;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, depth + 1, files);
        else if (/ReasonFlux/i.test(e.name) && e.name.endsWith('.log')) files.push(p);
      }
      return files;
    };
    const read = () => walk(path.dirname(logDir), 0).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const log = await waitFor('the output channel to be written', read, (t) => /API key stored/.test(t), 20_000);
    assert.match(log, /API key stored for http:\/\/127\.0\.0\.1/);
    assert.ok(!log.includes(KEY), 'the key is not in the log');
  });
});

describe('editor: hover-to-explain over a selection', function () {
  this.timeout(60_000);
  const hoversAt = (uri: vscode.Uri, pos: vscode.Position) => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  const ours = (hs: vscode.Hover[] | undefined) => (hs ?? []).filter((h) => /what it asks/.test(hoverText(h)));

  it('explains a highlighted span the detector did not flag, with links trusted for explain/hint/solve only', async () => {
    await activate();
    const text = 'Some notes. The integral $\\int_0^1 x^2\\,dx$ equals one third, as computed in class.';
    const editor = await writeFixture('hover.md', `${text}\n`);
    const pos = new vscode.Position(0, 20);
    assert.deepEqual(ours(await hoversAt(editor.document.uri, pos)), [], 'no hover without a selection');
    editor.selection = new vscode.Selection(0, 12, 0, text.length);
    const hs = ours(await hoversAt(editor.document.uri, pos));
    assert.equal(hs.length, 1);
    const md = hs[0]!.contents[0] as vscode.MarkdownString;
    assert.match(md.value, /\]\(command:reasonflux\.explain\?/);
    assert.match(md.value, /\]\(command:reasonflux\.hint\?/);
    assert.match(md.value, /\]\(command:reasonflux\.solve\?/);
    assert.deepEqual(md.isTrusted, { enabledCommands: ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve'] });
    assert.equal(md.supportHtml, false);
    // The formula is typeset by the language server (an SVG image in the theme's ink), never raw TeX.
    const shown = md.value.replace(/\]\(command:[^)]*\)/g, ']');
    assert.doesNotMatch(shown, /\$\\int|\\int_0/, 'no raw TeX');
    const img = /!\[[^\]]*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(shown);
    assert.ok(img, `a typeset formula in: ${shown.slice(0, 300)}`);
    const svg = Buffer.from(img[1]!, 'base64').toString('utf8');
    assert.match(svg, /^<svg /);
    assert.doesNotMatch(svg, /currentColor/, 'recoloured for the theme (an <img> does not inherit the text colour)');
    // The link's argument is a ProblemRef for the selection.
    const arg = JSON.parse(decodeURIComponent(/command:reasonflux\.explain\?([^)]+)\)/.exec(md.value)![1]!)) as Array<{ text: string; uri: string }>;
    assert.equal(arg[0]!.text, text.slice(12));
    assert.equal(arg[0]!.uri, editor.document.uri.toString());
  });

  it('stays silent where the language server already explains a detected problem (never two hovers)', async () => {
    const uri = fixtureUri('problems.md');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('Problem 1.'));
    assert.ok(line >= 0);
    const pos = new vscode.Position(line, 20);
    // Wait until the server's hover is there, then select the problem and hover inside the selection.
    await waitFor('the server hover on Problem 1', () => hoversAt(uri, pos), (h) => (h ?? []).some((x) => /Explain/.test(hoverText(x))), 30_000);
    editor.selection = new vscode.Selection(line, 0, line, editor.document.lineAt(line).text.length);
    const hs = (await hoversAt(uri, pos)) ?? [];
    assert.deepEqual(ours(hs), []);
    assert.equal(hs.filter((h) => /Explain/.test(hoverText(h))).length, 1, 'exactly one hover with the tutoring links');
    editor.selection = new vscode.Selection(line, 0, line, 0);
  });
});

describe('editor: user thought templates', function () {
  this.timeout(90_000);
  it('picks up templates from .reasonflux/templates and reloads them when the file changes', async () => {
    await activate();
    const file = vscode.Uri.joinPath(workspaceRoot(), '.reasonflux', 'templates', 'mine.json');
    const write = (name: string) => vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(zorblaxLibrary(name), null, 2)));
    await write('Zorblax pairing');
    try {
      const text = 'How many zorblax widgets can be paired in the lab?';
      const editor = await writeFixture('zorblax.md', `Notes.\n\n${text}\n`);
      editor.selection = new vscode.Selection(2, 0, 2, text.length);
      const pos = new vscode.Position(2, 10);
      const hoverOf = async () =>
        ((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos)) ?? []).map(hoverText).join('\n').replace(/&nbsp;/g, ' ');
      // Each step waits on the library's load event (reasonflux.test.templatesLoaded), not on a fixed time:
      // a cold first load of the library may take long, and the mocha timeout bounds a hang.
      const loaded = (name: string) => vscode.commands.executeCommand<number>('reasonflux.test.templatesLoaded', name);
      await vscode.commands.executeCommand('reasonflux.reloadTemplates');
      await loaded('Zorblax pairing');
      assert.match(await hoverOf(), /Zorblax pairing/, 'the user template in the selection hover');
      // While a reload runs (the watcher's, or this command's), hovers keep the library it replaces.
      assert.equal(await vscode.commands.executeCommand<boolean>('reasonflux.test.templatesDuringReload'), true, 'a library to search during a reload');
      const reloaded = loaded('Zorblax twin matching');
      await write('Zorblax twin matching');
      assert.ok((await reloaded) > 1, 'the watcher reloaded the library');
      const after = await hoverOf();
      assert.match(after, /Zorblax twin matching/, 'the renamed template after the file changed');
      assert.ok(!after.includes('Zorblax pairing'), 'the old name is gone');
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), '.reasonflux'), { recursive: true });
    }
  });
});

describe('editor: untrusted workspaces (config getter level)', () => {
  it('takes the endpoint from user settings only', async () => {
    const cfg = () => vscode.workspace.getConfiguration('reasonflux');
    await cfg().update('endpoint.baseUrl', 'http://127.0.0.1:1/user', vscode.ConfigurationTarget.Global);
    await cfg().update('endpoint.baseUrl', 'http://127.0.0.1:2/workspace', vscode.ConfigurationTarget.Workspace);
    try {
      assert.equal(readSettings(undefined, true).endpointBaseUrl, 'http://127.0.0.1:2/workspace');
      assert.equal(readSettings(undefined, false).endpointBaseUrl, 'http://127.0.0.1:1/user');
    } finally {
      await cfg().update('endpoint.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await cfg().update('endpoint.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
