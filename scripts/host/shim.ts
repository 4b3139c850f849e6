// What code-shim.cjs runs. @vscode/test-electron's runTests({ vscodeExecutablePath: code-shim.cjs,
// extensionDevelopmentPath, extensionTestsPath, launchArgs }) starts this with VS Code's command line:
//   [launchArgs…] --no-sandbox … --extensionTestsPath=T --extensionDevelopmentPath=D [--user-data-dir=…]
// code-server ignores --extensionDevelopmentPath; its web workbench honours a `payload` URL
// parameter instead. So: start a fresh code-server on the workspace, open the payload URL in headless
// Chromium, and exit with the code the extension host reports through codeAutomationExit.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { descendantsMemoryMiB, launchBrowser, onProcessExit, startCodeServer, type CodeServer, type HeadlessBrowser } from './lib';

interface ShimArgs {
  developmentPaths: string[];
  testsPath?: string;
  folder?: string;
}

// VS Code options that take a value in the next argument when written without `=`.
const VALUE_OPTIONS = new Set(['--extensionDevelopmentPath', '--extensionTestsPath', '--user-data-dir', '--extensions-dir', '--locale', '--log']);

export function parseArgs(argv: readonly string[]): ShimArgs {
  const out: ShimArgs = { developmentPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      if (!out.folder) out.folder = resolve(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(0, eq) : a;
    let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
    if (value === undefined && VALUE_OPTIONS.has(name)) value = argv[++i];
    if (name === '--extensionDevelopmentPath' && value) out.developmentPaths.push(resolve(value));
    else if (name === '--extensionTestsPath' && value) out.testsPath = resolve(value);
    // Everything else (--no-sandbox, --disable-updates, --user-data-dir, …) is for desktop VS Code;
    // every run here uses fresh data dirs anyway.
  }
  return out;
}

const verbose = process.env.REASONFLUX_HOST_VERBOSE === '1';

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.testsPath) {
    console.error('code-shim: --extensionTestsPath is required (this executable only runs extension test suites)');
    return 2;
  }
  if (args.developmentPaths.length === 0) {
    console.error('code-shim: --extensionDevelopmentPath is required');
    return 2;
  }
  const timeoutS = Number(process.env.REASONFLUX_HOST_TIMEOUT_S || 600);
  const scratch = mkdtempSync(join(tmpdir(), 'reasonflux-shim-'));
  const unhookScratch = onProcessExit(() => rmSync(scratch, { recursive: true, force: true }));
  // The web workbench honours only one extensionDevelopmentPath: several become a folder of links.
  let devPath = args.developmentPaths[0]!;
  if (args.developmentPaths.length > 1) {
    devPath = join(scratch, 'extensions');
    for (const p of args.developmentPaths) {
      const linkDir = join(devPath);
      rmSync(join(linkDir, basename(p)), { force: true, recursive: true });
      mkdirSync(linkDir, { recursive: true });
      symlinkSync(p, join(linkDir, basename(p)), 'dir');
    }
  }
  const folder = args.folder ?? scratch;

  let server: CodeServer | undefined;
  let browser: HeadlessBrowser | undefined;
  const t0 = Date.now();
  try {
    server = await startCodeServer(folder);
    const tServer = Date.now();
    browser = await launchBrowser();
    const tBrowser = Date.now();
    const { page } = browser;
    const srv = server;
    let settle!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (settle = r));
    let automationLogs: Array<{ relativePath: string; contents: string }> = [];
    await page.exposeFunction('codeAutomationExit', (code: unknown, logs: unknown) => {
      if (Array.isArray(logs)) automationLogs = logs as typeof automationLogs;
      settle(typeof code === 'number' ? code : 1);
    });
    await page.exposeFunction('codeAutomationLog', (type: unknown, message: unknown) => {
      if (verbose) console.log(`[workbench ${String(type)}] ${typeof message === 'string' ? message : JSON.stringify(message)}`);
    });
    page.on('pageerror', (err) => verbose && console.error(`[page error] ${err.message}`));
    page.on('crash', () => {
      console.error('code-shim: the workbench page crashed');
      settle(1);
    });
    const url = srv.url(folder, [
      ['extensionDevelopmentPath', srv.remoteUri(devPath)],
      ['extensionTestsPath', srv.remoteUri(args.testsPath)],
    ]);
    console.log(
      `code-shim: code-server ${srv.origin} (pid ${srv.pid}) ready in ${((tServer - t0) / 1000).toFixed(1)} s, ` +
        `Chromium in ${((tBrowser - tServer) / 1000).toFixed(1)} s; workspace ${folder}`,
    );
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<number>((r) => {
        timer = setTimeout(() => {
          console.error(`code-shim: no result from the extension host within ${timeoutS} s`);
          r(1);
        }, timeoutS * 1000);
      }),
    ]);
    if (timer) clearTimeout(timer);
    const mem = descendantsMemoryMiB();
    console.log(`code-shim: suite exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s; host memory ${mem.pssMiB} MiB PSS in ${mem.processes} processes`);
    if (code !== 0) {
      for (const log of automationLogs) {
        if (!/exthost|remoteagent|extensionHost/i.test(log.relativePath)) continue;
        console.error(`--- ${log.relativePath} (last lines)\n${log.contents.split('\n').slice(-40).join('\n')}`);
      }
      console.error(`--- code-server log (last lines)\n${srv.logTail(20)}`);
    }
    return code;
  } catch (err) {
    console.error(`code-shim: ${err instanceof Error ? err.message : String(err)}`);
    if (server) console.error(`--- code-server log (last lines)\n${server.logTail(20)}`);
    return 1;
  } finally {
    await browser?.close();
    await server?.stop();
    unhookScratch();
    rmSync(scratch, { recursive: true, force: true });
  }
}
