// The ReasonFlux orchestrator: navigator plans → templates retrieved per step → solver instantiates each
// step (streamed) → navigator evaluates and may revise / re-plan → final \boxed{} answer.
//
// Budgets (c = the complexity the engine assesses, 1-10: the navigator's number combined with the
// statement's features, raised by run signals — see difficulty.ts):
//   templates retrieved per step  topK(c)        = 2 + ceil(c / 3)   → 3 (c 1-3), 4 (4-6), 5 (7-9), 6 (10)
//   evaluate-and-adjust rounds    roundBudget(c) = 1 + ceil(c / 3)   → 2, 3, 4, 5; `maxRounds` replaces it
// A round is one adjustment (a revision or a re-plan). Rejected steps and re-plans raise the assessed
// complexity, and with it the budget and the templates per step for the steps that follow. Once the
// budget is spent the remaining steps run without evaluation, except the last: the final answer is
// always evaluated, and a rejected final gets one more revision (FINAL_RESERVE) past the budget; if it is
// still rejected the run reports it as `rejected`, never as checked. Plans have at most MAX_PLAN_STEPS
// steps, so a run makes at most
//   2 (plan + repair) + 2 × (MAX_PLAN_STEPS + rounds + FINAL_RESERVE) (steps and evaluations) + rounds (re-plans) + 1 (final answer)
// model calls, whatever the models answer; `callLimit` enforces that bound.
import type { ChatMessage, ChatModel, LlmErrorKind } from '../llm/types.js';
import { LlmError } from '../llm/types.js';
import { redactSecrets } from '../llm/redact.js';
import type { TemplateIndex, TemplateMatch, ThoughtTemplate } from '../templates/types.js';
import { closeMatches, matchedWords } from '../templates/display.js';
import { extractFinalAnswer, findBoxed } from '../answers/extract.js';
import type { ModelRole, Plan, PlanSource, PlanStep, RetrievedTemplateSummary, SolveEvent, SolveMode, SolveStats, Verification } from './events.js';
import { emptySignals, estimateDifficulty, featureComplexity, NAVIGATOR_WEIGHT, type DifficultyEstimate, type NavigatorReliability, type RunSignals } from './difficulty.js';
import { MAX_PLAN_STEPS, parseEvaluation, parsePlan, parseSelection } from './json.js';
import * as P from './prompts.js';

/**
 * The search a plan step's retrieval makes: the step's query (for a navigator's step, goal + method: see
 * planFromObject) leads, and the problem weighs in as context at a lower weight. The library bench
 * measures retrieval with this same request (src/core/templates/methodEval.ts).
 */
export function stepSearchRequest(step: Pick<PlanStep, 'goal' | 'query'>, problem: string): { query: string; context: string; planStep: true } {
  return { query: step.query || step.goal, context: problem, planStep: true };
}

export interface OrchestratorOptions {
  navigator: ChatModel;
  solver: ChatModel;
  index: TemplateIndex;
  /** Round budget; 0 or absent: scale with the problem's complexity (see roundBudget). */
  maxRounds?: number;
  mode?: SolveMode;
  signal?: AbortSignal;
  /** Solver temperature (navigator: this, or 0.2 when absent). */
  temperature?: number;
  runId?: string;
  /** Shared across the problems of one eval run or session: learns whether the navigator's complexity varies at all. */
  reliability?: NavigatorReliability;
}

export interface SolvedStep {
  goal: string;
  templateId?: string;
  text: string;
}

export type SolveStatus = 'solved' | 'no-answer' | 'cancelled' | 'failed';

export interface SolveResult {
  status: SolveStatus;
  answer: string | null;
  text: string;
  plan: Plan | null;
  steps: SolvedStep[];
  stats: SolveStats;
  /** How the final answer was checked (solve mode with a final answer; absent otherwise). */
  verification?: Verification;
  /** The engine's last difficulty assessment (solve mode). */
  difficulty?: DifficultyEstimate;
  /** The plan as the navigator first gave it (JSON text; absent for fallback plans): training data for export-pairs. */
  planText?: string;
  /** The messages the navigator was asked to plan with (for export-pairs). */
  planPrompt?: ChatMessage[];
}

/** Revisions a rejected final answer gets beyond the round budget. */
export const FINAL_RESERVE = 1;

/** Templates retrieved per step for a problem of complexity c (1-10). */
export function topKFor(complexity: number): number {
  const c = clampComplexity(complexity);
  return 2 + Math.ceil(c / 3);
}

/** Evaluate-and-adjust rounds granted for complexity c, unless maxRounds (> 0) is given. */
export function roundBudget(complexity: number, maxRounds?: number): number {
  if (maxRounds !== undefined && maxRounds > 0) return Math.min(20, Math.floor(maxRounds));
  return 1 + Math.ceil(clampComplexity(complexity) / 3);
}

function clampComplexity(c: number): number {
  return Number.isFinite(c) ? Math.min(10, Math.max(1, Math.round(c))) : 5;
}

