// The extension's output channel and the rules for what may be written to it: never API keys,
// never whole prompts or documents (only their size), errors as one line.
import * as vscode from 'vscode';
import { redactSecrets } from '../core/llm/redact.js';

export const OUTPUT_CHANNEL_NAME = 'ReasonFlux';

/** Creates the extension's log output channel (View → Output → ReasonFlux). Call from activate(). */
export function createOutput(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

/** Removes anything that looks like a credential (and every key in use) from text destined for a log. */
export const redact = (text: string): string => redactSecrets(text);

/** A safe one-line description of an error: message only (no stack), redacted, bounded. */
export function describeError(err: unknown): string {
  let msg: string;
  if (err instanceof Error) msg = err.message || err.name;
  else if (typeof err === 'string') msg = err;
  else {
    try {
      msg = JSON.stringify(err) ?? String(err);
    } catch {
      msg = String(err);
    }
  }
  const oneLine = redact(msg).replace(/\s+/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 500)}…` : oneLine;
}

/** What may be logged about a prompt, a problem statement or a document: its size, never its text. */
export function describeText(text: string): string {
  const lines = text.length === 0 ? 0 : text.split('\n').length;
  return `${text.length} chars, ${lines} line${lines === 1 ? '' : 's'}`;
}
