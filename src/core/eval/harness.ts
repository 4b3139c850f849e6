// The evaluation harness: runs each problem with the ReasonFlux orchestrator or the direct baseline,
// grades it, appends a line to results.jsonl as each finishes, and writes summary.md / summary.json.
// Failures of single problems are recorded, not fatal; an abort stops cleanly keeping finished results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatModel } from '../llm/types.js';
import type { TemplateIndex } from '../templates/types.js';
import type { SolveEvent } from '../reasoning/events.js';
import { directSolve, type SolveResult } from '../reasoning/orchestrator.js';
import { directSampled, solveSampled, type SampledResult, type SelectMethod } from '../reasoning/sampling.js';
import { NavigatorReliability } from '../reasoning/difficulty.js';
import { PROMPTS_VERSION } from '../reasoning/prompts.js';
import { gradeAnswer, type GradeResult } from '../answers/grade.js';
import type { Dataset, EvalProblem } from './dataset.js';
import { appendResult, readResults, type EvalMode, type EvalRecord, type EvalTrajectory } from './results.js';
import { renderSummaryMarkdown, summarize, type EvalSummary } from './summary.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { redactSecrets } from '../llm/redact.js';

export class EvalError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'EvalError';
  }
}

export type ProblemRunner = (problem: EvalProblem, signal: AbortSignal) => AsyncGenerator<SolveEvent, SolveResult>;

export interface EvalRunOptions {
  dataset: Dataset;
  mode: EvalMode;
  solver: ChatModel;
  /** Navigator model (reasonflux mode); default: the solver. */
  navigator?: ChatModel;
  /** Template index (required in reasonflux mode). */
  index?: TemplateIndex;
  maxRounds?: number;
  /**
   * Samples per problem: trajectories in reasonflux mode ('auto', the default: as many as the engine's
   * difficulty assessment asks for), direct samples in best-of-n / self-consistency (default 4).
   */
  samples?: number | 'auto';
  /** reasonflux with several trajectories: vote (default) or navigator verification. */
  select?: SelectMethod;
  /** Only the first N problems of the dataset. */
  limit?: number;
  /** Problems run at the same time (default 1). */
  concurrency?: number;
  outDir: string;
  /** Skip ids already in results.jsonl (else an existing results.jsonl is an error). */
  resume?: boolean;
  signal?: AbortSignal;
  /** Shown in the summary (never a key). */
  baseUrl?: string;
  /** Progress bar stream (stderr in the CLI); none when absent. */
  progress?: ProgressStream;
  /** Time limit for grading one answer (ms). */
  gradeTimeoutMs?: number;
  /** Replaces the orchestrator / baseline (tests). */
  runner?: ProblemRunner;
  /**
   * Circuit breaker: stop the run after this many model calls in a row failed at the endpoint
   * (unreachable, refused key, HTTP errors, time-outs, cut-off replies); a call that succeeds resets the
   * count. Default 5; 0 turns it off. Finished results stay; `resume` continues.
   */
  maxConsecutiveFailures?: number;
}

/** Error kinds that say the endpoint is failing (not the model's output format). */
const ENDPOINT_FAILURES: ReadonlySet<string> = new Set(['unreachable', 'auth', 'not-found', 'server', 'timeout', 'rate-limited', 'incomplete']);
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;

export interface EvalRunResult {
  summary: EvalSummary;
  /** Problems run (and recorded) in this invocation. */
  ran: number;
  /** Problems skipped because results.jsonl already had them. */
  skipped: number;
  interrupted: boolean;
  /** Set when the circuit breaker stopped the run: how many calls failed in a row, and the last error. */
  stopped?: { failures: number; lastError: string };
  files: { results: string; summaryMd: string; summaryJson: string };
}

/** Direct samples per problem in the best-of-n and self-consistency baselines unless --samples says otherwise. */
export const DEFAULT_BASELINE_SAMPLES = 4;

