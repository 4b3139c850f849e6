// Seam between the thin activate() (src/extension/extension.ts) and the editor features
// (commands, panel, hover, insertion). The owner of the editor features replaces this body.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface FeatureDeps {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  /** The running language client, or undefined when it failed to start. */
  client: LanguageClient | undefined;
}

/** Registers commands, the panel serializer, hover and insertion; everything goes to context.subscriptions. */
export function registerFeatures(_deps: FeatureDeps): void {}
