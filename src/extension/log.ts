// The extension's output channel and the rules for what may be written to it: never API keys,
// never whole prompts or documents (only their size), errors as one line.
import * as vscode from 'vscode';

export const OUTPUT_CHANNEL_NAME = 'ReasonFlux';

/** Creates the extension's log output channel (View → Output → ReasonFlux). Call from activate(). */
export function createOutput(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

// Secrets that may end up in error messages from HTTP clients or user-typed URLs.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // OpenAI-style and similar provider keys (sk-…, sk-proj-…, rk-…, gsk_…, hf_…).
  [/\b(?:sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, '<redacted-key>'],
  [/\b(?:gsk|hf|xai|ghp|gho|glpat)[_-][A-Za-z0-9_-]{8,}/g, '<redacted-key>'],
  // Authorization headers.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 <redacted>'],
  // key=… / api_key: … / "apiKey": "…" in query strings or JSON.
  [/\b(api[_-]?key|apikey|access[_-]?token|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi, '$1$2<redacted>'],
  // user:password@ in URLs.
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1<redacted>@'],
];

/** Removes anything that looks like a credential from text destined for a log. */
export function redact(text: string): string {
  let out = text;
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

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
