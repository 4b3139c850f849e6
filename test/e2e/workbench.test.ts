// The packaged extension in the real workbench, used like a person would: open a problem set, see
// the squiggles and the Problems panel, hover a problem, run a command from the palette.
// Screenshots: test/e2e/out/*.png. Run through `npm run test:host` (or `… test-host.ts e2e`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, type Workbench } from './support/workbench';

describe('workbench: a Markdown problem set', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    if (wb) {
      console.log(`e2e memory (code-server + extension host + language server + Chromium): ${wb.memoryMiB()} MiB PSS`);
      await wb.close();
    }
  });

  it('shows squiggles under the stated problems', async () => {
    await wb.openFile('problems.md');
    const { page } = wb;
    // Unsolved problems: Information (blue squiggle); the solved one: Hint (dots).
    const squiggles = page.locator('.editor-instance .monaco-editor .squiggly-info');
    await squiggles.first().waitFor({ state: 'attached', timeout: 60_000 });
    await wb.page.waitForFunction(() => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-info').length >= 2, undefined, { timeout: 30_000 });
    assert.ok((await squiggles.count()) >= 2, 'at least the two unsolved problems are underlined');
    // A code lens row (Solve · Hint · Explain) above a problem.
    await page.locator('.monaco-editor .codelens-decoration', { hasText: /Solve/ }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('01-problem-set-squiggles');
  });

  it('lists the problems in the Problems panel', async () => {
    await wb.runCommand('Focus on Problems View');
    const { page } = wb;
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout: 30_000 });
    // The file row and one row per unsolved problem (solved ones are Hints, which the panel omits).
    await page.waitForFunction(() => document.querySelectorAll('.markers-panel .monaco-list-row').length >= 3, undefined, { timeout: 30_000 });
    const text = (await page.locator('.markers-panel').innerText()).replace(/\s+/g, ' ');
    assert.match(text, /problems\.md/, 'the file row');
    assert.match(text, /Problem 1/, 'the first problem');
    assert.match(text, /Exercise 3/, 'the exercise');
    assert.doesNotMatch(text, /Problem 99/, 'nothing from the code block');
    await wb.screenshot('02-problems-panel');
  });

  it('explains a problem on hover, with trusted Explain · Hint · Solve links', async () => {
    const { page } = wb;
    const line = wb.editorLine('Find all real numbers');
    await line.waitFor({ timeout: 15_000 });
    const box = await line.boundingBox();
    assert.ok(box, 'the problem line is on screen');
    // Move like a mouse does (several events), onto the statement's text.
    await page.mouse.move(box.x + 40, box.y + box.height + 120, { steps: 2 });
    await page.mouse.move(box.x + Math.min(box.width / 2, 250), box.y + box.height / 2, { steps: 8 });
    const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').filter({ hasText: /Explain/ });
    await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
    const text = await hover.first().innerText();
    assert.match(text, /Hint/);
    assert.match(text, /Solve/);
    // Command links render as links only when the hover is trusted for that command.
    for (const cmd of ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve']) {
      assert.ok((await hover.first().locator(`a[data-href^="command:${cmd}"]`).count()) >= 1, `a live link to ${cmd}`);
    }
    // Math is typeset (MathJax SVG images, loaded), never raw TeX; the statement is said once.
    const images = hover.first().locator('img[src^="data:image/svg+xml;base64,"]');
    await images.first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok((await images.count()) >= 2, 'both formulas of the statement are images');
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('.monaco-hover:not(.hidden) img[src^="data:image/svg+xml"]')].every((i) => i.complete && i.naturalWidth > 0),
      undefined,
      { timeout: 15_000 },
    );
    const all = await page.locator('.monaco-editor .monaco-hover:not(.hidden)').allInnerTexts();
    assert.doesNotMatch(all.join('\n'), /\$|x\^2/, 'no raw TeX anywhere in the hover');
    assert.equal(all.join('\n').match(/Find all real numbers/g)?.length ?? 0, 1, 'the statement appears once');
    await wb.screenshot('03-hover');
  });

  it('runs a ReasonFlux command from the palette', async () => {
    await wb.page.mouse.move(5, 400);
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('ReasonFlux: Show Panel');
    await wb.page.locator('iframe.webview.ready').first().waitFor({ state: 'attached', timeout: 30_000 });
    const body = wb.webview().locator('body');
    await body.waitFor({ timeout: 30_000 });
    await wb.page.waitForFunction(() => !!document.querySelector('iframe.webview.ready'), undefined, { timeout: 30_000 });
    const text = await body.innerText();
    assert.ok(text.trim().length > 0, 'the ReasonFlux panel shows content');
    await wb.page.locator('.tabs-container .tab', { hasText: 'ReasonFlux' }).first().waitFor({ timeout: 15_000 });
    await wb.screenshot('04-palette-show-panel');
  });

  it('marks the problems of a LaTeX problem set too', async () => {
    await wb.openFile('problems.tex');
    const { page } = wb;
    await page.locator('.tabs-container .tab.active[aria-label*="problems.tex"]').waitFor({ timeout: 15_000 });
    // Two unsolved problems (Information squiggles) in the LaTeX editor (the active group).
    await page.waitForFunction(
      () => document.querySelectorAll('.editor-group-container.active .monaco-editor .squiggly-info').length >= 2,
      undefined,
      { timeout: 30_000 },
    );
    await page.locator('.editor-group-container.active .monaco-editor .codelens-decoration', { hasText: /Solve/ }).first().waitFor({ timeout: 30_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'begin{problem}' }).first().waitFor({ timeout: 15_000 });
    await wb.screenshot('05-latex-problem-set');
  });
});