/** Ends a run early: cancellation or a fatal model error. */
class Stop extends Error {
  constructor(
    readonly status: 'cancelled' | 'failed',
    readonly kind: LlmErrorKind | 'internal',
    message: string,
  ) {
    super(message);
  }
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const GENERIC_STEPS: PlanStep[] = [
  { goal: 'Understand what is asked and set up the problem in mathematical terms', method: '', query: '' },
  { goal: 'Carry out the main computation or argument', method: '', query: '' },
  { goal: 'Check the result and state the final answer', method: '', query: '' },
];

/**
 * Runs `fn` once the event loop is idle (Node: an immediate, which runs as soon as the loop waits for
 * I/O; elsewhere a zero timer). Returns a function that cancels it.
 */
function whenIdle(fn: () => void): () => void {
  if (typeof setImmediate === 'function') {
    const h = setImmediate(fn);
    return () => clearImmediate(h);
  }
  const t = setTimeout(fn, 0);
  return () => clearTimeout(t);
}

interface CallOptions {
  json?: boolean;
  maxTokens?: number;
  toEvent?: (text: string) => SolveEvent;
  signal?: AbortSignal;
  /** Events for a reply that was cut off: its partial text, the message, whether it is asked again. */
  onCutOff?: (partial: string, message: string, retrying: boolean) => SolveEvent[];
  /** false: a cut-off reply fails at once instead of being asked again. */
  retry?: boolean;
}

/** Events for a step whose reply was cut off: the partial text marked as such, and a fresh start when retried. */
function stepCutOff(stepIndex: number, goal: string, attempt: number, templateId?: string) {
  return (partial: string, message: string, retrying: boolean): SolveEvent[] => [
    { type: 'step-partial', stepIndex, text: stripThinking(partial), reason: message, retrying },
    ...(retrying ? [{ type: 'step-start' as const, stepIndex, goal, ...(templateId ? { templateId } : {}), attempt }] : []),
  ];
}

/** Shared machinery: model calls with accounting, retrieval, cancellation. */
class Engine {
  readonly stats: SolveStats = {
    calls: 0,
    navigatorCalls: 0,
    solverCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    ms: 0,
    modelMs: 0,
    rounds: 0,
    roundBudget: 0,
    templatesUsed: [],
  };
  readonly started = performance.now();
  callLimit = 2 + 2 * (MAX_PLAN_STEPS + 20 + FINAL_RESERVE) + 20 + 1;
  /** Calls repeated because the first reply was cut off (each call is repeated at most once). */
  cutOffRetries = 0;
  readonly runId: string;
  /** The statement's features' estimate, computed once. */
  private featuresEstimate: number | undefined;
  /** What the navigator said about complexity (null: nothing), updated by re-plans. */
  navigatorComplexity: number | null = null;
  readonly signals: RunSignals = emptySignals();
  private navigatorWeight = NAVIGATOR_WEIGHT;
  /** The navigator's first plan reply as parsed (JSON text), for export-pairs. */
  planText: string | undefined;
  planMessages: ChatMessage[] | undefined;

