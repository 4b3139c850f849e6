// Drives the real VS Code workbench (code-server) in headless Chromium like a person: open files,
// run palette commands, hover, look at the Problems panel, take screenshots. Each openWorkbench()
// starts a fresh code-server (free port, fresh data dirs) and a fresh browser profile; close() stops
// both, and they are also stopped if the test process dies. Used by test/e2e/*.test.ts and the editor
// suites in test/e2e/editor/.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT, descendantsMemoryMiB, launchBrowser, onProcessExit, startCodeServer, type CodeServer, type HeadlessBrowser } from '../../../scripts/host/lib';

export const E2E_OUT = join(REPO_ROOT, 'test', 'e2e', 'out');
/** The problem sets the e2e suites open by default (shared with the integration suite). */
export const DEFAULT_WORKSPACE = join(REPO_ROOT, 'test', 'integration', 'fixtures', 'workspace');

export interface WorkbenchOptions {
  /** Folder to open; copied to a scratch dir first so tests never change the repository. */
  workspace?: string;
  /**
   * The packaged extension to install (default: REASONFLUX_VSIX, set by npm run test:host). Without
   * one, the repository itself is loaded as a development extension (payload URL).
   */
  vsix?: string;
  /** User settings (settings.json) for this run, e.g. { "reasonflux.endpoint.baseUrl": "…" }. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host. */
  env?: NodeJS.ProcessEnv;
  /**
   * More extensions loaded in development mode beside ReasonFlux (test doubles, e.g. the stand-in chat
   * extension), each by folder and id; they may use proposed API.
   */
  devExtensions?: Array<{ id: string; path: string }>;
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  browser: HeadlessBrowser;
  /** The scratch copy of the workspace that is open. */
  workspace: string;
  /** Opens a workspace file by its path relative to the workspace (Quick Open) and waits for its editor. */
  openFile(relative: string): Promise<void>;
  /** F1, types the command's title, Enter — like a person. */
  runCommand(title: string): Promise<void>;
  /** Screenshot of the whole window into test/e2e/out/<name>.png; returns the path. */
  screenshot(name: string): Promise<string>;
  /** The frame locator of the active webview's content (panels). */
  webview(): FrameLocator;
  /** The editor's line element holding `text` (first match). */
  editorLine(text: string): Locator;
  /** PSS of the server group + browser (MiB). */
  memoryMiB(): number;
  close(): Promise<void>;
}

const log = (msg: string) => {
  if (process.env.REASONFLUX_HOST_VERBOSE === '1') console.log(`[workbench] ${msg}`);
};

export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const scratch = mkdtempSync(join(tmpdir(), 'reasonflux-e2e-ws-'));
  const source = resolve(opts.workspace ?? DEFAULT_WORKSPACE);
  const workspace = join(scratch, basename(source));
  cpSync(source, workspace, { recursive: true });
  const unhook = onProcessExit(() => rmSync(scratch, { recursive: true, force: true }));

  let server: CodeServer | undefined;
  let browser: HeadlessBrowser | undefined;
  try {
    server = await startCodeServer(workspace, { env: opts.env, args: (opts.devExtensions ?? []).flatMap((x) => ['--enable-proposed-api', x.id]) });
    if (opts.settings) {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const file = join(server.userDataDir, 'User', 'settings.json');
      const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...current, ...opts.settings }, null, 2));
    }
    const vsix = opts.vsix ?? process.env.REASONFLUX_VSIX;
    let url: string;
    const extra = (opts.devExtensions ?? []).map((x): [string, string] => ['extensionDevelopmentPath', server!.remoteUri(resolve(x.path))]);
    if (vsix) {
      server.installExtension(vsix);
      url = server.url(workspace, extra);
    } else {
      url = server.url(workspace, [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)], ...extra]);
    }
    browser = await launchBrowser();
    const page = browser.page;
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.explorer-folders-view, .part.sidebar').first().waitFor({ state: 'visible', timeout: 60_000 });

    const srv = server;
    const br = browser;
    const wb: Workbench = {
      page,
      server: srv,
      browser: br,
      workspace,
      async openFile(relative) {
        const name = basename(relative);
        await page.locator('.monaco-workbench').click({ position: { x: 600, y: 5 } }).catch(() => undefined);
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(relative);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press('Enter');
        await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor({ timeout: 15_000 });
        await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
        // Park the mouse where it shows no tooltip.
        await page.mouse.move(2, 400);
      },
      async runCommand(title) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(`>${title}`);
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
        await row.waitFor({ timeout: 15_000 });
        await page.keyboard.press('Enter');
        await input.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
      },
      async screenshot(name) {
        mkdirSync(E2E_OUT, { recursive: true });
        const file = join(E2E_OUT, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      webview() {
        return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      },
      editorLine(text) {
        return page.locator('.editor-instance .monaco-editor .view-line', { hasText: text }).first();
      },
      memoryMiB() {
        return descendantsMemoryMiB().pssMiB;
      },
      async close() {
        await br.close();
        await srv.stop();
        unhook();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
    return wb;
  } catch (err) {
    await browser?.close();
    if (server) {
      console.error(`--- code-server log (last lines)\n${server.logTail(20)}`);
      await server.stop();
    }
    unhook();
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** Waits until `frame`'s document holds `text` (webview content). */
export async function waitForText(frame: Frame | FrameLocator | Page, text: string | RegExp, timeout = 30_000): Promise<void> {
  await frame.locator('body').getByText(text).first().waitFor({ timeout });
}
