// Difficulty the engine owns. The navigator's complexity (1-10) is one opinion; the engine adds what it
// sees itself:
//   - problem features (statement length, quantities, conditions, nested math, proof asked, parts, …),
//     mapped to the 1-10 scale by a linear model whose weights were fitted on the project's own
//     calibration problems (test/fixtures/difficulty/calibration.jsonl — none from MATH-500, AIME or
//     AMC; `node --import tsx scripts/calibrate-difficulty.ts` refits and prints them);
//   - run signals: rejected / revised steps, re-plans, disagreement between sampled answers and failed
//     verifications, each raising the estimate while the run goes on.
// A navigator that gives no complexity leaves the estimate to the engine: it is recorded as missing
// (`navigator: null`), never as if the navigator had said 5.

/** What the engine reads from a statement (all ≥ 0). Order matches FEATURE_NAMES and the weights. */
export interface ProblemFeatures {
  /** log2(1 + words of prose outside math). */
  words: number;
  /** log2(1 + characters of math). */
  mathChars: number;
  /** Distinct numbers and variables named in the statement (capped at 12). */
  quantities: number;
  /** Conditions: relations (=, <, ≤, divides, …) and condition words (such that, given, if, where, …), capped at 12. */
  conditions: number;
  /** Deepest nesting of braces / parentheses in the math, plus structured operators (\frac, \sqrt, \sum, …) / 2, capped at 8. */
  nesting: number;
  /** 1 when a proof or justification is asked. */
  proof: number;
  /** Separate parts asked ((a), (b), "then", "and find"), capped at 4. */
  parts: number;
  /** Counting / existence / extremal questions over a whole family (how many, all, ordered, smallest, …), capped at 4. */
  scope: number;
}

export const FEATURE_NAMES: readonly (keyof ProblemFeatures)[] = ['words', 'mathChars', 'quantities', 'conditions', 'nesting', 'proof', 'parts', 'scope'];

const MATH_SPAN = /\$\$([\s\S]*?)\$\$|\$([^$]*)\$|\\\(([\s\S]*?)\\\)|\\\[([\s\S]*?)\\\]/g;
const RELATION = /<|>|\\le\b|\\leq\b|\\ge\b|\\geq\b|\\ne\b|\\neq\b|\\mid\b|\\equiv\b|\\pmod\b|\\in\b|\\subset|=|≤|≥|≠/g;
const CONDITION_WORDS =
  /\b(such that|given that|satisfies|satisfying|where|if|whenever|for (?:all|every|each)|provided|with|suppose|assume|divisible|coprime|relatively prime|distinct|consecutive|independently|at least|at most|no two)\b/gi;
// The same cues in Chinese, Japanese and Korean (no word boundaries there).
const CJK_CONDITIONS = /满足|使得|其中|如果|若|并且|且|互质|不同|만족|조건|이고|서로소|満たす|ただし|とする|互いに素/g;
const CJK_SCOPE = /个数|多少|最小|最大|所有|概率|余数|몇|최소|최대|모든|확률|나머지|いくつ|最小|最大|すべて|確率|余り/g;
const CJK_PROOF = /证明|證明|증명|보여라|証明|示せ/;
const STRUCTURED = /\\(?:frac|dfrac|tfrac|sqrt|sum|prod|int|binom|lim|log|ln|sin|cos|tan|operatorname|lfloor|lceil|left|overline|vec|mathbb)\b|\^|_/g;
const PROOF = /\b(prove|proof|show that|justify|justification|demonstrate|explain why|determine all|find all functions)\b/i;
const PARTS = /\((?:[a-e]|i{1,3}|iv|v)\)|\bthen (?:find|compute|give|determine)|\band (?:then )?(?:find|compute|determine)\b|;\s*(?:find|compute|give)\b/gi;
const SCOPE = /\b(how many|number of|all (?:real|positive|integer|pairs|triples|solutions|values|functions)|ordered (?:pairs|triples)|smallest|largest|least|greatest|maximum|minimum|probability|expected|sum of all|product of all|remainder|subsets?|every)\b/gi;

function count(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s)) n++;
  re.lastIndex = 0;
  return n;
}

