// The real-VS-Code host bench: a fresh code-server (VS Code 1.100.3 server + web workbench) per run
// and headless Debian Chromium driven by playwright-core. Used by the @vscode/test-electron shim
// (code-shim.cjs), the e2e suites (test/e2e) and `npm start`. Install first: scripts/host/install.sh.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.REASONFLUX_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Same rule as install.sh. */
export function cacheRoot(): string {
  if (process.env.REASONFLUX_HOST_CACHE) return process.env.REASONFLUX_HOST_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'reasonflux-tutor');
}

/** The code-server executable installed by install.sh (or REASONFLUX_CODE_SERVER). */
export function codeServerBin(): string {
  return process.env.REASONFLUX_CODE_SERVER || join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

export class HostSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostSetupError';
  }
}

/** Throws a one-line, actionable error when the host is not installed. */
export function assertHostInstalled(): void {
  if (!existsSync(codeServerBin())) {
    throw new HostSetupError(`code-server not found at ${codeServerBin()}: run \`bash scripts/host/install.sh\` first`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new HostSetupError(`Chromium not found at ${CHROMIUM}: run \`bash scripts/host/install.sh\` first`);
  }
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a signal to a whole process group; true when the group still existed. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, then SIGKILL whatever is left after `graceMs`. */
export async function stopGroup(pgid: number, graceMs = 3000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await sleep(100);
  }
  signalGroup(pgid, 'SIGKILL');
}

/** Same as stopGroup but synchronous, for process 'exit' handlers. */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  pid: number;
  /** The run's scratch dir: config, user data, extensions, logs. */
  dir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Workbench URL for a folder, with an optional test/development payload. */
  url(folder: string, payload?: Array<[string, string]>): string;
  /** A vscode-remote:// URI for an absolute path on this machine (for payload values). */
  remoteUri(absPath: string): string;
  /** Installs a .vsix into this server's extensions dir (code-server --install-extension). */
  installExtension(vsix: string): void;
  /** Stops the server's whole process group and removes the scratch dir (unless keep). */
  stop(opts?: { keep?: boolean }): Promise<void>;
  /** Last lines of the server log (for failure reports). */
  logTail(lines?: number): string;
}

export interface StartOptions {
  /** Extra environment for the server (reaches the extension host). */
  env?: NodeJS.ProcessEnv;
  /** Keep the scratch dir after stop (debugging). Also REASONFLUX_HOST_KEEP=1. */
  keep?: boolean;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Extra code-server arguments (e.g. `--enable-proposed-api <id>` for a test-double extension). */
  args?: string[];
}

const cleanups = new Set<() => void>();
let exitHooked = false;

/**
 * Makes sure `fn` runs (synchronously) when this process exits or is interrupted, so server and
 * browser groups never outlive a failed or cancelled run. Returns an unregister function.
 */
export function onProcessExit(fn: () => void): () => void {
  cleanups.add(fn);
  if (!exitHooked) {
    exitHooked = true;
    const runAll = () => {
      for (const f of [...cleanups]) {
        try {
          f();
        } catch {
          /* best effort */
        }
      }
      cleanups.clear();
    };
    process.on('exit', runAll);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(sig, () => {
        runAll();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    }
  }
  return () => cleanups.delete(fn);
}

function baseEnv(dir: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // code-server writes a default config, logs and a device id under these; keep them in the run's dir.
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    // VS Code's server writes a device id under the cache dir.
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    // The workbench must not pick up a password or a proxy from the caller's shell.
    PASSWORD: '',
    HASHED_PASSWORD: '',
    VSCODE_PROXY_URI: '',
    ...extra,
  };
}