function defaultRunner(opts: EvalRunOptions): ProblemRunner {
  const navigator = opts.navigator ?? opts.solver;
  if (opts.mode === 'direct') return (p, signal) => directSolve(p.problem, opts.solver, { signal });
  if (opts.mode === 'best-of-n' || opts.mode === 'self-consistency') {
    const n = typeof opts.samples === 'number' ? opts.samples : DEFAULT_BASELINE_SAMPLES;
    const method = opts.mode;
    return (p, signal) => directSampled(p.problem, opts.solver, { n, method, navigator, signal });
  }
  if (!opts.index) throw new EvalError('reasonflux mode needs the template index');
  const index = opts.index;
  // One per run: a navigator that gives every problem the same complexity stops steering the budgets.
  const reliability = new NavigatorReliability();
  return (p, signal) =>
    solveSampled(p.problem, {
      reliability,
      navigator,
      solver: opts.solver,
      index,
      signal,
      samples: opts.samples ?? 'auto',
      ...(opts.select ? { select: opts.select } : {}),
      ...(opts.maxRounds ? { maxRounds: opts.maxRounds } : {}),
    });
}

/** Each sample of a result graded on its own (with the navigator's plan for export-pairs). */
function trajectories(p: EvalProblem, result: SolveResult, gradeTimeoutMs: number | undefined): EvalTrajectory[] {
  const samples = (result as Partial<SampledResult>).samples ?? [result];
  return samples.map((t) => ({
    answer: t.answer,
    correct: t.answer !== null && gradeAnswer(p.answer, t.answer, { extract: 'never', timeoutMs: gradeTimeoutMs }).equal,
    calls: t.stats.calls,
    ...(t.verification ? { verification: t.verification } : {}),
    ...(t.planText ? { plan: t.planText } : {}),
  }));
}

/** The circuit breaker's one-line reason (redacted: it quotes a server's error). */
export function stopMessage(failures: number, lastError: string): string {
  return redactSecrets(`${failures} model calls in a row failed at the endpoint (last: ${lastError.replace(/\s+/g, ' ').slice(0, 300)})`);
}

