// Status bar item: progress of the current run (planning, step i of n, checking); opens the panel.
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/state.js';

export class SolveStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('reasonflux.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'ReasonFlux';
    this.item.command = 'reasonflux.showPanel';
  }

  /** Text for a state; exported logic kept here so the panel and the status bar agree. */
  static describe(s: PanelState): string | undefined {
    if (s.status === 'running') {
      if (s.mode === 'explain') return vscode.l10n.t('ReasonFlux: explaining');
      if (s.phase === 'planning') return vscode.l10n.t('ReasonFlux: planning');
      if (s.phase === 'checking') return vscode.l10n.t('ReasonFlux: checking');
      const active = s.steps.findIndex((x) => x.started && !x.done);
      const i = active >= 0 ? active + 1 : Math.max(1, s.steps.filter((x) => x.done).length);
      return vscode.l10n.t('ReasonFlux: step {0} of {1}', i, Math.max(i, s.plan?.steps.length ?? s.steps.length));
    }
    if (s.status === 'paused') return vscode.l10n.t('ReasonFlux: hint {0} of {1}', s.hintsRevealed, s.plan?.steps.length ?? 0);
    return undefined;
  }

  private shown: string | undefined;

  /** The item's text while it is shown, else undefined (for the test-only state command). */
  get text(): string | undefined {
    return this.shown;
  }

  update(s: PanelState): void {
    const text = SolveStatusBar.describe(s);
    if (!text) {
      this.shown = undefined;
      this.item.hide();
      return;
    }
    this.item.text = `${s.status === 'running' ? '$(loading~spin)' : '$(lightbulb)'} ${text}`;
    this.item.tooltip = vscode.l10n.t('Show the ReasonFlux panel');
    this.item.show();
    this.shown = this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
