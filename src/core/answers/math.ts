// Numeric and symbolic equivalence of two scalar LaTeX expressions with @cortex-js/compute-engine,
// loaded lazily (it takes ~0.3 s to load) and always called under a deadline.

/** The slice of the compute engine's API used here (kept local so core does not depend on its typings). */
interface CeExpr {
  readonly json: unknown;
  readonly isValid: boolean;
  readonly freeVariables: ReadonlyArray<string>;
  readonly re: number;
  readonly im: number;
  N(): CeExpr;
  simplify(): CeExpr;
  subs(sub: Record<string, number>): CeExpr;
  isSame(rhs: CeExpr | number): boolean;
}
interface CeEngine {
  parse(latex: string): CeExpr;
  box(json: unknown): CeExpr;
  withTimeLimit<T>(ms: number, fn: () => T): T;
}

let engine: CeEngine | undefined;
let loadError: Error | undefined;

function getEngine(): CeEngine | undefined {
  if (engine || loadError) return engine;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@cortex-js/compute-engine') as { ComputeEngine: new () => CeEngine };
    engine = new mod.ComputeEngine();
  } catch (err) {
    loadError = err instanceof Error ? err : new Error(String(err));
  }
  return engine;
}

export type MathVerdict =
  | { equal: true; method: 'numeric' | 'symbolic' | 'random-points' | 'structural' }
  | { equal: false; method: string; reason: string };