/** Runs the evaluation. Throws `EvalError` only for setup problems (never for a single problem). */
export async function runEval(opts: EvalRunOptions): Promise<EvalRunResult> {
  const startedAt = new Date().toISOString();
  const outDir = opts.outDir;
  mkdirSync(outDir, { recursive: true });
  const files = { results: join(outDir, 'results.jsonl'), summaryMd: join(outDir, 'summary.md'), summaryJson: join(outDir, 'summary.json') };
  const navigator = opts.navigator ?? opts.solver;
  const model = opts.solver.label;
  const navigatorModel = opts.mode === 'direct' || opts.mode === 'self-consistency' ? model : navigator.label;

  const previous = readResults(files.results);
  if (previous.records.length > 0 && !opts.resume) {
    throw new EvalError(`${files.results} already has ${previous.records.length} results`, 'add --resume to continue that run, or choose another --out folder');
  }
  const other = previous.records.find((r) => r.mode !== opts.mode || r.model !== model);
  if (other) {
    throw new EvalError(
      `${files.results} was made with mode ${other.mode} and model ${other.model}, not ${opts.mode} / ${model}`,
      'use another --out folder for a different mode or model',
    );
  }

  const selected = opts.limit !== undefined ? opts.dataset.problems.slice(0, Math.max(0, opts.limit)) : opts.dataset.problems;
  // Failed problems (endpoint down, model error) are tried again on --resume; answered ones are kept.
  const done = new Set(previous.records.filter((r) => r.status !== 'failed').map((r) => r.id));
  const todo = selected.filter((p) => !done.has(p.id));
  const skipped = selected.length - todo.length;
  const runner = opts.runner ?? defaultRunner(opts);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (opts.signal) {
    if (opts.signal.aborted) controller.abort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  const bar = opts.progress ? new ProgressBar(opts.progress, todo.length, skipped) : undefined;
  let ran = 0;
  let next = 0;
  const breakerLimit = Math.max(0, Math.floor(opts.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES));
  const breaker = { failures: 0, lastError: '', tripped: false };
  /** Counts endpoint failures across all workers; a successful call (its usage event) resets the count. */
  const watch = (ev: SolveEvent) => {
    if (ev.type === 'usage') breaker.failures = 0;
    else if (ev.type === 'error' && ENDPOINT_FAILURES.has(ev.kind)) {
      breaker.failures++;
      breaker.lastError = ev.message;
      if (breakerLimit > 0 && breaker.failures >= breakerLimit && !breaker.tripped) {
        breaker.tripped = true;
        controller.abort();
      }
    }
  };

  const runOne = async (p: EvalProblem): Promise<EvalRecord | null> => {
    const t0 = Date.now();
    let result: SolveResult | undefined;
    let fatal: string | null = null;
    try {
      const gen = runner(p, controller.signal);
      for (;;) {
        const it = await gen.next();
        if (it.done) {
          result = it.value;
          break;
        }
        const ev = it.value;
        if (ev.type === 'error' && ev.fatal) fatal = ev.message;
        watch(ev);
      }
    } catch (err) {
      fatal = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (controller.signal.aborted && (!result || result.status === 'cancelled')) return null;
    if (result?.status === 'cancelled') return null;
    const seconds = (Date.now() - t0) / 1000;
    const candidate = result?.answer ?? null;
    // A failed run is not graded: what it left (e.g. the steps before a cut-off reply) is no answer.
    const grade: GradeResult =
      !result || result.status === 'failed' ? { equal: false, extracted: '', method: 'none (the run failed)' }
      : candidate !== null
        ? gradeAnswer(p.answer, candidate, { extract: 'never', timeoutMs: opts.gradeTimeoutMs })
        : gradeAnswer(p.answer, result?.text ?? '', { timeoutMs: opts.gradeTimeoutMs });
    const stats = result?.stats;
    const status = result ? result.status : 'failed';
    const traj = result ? trajectories(p, result, opts.gradeTimeoutMs) : [];
    const difficulty = result?.difficulty;
    const planPrompt = result ? ((result as Partial<SampledResult>).samples ?? [result]).find((t) => t.planPrompt)?.planPrompt : undefined;
    const reason = fatal ?? (status === 'failed' ? 'the run failed' : status === 'no-answer' && !grade.extracted ? 'no final answer' : null);
    const error = reason === null ? null : redactSecrets(reason);
    return {
      id: p.id,
      ...(p.subject !== undefined ? { subject: p.subject } : {}),
      ...(p.level !== undefined ? { level: p.level } : {}),
      answer: p.answer,
      extracted: grade.extracted,
      correct: grade.equal,
      status,
      error,
      calls: stats?.calls ?? 0,
      tokens: stats?.totalTokens ?? 0,
      promptTokens: stats?.promptTokens ?? 0,
      completionTokens: stats?.completionTokens ?? 0,
      seconds: Math.round(seconds * 1000) / 1000,
      rounds: stats?.rounds ?? 0,
      roundBudget: stats?.roundBudget ?? 0,
      complexity: difficulty ? difficulty.complexity : result?.plan ? result.plan.complexity : null,
      ...(opts.mode === 'reasonflux' ? { navigatorComplexity: difficulty ? difficulty.navigator : null, complexitySource: difficulty?.source ?? 'engine' } : {}),
      ...(result?.verification ? { verification: result.verification } : {}),
      samples: traj.length,
      ...(traj.length > 1 || traj.some((t) => t.plan) ? { trajectories: traj } : {}),
      ...(planPrompt ? { planPrompt: planPrompt.map((m) => ({ role: m.role, content: m.content })) } : {}),
      templates: stats?.templatesUsed ?? [],
      mode: opts.mode,
      model,
      navigatorModel,
      gradeMethod: grade.method,
      finishedAt: new Date().toISOString(),
    };
  };

  const worker = async () => {
    while (!controller.signal.aborted) {
      const p = todo[next++];
      if (!p) return;
      const rec = await runOne(p);
      if (!rec) continue;
      appendResult(files.results, rec);
      ran++;
      bar?.tick(rec.correct, rec.status === 'failed');
    }
  };
  const k = Math.max(1, Math.min(opts.concurrency ?? 1, 64, Math.max(1, todo.length)));
  try {
    await Promise.all(Array.from({ length: k }, () => worker()));
  } finally {
    bar?.finish();
    opts.signal?.removeEventListener('abort', onAbort);
  }

  const interrupted = controller.signal.aborted && ran + skipped < selected.length;
  const selectedIds = new Set(selected.map((p) => p.id));
  const records = readResults(files.results).records.filter((r) => selectedIds.has(r.id));
  const summary = summarize(records, {
    dataset: opts.dataset.name,
    mode: opts.mode,
    model,
    navigatorModel,
    baseUrl: opts.baseUrl ?? '',
    promptsVersion: PROMPTS_VERSION,
    selected: selected.length,
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted,
    ...(breaker.tripped ? { stopped: stopMessage(breaker.failures, breaker.lastError) } : {}),
  });
  writeFileSync(files.summaryJson, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(files.summaryMd, renderSummaryMarkdown(summary));
  return { summary, ran, skipped, interrupted, ...(breaker.tripped ? { stopped: { failures: breaker.failures, lastError: breaker.lastError } } : {}), files };
}
