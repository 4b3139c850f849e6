// Entry point (dist/extension.js). activate() stays small: output channel, language client,
// the editor features (features.ts), configuration watching. Nothing runs at import time.
import * as vscode from 'vscode';
import { LanguageClientController, type ClientState } from './client.js';
import { affects } from './config.js';
import { registerFeatures } from './features.js';
import { createOutput, describeError } from './log.js';
import { registerClientTestHooks } from './testHooks.js';

declare const __REASONFLUX_TEST_HOOKS__: boolean;

/** What activate() returns (vscode.extensions.getExtension(...).exports); used by the host tests. */
export interface ReasonFluxApi {
  /** State of the language client: 'running' once the server answered `initialize`. */
  readonly languageClientState: ClientState;
}

let controller: LanguageClientController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ReasonFluxApi> {
  const output = createOutput();
  context.subscriptions.push(output);
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '?');
  output.info(`ReasonFlux Tutor ${version} activating in ${vscode.env.appName} ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);

  const lsp = new LanguageClientController(context, output);
  controller = lsp;
  context.subscriptions.push(lsp);
  if (__REASONFLUX_TEST_HOOKS__) context.subscriptions.push(...registerClientTestHooks(lsp));
  // The server starts while the commands are registered: a command that triggered the activation runs
  // as soon as it is registered, without waiting for the language server.
  const starting = lsp.start();

  try {
    registerFeatures({ context, output, client: () => lsp.running });
  } catch (err) {
    // A broken feature must not take the language server (detection, hovers) down with it.
    output.error(`registering the editor features failed: ${describeError(err)}`);
    void vscode.window.showErrorMessage(`ReasonFlux: some commands could not be registered: ${describeError(err)}`);
  }

  await starting;

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'detection.languages')) void lsp.restartForLanguages();
    }),
  );
  output.info('activated');
  return {
    get languageClientState() {
      return lsp.state;
    },
  };
}

export async function deactivate(): Promise<void> {
  const lsp = controller;
  controller = undefined;
  await lsp?.stop();
}