function maxDepth(s: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') max = Math.max(max, ++depth);
    else if ((c === '}' || c === ')' || c === ']') && depth > 0) depth--;
  }
  return max;
}

/** Features of a problem statement. Linear in its length; never throws. */
export function problemFeatures(problem: string): ProblemFeatures {
  const text = String(problem ?? '').slice(0, 20_000);
  const math: string[] = [];
  const prose = text.replace(MATH_SPAN, (...m: unknown[]) => {
    math.push(String(m[1] ?? m[2] ?? m[3] ?? m[4] ?? ''));
    return ' X ';
  });
  const mathText = math.join(' ');
  // Chinese and Japanese write without spaces: two characters count as a word there.
  const unspaced = (prose.match(/[\u3040-\u30ff\u3400-\u9fff]/g) ?? []).length;
  const words = prose.split(/\s+/).filter((w) => /[A-Za-z\u00C0-\u2FFF\uA000-\uFFFF]/.test(w)).length + Math.round(unspaced / 2);
  const numbers = new Set(text.match(/\d+(?:\.\d+)?/g) ?? []);
  const variables = new Set(mathText.replace(/\\[A-Za-z]+/g, ' ').match(/\b[A-Za-z]\b/g) ?? []);
  return {
    words: Math.log2(1 + words),
    mathChars: Math.log2(1 + mathText.replace(/\s+/g, '').length),
    quantities: Math.min(12, numbers.size + variables.size),
    conditions: Math.min(12, count(RELATION, mathText) + count(CONDITION_WORDS, prose) + count(CJK_CONDITIONS, prose)),
    nesting: Math.min(8, maxDepth(mathText) + count(STRUCTURED, mathText) / 2),
    proof: PROOF.test(prose) || CJK_PROOF.test(prose) ? 1 : 0,
    parts: Math.min(4, count(PARTS, prose)),
    scope: Math.min(4, count(SCOPE, prose) + count(CJK_SCOPE, prose)),
  };
}

/**
 * Fitted on test/fixtures/difficulty/calibration.jsonl (48 problems written for this project, labels
 * 1-9) by ridge regression (λ = 1) over standardised features; see scripts/calibrate-difficulty.ts.
 * `means`/`scales` standardise, `weights` in FEATURE_NAMES order, `bias` is the mean label.
 */
export const FEATURE_MODEL = {
  means: [3.8751, 3.0102, 4, 1.6042, 1.2188, 0.125, 0.2292, 0.6458],
  scales: [1.1681, 2.3021, 2.5331, 1.7882, 1.7675, 0.3307, 0.6532, 0.9011],
  weights: [1.2178, 0.3481, 0.2082, 0.4922, 0.2854, 0.5835, -0.3196, 0.2242],
  bias: 4.5417,
} as const satisfies FeatureModel;

export interface FeatureModel {
  means: readonly number[];
  scales: readonly number[];
  weights: readonly number[];
  bias: number;
}

export function featureVector(f: ProblemFeatures): number[] {
  return FEATURE_NAMES.map((k) => f[k]);
}

/** The features' estimate on the 1-10 scale (unrounded). */
export function featureComplexity(problem: string | ProblemFeatures, model: FeatureModel = FEATURE_MODEL): number {
  const f = typeof problem === 'string' ? problemFeatures(problem) : problem;
  const x = featureVector(f);
  let y = model.bias;
  for (let i = 0; i < x.length; i++) y += (model.weights[i] ?? 0) * ((x[i]! - (model.means[i] ?? 0)) / (model.scales[i] || 1));
  return Math.min(10, Math.max(1, y));
}

/**
 * Ridge regression of labels on standardised features (closed form, Gauss-Jordan on a 8×8 system).
 * Used by the calibration script and the test that checks FEATURE_MODEL was fitted from the set.
 */
