// Helpers for suites that run inside the real extension host (test/integration/**, including the
// editor suites under test/integration/editor/). Import with a relative path; `vscode` is provided
// by the host.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'reasonflux-tutor.reasonflux-tutor';

/** The fixtures workspace the suite is opened on (test/integration/fixtures/workspace). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration suite must be opened on test/integration/fixtures/workspace');
  return folder.uri;
}

export function fixtureUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this host`);
  return ext;
}

/** The extension's package.json as loaded by the host. */
export function manifest(): {
  contributes: { commands: Array<{ command: string; title: string; category?: string }>; configuration: { properties: Record<string, unknown> } };
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  activationEvents?: string[];
} {
  return extension().packageJSON;
}

export async function activate(): Promise<unknown> {
  const ext = extension();
  return ext.isActive ? ext.exports : await ext.activate();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value that `done` accepts, or fails after `timeoutMs` with
 * `what` and the last value seen. Not a timing assertion: the limit only bounds a hang.
 */
export async function waitFor<T>(what: string, probe: () => T | PromiseLike<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; last value: ${safeJson(last)}`);
    }
    await sleep(200);
  }
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s && s.length > 800 ? `${s.slice(0, 800)}…` : String(s);
  } catch {
    return String(v);
  }
}

/** Opens a fixture in an editor (which also activates the extension through onLanguage). */
export async function openFixture(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Diagnostics on `uri` once at least `min` are present. */
export async function diagnosticsOf(uri: vscode.Uri, min = 1, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`≥${min} diagnostics on ${path.basename(uri.path)}`, () => vscode.languages.getDiagnostics(uri), (d) => d.length >= min, timeoutMs);
}

/** Text of a hover's contents, whatever their form. */
export function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

/** Restores a reasonflux.* workspace setting after a test changed it. */
export async function withSetting<T>(key: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  const cfg = vscode.workspace.getConfiguration('reasonflux');
  const before = cfg.inspect(key)?.workspaceValue;
  await cfg.update(key, value, vscode.ConfigurationTarget.Workspace);
  try {
    return await fn();
  } finally {
    await vscode.workspace.getConfiguration('reasonflux').update(key, before, vscode.ConfigurationTarget.Workspace);
  }
}
