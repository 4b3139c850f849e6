// The panel's view model and the pure reducer that folds orchestrator events into it. Shared by the
// webview (which renders it) and the extension (which keeps a copy for history, the serializer and tests),
// so both sides always agree on what the panel shows. No DOM, no vscode.
import type { Plan, PlanSource, RetrievedTemplateSummary, SolveEvent, SolveMode, SolveStats } from '../core/reasoning/events.js';

/** Longest text kept per step / analysis / final (model output beyond this is cut with a note). */
export const MAX_TEXT = 200_000;
/** Most steps shown (a runaway plan cannot grow the panel without bound). */
export const MAX_STEPS = 64;

export type RunStatus = 'idle' | 'running' | 'paused' | 'solved' | 'no-answer' | 'cancelled' | 'failed';
export type Phase = 'idle' | 'planning' | 'step' | 'checking' | 'done';

export interface EvaluationView {
  verdict: 'accept' | 'revise' | 'replan' | 'finish';
  feedback: string;
  progress?: number;
}

export interface AdjustmentView {
  kind: 'revise' | 'replan';
  reason: string;
}

export interface StepView {
  index: number;
  goal: string;
  method?: string;
  query?: string;
  templates: RetrievedTemplateSummary[];
  chosen?: string;
  why?: string;
  /** The instantiated work, streamed. */
  text: string;
  started: boolean;
  done: boolean;
  attempt: number;
  /** Set when the step's reply was cut off: why. `text` is then the partial reply, not finished work. */
  partial?: string;
  evaluations: EvaluationView[];
  adjustments: AdjustmentView[];
}

export interface CheckView {
  verdict: 'right' | 'not-yet' | 'unknown';
  message: string;
}

export interface PanelState {
  version: 1;
  runId?: string;
  mode: SolveMode;
  problem: string;
  /** ISO 639-1 language of the problem, when known. */
  language?: string;
  status: RunStatus;
  phase: Phase;
  navigator?: string;
  solver?: string;
  plan?: Plan;
  planSource?: PlanSource;
  /** Number of plans received (1 = the first plan; more = re-plans). */
  planRounds: number;
  /** Streamed analysis (explain mode). */
  analysis: string;
  steps: StepView[];
  final?: { answer: string | null; text: string };
  stats?: SolveStats;
  error?: { message: string; kind: string };
  /** Hint mode: the steps the student has opened so far. */
  hintsRevealed: number;
  /** Hint mode / check: whether the final solution may be shown. */
  solutionRevealed: boolean;
  check?: CheckView;
  /** The user's grade of this run (against a reference answer, or by hand). */
  graded?: { correct: boolean; reference?: string };
  /** KaTeX macros taken from the problem's document. */
  macros: Record<string, string>;
  /** Wall-clock start, for the elapsed time shown while running. */
  startedAt?: number;
}

export function emptyState(partial: Partial<PanelState> = {}): PanelState {
  return {
    version: 1,
    mode: 'solve',
    problem: '',
    status: 'idle',
    phase: 'idle',
    planRounds: 0,
    analysis: '',
    steps: [],
    hintsRevealed: 0,
    solutionRevealed: false,
    macros: {},
    ...partial,
  };
}

function cap(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + '\n\n… (cut: output too long)' : text;
}

function ensureStep(steps: StepView[], index: number, goal = ''): StepView | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_STEPS) return undefined;
  while (steps.length <= index) {
    steps.push({
      index: steps.length,
      goal: '',
      templates: [],
      text: '',
      started: false,
      done: false,
      attempt: 0,
      evaluations: [],
      adjustments: [],
    });
  }
  const s = steps[index]!;
  if (goal && !s.goal) s.goal = goal;
  return s;
}

function applyPlan(state: PanelState, plan: Plan): void {
  const steps = state.steps;
  plan.steps.slice(0, MAX_STEPS).forEach((p, i) => {
    const s = ensureStep(steps, i)!;
    if (!s.started || !s.done) {
      s.goal = p.goal;
      s.method = p.method;
      s.query = p.query;
    }
  });
  // A re-plan that shortens the trajectory drops the steps that had not begun.
  for (let i = steps.length - 1; i >= plan.steps.length; i--) {
    if (!steps[i]!.started) steps.pop();
    else break;
  }
}

