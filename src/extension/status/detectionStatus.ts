// Status bar item for the active editor's document when the language server could not list or examine
// all of it: more problems than are published as diagnostics, or a file longer than the server examines.
// Fed by the server's reasonflux/documentStatus notification (src/server/protocol.ts).
import * as vscode from 'vscode';
import type { DocumentStatus } from '../../server/protocol.js';

const count = (n: number): string => n.toLocaleString('en-US');

/** Text and tooltip for a document's status, or undefined when everything was examined and listed. */
export function describeDetection(st: DocumentStatus): { text: string; tooltip: string } | undefined {
  const texts: string[] = [];
  const tips: string[] = [];
  if (st.capped) {
    texts.push(vscode.l10n.t('{0} of {1} problems listed', count(st.listed), count(st.problems)));
    tips.push(
      vscode.l10n.t(
        'Only the first {0} problems are in the Problems panel; hover, code lenses, code actions and the outline work on all {1}.',
        count(st.listed),
        count(st.problems),
      ),
    );
  }
  if (st.truncated) {
    texts.push(vscode.l10n.t('first {0} of {1} characters examined', count(st.examinedChars), count(st.totalChars)));
    tips.push(
      vscode.l10n.t(
        'The file is longer than the problem detector examines: problems after line {0} are not found. Split the file to have them found.',
        count(st.examinedLines ?? 0),
      ),
    );
  }
  if (texts.length === 0) return undefined;
  return { text: `$(warning) ReasonFlux: ${texts.join(' · ')}`, tooltip: tips.join('\n') };
}

export class DetectionStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly byUri = new Map<string, DocumentStatus>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private shown: { text: string; tooltip: string; uri: string } | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('reasonflux.detectionStatus', vscode.StatusBarAlignment.Left, 49);
    this.item.name = vscode.l10n.t('ReasonFlux problem detection');
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.byUri.delete(d.uri.toString())) this.render();
      }),
    );
  }

  /** What the item shows, while it is shown (for the host suites' test hook). */
  get current(): { text: string; tooltip: string; uri: string } | undefined {
    return this.shown;
  }

  get(uri: string): DocumentStatus | undefined {
    return this.byUri.get(vscode.Uri.parse(uri).toString());
  }

  /** A status from the server (already validated). */
  set(st: DocumentStatus): void {
    const key = vscode.Uri.parse(st.uri).toString();
    if (describeDetection(st)) this.byUri.set(key, st);
    else this.byUri.delete(key);
    this.render();
  }

  /** The server stopped: nothing it said holds any more. */
  clear(): void {
    this.byUri.clear();
    this.render();
  }

  private render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const st = doc ? this.byUri.get(doc.uri.toString()) : undefined;
    const d = st ? describeDetection(st) : undefined;
    if (!d || !doc) {
      this.shown = undefined;
      this.item.hide();
      return;
    }
    this.item.text = d.text;
    this.item.tooltip = d.tooltip;
    this.item.show();
    this.shown = { ...d, uri: doc.uri.toString() };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