  constructor(
    readonly problem: string,
    readonly opts: OrchestratorOptions,
  ) {
    this.runId = opts.runId ?? newRunId();
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** The engine's difficulty assessment now: navigator's number, the features, the run signals. */
  difficulty(): DifficultyEstimate {
    this.featuresEstimate ??= featureComplexity(this.problem);
    return estimateDifficulty(this.problem, this.navigatorComplexity, this.signals, this.featuresEstimate, this.navigatorWeight);
  }

  /** The plan with the engine's complexity in place of the navigator's (which is kept in navigatorComplexity). */
  assess(plan: Plan, source: PlanSource): Plan {
    if (source !== 'fallback') this.navigatorComplexity = plan.navigatorComplexity === undefined ? plan.complexity : plan.navigatorComplexity;
    // Weighed by what the navigator said on earlier problems, then recorded for later ones.
    this.navigatorWeight = this.opts.reliability?.weight() ?? NAVIGATOR_WEIGHT;
    if (source !== 'fallback') this.opts.reliability?.observe(this.navigatorComplexity);
    const difficulty = this.difficulty();
    return { ...plan, navigatorComplexity: source === 'fallback' ? null : this.navigatorComplexity, complexity: difficulty.complexity, difficulty };
  }

  checkCancelled(signal = this.signal): void {
    if (signal?.aborted) throw new Stop('cancelled', 'cancelled', 'cancelled');
  }

  finishStats(): SolveStats {
    const r1 = (x: number) => Math.round(x * 1000) / 1000;
    this.stats.ms = performance.now() - this.started;
    return { ...this.stats, ms: r1(this.stats.ms), modelMs: r1(Math.min(this.stats.modelMs, this.stats.ms)), templatesUsed: [...this.stats.templatesUsed] };
  }

  /**
   * One model call, made a second time when the reply was cut off (the provider's `incomplete` error, or
   * a stream that stalled after some text); a second cut-off fails with the provider's "cut off" message.
   * A cut-off reply is never returned as text. `onCutOff` turns its partial text into events (`retrying`:
   * whether a second attempt follows); `retry: false` fails at once (a stream that cannot be restarted).
   */
  async *call(
    role: ModelRole,
    messages: ChatMessage[],
    o: CallOptions = {},
  ): AsyncGenerator<SolveEvent, string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return yield* this.callOnce(role, messages, o);
      } catch (err) {
        const cut = err instanceof LlmError && (err.kind === 'incomplete' || (err.details.cutOff !== undefined && !!err.details.partial)) ? err : undefined;
        if (!cut) throw err;
        const retrying = attempt === 1 && o.retry !== false;
        for (const ev of o.onCutOff?.(cut.details.partial ?? '', cut.message, retrying) ?? []) yield ev;
        if (!retrying) {
          throw attempt > 1 ? new LlmError(cut.kind, `${cut.message} (the retry was cut off too)`, cut.details) : cut;
        }
        this.cutOffRetries++;
        yield { type: 'error', kind: cut.kind, fatal: false, message: `${cut.message} — asking the ${role} once more` };
      }
    }
  }

  /** One model call. Deltas are turned into events by `toEvent` (or kept silent); a `usage` event follows
   *  the call. Returns the full reply text. Throws Stop on cancellation; LlmError otherwise. */
  private async *callOnce(role: ModelRole, messages: ChatMessage[], o: CallOptions): AsyncGenerator<SolveEvent, string> {
    const signal = o.signal && this.signal && o.signal !== this.signal ? AbortSignal.any([o.signal, this.signal]) : (o.signal ?? this.signal);
    this.checkCancelled(signal);
    if (this.stats.calls - this.cutOffRetries >= this.callLimit) {
      throw new LlmError('bad-response', `stopped after ${this.stats.calls} model calls without finishing — the models do not follow the expected format`);
    }
    const model = role === 'navigator' ? this.opts.navigator : this.opts.solver;
    const temperature = role === 'navigator' ? (this.opts.temperature ?? 0.2) : this.opts.temperature;
    this.stats.calls++;
    if (role === 'navigator') this.stats.navigatorCalls++;
    else this.stats.solverCalls++;
    const t0 = performance.now();
    let text = '';
    try {
      for await (const chunk of model.stream({
        messages,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
        ...(o.json ? { json: true } : {}),
        ...(signal ? { signal } : {}),
      })) {
        if (chunk.type === 'delta') {
          if (typeof chunk.text !== 'string' || chunk.text.length === 0) continue;
          text += chunk.text;
          if (o.toEvent) yield o.toEvent(chunk.text);
        } else if (chunk.type === 'done') {
          const u = chunk.usage;
          this.stats.modelMs += performance.now() - t0;
          this.stats.promptTokens += u.promptTokens;
          this.stats.completionTokens += u.completionTokens;
          this.stats.totalTokens += u.totalTokens;
          yield {
            type: 'usage',
            role,
            model: chunk.model || model.label,
            promptTokens: u.promptTokens,
            completionTokens: u.completionTokens,
            latencyMs: Math.round(chunk.latencyMs),
            ...(u.estimated ? { estimated: true } : {}),
          };
          return text;
        }
        if (signal?.aborted) break;
      }
    } catch (err) {
      this.stats.modelMs += performance.now() - t0;
      if (signal?.aborted || (err instanceof LlmError && err.kind === 'cancelled')) throw new Stop('cancelled', 'cancelled', 'cancelled');
      throw err;
    }
    this.stats.modelMs += performance.now() - t0;
    this.checkCancelled(signal);
    // A provider that ended without a `done` chunk reported no usage: the text is still used.
    return text;
  }

  /**
   * Template search; `context` (the problem, for a step's query) weighs in at a lower weight; `planStep`
   * marks a plan step's search (the index may rerank it, see SearchOptions.planStep).
   */
  search(query: string, top: number, context?: string, planStep = false): { matches: TemplateMatch[]; error?: string } {
    if (!query.trim()) return { matches: [] };
    try {
      const m = this.opts.index.search(query, { top, ...(context && context !== query ? { context } : {}), ...(planStep ? { planStep } : {}) });
      return { matches: Array.isArray(m) ? m.filter((x) => x && x.template).slice(0, top) : [] };
    } catch (err) {
      return { matches: [], error: `template search failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  getTemplate(id: string): ThoughtTemplate | undefined {
    if (!id) return undefined;
    try {
      return this.opts.index.get(id.trim());
    } catch {
      return undefined;
    }
  }

  /** Plan: navigator → repair once → fallback from retrieval alone. Never fails on bad output. */
  async *plan(signal?: AbortSignal): AsyncGenerator<SolveEvent, Plan> {
    await this.prepareSearch([{ query: this.problem }], signal);
    const hints = this.search(this.problem, 5).matches.map((m) => m.template);
    const messages = P.planPrompt(this.problem, hints);
    this.planMessages = messages;
    let firstError: string;
    let reply: string;
    try {
      reply = yield* this.call('navigator', messages, { json: true, signal });
    } catch (err) {
      if (err instanceof Stop) throw err;
      // A wrong key, endpoint or model name is fatal; a flaky navigator falls back to retrieval alone.
      if (!(err instanceof LlmError) || err.kind === 'auth' || err.kind === 'unreachable' || err.kind === 'not-found') throw err;
      yield { type: 'error', kind: err.kind, fatal: false, message: `navigator could not plan (${err.message}); using a plan derived from the template library` };
      const plan = this.assess(this.fallbackPlan(), 'fallback');
      yield { type: 'plan', plan, source: 'fallback', round: 0, note: 'the navigator call failed' };
      return plan;
    }
    const first = parsePlan(reply);
    if (first.ok) {
      this.planText = planJson(first.value);
      const plan = this.assess(first.value, 'navigator');
      yield { type: 'plan', plan, source: 'navigator', round: 0 };
      return plan;
    }
    firstError = first.error;
    const repaired = yield* this.call('navigator', P.repairPrompt(messages, reply, firstError, P.PLAN_FORMAT_TEXT), { json: true, signal });
    const second = parsePlan(repaired);
    if (second.ok) {
      this.planText = planJson(second.value);
      const plan = this.assess(second.value, 'repaired');
      yield { type: 'plan', plan, source: 'repaired', round: 0, note: `first reply unusable: ${firstError}` };
      return plan;
    }
    const plan = this.assess(this.fallbackPlan(), 'fallback');
    yield {
      type: 'error',
      kind: 'bad-response',
      fatal: false,
      message: `the navigator gave no usable plan twice (${second.error}); continuing with a plan derived from the template library`,
    };
    yield { type: 'plan', plan, source: 'fallback', round: 0, note: second.error };
    return plan;
  }

  /** A plan from retrieval alone: the best template's steps, or a generic three-step plan. */
  fallbackPlan(): Plan {
    const best = this.search(this.problem, 3).matches[0]?.template;
    if (!best || !Array.isArray(best.steps) || best.steps.length === 0) {
      return {
        analysis: 'The navigator gave no usable plan and no template matched; following a generic plan.',
        complexity: 5,
        // No template fits the problem: searching by the generic goals ("Check the result…") would only
        // retrieve noise (e.g. induction), so each step searches by the problem itself, which found nothing.
        steps: GENERIC_STEPS.map((s) => ({ ...s, query: this.problem })),
      };
    }
    const tsteps = best.steps.slice(0, 5);
    if (best.steps.length > 5) tsteps[4] = best.steps.slice(4).join('; ');
    const steps = tsteps.map((goal) => ({ goal, method: best.id, query: `${goal} ${best.name}` }));
    if (steps.length === 1) steps.push({ goal: 'Finish the computation and state the final answer', method: best.id, query: best.name });
    const d = best.difficulty;
    return {
      analysis: `Plan derived from the template "${best.name}" (the navigator gave no usable plan).`,
      complexity: d ? clampComplexity((d.min + d.max) / 2) : 5,
      steps,
    };
  }

  /** Lets an index that calls a model (embedding retrieval) fetch what these searches need; never fails. */
  async prepareSearch(queries: ReadonlyArray<{ query: string; context?: string }>, signal?: AbortSignal): Promise<void> {
    const index = this.opts.index;
    if (typeof index.prepare !== 'function') return;
    try {
      await index.prepare(queries, signal);
    } catch {
      // prepare never rejects by contract; a broken index still answers from BM25
    }
  }

  /** The search a step's retrieval makes (see stepSearchRequest). */
  private stepSearch(step: PlanStep): { query: string; context: string; planStep: true } {
    return stepSearchRequest(step, this.problem);
  }

  /** Templates for one step: the one the plan names (by id) first, then the search results. */
  retrieve(step: PlanStep, k: number): { templates: ThoughtTemplate[]; summaries: RetrievedTemplateSummary[]; chosen?: ThoughtTemplate; why?: string; error?: string } {
    const named = this.getTemplate(step.method);
    // The step's query (method + goal) leads; the problem adds its terms at a lower weight.
    const { query, context, planStep } = this.stepSearch(step);
    const { matches, error } = this.search(query, k, context, planStep);
    const list: { t: ThoughtTemplate; score: number; fields: string[]; terms: string[]; general?: boolean }[] = [];
    if (named) list.push({ t: named, score: matches.find((m) => m.template.id === named.id)?.score ?? 0, fields: ['id'], terms: [] });
    for (const m of matches) {
      if (!list.some((x) => x.t.id === m.template.id)) {
        list.push({ t: m.template, score: m.score, fields: m.matchedFields ?? [], terms: m.matchedTerms ?? [], ...(m.general ? { general: true } : {}) });
      }
    }
    const top = list.slice(0, k);
    let chosen: ThoughtTemplate | undefined;
    let why: string | undefined;
    if (named) {
      chosen = named;
      why = `the plan names it for this step`;
    } else if (top.length) {
      chosen = top[0]!.t;
      const byName = step.method && chosen.name.toLowerCase() === step.method.toLowerCase();
      why = byName
        ? 'its name is the method the plan names'
        : matchedSummary(step.query || step.goal, top[0]!.terms, chosen);
    }
    const close = new Set(closeMatches(top));
    return {
      templates: top.map((x) => x.t),
      // All of `top` (what the solver sees); those far below the best are marked `distant`, and the panel
      // does not list them (core/templates/display.ts).
      summaries: top.map((x) => ({
        id: x.t.id, name: x.t.name, chapter: x.t.chapter, section: x.t.section, score: x.score, matchedFields: x.fields,
        ...(x.general || x.t.scope === 'general' ? { general: true } : {}),
        ...(x.t !== chosen && !close.has(x) ? { distant: true } : {}),
      })),
      ...(chosen ? { chosen, why } : {}),
      ...(error ? { error } : {}),
    };
  }

  /** Prefetched retrievals by step key: the result, or how to cancel the pending task that will compute it. */
  private readonly prefetched = new Map<string, { result?: ReturnType<Engine['retrieve']>; cancel?: () => void }>();

  private static retrievalKey(step: PlanStep, k: number): string {
    return `${k}\u0000${step.method}\u0000${step.query}\u0000${step.goal}`;
  }

  /**
   * Retrieval for an upcoming step, done while the current model call waits on the network (an immediate
   * runs it as soon as the event loop waits for I/O), so it adds nothing to the user's wait. When the step
   * comes before that happened (an instant model), the step computes it itself and the immediate is
   * cancelled, so the work is never done twice. Wasted only if the step is re-planned away.
   */
  prefetch(step: PlanStep | undefined, k: number): void {
    if (!step) return;
    const key = Engine.retrievalKey(step, k);
    if (this.prefetched.has(key)) return;
    const entry: { result?: ReturnType<Engine['retrieve']>; cancel?: () => void } = {};
    const compute = () => {
      entry.cancel = undefined;
      if (this.prefetched.get(key) === entry && !this.signal?.aborted) entry.result = this.retrieve(step, k);
    };
    if (typeof this.opts.index.prepare === 'function') {
      // An index that calls a model: compute once its query is prepared (the step awaits the same).
      let cancelled = false;
      entry.cancel = () => {
        cancelled = true;
      };
      void this.prepareSearch([this.stepSearch(step)], this.signal).then(() => {
        if (!cancelled) compute();
      });
    } else entry.cancel = whenIdle(compute);
    this.prefetched.set(key, entry);
  }

  /** Retrieval for a step: the prefetched result when there is one. */
  retrieveForStep(step: PlanStep, k: number): ReturnType<Engine['retrieve']> {
    const key = Engine.retrievalKey(step, k);
    const entry = this.prefetched.get(key);
    if (entry) {
      this.prefetched.delete(key);
      entry.cancel?.();
      if (entry.result) return entry.result;
    }
    return this.retrieve(step, k);
  }

  /** Drops prefetches that have not run yet (the run is over). */
  cancelPrefetches(): void {
    for (const entry of this.prefetched.values()) entry.cancel?.();
    this.prefetched.clear();
  }

  noteTemplate(id: string | undefined): void {
    if (id && !this.stats.templatesUsed.includes(id)) this.stats.templatesUsed.push(id);
  }

  /** Retrieval + one streamed solver call for a step. */
  async *runStep(input: {
    plan: Plan;
    stepIndex: number;
    isLast: boolean;
    done: readonly SolvedStep[];
    attempt: number;
    k: number;
    feedback?: string;
    previousAttempt?: string;
    signal?: AbortSignal;
  }): AsyncGenerator<SolveEvent, SolvedStep> {
    const step = input.plan.steps[input.stepIndex]!;
    await this.prepareSearch([this.stepSearch(step)], input.signal);
    const r = this.retrieveForStep(step, input.k);
    if (r.error) yield { type: 'error', kind: 'internal', fatal: false, message: r.error };
    if (input.attempt === 1) {
      yield {
        type: 'retrieval',
        stepIndex: input.stepIndex,
        query: step.query || step.goal,
        templates: r.summaries,
        ...(r.chosen ? { chosen: r.chosen.id, why: r.why } : {}),
      };
    }
    this.noteTemplate(r.chosen?.id);
    yield { type: 'step-start', stepIndex: input.stepIndex, goal: step.goal, ...(r.chosen ? { templateId: r.chosen.id } : {}), attempt: input.attempt };
    const messages = P.stepPrompt({
      problem: this.problem,
      plan: input.plan,
      stepIndex: input.stepIndex,
      step,
      isLast: input.isLast,
      templates: { templates: r.templates, ...(r.chosen ? { chosen: r.chosen, why: r.why } : {}) },
      done: input.done,
      ...(input.feedback ? { feedback: input.feedback, previousAttempt: input.previousAttempt } : {}),
    });
    const stepIndex = input.stepIndex;
    const raw = yield* this.call('solver', messages, {
      toEvent: (t) => ({ type: 'step-delta', stepIndex, text: t }),
      onCutOff: stepCutOff(stepIndex, step.goal, input.attempt, r.chosen?.id),
      signal: input.signal,
    });
    // Reasoning models stream their thinking in <think> blocks: shown live, but not kept as the step's work.
    const text = stripThinking(raw);
    yield { type: 'step-done', stepIndex, text, attempt: input.attempt };
    return { goal: step.goal, ...(r.chosen ? { templateId: r.chosen.id } : {}), text };
  }

  /** The final answer: the last step's box, else one short solver call asking for it. */
  async *finalAnswer(steps: readonly SolvedStep[], signal?: AbortSignal): AsyncGenerator<SolveEvent, { answer: string | null; extra: string }> {
    const last = steps[steps.length - 1]?.text ?? '';
    const boxed = findBoxed(last);
    if (boxed.length > 0) return { answer: boxed[boxed.length - 1]!, extra: '' };
    const all = steps.map((s) => s.text).join('\n\n');
    if (!all.trim()) return { answer: null, extra: '' };
    const extra = yield* this.call('solver', P.finalAnswerPrompt(this.problem, all), { maxTokens: 1024, signal });
    const answer = extractFinalAnswer(extra) ?? extractFinalAnswer(last);
    return { answer, extra };
  }
}

/** A parsed plan as JSON text in the navigator's reply format (the navigator's own complexity, if any). */
export function planJson(plan: Plan): string {
  const c = plan.navigatorComplexity === undefined ? plan.complexity : plan.navigatorComplexity;
  return JSON.stringify({ analysis: plan.analysis, ...(c !== null ? { complexity: c } : {}), steps: plan.steps.map((s) => ({ goal: s.goal, method: s.method, query: s.query })) });
}

/** The reply without `<think>…</think>` blocks (an unclosed block at the start is dropped up to its end). */
export function stripThinking(text: string): string {
  if (!/<\/think>/i.test(text)) return text;
  const out = text.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/^[\s\S]*?<\/think>/i, '');
  return out.trim() ? out.trim() : text;
}

function errorKind(err: unknown): LlmErrorKind | 'internal' {
  return err instanceof LlmError ? err.kind : 'internal';
}

/** The one-line message of an error event (redacted: providers other than ours may quote a key). */
function errorMessage(err: unknown): string {
  if (err instanceof LlmError) return redactSecrets(err.message);
  return redactSecrets(`internal error: ${err instanceof Error ? err.message : String(err)}`);
}

function joinText(steps: readonly SolvedStep[], extra: string): string {
  return [...steps.map((s) => s.text.trim()), extra.trim()].filter(Boolean).join('\n\n');
}

/**
 * Solves a problem, yielding events as it goes, and returns the result. Never throws: failures end in
 * an `error` event and a `done` event with status 'failed' (or 'cancelled').
 */
export async function* solveProblem(problem: string, options: OrchestratorOptions): AsyncGenerator<SolveEvent, SolveResult> {
  const mode: SolveMode = options.mode ?? 'solve';
  if (typeof problem !== 'string' || !problem.trim()) {
    const e = new Engine('', options);
    yield { type: 'start', runId: e.runId, problem: '', mode, navigator: options.navigator.label, solver: options.solver.label };
    yield { type: 'error', kind: 'internal', fatal: true, message: 'the problem statement is empty' };
    const stats = e.finishStats();
    yield { type: 'done', status: 'failed', stats };
    return { status: 'failed', answer: null, text: '', plan: null, steps: [], stats };
  }
  if (mode === 'hint') {
    const session = new HintSession(problem, options);
    yield* session.plan();
    if (!session.failed && session.hasNext) yield* session.next();
    return yield* session.end();
  }
  const e = new Engine(problem, options);
  yield { type: 'start', runId: e.runId, problem, mode, navigator: options.navigator.label, solver: options.solver.label };
  let plan: Plan | null = null;
  const steps: SolvedStep[] = [];
  let extra = '';
  let explanation = '';
  try {
    if (mode === 'explain') {
      const templates = e.search(problem, 3).matches.map((m) => m.template);
      explanation = yield* e.call('navigator', P.explainPrompt(problem, templates), {
        toEvent: (text) => ({ type: 'analysis-delta', text }),
        // The analysis streams into one text: a cut-off one is kept as it is, marked by the fatal error.
        retry: false,
      });
      for (const t of templates) e.noteTemplate(t.id);
      yield { type: 'final', answer: null, text: explanation };
      const stats = e.finishStats();
      yield { type: 'done', status: 'no-answer', stats };
      return { status: 'no-answer', answer: null, text: explanation, plan: null, steps: [], stats };
    }

    plan = yield* e.plan();
    // Budgets follow the engine's assessment; signals seen during the run raise it (never lower it).
    let budget = roundBudget(plan.complexity, options.maxRounds);
    let k = topKFor(plan.complexity);
    const reassess = () => {
      const d = e.difficulty();
      budget = Math.max(budget, roundBudget(d.complexity, options.maxRounds));
      k = Math.max(k, topKFor(d.complexity));
      e.stats.roundBudget = budget;
      e.callLimit = 2 + 2 * (MAX_PLAN_STEPS + budget + FINAL_RESERVE) + budget + 1;
    };
    reassess();
    let evaluationsOn = true;
    let unusableEvaluations = 0;
    let finalRevisions = 0;
    let verification: Verification = 'unchecked';

    let i = 0;
    let attempt = 1;
    let feedback: string | undefined;
    let previousAttempt: string | undefined;
    while (i < plan.steps.length) {
      const isLast = i === plan.steps.length - 1;
      e.prefetch(plan.steps[i + 1], k);
      const step = yield* e.runStep({ plan, stepIndex: i, isLast, done: steps, attempt, k, ...(feedback ? { feedback, previousAttempt } : {}) });
      feedback = undefined;
      // The last step (the final answer) is evaluated even when the budget is spent.
      if (!evaluationsOn || (e.stats.rounds >= budget && !isLast)) {
        steps.push(step);
        i++;
        attempt = 1;
        continue;
      }
      let verdict: 'accept' | 'revise' | 'replan' | 'finish' = 'accept';
      let fb = '';
      let judged = false;
      try {
        const reply = yield* e.call('navigator', P.evaluatePrompt({ problem, plan, stepIndex: i, stepText: step.text, done: steps, isLast }), { json: true });
        const parsed = parseEvaluation(reply);
        if (parsed.ok) {
          unusableEvaluations = 0;
          judged = true;
          verdict = parsed.value.verdict;
          fb = parsed.value.feedback;
          yield { type: 'evaluation', stepIndex: i, verdict, feedback: fb, ...(parsed.value.progress !== undefined ? { progress: parsed.value.progress } : {}) };
        } else {
          unusableEvaluations++;
          if (unusableEvaluations >= 2) {
            evaluationsOn = false;
            yield { type: 'error', kind: 'bad-response', fatal: false, message: `the navigator's evaluations are unusable (${parsed.error}); continuing without evaluation` };
          }
          yield { type: 'evaluation', stepIndex: i, verdict: 'accept', feedback: 'navigator reply unusable; step accepted as is' };
        }
      } catch (err) {
        if (err instanceof Stop) throw err;
        evaluationsOn = false;
        yield { type: 'error', kind: errorKind(err), fatal: false, message: `evaluation failed (${errorMessage(err)}); continuing without evaluation` };
      }
      const rejected = verdict === 'revise' || verdict === 'replan';
      if (isLast || verdict === 'finish') verification = !judged ? 'unchecked' : rejected ? 'rejected' : 'accepted';
      if (rejected && isLast) e.signals.verificationFailures++;

      // Out of budget on the last step: one reserved revision of the final answer, then it stands as rejected.
      const finalReserve = rejected && isLast && e.stats.rounds >= budget && finalRevisions < FINAL_RESERVE;
      if (verdict === 'revise' && (e.stats.rounds < budget || finalReserve)) {
        if (e.stats.rounds >= budget) finalRevisions++;
        e.stats.rounds++;
        e.signals.revisions++;
        reassess();
        yield { type: 'adjustment', kind: 'revise', stepIndex: i, reason: fb || 'the navigator asked for a revision' };
        feedback = fb || 'Check the step carefully and correct any error.';
        previousAttempt = step.text;
        attempt++;
        continue;
      }
      if (verdict === 'replan' && finalReserve) {
        // No budget left for a new plan: the reserved round revises the final step with the judgement.
        finalRevisions++;
        e.stats.rounds++;
        e.signals.replans++;
        reassess();
        const reason = fb || 'the navigator rejected the approach';
        yield { type: 'adjustment', kind: 'revise', stepIndex: i, reason };
        feedback = `${reason} Reconsider the approach of this step and correct the final answer.`;
        previousAttempt = step.text;
        attempt++;
        continue;
      }
      if (verdict === 'replan' && e.stats.rounds < budget) {
        e.stats.rounds++;
        e.signals.replans++;
        const reason = fb || 'the navigator asked for a new plan';
        let replanned: Plan | undefined;
        try {
          const reply = yield* e.call('navigator', P.replanPrompt({ problem, plan, stepIndex: i, stepText: step.text, feedback: reason, done: steps }), { json: true });
          const parsed = parsePlan(reply);
          if (parsed.ok) {
            // A re-plan re-estimates complexity: the navigator's new number (if it gives one) replaces the old.
            if (parsed.value.navigatorComplexity !== null && parsed.value.navigatorComplexity !== undefined) e.navigatorComplexity = parsed.value.navigatorComplexity;
            reassess();
            const difficulty = e.difficulty();
            const room = Math.max(1, MAX_PLAN_STEPS - steps.length);
            const dropped = Math.max(0, parsed.value.steps.length - room) + (parsed.value.droppedSteps ?? 0);
            replanned = {
              analysis: parsed.value.analysis || plan.analysis,
              complexity: difficulty.complexity,
              navigatorComplexity: e.navigatorComplexity,
              difficulty,
              steps: [...plan.steps.slice(0, i), ...parsed.value.steps.slice(0, room)],
              ...(dropped > 0 ? { droppedSteps: dropped } : {}),
            };
          } else {
            yield { type: 'error', kind: 'bad-response', fatal: false, message: `the navigator's new plan is unusable (${parsed.error}); keeping the current plan` };
          }
        } catch (err) {
          if (err instanceof Stop) throw err;
          yield { type: 'error', kind: errorKind(err), fatal: false, message: `re-planning failed (${errorMessage(err)}); keeping the current plan` };
        }
        reassess();
        if (replanned) {
          plan = replanned;
          yield { type: 'adjustment', kind: 'replan', stepIndex: i, reason, plan };
          yield { type: 'plan', plan, source: 'navigator', round: e.stats.rounds, note: `re-planned from step ${i + 1}` };
          attempt = 1;
          continue; // step i is now the first new step
        }
        steps.push(step);
        i++;
        attempt = 1;
        continue;
      }
      if (rejected && isLast) {
        yield {
          type: 'error',
          kind: 'bad-response',
          fatal: false,
          message: 'the navigator still rejects the final answer after the last revision the budget allows; it is reported as unverified',
        };
      }
      steps.push(step);
      attempt = 1;
      if (verdict === 'finish') break;
      i++;
    }

    const fin = yield* e.finalAnswer(steps);
    extra = fin.extra;
    const text = joinText(steps, extra);
    if (fin.answer === null) {
      yield { type: 'error', kind: 'bad-response', fatal: false, message: 'the solver gave no final answer in \\boxed{} even when asked for it' };
    }
    yield { type: 'final', answer: fin.answer, text, ...(fin.answer !== null ? { verification } : {}) };
    const status: SolveStatus = fin.answer !== null ? 'solved' : 'no-answer';
    const stats = e.finishStats();
    yield { type: 'done', status, stats };
    return {
      status,
      answer: fin.answer,
      text,
      plan,
      steps,
      stats,
      ...(fin.answer !== null ? { verification } : {}),
      difficulty: e.difficulty(),
      ...(e.planText ? { planText: e.planText } : {}),
      ...(e.planText && e.planMessages ? { planPrompt: e.planMessages } : {}),
    };
  } catch (err) {
    const cancelled = err instanceof Stop ? err.status === 'cancelled' : options.signal?.aborted === true;
    if (!cancelled) yield { type: 'error', kind: errorKind(err), fatal: true, message: errorMessage(err) };
    const status: SolveStatus = cancelled ? 'cancelled' : 'failed';
    const stats = e.finishStats();
    yield { type: 'done', status, stats };
    return { status, answer: null, text: mode === 'explain' ? explanation : joinText(steps, extra), plan, steps, stats };
  } finally {
    e.cancelPrefetches();
  }
}

