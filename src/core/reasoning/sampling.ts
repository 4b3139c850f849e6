// Inference scaling by sampling, as in the paper's comparison:
//   solveSampled      N ReasonFlux trajectories, the answer by vote or by the navigator as verifier
//                     (`samples: 'auto'`: as many as the engine's difficulty assessment asks for, more
//                     when trajectories are rejected or disagree);
//   directSampled     the baselines: self-consistency (majority vote over N direct samples) and best-of-n
//                     (N direct samples, the navigator picks the best).
// Answers are compared with the project's grader (isEquivalent), so "1/2" and "0.5" are one vote.
import type { ChatModel } from '../llm/types.js';
import { isEquivalent } from '../answers/grade.js';
import type { SolveEvent, SolveStats, Verification } from './events.js';
import { directSolve, navigatorSelect, solveProblem, type OrchestratorOptions, type SolveResult } from './orchestrator.js';

/** Most trajectories `samples: 'auto'` runs. */
export const MAX_AUTO_SAMPLES = 4;
/** Most samples a user may ask for. */
export const MAX_SAMPLES = 32;
/** Temperature of samples after the first when the caller sets none (independent samples need some). */
export const SAMPLE_TEMPERATURE = 0.7;

export type SelectMethod = 'vote' | 'verify';

/**
 * Trajectories the engine runs for a problem of assessed complexity c: one up to 5 (high-school
 * competition), two for 6-7 (AMC 12 / AIME), three from 8 (olympiad).
 */
export function samplesFor(complexity: number): number {
  return complexity >= 8 ? 3 : complexity >= 6 ? 2 : 1;
}

export interface VoteCluster {
  answer: string;
  weight: number;
  members: number[];
}

const VERIFICATION_WEIGHT: Record<Verification, number> = { accepted: 1, unchecked: 0.5, rejected: 0.25 };

/**
 * Groups answers that the grader finds equivalent; each answer weighs `weights[i]` (default 1). Clusters
 * are ordered by weight, then by first appearance. Null answers are left out.
 */
export function voteClusters(answers: readonly (string | null)[], weights?: readonly number[]): VoteCluster[] {
  const clusters: VoteCluster[] = [];
  answers.forEach((a, i) => {
    if (a === null || !a.trim()) return;
    const w = weights?.[i] ?? 1;
    const c = clusters.find((x) => x.answer === a || isEquivalent(x.answer, a, { timeoutMs: 1000 }));
    if (c) {
      c.weight += w;
      c.members.push(i);
    } else clusters.push({ answer: a, weight: w, members: [i] });
  });
  return clusters.map((c, order) => ({ c, order })).sort((x, y) => y.c.weight - x.c.weight || x.order - y.order).map((x) => x.c);
}

/** True when one cluster holds more than half of the total weight. */
function hasMajority(clusters: readonly VoteCluster[]): boolean {
  const total = clusters.reduce((a, c) => a + c.weight, 0);
  return clusters.length > 0 && clusters[0]!.weight > total / 2;
}

export function sumStats(all: readonly SolveStats[]): SolveStats {
  const out: SolveStats = { calls: 0, navigatorCalls: 0, solverCalls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, ms: 0, modelMs: 0, rounds: 0, roundBudget: 0, templatesUsed: [] };
  for (const s of all) {
    out.calls += s.calls;
    out.navigatorCalls += s.navigatorCalls;
    out.solverCalls += s.solverCalls;
    out.promptTokens += s.promptTokens;
    out.completionTokens += s.completionTokens;
    out.totalTokens += s.totalTokens;
    out.ms += s.ms;
    out.modelMs += s.modelMs;
    out.rounds += s.rounds;
    out.roundBudget += s.roundBudget;
    for (const t of s.templatesUsed) if (!out.templatesUsed.includes(t)) out.templatesUsed.push(t);
  }
  out.ms = Math.round(out.ms * 1000) / 1000;
  out.modelMs = Math.round(out.modelMs * 1000) / 1000;
  return out;
}

