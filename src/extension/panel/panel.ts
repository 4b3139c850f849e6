// Hosts the trajectory panel: one webview panel, restored after reload by a WebviewPanelSerializer.
// The extension keeps the authoritative PanelState (same reducer as the webview); the webview gets a
// full `reset` whenever it (re)loads and incremental `event`s while it is visible.
import * as vscode from 'vscode';
import { logTiming } from '../timing.js';
import { redactSecrets } from '../../core/llm/redact.js';
import { redactEvent, type SolveEvent } from '../../core/reasoning/events.js';
import type { FromWebview, ToWebview } from '../../webview/protocol.js';
import { isPanelState, parseFromWebview } from '../../webview/protocol.js';
import type { CheckView, PanelState } from '../../webview/state.js';
import { emptyState, reduce } from '../../webview/state.js';
import { uiStrings } from '../l10n/strings.js';
import { panelHtml } from './html.js';

export const PANEL_VIEW_TYPE = 'reasonflux.panel';

export type RenderReport = Omit<Extract<FromWebview, { type: 'rendered' }>, 'type'>;

export class TrajectoryPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private disposables: vscode.Disposable[] = [];
  private _state: PanelState = emptyState();
  private _canInsert = false;
  /** Template statistics lines by id (the cards show them). */
  private _usage: Record<string, string> = {};
  /** Messages from the webview that failed validation (for tests and the log). */
  rejectedMessages = 0;
  /** The webview's last report of what it rendered. */
  lastRender: RenderReport | undefined;
  /** Time from creating the panel to the webview's first `ready`, when measured. */
  lastOpenMs: number | undefined;
  private openedAt = 0;
  private readonly readyListeners: Array<() => void> = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly onMessage: (msg: FromWebview) => void | Promise<void>,
  ) {}

  get state(): PanelState {
    return this._state;
  }
  get visible(): boolean {
    return !!this.panel?.visible;
  }
  get isOpen(): boolean {
    return !!this.panel;
  }
  get isReady(): boolean {
    return this.ready;
  }

  /** Resolves once the webview has loaded and asked for its state. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyListeners.push(resolve));
  }

  /** Opens (or reveals) the panel beside the editor. */
  show(preserveFocus = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      vscode.l10n.t('ReasonFlux'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      this.webviewOptions(),
    );
    logTiming(this.output, 'panel created');
    this.attach(panel);
  }

  /**
   * Takes over a panel restored by VS Code after a reload. `latest` (the newest history entry) wins over
   * the webview's saved state when it is newer: the workbench may have persisted that state before the
   * last run finished.
   */
  restore(panel: vscode.WebviewPanel, saved: unknown, latest?: PanelState): void {
    const fromWebview = (saved as { panel?: unknown } | undefined)?.panel;
    let s: PanelState | undefined = isPanelState(fromWebview) ? fromWebview : undefined;
    const savedMidRun = !!s && (s.status === 'running' || s.status === 'paused');
    if (latest && (!s || (latest.startedAt ?? 0) > (s.startedAt ?? 0) || (latest.runId === s.runId && savedMidRun))) s = latest;
    if (s) {
      this._state = s.status === 'running' || s.status === 'paused' ? { ...s, status: 'cancelled', phase: 'done' } : s;
    }
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const ext = this.context.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.openedAt = Date.now();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    const webview = panel.webview;
    const ext = this.context.extensionUri;
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: uri('dist', 'webview.js'),
      katexCssUri: uri('media', 'katex', 'katex.min.css'),
      panelCssUri: uri('media', 'panel.css'),
      lang: vscode.env.language,
      title: 'ReasonFlux',
      // The current state rides along in the HTML: the problem shows as soon as the script has run.
      ...(this._state.problem ? { initial: this.resetMessage() } : {}),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview without retained context reloads when shown again and sends `ready`.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        for (const d of this.disposables.splice(0)) d.dispose();
      }),
    );
  }

  private receive(raw: unknown): void {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.rejectedMessages++;
      this.output.warn('panel: ignored a message that does not match the protocol');
      return;
    }
    if (msg.type === 'rendered') {
      const { type: _t, ...report } = msg;
      this.lastRender = report;
      return;
    }
    if (msg.type === 'ready') {
      if (this.lastOpenMs === undefined || !this.ready) this.lastOpenMs = Date.now() - this.openedAt;
      this.ready = true;
      logTiming(this.output, `panel webview ready (${Date.now() - this.openedAt} ms after the webview html was set)`);
      this.postReset();
      logTiming(this.output, `panel state posted (problem ${this._state.problem ? 'included' : 'empty'})`);
      for (const l of this.readyListeners.splice(0)) l();
    }
    try {
      void Promise.resolve(this.onMessage(msg)).catch((err: unknown) => this.output.error(`panel action ${msg.type}: ${redactSecrets(String(err))}`));
    } catch (err) {
      this.output.error(`panel action ${msg.type}: ${redactSecrets(String(err))}`);
    }
  }

  private post(message: ToWebview): void {
    if (!this.panel || !this.ready) return; // the webview gets a full reset when it (re)loads
    void this.panel.webview.postMessage(message);
  }

  private resetMessage(): ToWebview {
    return { type: 'reset', state: this._state, strings: uiStrings(), canInsert: this._canInsert, usage: this._usage };
  }

  private postReset(): void {
    this.post(this.resetMessage());
  }

  /** Replaces the whole state (new run, history entry, hint pause …). */
  reset(state: PanelState, canInsert = this._canInsert): void {
    this._state = state;
    this._canInsert = canInsert;
    this.postReset();
  }

  /** Applies a change to the state and sends it whole. */
  update(change: (s: PanelState) => PanelState): void {
    this.reset(change({ ...this._state }));
  }

  event(runId: string, raw: SolveEvent): void {
    // Error messages quote servers (which may echo the key): redacted before the state or the webview see them.
    const event = redactEvent(raw);
    this._state = reduce(this._state, event);
    this.post({ type: 'event', runId, event });
  }

  /** What the template cards say about the user's use of each template (merged into what it had). */
  get usage(): Readonly<Record<string, string>> {
    return this._usage;
  }
  setUsage(lines: Record<string, string>): void {
    this._usage = { ...this._usage, ...lines };
    this.post({ type: 'usage', lines });
  }

  check(result: CheckView): void {
    this._state = { ...this._state, check: result };
    this.post({ type: 'check', result });
  }

  notice(level: 'info' | 'error', text: string): void {
    this.post({ type: 'notice', level, text: redactSecrets(text) });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