/** "matched quadratic, roots": the few words of the step the chosen template matched on (brief; never cut mid-word). */
function matchedSummary(query: string, terms: readonly string[], t: ThoughtTemplate): string {
  const words = matchedWords(query, terms, `${t.name} ${t.tags.join(' ')}`, 3);
  return words.length ? `matched ${words.join(', ')}` : 'closest match in the library';
}

/**
 * Hint mode: plans first, then reveals one step per `next()` call. Steps are only generated when asked
 * for, so unrevealed steps cost no tokens. No evaluation rounds (a hint is one step of guidance).
 *
 *   const s = new HintSession(problem, options);
 *   for await (const ev of s.plan()) …        // start + plan
 *   while (s.hasNext) for await (const ev of s.next()) …   // retrieval + step events (+ final on the last)
 */
export class HintSession {
  private readonly e: Engine;
  private planned: Plan | null = null;
  private planning = false;
  private readonly revealedSteps: SolvedStep[] = [];
  private answer: string | null = null;
  private failedWith: { kind: LlmErrorKind | 'internal'; message: string } | null = null;
  private cancelled = false;
  private started = false;

  constructor(
    readonly problem: string,
    private readonly options: OrchestratorOptions,
  ) {
    this.e = new Engine(problem, options);
  }

  get plannedSteps(): Plan | null {
    return this.planned;
  }
  get revealed(): readonly SolvedStep[] {
    return this.revealedSteps;
  }
  get hasNext(): boolean {
    return !this.failedWith && !this.cancelled && (this.planned === null || this.revealedSteps.length < this.planned.steps.length);
  }
  get failed(): boolean {
    return this.failedWith !== null;
  }
  get stats(): SolveStats {
    return this.e.finishStats();
  }

