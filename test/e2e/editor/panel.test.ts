// The trajectory panel in the real workbench (code-server + Chromium), driven like a person: open a
// problem, select it, run "Solve with ReasonFlux" from the palette, look at the panel. The model is the
// scripted OpenAI-compatible server (a test double on 127.0.0.1). Screenshots: test/e2e/out/editor-*.png.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { replyByPrompt, startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../../support/scripted-openai-server';
import { openWorkbench, type Workbench } from '../support/workbench';

const PLAN = {
  analysis: 'We must sum $\\frac{1}{k(k+1)}$ for $k=1..n$ and then let $n\\to\\infty$.',
  complexity: 3,
  steps: [
    { goal: 'Split the summand into partial fractions', method: 'partial fractions', query: 'telescoping sum partial fractions' },
    { goal: 'Telescope and take the limit', method: 'telescoping series', query: 'telescoping series limit' },
  ],
};
const STEP1 = 'Write $$\\frac{1}{k(k+1)} = \\frac{1}{k} - \\frac{1}{k+1}.$$\nCheck: $\\frac{(k+1)-k}{k(k+1)} = \\frac{1}{k(k+1)}$.';
const STEP2 =
  'Summing, the middle terms cancel:\n\n\\[ S = \\sum_{k=1}^{n}\\left(\\frac{1}{k} - \\frac{1}{k+1}\\right) = 1 - \\frac{1}{n+1} = \\frac{n}{n+1}. \\]\n\n' +
  'Hence $\\lim_{n\\to\\infty} S = \\boxed{1}$.';
const HOSTILE =
  'Careful <script>document.title="pwned"</script> <img src=x onerror="document.title=\'pwned\'"> ' +
  '[click](javascript:document.title=1) $\\href{javascript:alert(1)}{x}$ and $\\def\\a{\\a\\a}\\a$ but $\\frac{1}{2}$ stays. A raise $\\raisebox{-1000em}{x}$ too.\n\n' + STEP2;

let hostile = false;

/** The extension's log (the "ReasonFlux" LogOutputChannel as written by the host), or '' if not found. */
function extensionLog(root: string): string {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 8) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/ReasonFlux/i.test(e.name) && e.name.endsWith('.log')) found.push(p);
    }
  };
  walk(root, 0);
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}
const EXPLAIN =
  'The problem asks for a **closed form** of a finite sum and then its limit.\n\n' +
  'Each term $\\frac{1}{k(k+1)}$ splits into a difference, $\\frac{1}{k} - \\frac{1}{k+1}$, so the sum *telescopes*: ' +
  'write out the first few terms and see what cancels. Then let $n \\to \\infty$.';

const reply = replyByPrompt([
  [/Explain this problem/, { content: EXPLAIN, chunkSize: 8, chunkDelayMs: 20 }],
  [/Plan the (solution|remaining)/, { content: JSON.stringify(PLAN) }],
  [/Judge this step/, { content: JSON.stringify({ verdict: 'accept', feedback: 'The algebra is right.', progress: 0.6 }) }],
  [/State the final answer/, { content: 'The answer is $\\boxed{1}$.' }],
  [/Now step 1/, { content: STEP1, chunkSize: 6, chunkDelayMs: 20 }],
  [/Now step 2/, () => ({ content: hostile ? HOSTILE : STEP2, chunkSize: 6, chunkDelayMs: 20 })],
]);

