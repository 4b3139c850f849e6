// For the host tests (src/extension/testHooks.ts): a ChatResponseStream that records what the handler streams (the host tests drive the real
// handler through reasonflux.test.chat, since a host without a chat view cannot give them a real stream).
import * as vscode from 'vscode';

export type RecordedPart =
  | { kind: 'markdown'; value: string }
  | { kind: 'anchor'; uri: string; title?: string }
  | { kind: 'button'; command: string; title: string; arguments?: unknown[] }
  | { kind: 'progress'; value: string }
  | { kind: 'reference'; uri: string };

export function recordingStream(parts: RecordedPart[]): vscode.ChatResponseStream {
  const uriOf = (v: vscode.Uri | vscode.Location) => (v instanceof vscode.Location ? v.uri : v).toString();
  return {
    markdown: (v) => parts.push({ kind: 'markdown', value: typeof v === 'string' ? v : v.value }),
    anchor: (v, title) => parts.push({ kind: 'anchor', uri: uriOf(v), ...(title ? { title } : {}) }),
    button: (c) => parts.push({ kind: 'button', command: c.command, title: c.title, ...(c.arguments ? { arguments: c.arguments } : {}) }),
    progress: (v) => parts.push({ kind: 'progress', value: v }),
    reference: (v) => parts.push({ kind: 'reference', uri: uriOf(v as vscode.Uri | vscode.Location) }),
    filetree: () => undefined,
    push: () => undefined,
  };
}