  private *startEvent(): Generator<SolveEvent> {
    if (this.started) return;
    this.started = true;
    yield { type: 'start', runId: this.e.runId, problem: this.problem, mode: 'hint', navigator: this.options.navigator.label, solver: this.options.solver.label };
  }

  private *failure(err: unknown): Generator<SolveEvent> {
    if (err instanceof Stop && err.status === 'cancelled') {
      this.cancelled = true;
      return;
    }
    this.failedWith = { kind: errorKind(err), message: errorMessage(err) };
    yield { type: 'error', kind: this.failedWith.kind, fatal: true, message: this.failedWith.message };
  }

  /** Plans (once). Returns the plan, or null on failure / cancellation. */
  async *plan(signal?: AbortSignal): AsyncGenerator<SolveEvent, Plan | null> {
    yield* this.startEvent();
    if (this.planned) return this.planned;
    if (this.planning || this.failedWith) return null;
    this.planning = true;
    try {
      this.planned = yield* this.e.plan(signal);
      this.e.stats.roundBudget = 0;
      return this.planned;
    } catch (err) {
      yield* this.failure(err);
      return null;
    } finally {
      this.planning = false;
    }
  }

  /** Reveals the next step (planning first if needed); null when nothing is left or on failure. */
  async *next(signal?: AbortSignal): AsyncGenerator<SolveEvent, SolvedStep | null> {
    const plan = this.planned ?? (yield* this.plan(signal));
    if (!plan || !this.hasNext) return null;
    const i = this.revealedSteps.length;
    const isLast = i === plan.steps.length - 1;
    try {
      const step = yield* this.e.runStep({ plan, stepIndex: i, isLast, done: this.revealedSteps, attempt: 1, k: topKFor(plan.complexity), ...(signal ? { signal } : {}) });
      this.revealedSteps.push(step);
      if (isLast) {
        const boxed = findBoxed(step.text);
        this.answer = boxed.length ? boxed[boxed.length - 1]! : extractFinalAnswer(step.text);
        yield { type: 'final', answer: this.answer, text: joinText(this.revealedSteps, '') };
        yield { type: 'done', status: this.answer !== null ? 'solved' : 'no-answer', stats: this.e.finishStats() };
      }
      return step;
    } catch (err) {
      yield* this.failure(err);
      return null;
    }
  }