describe('editor: the trajectory panel in the workbench', () => {
  let wb: Workbench;
  let server: ScriptedOpenAiServer;

  before(async () => {
    server = await startScriptedOpenAiServer(reply);
    wb = await openWorkbench({
      workspace: join(__dirname, 'fixtures', 'workspace'),
      settings: { 'reasonflux.endpoint.baseUrl': server.baseUrl, 'reasonflux.solver.model': 'scripted-model', 'workbench.startupEditor': 'none' },
    });
  });

  after(async () => {
    if (wb) await wb.close();
    await server?.close();
  });

  /** Returns the time of the keypress that starts the run. */
  async function solveSelection(): Promise<number> {
    await wb.openFile('series.md');
    await wb.editorLine('Find $S$').click();
    await wb.page.keyboard.press('Control+L'); // select the whole (wrapped) line
    // The editor keybinding (the palette's Escape would clear the selection).
    const t0 = Date.now();
    await wb.page.keyboard.press('Control+Alt+R');
    return t0;
  }

  it('solves a selection and renders plan, templates, steps and the boxed answer with KaTeX', async () => {
    const t0 = await solveSelection();
    const view = wb.webview();
    // A number for the closing note (printed, not asserted): keypress → panel open with the problem rendered.
    await view.locator('.problem .katex').first().waitFor({ timeout: 60_000 });
    const t1 = Date.now();
    console.log(`panel open (keypress → problem rendered in the new panel): ${t1 - t0} ms`);
    // Where the time went: the extension's own timestamps (activation, command, panel, webview ready, …).
    console.log(`keypress at ${new Date(t0).toISOString()}, problem rendered at ${new Date(t1).toISOString()}`);
    for (const line of extensionLog(wb.server.dir).split('\n')) {
      if (/activat|timing:|templates:/.test(line)) console.log(`  log: ${line.trim()}`);
    }
    await view.locator('#final-answer .katex').first().waitFor({ timeout: 90_000 });
    for (const line of extensionLog(wb.server.dir).split('\n')) if (/webview ready|state posted/.test(line)) console.log(`  log: ${line.trim()}`);
    await wb.screenshot('editor-01-panel-solved');
    const steps = view.locator('li.step');
    assert.equal(await steps.count(), 2);
    const workMath = await view.locator('.work .katex').count();
    assert.ok(workMath >= 4, `step math rendered by KaTeX (${workMath}): ${await view.locator('.work').first().innerText()}`);
    assert.equal(await view.locator('.math-source').count(), 0, 'no formula fell back to source');
    assert.match(await view.locator('.problem').innerText(), /Find/);
    assert.match(await steps.first().locator('.trajectory').innerText(), /partial fractions/i);
    assert.match(await view.locator('.stats').innerText(), /\d/);
    // KaTeX layout is applied (the CSP blocks style attributes; the panel applies them through the CSSOM).
    const strutHeight = await view.locator('.work .katex .strut').first().evaluate((e) => (e as HTMLElement).style.height);
    assert.match(strutHeight, /em$/);
  });

  it('puts the trajectory beside the work in a wide panel and stacks them in a narrow one', async () => {
    const view = wb.webview();
    const boxes = async () => {
      const traj = await view.locator('li.step .trajectory').first().boundingBox();
      const work = await view.locator('li.step .work').first().boundingBox();
      assert.ok(traj && work);
      return { traj, work };
    };
    await wb.page.setViewportSize({ width: 2400, height: 1000 });
    await wb.page.waitForTimeout(500); // let the workbench re-lay out (not an assertion)
    const wide = await boxes();
    await wb.screenshot('editor-02-panel-wide');
    assert.ok(wide.work.x >= wide.traj.x + wide.traj.width - 1, 'side by side in a wide panel');
    await wb.page.setViewportSize({ width: 900, height: 900 });
    await wb.page.waitForTimeout(500);
    const narrow = await boxes();
    await wb.screenshot('editor-02-panel-narrow');
    assert.ok(narrow.work.y >= narrow.traj.y + narrow.traj.height - 1, 'stacked in a narrow panel');
    await wb.page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opens a new panel with the problem when the extension is already running (number printed)', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.page.locator('.webview').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    const t0 = await solveSelection();
    const view = wb.webview();
    await view.locator('.problem .katex').first().waitFor({ timeout: 60_000 });
    const t1 = Date.now();
    console.log(`panel open, extension already active (keypress → problem rendered in a new panel): ${t1 - t0} ms`);
    // Inside the webview document: when it started, how long its resources took (printed, not asserted).
    const timings = await view.locator('body').evaluate(() => ({
      sinceDocumentStart: Math.round(performance.now()),
      resources: performance.getEntriesByType('resource').map((r) => `${r.name.split('/').pop()?.slice(0, 40)} ${Math.round(r.startTime)}+${Math.round(r.duration)} ms`),
    }));
    console.log(`webview document: now ${timings.sinceDocumentStart} ms after its start; resources: ${timings.resources.join(', ')}`);
    console.log(`keypress at ${new Date(t0).toISOString()}, problem rendered at ${new Date(t1).toISOString()}`);
    assert.match(await view.locator('.problem').innerText(), /Find/);
    await view.locator('#final-answer .katex').first().waitFor({ timeout: 90_000 });
    for (const line of extensionLog(wb.server.dir).split('\n')) {
      if (/timing:/.test(line) && line.slice(0, 23) >= new Date(t0).toISOString().replace('T', ' ').slice(0, 23)) console.log(`  log: ${line.trim()}`);
    }
  });

  it('renders hostile model output inert, with the math still shown', async () => {
    hostile = true;
    await solveSelection();
    const view = wb.webview();
    await view.locator('li.step .work', { hasText: 'Careful' }).first().waitFor({ timeout: 90_000 });
    await view.locator('#final-answer .katex').first().waitFor({ timeout: 90_000 });
    await view.locator('li.step').nth(1).locator('.work').scrollIntoViewIfNeeded();
    await wb.screenshot('editor-03-panel-hostile');
    // (VS Code's own #_vscodeApiScript is injected by the host, not by the content.)
    const active = view.locator('img, script:not([nonce]):not(#_vscodeApiScript), iframe, a[href], style:not([nonce]):not(#_defaultStyles)');
    assert.deepEqual(await active.evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 200))), []);
    const title = await view.locator('body').evaluate(() => document.title);
    assert.notEqual(title, 'pwned');
    assert.match(await view.locator('li.step').nth(1).innerText(), /<script>/, 'the tag is shown as text');
    assert.ok((await view.locator('li.step').nth(1).locator('.math-source').count()) >= 1, 'the macro bomb shows as source');
    assert.ok((await view.locator('li.step').nth(1).locator('.katex').count()) >= 3, 'the other formulas render');
    // \raisebox{-1000em} alone once made the panel ~90,000 px tall; now it shows as source.
    const tall = await view.locator('body').evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
    assert.ok(tall < 6000, `the panel stays of normal height (${tall} px)`);
    assert.ok(await view.locator('li.step').nth(1).locator('.math-source', { hasText: 'raisebox' }).count() >= 1, 'the raise shows as source');
  });

  it('survives a window reload (webview state + panel serializer)', async () => {
    await wb.page.reload({ waitUntil: 'domcontentloaded' });
    await wb.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const view = wb.webview();
    try {
      await view.locator('#final-answer .katex').first().waitFor({ timeout: 60_000 });
    } catch (err) {
      await wb.screenshot('editor-04-panel-restore-failed');
      throw err;
    }
    assert.equal(await view.locator('li.step').count(), 2);
    assert.match(await view.locator('li.step').nth(1).innerText(), /Careful/);
    await wb.screenshot('editor-04-panel-restored');
  });

  it('Explain (from the palette) streams an explanation and ends "Explained", without an answer box', async () => {
    // No editor open: the command asks for the problem in an input box, and the student pastes it.
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('ReasonFlux: Explain This Problem');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Let $S = \\sum_{k=1}^{n} \\frac{1}{k(k+1)}$. Find $S$ in closed form and compute $\\lim_{n\\to\\infty} S$.');
    await wb.page.keyboard.press('Enter');
    const view = wb.webview();
    await view.locator('.analysis .katex').first().waitFor({ timeout: 60_000 });
    const badge = view.locator('#status-badge');
    await view.locator('#status-badge', { hasText: 'Explained' }).waitFor({ timeout: 60_000 });
    assert.equal(await view.locator('#final-answer').count(), 0, 'no "Final answer" box');
    assert.match(await view.locator('.analysis h2').innerText(), /Explanation/);
    assert.match(await view.locator('.explained-note').innerText(), /no solution/);
    assert.doesNotMatch(await view.locator('body').innerText(), /No final answer|Planning/);
    assert.equal(await badge.innerText(), 'Explained');
    await wb.screenshot('editor-05-panel-explain');
  });

  it('without a chat extension, "Ask in Chat" says plainly that this host has no chat view', async () => {
    // code-server ships no chat provider; test/e2e/editor/chat.test.ts adds one and uses the real chat view.
    await wb.runCommand('ReasonFlux: Ask in Chat (@reasonflux)');
    const notice = wb.page.locator('.notifications-toasts .notification-toast', { hasText: /no chat view/ });
    await notice.first().waitFor({ timeout: 30_000 });
    assert.match(await notice.first().innerText(), /ReasonFlux panel/);
    // The toast slides in: shoot once it sits wholly inside the window.
    await wb.page.waitForFunction(() => {
      const t = document.querySelector('.notifications-toasts .notification-toast');
      const r = t?.getBoundingClientRect();
      return !!r && r.height > 0 && r.bottom <= window.innerHeight - 20 && getComputedStyle(t!).opacity === '1';
    }, undefined, { timeout: 10_000 });
    await wb.screenshot('editor-06-chat-unavailable');
  });
});