export interface SampledResult extends SolveResult {
  /** Every trajectory (or direct sample), in order. */
  samples: SolveResult[];
  /** How the answer was chosen: 'single' (one sample), 'vote', or 'verify' (the navigator chose). */
  selectedBy: 'single' | 'vote' | 'verify';
  clusters: VoteCluster[];
}

export interface SampledOptions {
  /** Number of trajectories, or 'auto' (the engine decides from its difficulty assessment). Default 'auto'. */
  samples?: number | 'auto';
  /** How to choose the answer among several: majority vote (default) or the navigator as verifier. */
  select?: SelectMethod;
}

/** Picks the answer of a set of results: by weighted vote, or by the navigator when the vote is split. */
async function* choose(
  problem: string,
  results: readonly SolveResult[],
  select: SelectMethod,
  weights: readonly number[],
  navigator: ChatModel,
  signal: AbortSignal | undefined,
  extra: SolveStats[],
): AsyncGenerator<SolveEvent, { index: number; by: SampledResult['selectedBy']; clusters: VoteCluster[] }> {
  const clusters = voteClusters(results.map((r) => r.answer), weights);
  const first = results.findIndex((r) => r.answer !== null);
  if (results.length === 1 || clusters.length === 0) return { index: Math.max(0, first), by: results.length === 1 ? 'single' : 'vote', clusters };
  // The best-weighted member of a cluster stands for it.
  const rep = (c: VoteCluster) => c.members.reduce((b, m) => ((weights[m] ?? 1) > (weights[b] ?? 1) ? m : b), c.members[0]!);
  if (select === 'verify' && clusters.length > 1 && !signal?.aborted) {
    const picked = yield* navigatorSelect(problem, clusters.map((c) => ({ answer: c.answer, text: results[rep(c)]!.text })), { navigator, ...(signal ? { signal } : {}) });
    extra.push(picked.stats);
    if (picked.index !== null) return { index: rep(clusters[picked.index]!), by: 'verify', clusters };
  }
  return { index: rep(clusters[0]!), by: 'vote', clusters };
}

function finish(results: SolveResult[], chosen: { index: number; by: SampledResult['selectedBy']; clusters: VoteCluster[] }, extra: SolveStats[]): SampledResult {
  const best = results[chosen.index]!;
  const last = results[results.length - 1]!;
  const status = last.status === 'cancelled' ? 'cancelled' : best.answer !== null ? 'solved' : last.status === 'failed' ? 'failed' : 'no-answer';
  return { ...best, status, stats: sumStats([...results.map((r) => r.stats), ...extra]), samples: results, selectedBy: chosen.by, clusters: chosen.clusters };
}

/** The closing events of a sampled run: a final (unless it ended without any answer by failure or cancellation) and done. */
function* closing(out: SampledResult): Generator<SolveEvent> {
  if (out.status !== 'cancelled' && out.status !== 'failed') {
    yield { type: 'final', answer: out.answer, text: out.text, ...(out.verification ? { verification: out.verification } : {}) };
  }
  yield { type: 'done', status: out.status, stats: out.stats };
}

/** Events of one sample, without its own start (after the first), final and done. */
async function* relay(gen: AsyncGenerator<SolveEvent, SolveResult>, index: number): AsyncGenerator<SolveEvent, SolveResult> {
  let finished = false;
  try {
    for (;;) {
      const it = await gen.next();
      if (it.done) {
        finished = true;
        return it.value;
      }
      const ev = it.value;
      if (ev.type === 'done' || ev.type === 'final') continue;
      if (ev.type === 'start' && index > 0) continue;
      yield ev;
    }
  } finally {
    // The consumer stopped early (return()): close the sample's run too, which cancels its model call.
    if (!finished) await gen.return(undefined as never);
  }
}

function* sampleEvent(r: SolveResult, index: number, of: number): Generator<SolveEvent> {
  yield { type: 'sample', index, of, answer: r.answer, status: r.status, ...(r.verification ? { verification: r.verification } : {}) };
}

