// The plan-step reranker: a small learned linear model over the best BM25 candidates of a PLAN STEP's
// search (a navigator step's method + goal as the query, the problem as context; SearchOptions.planStep).
// Problem-only searches (hover, problem hints, retrieval-quality) never use it. Each candidate gets a few
// features — its BM25 score relative to the best, its BM25 rank, whether it is a catch-all, which share
// of the query's idf mass matches no field, and which share of the query's (and, apart, the context's)
// idf mass each template field matches (a step's method words matching a name or tags say more than the
// problem's words matching an example), how much of the template's name and of its best-covered single tag
// the query (and the context) states, and the same for the step's OWN words — the query terms the problem
// does not use: the method a step names rather than the problem's objects it restates — and its score
// becomes best·exp(w·x). With w = {bm25: 1} that is BM25's own order.
//
// The weights (STEP_RERANK_WEIGHTS, rerankWeights.ts) are FITTED ON DEV DATA ONLY: the dev split's
// step+problem searches of test/fixtures/library-eval/methods.jsonl and of test/fixtures/retrieval/
// competition.jsonl, by `fitReranker` below (listwise softmax loss, L2 towards BM25's order). The test
// splits are never seen by the fit. `npx tsx scripts/fit-step-reranker.ts` refits from dev (choosing the
// L2 strength by 2-fold cross-validation on dev, repeated over 4 halvings) and rewrites rerankWeights.ts.
import { STEP_RERANK_WEIGHTS } from './rerankWeights.js';

export { STEP_RERANK_WEIGHTS };

/** Template fields whose matches are features, for the query and for the context apart. */
export const RERANK_FIELDS = ['name', 'tags', 'whenToUse', 'description', 'steps', 'example'] as const;
export type RerankField = (typeof RERANK_FIELDS)[number];

export const RERANK_FEATURES: readonly string[] = [
  'bm25',
  'general',
  'rank',
  'q.unmatched',
  ...RERANK_FIELDS.map((f) => `q.${f}`),
  ...RERANK_FIELDS.map((f) => `c.${f}`),
  'q.pairs',
  'name.byQuery',
  'name.byContext',
  'level',
  'tag.byQuery',
  'tag.byContext',
  'own.head',
  'own.any',
  'name.byOwn',
  'tag.byOwn',
];

/** How many BM25 candidates are reranked. */
export const RERANK_POOL = 30;

export type RerankWeights = Readonly<Record<string, number>>;

/** Weights as a vector in RERANK_FEATURES order (missing or non-finite ones count as 0). */
export function weightVector(w: RerankWeights): Float64Array {
  return Float64Array.from(RERANK_FEATURES, (name) => (Number.isFinite(w[name]) ? w[name]! : 0));
}

export function linearScore(w: Float64Array, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]! * x[i]!;
  return s;
}

/** One training query: its candidates' feature vectors, which of them fit, and a fixed score offset each. */
export interface RerankSample {
  features: ReadonlyArray<ArrayLike<number>>;
  relevant: readonly boolean[];
  /** Added to each candidate's linear score (e.g. the log of the general templates' demotion). */
  offset?: readonly number[];
}

export interface FitOptions {
  /** L2 penalty per weight, times the number of samples (default 0.01). */
  l2?: number;
  iterations?: number;
  rate?: number;
  /** Where the fit starts (default: bm25 weight 1, the others 0 — BM25's own order). */
  start?: RerankWeights;
  /** Upper bounds of single weights, kept after every step (GENERAL_UPPER: the fit may not favour catch-alls). */
  upper?: RerankWeights;
}

/**
 * The reranker may not raise general (catch-all) templates above what the library's own demotion leaves them
 * (issue: a catch-all is right only when nothing specific fits), whatever the dev data would reward.
 */
export const GENERAL_UPPER: RerankWeights = { general: 0 };

/**
 * Fits the weights by gradient descent on the listwise softmax loss −log(Σ_fit e^s / Σ_all e^s) over
 * the samples with at least one fitting candidate, plus L2 towards `start` (so with little data the
 * result stays near BM25's order).
 */
export function fitReranker(samples: readonly RerankSample[], options: FitOptions = {}): Record<string, number> {
  const n = RERANK_FEATURES.length;
  const start = weightVector(options.start ?? { bm25: 1 });
  const upper = Float64Array.from(RERANK_FEATURES, (name) => (Number.isFinite(options.upper?.[name]) ? options.upper![name]! : Infinity));
  const w = Float64Array.from(start, (v, k) => Math.min(v, upper[k]!));
  const l2 = options.l2 ?? 0.01;
  const rate = options.rate ?? 0.5;
  const usable = samples.filter((s) => s.relevant.some(Boolean) && s.relevant.some((r) => !r));
  if (usable.length === 0) return toRecord(w);
  const grad = new Float64Array(n);
  for (let it = 0; it < (options.iterations ?? 400); it++) {
    grad.fill(0);
    for (const s of usable) {
      const scores = s.features.map((x, i) => linearScore(w, x) + (s.offset?.[i] ?? 0));
      const max = Math.max(...scores);
      const e = scores.map((v) => Math.exp(v - max));
      const all = e.reduce((a, b) => a + b, 0);
      const fit = e.reduce((a, v, i) => a + (s.relevant[i] ? v : 0), 0);
      s.features.forEach((x, i) => {
        const g = e[i]! / all - (s.relevant[i] ? e[i]! / fit : 0);
        for (let k = 0; k < n; k++) grad[k]! += g * x[k]!;
      });
    }
    for (let k = 0; k < n; k++) w[k]! -= (rate * (grad[k]! / usable.length + 2 * l2 * (w[k]! - start[k]!)));
    for (let k = 0; k < n; k++) if (upper[k]! < w[k]!) w[k] = upper[k]!;
  }
  return toRecord(w);
}

function toRecord(w: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  RERANK_FEATURES.forEach((name, i) => (out[name] = Math.round(w[i]! * 1000) / 1000));
  return out;
}