/** Tight tolerance: 1e-9 relative, 1e-12 absolute. Infinities equal only themselves. */
export function numbersClose(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  const diff = Math.abs(a - b);
  return diff <= 1e-12 || diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function complexClose(a: { re: number; im: number }, b: { re: number; im: number }): boolean {
  const scale = Math.max(Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  const close = (x: number, y: number) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
    const d = Math.abs(x - y);
    return d <= 1e-12 || d <= 1e-9 * scale;
  };
  return close(a.re, b.re) && close(a.im, b.im);
}

class Deadline extends Error {}

/** Deterministic PRNG so a grade is reproducible. */
function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function isNumeric(e: CeExpr): boolean {
  return !Number.isNaN(e.re) && !Number.isNaN(e.im);
}

export interface MathOptions {
  /** Epoch ms after which no further engine work starts. */
  deadline: number;
  /** Longest expression handed to the engine (characters). */
  maxLength?: number;
}

/**
 * Decides whether two scalar expressions (already normalised LaTeX) are equal: numeric values within a
 * tight tolerance; with free variables, a zero simplified difference or agreement at random points.
 */
export function mathEqual(a: string, b: string, opts: MathOptions): MathVerdict {
  const maxLength = opts.maxLength ?? 600;
  if (a.length > maxLength || b.length > maxLength) {
    return { equal: false, method: 'too-large', reason: `expression longer than ${maxLength} characters; not checked symbolically` };
  }
  if (hugeNumbers(a) || hugeNumbers(b)) {
    return { equal: false, method: 'too-large', reason: 'factorial or binomial of a huge number; not evaluated' };
  }
  const ce = getEngine();
  if (!ce) return { equal: false, method: 'engine-unavailable', reason: `compute engine failed to load: ${loadError?.message}` };
  const within = <T>(fn: () => T): T => {
    const left = opts.deadline - Date.now();
    if (left <= 0) throw new Deadline('time limit reached');
    return ce.withTimeLimit(Math.max(1, Math.floor(left)), fn);
  };
  try {
    const pa = within(() => ce.parse(a));
    const pb = within(() => ce.parse(b));
    if (!pa.isValid || !pb.isValid) {
      return { equal: false, method: 'parse-error', reason: `could not parse ${!pa.isValid ? 'reference' : 'candidate'} as math` };
    }
    if (within(() => pa.isSame(pb))) return { equal: true, method: 'structural' };
    const va = pa.freeVariables;
    const vb = pb.freeVariables;
    if (va.length === 0 && vb.length === 0) {
      const na = within(() => pa.N());
      const nb = within(() => pb.N());
      if (isNumeric(na) && isNumeric(nb)) {
        // Values beyond double range (2^{1000000}) overflow to ±∞: equal infinities prove nothing
        // unless an answer actually says \infty.
        const overflow = ![na.re, na.im, nb.re, nb.im].every(Number.isFinite);
        if (overflow && !/\\infty|\\infin\b/.test(a + b)) {
          return { equal: false, method: 'too-large', reason: 'values too large to compare numerically' };
        }
        return complexClose(na, nb)
          ? { equal: true, method: 'numeric' }
          : { equal: false, method: 'numeric', reason: `values differ: ${fmt(na)} vs ${fmt(nb)}` };
      }
      return { equal: false, method: 'symbolic', reason: 'not numbers and not the same expression' };
    }
    const vars = [...new Set([...va, ...vb])].sort();
    if (vars.length > 8) return { equal: false, method: 'too-large', reason: 'too many variables' };
    const sa = new Set(va);
    const sb = new Set(vb);
    if (va.length !== vb.length || va.some((v) => !sb.has(v)) || vb.some((v) => !sa.has(v))) {
      return { equal: false, method: 'symbolic', reason: `different variables: {${[...sa].join(',')}} vs {${[...sb].join(',')}}` };
    }
    // Symbolic: the simplified difference is zero (skipped when expansion could explode).
    if (!bigExponents(a) && !bigExponents(b)) try {
      const diff = within(() => ce.box(['Subtract', pa.json, pb.json]).simplify());
      if (within(() => diff.isSame(0))) return { equal: true, method: 'symbolic' };
    } catch (err) {
      if (err instanceof Deadline || isCancellation(err)) throw err;
      // Fall through to numeric checks.
    }
    // Numeric: agreement at random points.
    const rnd = mulberry32(hash(a + '\u0000' + b));
    let agreed = 0;
    for (let trial = 0; trial < 12 && agreed < 5; trial++) {
      const point: Record<string, number> = {};
      for (const v of vars) point[v] = Math.round((0.3 + 2.4 * rnd()) * 1e6) / 1e6;
      const xa = within(() => pa.subs(point).N());
      const xb = within(() => pb.subs(point).N());
      const okA = isNumeric(xa) && Number.isFinite(xa.re);
      const okB = isNumeric(xb) && Number.isFinite(xb.re);
      if (!okA && !okB) continue;
      if (okA !== okB || !complexClose(xa, xb)) {
        return { equal: false, method: 'random-points', reason: `differ at ${JSON.stringify(point)}` };
      }
      agreed++;
    }
    if (agreed >= 3) return { equal: true, method: 'random-points' };
    return { equal: false, method: 'random-points', reason: 'could not evaluate at enough points' };
  } catch (err) {
    if (err instanceof Deadline || isCancellation(err)) {
      return { equal: false, method: 'timeout', reason: 'time limit reached while comparing' };
    }
    return { equal: false, method: 'engine-error', reason: `compute engine error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Numeric value of a constant expression, or undefined (for ratios of equation sides etc.). */
export function evalAt(latex: string, point: Record<string, number>, deadline: number): { re: number; im: number } | undefined {
  const ce = getEngine();
  if (!ce || latex.length > 600) return undefined;
  const left = deadline - Date.now();
  if (left <= 0) return undefined;
  try {
    return ce.withTimeLimit(Math.floor(left), () => {
      const e = ce.parse(latex);
      if (!e.isValid) return undefined;
      const n = e.subs(point).N();
      return isNumeric(n) ? { re: n.re, im: n.im } : undefined;
    });
  } catch {
    return undefined;
  }
}

/** Free variables of an expression (empty on failure). */
export function freeVariables(latex: string, deadline: number): string[] {
  const ce = getEngine();
  if (!ce || latex.length > 600) return [];
  const left = deadline - Date.now();
  if (left <= 0) return [];
  try {
    return ce.withTimeLimit(Math.floor(left), () => [...ce.parse(latex).freeVariables]);
  } catch {
    return [];
  }
}

/** Integer exponents above 12 (e.g. `(x+1)^{100000}`): symbolic expansion would exhaust memory. */
function bigExponents(s: string): boolean {
  for (const m of s.matchAll(/\^\s*\{?\s*(\d+)/g)) if (Number(m[1]) > 12) return true;
  return false;
}

/** Factorials / binomials of numbers with 4+ digits take seconds to evaluate exactly. */
function hugeNumbers(s: string): boolean {
  return /\d{4,}\s*!|\\binom\s*\{\s*\d{4,}|\\binom\s*\{[^}]*\^/.test(s);
}

function isCancellation(err: unknown): boolean {
  return err instanceof Error && (err.name === 'CancellationError' || /timeout|time limit/i.test(err.message));
}

function fmt(e: { re: number; im: number }): string {
  return e.im === 0 ? String(e.re) : `${e.re}${e.im >= 0 ? '+' : ''}${e.im}i`;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export { mulberry32, hash as hashString };