  /** Ends the session: a `done` event (unless the last step already sent one) and the result so far. */
  async *end(): AsyncGenerator<SolveEvent, SolveResult> {
    const complete = this.planned !== null && this.revealedSteps.length === this.planned.steps.length && !this.failedWith;
    const status: SolveStatus = this.cancelled ? 'cancelled' : this.failedWith ? 'failed' : this.answer !== null ? 'solved' : 'no-answer';
    const stats = this.e.finishStats();
    if (!complete) yield { type: 'done', status, stats };
    return { status, answer: this.answer, text: joinText(this.revealedSteps, ''), plan: this.planned, steps: [...this.revealedSteps], stats };
  }
}

/**
 * Baseline for the eval: one chain-of-thought call, no templates and no navigator. Same events and result
 * shape as solveProblem (one step); no extra call when the answer is not boxed.
 */
export async function* directSolve(
  problem: string,
  model: ChatModel,
  options: { signal?: AbortSignal; temperature?: number; runId?: string; maxTokens?: number } = {},
): AsyncGenerator<SolveEvent, SolveResult> {
  const emptyIndex: TemplateIndex = { size: 0, search: () => [], get: () => undefined, all: () => [] };
  const e = new Engine(problem, { navigator: model, solver: model, index: emptyIndex, ...options });
  yield { type: 'start', runId: e.runId, problem, mode: 'solve', navigator: model.label, solver: model.label };
  const goal = 'Solve the problem directly (chain of thought)';
  let text = '';
  try {
    yield { type: 'step-start', stepIndex: 0, goal, attempt: 1 };
    text = yield* e.call('solver', P.directPrompt(problem), {
      toEvent: (t) => ({ type: 'step-delta', stepIndex: 0, text: t }),
      onCutOff: stepCutOff(0, goal, 1),
      ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
    });
    text = stripThinking(text);
    yield { type: 'step-done', stepIndex: 0, text, attempt: 1 };
    const answer = extractFinalAnswer(text);
    yield { type: 'final', answer, text };
    const status: SolveStatus = answer !== null ? 'solved' : 'no-answer';
    const stats = e.finishStats();
    yield { type: 'done', status, stats };
    return { status, answer, text, plan: null, steps: [{ goal, text }], stats };
  } catch (err) {
    const cancelled = err instanceof Stop;
    if (!cancelled) yield { type: 'error', kind: errorKind(err), fatal: true, message: errorMessage(err) };
    const status: SolveStatus = cancelled ? 'cancelled' : 'failed';
    const stats = e.finishStats();
    yield { type: 'done', status, stats };
    return { status, answer: null, text, plan: null, steps: text ? [{ goal, text }] : [], stats };
  }
}