/**
 * Solves with N ReasonFlux trajectories (or as many as the engine asks for with 'auto') and chooses the
 * answer. One `final` and one `done` event at the end with the summed stats; a `sample` event after each
 * trajectory when more than one runs. Never throws.
 */
export async function* solveSampled(problem: string, options: OrchestratorOptions & SampledOptions): AsyncGenerator<SolveEvent, SampledResult> {
  if (options.mode && options.mode !== 'solve') {
    // Hints and explanations are one run each.
    const r = yield* solveProblem(problem, options);
    return { ...r, samples: [r], selectedBy: 'single', clusters: [] };
  }
  const auto = options.samples === undefined || options.samples === 'auto';
  const fixed = auto ? 1 : Math.max(1, Math.min(MAX_SAMPLES, Math.floor(options.samples as number)));
  const select = options.select ?? 'vote';
  const results: SolveResult[] = [];
  let target = fixed;
  for (let i = 0; i < target; i++) {
    const temperature = i === 0 ? options.temperature : (options.temperature ?? SAMPLE_TEMPERATURE);
    const r = yield* relay(solveProblem(problem, { ...options, ...(temperature !== undefined ? { temperature } : {}), ...(options.runId ? { runId: `${options.runId}-${i + 1}` } : {}) }), i);
    results.push(r);
    if (r.status === 'cancelled' || r.status === 'failed') break;
    if (auto) {
      // The engine's assessment after this trajectory (navigator + features + what the run saw) decides.
      const d = Math.max(...results.map((x) => x.difficulty?.complexity ?? 1));
      target = Math.max(target, samplesFor(d));
      if (results.some((x) => x.verification === 'rejected' || x.answer === null)) target = Math.max(target, 2);
      if (i + 1 >= target && target < MAX_AUTO_SAMPLES && results.length > 1) {
        // Disagreement between trajectories is a difficulty signal too: one more when no answer has a majority.
        if (!hasMajority(voteClusters(results.map((x) => x.answer), results.map(weightOf)))) target++;
      }
      target = Math.min(target, MAX_AUTO_SAMPLES);
    }
    if (target > 1) yield* sampleEvent(r, i, target);
  }
  const extra: SolveStats[] = [];
  const chosen = yield* choose(problem, results, select, results.map(weightOf), options.navigator, options.signal, extra);
  const out = finish(results, chosen, extra);
  yield* closing(out);
  return out;
}

function weightOf(r: SolveResult): number {
  return r.answer === null ? 0 : VERIFICATION_WEIGHT[r.verification ?? 'unchecked'];
}

export type DirectSampling = 'self-consistency' | 'best-of-n';

/**
 * The baselines: N direct chain-of-thought samples; self-consistency takes the majority answer, best-of-n
 * lets the navigator (the verifier) choose among the distinct answers (one more call when they differ).
 */
export async function* directSampled(
  problem: string,
  model: ChatModel,
  options: { n: number; method: DirectSampling; navigator?: ChatModel; signal?: AbortSignal; temperature?: number; runId?: string },
): AsyncGenerator<SolveEvent, SampledResult> {
  const n = Math.max(1, Math.min(MAX_SAMPLES, Math.floor(options.n)));
  const results: SolveResult[] = [];
  for (let i = 0; i < n; i++) {
    const temperature = options.temperature ?? SAMPLE_TEMPERATURE;
    const r = yield* relay(directSolve(problem, model, { temperature, ...(options.signal ? { signal: options.signal } : {}), ...(options.runId ? { runId: `${options.runId}-${i + 1}` } : {}) }), i);
    results.push(r);
    if (r.status === 'cancelled' || r.status === 'failed') break;
    if (n > 1) yield* sampleEvent(r, i, n);
  }
  const extra: SolveStats[] = [];
  const chosen = yield* choose(problem, results, options.method === 'best-of-n' ? 'verify' : 'vote', results.map((r) => (r.answer === null ? 0 : 1)), options.navigator ?? model, options.signal, extra);
  const out = finish(results, chosen, extra);
  yield* closing(out);
  return out;
}
