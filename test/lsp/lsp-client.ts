// Test helper: spawns `node dist/server.js --stdio` and talks to it over a real LSP connection
// (vscode-languageserver-protocol's client side). Builds dist/server.js first when it is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const ROOT = resolve(__dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');
/** The server's hover-math worker, built beside it. */
export const MATH_WORKER = join(ROOT, 'dist', 'math-worker.js');

export function ensureBuilt(): void {
  if (existsSync(SERVER) && existsSync(MATH_WORKER)) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(SERVER)) throw new Error('building dist/server.js failed (node esbuild.mjs)');
}

export function uriOf(name: string): string {
  return pathToFileURL(join(ROOT, 'test', 'fixtures', 'detect', name)).toString();
}

export interface LspSession {
  child: ChildProcess;
  conn: ProtocolConnection;
  /** Latest diagnostics per uri. */
  diagnostics: Map<string, PublishDiagnosticsParams>;
  /** Resolves with the next publishDiagnostics for `uri` satisfying `pred`. */
  waitDiagnostics(uri: string, pred?: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, languageId: string, text: string, version?: number): Promise<void>;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void>;
  /** Latest reasonflux/documentStatus notification per uri. */
  statuses: Map<string, Record<string, unknown>>;
  /** Resolves with the next reasonflux/documentStatus for `uri` satisfying `pred`. */
  waitStatus(uri: string, pred?: (s: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stderr(): string;
  close(): Promise<number | null>;
}

export interface StartOptions {
  initializationOptions?: unknown;
  capabilities?: ClientCapabilities;
  /** Answer for workspace/configuration (when the client advertises the capability). */
  configuration?: unknown;
  /** Node options for the server process, e.g. ['--expose-gc'] for the memory benchmark. */
  execArgv?: string[];
}

export async function startSession(opts: StartOptions = {}): Promise<LspSession> {
  ensureBuilt();
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.uri === p.uri && w.pred(p.diagnostics, p)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map(() => opts.configuration ?? null),
  );
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  const statuses = new Map<string, Record<string, unknown>>();
  const statusWaiters: { uri: string; pred: (s: Record<string, unknown>) => boolean; resolve: (s: Record<string, unknown>) => void }[] = [];
  conn.onNotification('reasonflux/documentStatus', (st: Record<string, unknown>) => {
    const uri = String(st.uri);
    statuses.set(uri, st);
    for (let i = statusWaiters.length - 1; i >= 0; i--) {
      const w = statusWaiters[i]!;
      if (w.uri === uri && w.pred(st)) {
        statusWaiters.splice(i, 1);
        w.resolve(st);
      }
    }
  });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(ROOT).toString(),
    capabilities: opts.capabilities ?? {},
    initializationOptions: opts.initializationOptions,
    workspaceFolders: null,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const session: LspSession = {
    child,
    conn,
    diagnostics,
    waitDiagnostics(uri, pred = () => true, timeoutMs = 15000) {
      return new Promise((resolveP, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({
          uri,
          pred,
          resolve: (p) => {
            clearTimeout(timer);
            resolveP(p);
          },
        });
      });
    },
    async open(uri, languageId, text, version = 1) {
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    },
    async change(uri, version, changes) {
      await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    statuses,
    waitStatus(uri, pred = () => true, timeoutMs = 15000) {
      const now = statuses.get(uri);
      if (now && pred(now)) return Promise.resolve(now);
      return new Promise((resolveP, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching document status for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        statusWaiters.push({
          uri,
          pred,
          resolve: (st) => {
            clearTimeout(timer);
            resolveP(st);
          },
        });
      });
    },
    stderr: () => err,
    async close() {
      try {
        await Promise.race([conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
        await conn.sendNotification(ExitNotification.type);
      } catch {
        /* the server may already be gone */
      }
      const code = await new Promise<number | null>((r) => {
        if (child.exitCode !== null) return r(child.exitCode);
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(null);
        }, 3000);
        child.once('exit', (c) => {
          clearTimeout(t);
          r(c);
        });
      });
      conn.dispose();
      return code;
    },
  };
  return session;
}
