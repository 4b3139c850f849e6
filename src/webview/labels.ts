// What the panel's status chip says, per mode: a solve plans, works step by step and ends solved or
// without an answer; an explanation streams and ends "Explained" (it never has an answer, so it is not a
// failure); hints pause after each step and end "All hints shown" while the solution stays hidden.
// Pure (no DOM, no vscode): shared by the webview and unit tests.
import type { UiStrings } from './protocol.js';
import type { PanelState } from './state.js';

/** The chip's text and a class suffix (`status-<tone>`) for its colour. */
export interface StatusLabel {
  text: string;
  tone: 'running' | 'paused' | 'solved' | 'explained' | 'no-answer' | 'cancelled' | 'failed' | 'idle';
}

export function statusLabel(state: PanelState, s: UiStrings): StatusLabel {
  const planned = state.plan?.steps.length ?? state.steps.length;
  if (state.status === 'running') {
    if (state.mode === 'explain') return { text: s.explaining, tone: 'running' };
    if (state.phase === 'planning') return { text: state.mode === 'hint' ? s.preparingHints : s.planning, tone: 'running' };
    if (state.phase === 'checking') return { text: s.checking, tone: 'running' };
    const current = state.steps.findIndex((x) => x.started && !x.done);
    const i = current >= 0 ? current + 1 : state.steps.filter((x) => x.done).length;
    return { text: `${state.mode === 'hint' ? s.hint : s.step} ${i} / ${Math.max(planned, i)}`, tone: 'running' };
  }
  if (state.status === 'paused') return { text: `${s.hint} ${state.hintsRevealed} / ${Math.max(planned, state.hintsRevealed)}`, tone: 'paused' };
  if (state.mode === 'explain' && (state.status === 'no-answer' || state.status === 'solved')) return { text: s.explained, tone: 'explained' };
  if (state.mode === 'hint' && !state.solutionRevealed && (state.status === 'no-answer' || state.status === 'solved')) {
    return { text: s.allHints, tone: 'explained' };
  }
  const map: Record<string, string> = { idle: s.idle, solved: s.solved, 'no-answer': s.noAnswer, cancelled: s.cancelled, failed: s.failed };
  return { text: map[state.status] ?? state.status, tone: state.status as StatusLabel['tone'] };
}

/** Whether the "Final answer" box is shown: never for an explanation (its text is the analysis above). */
export function showsFinal(state: PanelState): boolean {
  if (!state.final) return false;
  if (state.mode === 'explain') return false;
  return state.mode !== 'hint' || state.solutionRevealed;
}