/** Starts a fresh code-server on a free port with fresh user-data and extensions dirs. */
export async function startCodeServer(workspace: string, opts: StartOptions = {}): Promise<CodeServer> {
  assertHostInstalled();
  const keep = opts.keep ?? process.env.REASONFLUX_HOST_KEEP === '1';
  const dir = mkdtempSync(join(tmpdir(), 'reasonflux-host-'));
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const logFile = join(dir, 'code-server.log');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  // Calm, deterministic workbench: no welcome page, no trust prompt, no auto-updates.
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'git.enabled': false,
        'window.restoreWindows': 'none',
      },
      null,
      2,
    ),
  );
  const host = opts.host ?? '127.0.0.1';
  const env = baseEnv(dir, opts.env);

  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort());
    const out = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        codeServerBin(),
        [
          '--config', config,
          '--bind-addr', `${host}:${port}`,
          '--user-data-dir', userDataDir,
          '--extensions-dir', extensionsDir,
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--ignore-last-opened',
          ...(opts.args ?? []),
          workspace,
        ],
        // detached: the server gets its own session and process group (setsid), so that it and every
        // extension host / language server below it can be stopped together.
        { detached: true, stdio: ['ignore', out, out], env, cwd: dir },
      );
    } finally {
      closeSync(out);
    }
    const pid = child.pid;
    if (!pid) throw new HostSetupError(`could not start ${codeServerBin()}`);
    const unhook = onProcessExit(() => {
      killGroupNow(pid);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    });
    let exited = false;
    child.on('exit', () => (exited = true));
    child.unref();

    const origin = `http://${host}:${port}`;
    const deadline = Date.now() + 60_000;
    let healthy = false;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`${origin}/healthz`);
        if (res.ok) {
          healthy = true;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(150);
    }
    const tail = (n = 40) => {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
      } catch {
        return '';
      }
    };
    if (!healthy) {
      await stopGroup(pid, 1000);
      unhook();
      lastError = tail(20);
      if (/EADDRINUSE/.test(lastError) && opts.port === undefined) continue;
      if (!keep) rmSync(dir, { recursive: true, force: true });
      throw new HostSetupError(`code-server did not become healthy on ${origin}:\n${lastError}`);
    }

    const server: CodeServer = {
      port,
      origin,
      pid,
      dir,
      userDataDir,
      extensionsDir,
      logFile,
      url(folder, payload) {
        let u = `${origin}/?folder=${encodeURIComponent(folder)}`;
        if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
        return u;
      },
      remoteUri(absPath) {
        return `vscode-remote://${host}:${port}${resolve(absPath).split('/').map(encodeURIComponent).join('/')}`;
      },
      installExtension(vsix) {
        const r = spawnSync(
          codeServerBin(),
          ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', resolve(vsix), '--force'],
          { encoding: 'utf8', env, cwd: dir, timeout: 120_000 },
        );
        if (r.status !== 0) {
          throw new HostSetupError(`installing ${vsix} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim()}`);
        }
      },
      async stop(stopOpts) {
        await stopGroup(pid);
        unhook();
        if (!(stopOpts?.keep ?? keep)) rmSync(dir, { recursive: true, force: true });
      },
      logTail: tail,
    };
    return server;
  }
  throw new HostSetupError(`code-server could not bind a free port after 3 attempts:\n${lastError}`);
}

export interface HeadlessBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Closes the browser (all its processes) and removes its profile dir. */
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile (playwright-core, no downloaded browsers). */
export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<HeadlessBrowser> {
  assertHostInstalled();
  const { chromium } = await import('playwright-core');
  // playwright gives each launch a fresh temporary profile and deletes it on close. Chromium's
  // crash handler and caches still write under HOME / XDG dirs: give it a scratch home of its own.
  const home = mkdtempSync(join(tmpdir(), 'reasonflux-chromium-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const removeHome = onProcessExit(() => rmSync(home, { recursive: true, force: true }));
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
  const page = await context.newPage();
  // playwright kills the browsers it launched when this process exits or gets SIGINT/SIGTERM/SIGHUP.
  let closed = false;
  return {
    browser,
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => undefined);
      removeHome();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Proportional set size (MiB) of this process's descendants: code-server group + Chromium. */
export function descendantsMemoryMiB(rootPid = process.pid): { pssMiB: number; processes: number } {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
    } catch {
      /* exited */
    }
  }
  const isDescendant = (pid: number): boolean => {
    let p = parent.get(pid);
    for (let i = 0; p !== undefined && i < 64; i++) {
      if (p === rootPid) return true;
      p = parent.get(p);
    }
    return false;
  };
  let kib = 0;
  let processes = 0;
  for (const pid of parent.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const m = /^Pss:\s+(\d+) kB/m.exec(rollup);
      if (m) {
        kib += Number(m[1]);
        processes++;
      }
    } catch {
      /* exited or not readable */
    }
  }
  return { pssMiB: Math.round(kib / 1024), processes };
}
