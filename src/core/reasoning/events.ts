// Typed events emitted by the orchestrator. The CLI (--json prints one per line), the webview panel,
// the eval harness and the status bar all consume these; keep them JSON-serialisable.
import type { LlmErrorKind } from '../llm/types.js';
import type { DifficultyEstimate } from './difficulty.js';
import { redactSecrets } from '../llm/redact.js';

export interface PlanStep {
  /** What this step must achieve, in abstract terms. */
  goal: string;
  /** The method / template the navigator intends (a name, or a template id from the library). */
  method: string;
  /** Query used to retrieve templates for this step. */
  query: string;
}

export interface Plan {
  /** The navigator's analysis of the problem: what is asked, what is given. */
  analysis: string;
  /**
   * Complexity on the library's difficulty scale (1-10) that the engine uses for budgets: after the
   * engine's assessment, the navigator's number combined with the engine's own estimate (`difficulty`).
   */
  complexity: number;
  /** What the navigator said (null: it gave no number); absent on plans not parsed from a reply. */
  navigatorComplexity?: number | null;
  /** The engine's assessment behind `complexity` (set by the orchestrator). */
  difficulty?: DifficultyEstimate;
  steps: PlanStep[];
  /** Steps the navigator planned beyond the most a plan may have (MAX_PLAN_STEPS): not carried out. */
  droppedSteps?: number;
}

export type PlanSource = 'navigator' | 'repaired' | 'fallback';

export interface RetrievedTemplateSummary {
  id: string;
  name: string;
  chapter: string;
  section: string;
  score: number;
  matchedFields: string[];
  /** A general (catch-all) template, ranked below specific matches: show it as a fallback. */
  general?: boolean;
  /** Scores far below the best match (core/templates/display.ts): the solver sees it, the panel does not list it. */
  distant?: boolean;
}

export type ModelRole = 'navigator' | 'solver';

export interface SolveStats {
  calls: number;
  navigatorCalls: number;
  solverCalls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Wall time of the whole run. */
  ms: number;
  /** Time spent waiting on models. */
  modelMs: number;
  /** Evaluate-and-adjust rounds used. */
  rounds: number;
  /** Round budget granted from the complexity estimate. */
  roundBudget: number;
  templatesUsed: string[];
}

export type SolveEvent =
  | { type: 'start'; runId: string; problem: string; mode: SolveMode; navigator: string; solver: string }
  | { type: 'plan'; plan: Plan; source: PlanSource; round: number; note?: string }
  | { type: 'retrieval'; stepIndex: number; query: string; templates: RetrievedTemplateSummary[]; chosen?: string; why?: string }
  | { type: 'step-start'; stepIndex: number; goal: string; templateId?: string; attempt: number }
  | { type: 'step-delta'; stepIndex: number; text: string }
  | { type: 'step-done'; stepIndex: number; text: string; attempt: number }
  /** The step's reply was cut off: `text` is the partial reply (shown as partial, never used as the step's
   *  work); `reason` says why; `retrying`: a fresh `step-start` for the same step follows. */
  | { type: 'step-partial'; stepIndex: number; text: string; reason: string; retrying: boolean }
  | { type: 'evaluation'; stepIndex: number; verdict: 'accept' | 'revise' | 'replan' | 'finish'; feedback: string; progress?: number }
  | { type: 'adjustment'; kind: 'revise' | 'replan'; stepIndex: number; reason: string; plan?: Plan }
  | { type: 'analysis-delta'; text: string }
  | { type: 'final'; answer: string | null; text: string; verification?: Verification }
  | { type: 'sample'; index: number; of: number; answer: string | null; status: 'solved' | 'no-answer' | 'cancelled' | 'failed'; verification?: Verification }
  | { type: 'usage'; role: ModelRole; model: string; promptTokens: number; completionTokens: number; latencyMs: number; estimated?: boolean }
  | { type: 'error'; message: string; kind: LlmErrorKind | 'internal'; fatal: boolean }
  | { type: 'done'; status: 'solved' | 'no-answer' | 'cancelled' | 'failed'; stats: SolveStats };

/** solve: full solution; hint: plan first, then one step per request; explain: analysis only, no solution. */
export type SolveMode = 'solve' | 'hint' | 'explain';

/**
 * How the final answer was checked: `accepted` by the navigator's evaluation, `rejected` (still wrong
 * in the navigator's judgement after the last revision the budget allowed: reported, not hidden), or
 * `unchecked` (the navigator's evaluations were unusable or failed, so nobody checked it).
 */
export type Verification = 'accepted' | 'rejected' | 'unchecked';

/**
 * The event as it may reach a sink (terminal, JSON output, panel, history): the texts that quote servers —
 * error messages and cut-off reasons — without credentials. Model text is left as it is.
 */
export function redactEvent(e: SolveEvent): SolveEvent {
  if (e.type === 'error') return { ...e, message: redactSecrets(e.message) };
  if (e.type === 'step-partial') return { ...e, reason: redactSecrets(e.reason) };
  return e;
}
