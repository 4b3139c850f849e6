// Timestamps for the panel's hot path (command → panel → webview ready → state posted), written to the
// ReasonFlux log with the extension host's own clock in the text: the log's line timestamps are taken
// when the host flushes the channel, which can lag by seconds right after activation.
import type * as vscode from 'vscode';

export function logTiming(output: vscode.LogOutputChannel, what: string): void {
  output.info(`timing: ${what} @${new Date().toISOString()}`);
}
