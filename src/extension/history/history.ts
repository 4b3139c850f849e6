// Recent runs, kept in globalState (small: the last MAX_ENTRIES panel states), reopenable in the panel.
import type * as vscode from 'vscode';
import { isPanelState } from '../../webview/protocol.js';
import type { PanelState } from '../../webview/state.js';
import { redactSecrets } from '../../core/llm/redact.js';

const KEY = 'reasonflux.history.v1';
export const MAX_ENTRIES = 30;
/** Entries bigger than this (serialised) are trimmed to their problem, plan and final answer. */
const MAX_ENTRY_CHARS = 200_000;

export interface HistoryEntry {
  id: string;
  at: number;
  /** Document the problem came from, when any. */
  uri?: string;
  state: PanelState;
}

/** The state as it may be stored: error texts (which quote servers) without credentials. */
export function redactState(state: PanelState): PanelState {
  const partial = state.steps.some((s) => s.partial);
  if (!state.error && !partial) return state;
  return {
    ...state,
    ...(state.error ? { error: { ...state.error, message: redactSecrets(state.error.message) } } : {}),
    ...(partial ? { steps: state.steps.map((s) => (s.partial ? { ...s, partial: redactSecrets(s.partial) } : s)) } : {}),
  };
}

export class SolveHistory {
  constructor(private readonly memento: vscode.Memento) {}

  list(): HistoryEntry[] {
    const raw = this.memento.get<unknown>(KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (e): e is HistoryEntry =>
        typeof e === 'object' && e !== null && typeof (e as HistoryEntry).id === 'string' && typeof (e as HistoryEntry).at === 'number' && isPanelState((e as HistoryEntry).state),
    );
  }

  async add(state: PanelState, uri?: string): Promise<void> {
    if (!state.problem.trim()) return;
    let kept = state;
    if (JSON.stringify(state).length > MAX_ENTRY_CHARS) {
      kept = { ...state, steps: state.steps.map((s) => ({ ...s, text: s.text.slice(0, 4000) })), analysis: state.analysis.slice(0, 4000) };
    }
    kept = redactState(kept);
    const entry: HistoryEntry = { id: state.runId ?? String(Date.now()), at: Date.now(), ...(uri ? { uri } : {}), state: kept };
    const list = [entry, ...this.list().filter((e) => e.id !== entry.id)].slice(0, MAX_ENTRIES);
    await this.memento.update(KEY, list);
  }

  async clear(): Promise<void> {
    await this.memento.update(KEY, []);
  }
}