export function fitFeatureModel(rows: { problem: string; level: number }[], lambda = 1): FeatureModel {
  const X = rows.map((r) => featureVector(problemFeatures(r.problem)));
  const y = rows.map((r) => r.level);
  const d = FEATURE_NAMES.length;
  const n = X.length;
  const means = Array.from({ length: d }, (_, j) => X.reduce((a, x) => a + x[j]!, 0) / n);
  const scales = Array.from({ length: d }, (_, j) => Math.sqrt(X.reduce((a, x) => a + (x[j]! - means[j]!) ** 2, 0) / n) || 1);
  const Z = X.map((x) => x.map((v, j) => (v - means[j]!) / scales[j]!));
  const bias = y.reduce((a, b) => a + b, 0) / n;
  // (ZᵀZ + λI) w = Zᵀ(y − bias)
  const A = Array.from({ length: d }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (j === d ? 0 : i === j ? lambda : 0)));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) A[i]![j]! += Z[r]![i]! * Z[r]![j]!;
      A[i]![d]! += Z[r]![i]! * (y[r]! - bias);
    }
  }
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    const pivot = A[c]![c]!;
    for (let j = c; j <= d; j++) A[c]![j]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = A[r]![c]!;
      for (let j = c; j <= d; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return { means: means.map(round), scales: scales.map(round), weights: A.map((row) => round(row[d]!)), bias: round(bias) };
}

/** What the engine saw during a run that says the problem is harder than it looked. */
export interface RunSignals {
  revisions: number;
  replans: number;
  /** Sampled answers to the same step (or trajectories) that disagreed. */
  disagreements: number;
  /** Final-answer evaluations that rejected the answer. */
  verificationFailures: number;
}

export type ComplexitySource = 'navigator+engine' | 'engine';

export interface DifficultyEstimate {
  /** The complexity the engine uses for budgets (1-10, integer). */
  complexity: number;
  /** The navigator's own number, or null when it gave none. */
  navigator: number | null;
  /** The problem features' estimate (1-10, one decimal). */
  features: number;
  /** Points added by run signals so far. */
  signals: number;
  source: ComplexitySource;
}

/** Weight of the navigator's number against the features' estimate when both exist. */
export const NAVIGATOR_WEIGHT = 0.5;

export function emptySignals(): RunSignals {
  return { revisions: 0, replans: 0, disagreements: 0, verificationFailures: 0 };
}

/** Points the run signals add: each adjustment +1, each disagreement or failed verification +1.5, at most +4. */
export function signalPoints(s: RunSignals): number {
  return Math.min(4, s.revisions + s.replans + 1.5 * (s.disagreements + s.verificationFailures));
}

/**
 * What the engine learns about a navigator across problems (one per eval run or session): a navigator
 * whose complexity (almost) never varies says nothing about the problem, so once RELIABILITY_MIN numbers
 * have been seen with a spread below RELIABILITY_MIN_SPREAD its number gets no weight.
 */
export class NavigatorReliability {
  private readonly seen: number[] = [];
  observe(n: number | null | undefined): void {
    if (n === null || n === undefined || !Number.isFinite(n)) return;
    this.seen.push(n);
    if (this.seen.length > 200) this.seen.shift();
  }
  /** Weight of the navigator's number now. */
  weight(): number {
    if (this.seen.length < RELIABILITY_MIN) return NAVIGATOR_WEIGHT;
    const m = this.seen.reduce((a, b) => a + b, 0) / this.seen.length;
    const sd = Math.sqrt(this.seen.reduce((a, b) => a + (b - m) ** 2, 0) / this.seen.length);
    return sd < RELIABILITY_MIN_SPREAD ? 0 : NAVIGATOR_WEIGHT;
  }
}

export const RELIABILITY_MIN = 5;
export const RELIABILITY_MIN_SPREAD = 0.5;

/** Combines the navigator's complexity (or null), the statement's features and the run signals. */
export function estimateDifficulty(
  problem: string,
  navigator: number | null,
  signals: RunSignals = emptySignals(),
  features?: number,
  navigatorWeight = NAVIGATOR_WEIGHT,
): DifficultyEstimate {
  const f = features ?? featureComplexity(problem);
  const nav = navigator !== null && Number.isFinite(navigator) ? Math.min(10, Math.max(1, Math.round(navigator))) : null;
  const base = nav === null ? f : navigatorWeight * nav + (1 - navigatorWeight) * f;
  const points = signalPoints(signals);
  return {
    complexity: Math.min(10, Math.max(1, Math.round(base + points))),
    navigator: nav,
    features: Math.round(f * 10) / 10,
    signals: points,
    source: nav === null || navigatorWeight === 0 ? 'engine' : 'navigator+engine',
  };
}
