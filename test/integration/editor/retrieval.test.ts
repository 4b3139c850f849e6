// Embedding retrieval inside the real VS Code host: with reasonflux.retrieval.embeddingsModel set, a solve
// embeds the library and each step's query (with its problem) through the endpoint's /embeddings (the
// scripted server's labelled stand-in vectors); an endpoint without /embeddings still solves, on BM25.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelState } from '../../../src/webview/state';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server';
import { activate, workspaceRoot } from '../support/host';

const probe = () => vscode.commands.executeCommand<{ state: PanelState }>('reasonflux.test.panelState');
const PROBLEM = 'Find $y$ if $3y - 4 = 11$.';
const PLAN = {
  analysis: 'A linear equation.',
  complexity: 2,
  steps: [{ goal: 'Isolate $y$ and state it', method: 'linear equation', query: 'solve linear equation isolate variable' }],
};

function reply(body: { messages?: Array<{ content: string }> }): ScriptedReply {
  const text = (body.messages ?? []).map((m) => m.content).join('\n');
  if (/Plan the (solution|remaining)/.test(text)) return { content: JSON.stringify(PLAN) };
  if (/Judge this step/.test(text)) return { content: JSON.stringify({ verdict: 'finish', feedback: 'Correct.', progress: 1 }) };
  if (/Now step 1/.test(text)) return { content: 'Add 4 and divide by 3: $y = \\boxed{5}$.' };
  return { content: 'The answer is $\\boxed{5}$.' };
}

async function setUser(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reasonflux').update(key, value, vscode.ConfigurationTarget.Global);
}

async function solveSelection(): Promise<PanelState> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'retrieval.md');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`# Practice\n\n${PROBLEM}\n`));
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  const at = editor.document.getText().indexOf(PROBLEM);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + PROBLEM.length));
  await vscode.commands.executeCommand('reasonflux.solve');
  return (await probe()).state;
}

describe('retrieval: embedding retrieval through the endpoint', function () {
  this.timeout(120_000);
  let withEmbeddings: ScriptedOpenAiServer;
  let chatOnly: ScriptedOpenAiServer;

  before(async () => {
    await activate();
    withEmbeddings = await startScriptedOpenAiServer(reply, { models: ['scripted-model'], embeddings: 'hashed' });
    chatOnly = await startScriptedOpenAiServer(reply, { models: ['scripted-model'] });
    await setUser('solver.model', 'scripted-model');
  });

  after(async () => {
    await setUser('endpoint.baseUrl', undefined);
    await setUser('solver.model', undefined);
    await setUser('retrieval.embeddingsModel', undefined);
    await Promise.all([withEmbeddings?.close(), chatOnly?.close()]);
  });

  it('embeds the library and the step query with its problem, and the solve uses the fused ranking', async () => {
    await setUser('endpoint.baseUrl', withEmbeddings.baseUrl);
    await setUser('retrieval.embeddingsModel', 'stand-in-hashed');
    const state = await solveSelection();
    assert.equal(state.status, 'solved');
    assert.equal(state.final?.answer, '5');
    const inputs = withEmbeddings.requests.filter((r) => r.path.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);
    assert.ok(inputs.length > 100, `the library was embedded (${inputs.length} texts)`);
    assert.ok(inputs.includes(`${PLAN.steps[0]!.query}\n${PROBLEM}`), 'the step query was embedded with its problem');
    assert.ok(withEmbeddings.requests.every((r) => r.path.endsWith('/embeddings') ? r.body.model === 'stand-in-hashed' : true));
  });

  it('an endpoint without /embeddings still solves (BM25 alone)', async () => {
    await setUser('endpoint.baseUrl', chatOnly.baseUrl);
    const state = await solveSelection();
    assert.equal(state.status, 'solved');
    assert.ok(chatOnly.requests.some((r) => r.path.endsWith('/embeddings')), 'embeddings were asked for');
    assert.ok(state.steps.length === 1);
  });
});