/**
 * The navigator as verifier: one call choosing among candidate solutions with different answers. Returns
 * the chosen index (null when the reply is unusable or the call failed: the caller falls back to a vote)
 * and the call's stats. Cancellation ends it with index null.
 */
export async function* navigatorSelect(
  problem: string,
  candidates: readonly { answer: string; text: string }[],
  options: { navigator: ChatModel; signal?: AbortSignal; temperature?: number },
): AsyncGenerator<SolveEvent, { index: number | null; why: string; stats: SolveStats }> {
  const emptyIndex: TemplateIndex = { size: 0, search: () => [], get: () => undefined, all: () => [] };
  const e = new Engine(problem, { navigator: options.navigator, solver: options.navigator, index: emptyIndex, ...(options.signal ? { signal: options.signal } : {}), ...(options.temperature !== undefined ? { temperature: options.temperature } : {}) });
  try {
    const reply = yield* e.call('navigator', P.selectPrompt(problem, candidates), { json: true });
    const parsed = parseSelection(reply, candidates.length);
    if (parsed.ok) return { index: parsed.value.index, why: parsed.value.why, stats: e.finishStats() };
    yield { type: 'error', kind: 'bad-response', fatal: false, message: `the navigator's choice among the samples is unusable (${parsed.error}); deciding by vote` };
  } catch (err) {
    if (!(err instanceof Stop)) yield { type: 'error', kind: errorKind(err), fatal: false, message: `choosing among the samples failed (${errorMessage(err)}); deciding by vote` };
  }
  return { index: null, why: '', stats: e.finishStats() };
}