/** Folds one event into the state (returns a new top-level object; nested objects are updated in place). */
export function reduce(prev: PanelState, event: SolveEvent): PanelState {
  const state: PanelState = { ...prev, steps: prev.steps };
  switch (event.type) {
    case 'start':
      return emptyState({
        runId: event.runId,
        mode: event.mode,
        problem: prev.problem || event.problem,
        language: prev.language,
        macros: prev.macros,
        status: 'running',
        phase: 'planning',
        navigator: event.navigator,
        solver: event.solver,
        startedAt: prev.startedAt ?? Date.now(),
      });
    case 'plan':
      state.plan = event.plan;
      state.planSource = event.source;
      state.planRounds = prev.planRounds + 1;
      if (!state.analysis && event.plan.analysis) state.analysis = cap(event.plan.analysis);
      applyPlan(state, event.plan);
      if (state.planRounds > 1) {
        const at = state.steps.findIndex((s) => !s.done);
        const target = state.steps[at >= 0 ? at : state.steps.length - 1];
        target?.adjustments.push({ kind: 'replan', reason: event.note ?? '' });
      }
      return state;
    case 'retrieval': {
      const s = ensureStep(state.steps, event.stepIndex);
      if (s) {
        s.query = event.query;
        s.templates = event.templates.slice(0, 8);
        s.chosen = event.chosen;
        s.why = event.why;
      }
      return state;
    }
    case 'step-start': {
      const s = ensureStep(state.steps, event.stepIndex, event.goal);
      if (s) {
        s.goal = event.goal || s.goal;
        if (event.templateId) s.chosen = event.templateId;
        s.started = true;
        s.done = false;
        s.text = '';
        delete s.partial;
        s.attempt = event.attempt;
      }
      state.phase = 'step';
      return state;
    }
    case 'step-partial': {
      const s = ensureStep(state.steps, event.stepIndex);
      if (s) {
        s.text = cap(event.text);
        s.partial = event.reason;
        s.done = false;
      }
      return state;
    }
    case 'step-delta': {
      const s = ensureStep(state.steps, event.stepIndex);
      if (s && s.text.length < MAX_TEXT) s.text = cap(s.text + event.text);
      state.phase = 'step';
      return state;
    }
    case 'step-done': {
      const s = ensureStep(state.steps, event.stepIndex);
      if (s) {
        s.text = cap(event.text);
        s.started = true;
        s.done = true;
        s.attempt = event.attempt;
      }
      state.phase = 'checking';
      if (state.mode === 'hint') state.hintsRevealed = Math.max(state.hintsRevealed, event.stepIndex + 1);
      return state;
    }
    case 'evaluation': {
      const s = ensureStep(state.steps, event.stepIndex);
      s?.evaluations.push({ verdict: event.verdict, feedback: event.feedback, progress: event.progress });
      return state;
    }
    case 'adjustment': {
      const s = ensureStep(state.steps, event.stepIndex);
      if (s && event.kind === 'revise') s.adjustments.push({ kind: 'revise', reason: event.reason });
      if (event.plan) {
        state.plan = event.plan;
        applyPlan(state, event.plan);
        if (s) s.adjustments.push({ kind: 'replan', reason: event.reason });
      }
      return state;
    }
    case 'analysis-delta':
      if (state.analysis.length < MAX_TEXT) state.analysis = cap(state.analysis + event.text);
      return state;
    case 'final':
      state.final = { answer: event.answer, text: cap(event.text) };
      return state;
    case 'usage':
      return state;
    case 'error':
      if (event.fatal || !state.error) state.error = { message: event.message, kind: event.kind };
      return state;
    case 'done':
      state.status = event.status;
      state.stats = event.stats;
      state.phase = 'done';
      return state;
    default:
      return state;
  }
}

/** The trajectory as Markdown (Copy as Markdown; the source of the LaTeX conversion). */
export function stateToMarkdown(state: PanelState, opts: { includeProblem?: boolean } = {}): string {
  const parts: string[] = [];
  if (opts.includeProblem && state.problem) parts.push(`**Problem.** ${state.problem}`);
  if (state.mode === 'explain' && state.analysis) parts.push(state.analysis);
  for (const s of state.steps) {
    if (!s.text.trim()) continue;
    const cut = s.partial ? '\n\n*(The reply was cut off here: this step is incomplete.)*' : '';
    parts.push(`**Step ${s.index + 1}${s.goal ? `: ${s.goal.trim()}` : ''}**\n\n${s.text.trim()}${cut}`);
  }
  const final = state.final;
  const boxedShown = state.steps.some((s) => /\\boxed\{/.test(s.text));
  if (final?.answer && !boxedShown) parts.push(`**Answer.** $\\boxed{${final.answer}}$`);
  else if (final?.text.trim() && !state.steps.some((s) => s.text.trim())) parts.push(final.text.trim());
  return parts.join('\n\n') + '\n';
}
