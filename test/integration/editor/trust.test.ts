// Issue 12 inside the real extension host: a server that echoes the API key in its 401 leaves the key in
// none of the extension's sinks (the ReasonFlux output channel, the panel's state and messages, the stored
// history), and a step whose reply is cut off ends the run as failed with the partial step marked.
// The scripted OpenAI-compatible server is a test double for a paid API on 127.0.0.1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelState } from '../../../src/webview/state';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server';
import { activate, waitFor, workspaceRoot } from '../support/host';

interface Probe {
  state: PanelState;
  history?: Array<{ state: PanelState }>;
}
const probe = () => vscode.commands.executeCommand<Probe>('reasonflux.test.panelState');

const PLAN = { analysis: 'Linear.', complexity: 2, steps: [{ goal: 'Isolate $x$', method: 'linear equation', query: 'solve linear equation' }] };

function byPrompt(step: ScriptedReply) {
  return (body: { messages?: Array<{ content: string }> }): ScriptedReply => {
    const text = (body.messages ?? []).map((m) => m.content).join('\n');
    if (/Plan the (solution|remaining)/.test(text)) return { content: JSON.stringify(PLAN) };
    if (/Judge this step/.test(text)) return { content: JSON.stringify({ verdict: 'finish', feedback: 'ok', progress: 1 }) };
    if (/Now step 1/.test(text)) return step;
    return { content: 'The answer is $\\boxed{2}$.' };
  };
}

/** Everything the host wrote to the ReasonFlux output channel (its log file). */
async function outputLog(): Promise<string> {
  const logDir = await vscode.commands.executeCommand<string>('reasonflux.test.logDir');
  const walk = (dir: string, depth: number, files: string[] = []): string[] => {
    if (depth > 4 || !fs.existsSync(dir)) return files;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1, files);
      else if (/ReasonFlux/i.test(e.name) && e.name.endsWith('.log')) files.push(p);
    }
    return files;
  };
  return walk(path.dirname(logDir), 0).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

async function solveText(name: string, problem: string): Promise<void> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`# Trust\n\n${problem}\n`));
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  const at = editor.document.getText().indexOf(problem);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + problem.length));
  await vscode.commands.executeCommand('reasonflux.solve');
}

describe('editor: trustworthy solving (issue 12)', function () {
  this.timeout(120_000);
  let server: ScriptedOpenAiServer | undefined;
  const cfg = () => vscode.workspace.getConfiguration('reasonflux');

  before(activate);
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  after(async () => {
    await cfg().update('endpoint.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('solver.model', undefined, vscode.ConfigurationTarget.Global);
  });

  async function useServer(s: ScriptedOpenAiServer): Promise<void> {
    server = s;
    await cfg().update('endpoint.baseUrl', s.baseUrl, vscode.ConfigurationTarget.Global);
    await cfg().update('solver.model', 'scripted-model', vscode.ConfigurationTarget.Global);
  }

  it('a server echoing the key in its 401: the key is in no output channel, panel state or history', async () => {
    const KEY = 'sk-host-Echo5566778899abcdef';
    await useServer(await startScriptedOpenAiServer(() => ({ status: 401, echoKey: true })));
    assert.equal(await vscode.commands.executeCommand('reasonflux.setApiKey', { baseUrl: server!.baseUrl, key: KEY }), true);
    await solveText('trust-key.md', 'Find $x$ if $2x = 4$.');
    const p = await waitFor('the failed run in the panel', probe, (x) => x.state.status === 'failed', 60_000);
    assert.match(p.state.error?.message ?? '', /refused the API key \(HTTP 401\)/);
    assert.ok(String(server!.chatRequests[0]?.headers.authorization).includes(KEY), 'the server received the key (and echoed it)');
    assert.ok(!JSON.stringify(p.state).includes(KEY), 'not in the panel state (what the webview is sent)');
    const stored = await waitFor('the run in the stored history', probe, (x) => (x.history ?? []).some((h) => h.state.runId === p.state.runId));
    assert.ok(!JSON.stringify(stored.history).includes(KEY), 'not in the stored history');
    const log = await waitFor('the model error in the output channel', outputLog, (t) => /model error \(auth\)/.test(t), 20_000);
    assert.ok(!log.includes(KEY), 'not in the output channel');
    assert.ok(!log.includes(KEY.slice(0, 12)), 'not even a prefix of it');
  });

  it('a step reply cut off twice: the run fails (never solved) and the step is kept, marked partial', async () => {
    await useServer(await startScriptedOpenAiServer(byPrompt({ content: 'Divide by two: $x = \\boxed{2}$ and chec', chunkSize: 6, endEarly: true })));
    await solveText('trust-cut.md', 'Find $x$ if $2x = 4$.');
    const p = await waitFor('the failed run in the panel', probe, (x) => x.state.status === 'failed' || x.state.status === 'solved', 60_000);
    assert.equal(p.state.status, 'failed');
    assert.match(p.state.error?.message ?? '', /was cut off after \d+ characters/);
    assert.match(p.state.steps[0]?.partial ?? '', /cut off/);
    assert.ok(p.state.steps[0]!.text.startsWith('Divide by two'));
    assert.equal(p.state.final, undefined);
  });
});
