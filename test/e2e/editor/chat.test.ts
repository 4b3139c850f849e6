// @reasonflux in the real chat view of the workbench (code-server + Chromium), driven like a person.
// code-server ships no chat provider, so its chat view stays hidden; a stand-in chat extension
// (test/e2e/fixtures/chat-standin, a test double for Copilot Chat) gives the host a default participant
// and one language model. That model forwards to the scripted OpenAI-compatible server (a test double on
// 127.0.0.1), so the run goes through vscode.lm with the chat's selected model, as it does for a user of
// a chat extension. Screenshot: test/e2e/out/editor-06-chat.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { replyByPrompt, startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../../support/scripted-openai-server';
import { openWorkbench, type Workbench } from '../support/workbench';

const PLAN = {
  analysis: 'A quadratic equation.',
  complexity: 2,
  steps: [
    { goal: 'Factor $x^2 - 7x + 10$', method: 'factoring a quadratic', query: 'factor quadratic trinomial' },
    { goal: 'Read off the roots', method: 'zero product property', query: 'zero product roots' },
  ],
};

const reply = replyByPrompt([
  [/Plan the (solution|remaining)/, { content: JSON.stringify(PLAN) }],
  [/Judge this step/, { content: JSON.stringify({ verdict: 'accept', feedback: 'Right.', progress: 0.7 }) }],
  [/State the final answer/, { content: 'The roots are $\\boxed{2, 5}$.' }],
  [/Now step 1/, { content: 'Two numbers with product $10$ and sum $7$: $$x^2 - 7x + 10 = (x-2)(x-5).$$' }],
  [/Now step 2/, { content: 'A product is zero when a factor is: $x = 2$ or $x = 5$, so $x \\in \\boxed{\\{2, 5\\}}$.' }],
]);

describe('editor: @reasonflux in the chat view', () => {
  let wb: Workbench;
  let server: ScriptedOpenAiServer;

  before(async () => {
    server = await startScriptedOpenAiServer(reply);
    wb = await openWorkbench({
      workspace: join(__dirname, 'fixtures', 'workspace'),
      devExtensions: [{ id: 'reasonflux-test.chat-standin', path: join(__dirname, '..', 'fixtures', 'chat-standin') }],
      env: { REASONFLUX_STANDIN_BASEURL: server.baseUrl },
      // No endpoint of its own: the chat's model is the only one, so the run must go through vscode.lm.
      settings: { 'workbench.startupEditor': 'none' },
    });
  });

  after(async () => {
    if (wb) await wb.close();
    await server?.close();
  });

  it('"Ask in Chat" opens the chat with @reasonflux; /solve streams plan, templates, steps and the answer with readable math', async () => {
    await wb.openFile('series.md');
    await wb.runCommand('ReasonFlux: Ask in Chat (@reasonflux)');
    const input = wb.page.locator('.interactive-session .interactive-input-part').first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.page.locator('.interactive-input-part .monaco-editor', { hasText: '@reasonflux' }).first().waitFor({ timeout: 15_000 });
    await wb.page.keyboard.type('/solve Solve $x^2 - 7x + 10 = 0$.');
    await wb.page.keyboard.press('Enter');
    const response = wb.page.locator('.interactive-item-container.interactive-response').last();
    await response.locator('text=Answer:').waitFor({ timeout: 90_000 });
    await response.locator('a.monaco-button, .chat-command-button a, .monaco-button', { hasText: 'Open in the panel' }).first().waitFor({ timeout: 30_000 });
    const text = await response.innerText();
    for (const piece of ['Plan', 'Factor x² − 7x + 10', 'Read off the roots', 'Step 1', 'Template:', '(x − 2)(x − 5)', 'x = 2 or x = 5', 'Answer:'])
      assert.ok(text.includes(piece), `"${piece}" in the chat response:\n${text}`);
    assert.doesNotMatch(text, /\\boxed|\\frac|\$x/, 'no raw TeX in the chat');
    assert.match(text, /Answer:\s*\{2, 5\}/);
    // The run went through the chat's model (vscode.lm → the stand-in → the scripted server).
    assert.ok(server.chatRequests.length >= 4, `requests through the chat's model: ${server.chatRequests.length}`);
    assert.ok(server.chatRequests.every((r) => (r.body as { model?: string } | null)?.model === 'stand-in-chat-model'));
    // The typed problem is the one solved, not the open editor the chat attached by itself.
    const planPrompt = JSON.stringify(server.chatRequests[0]!.body);
    assert.match(planPrompt, /x\^2 - 7x \+ 10 = 0/);
    assert.doesNotMatch(planPrompt, /closed form/);
    await wb.page.mouse.move(700, 400);
    await wb.screenshot('editor-06-chat');
  });

  it('"Open in the panel" shows the same run in the trajectory panel', async () => {
    const response = wb.page.locator('.interactive-item-container.interactive-response').last();
    await response.locator('.monaco-button', { hasText: 'Open in the panel' }).first().click();
    const view = wb.webview();
    await view.locator('#final-answer .katex').first().waitFor({ timeout: 60_000 });
    assert.equal(await view.locator('li.step').count(), 2);
    assert.match(await view.locator('#status-badge').innerText(), /Solved/);
  });
});
