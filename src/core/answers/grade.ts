// Grades a candidate answer (a bare answer or a whole model response) against a reference answer the
// way careful MATH / AIME / AMC graders do: structure first (tuples, intervals, sets, lists, matrices,
// equations, choices, base-n numerals, text), then numbers with a tight tolerance, then expressions
// symbolically or at random points. Never throws; every check is bounded by a deadline.
import { extractFinalAnswer, findBoxed } from './extract.js';
import { evalAt, freeVariables, hashString, mathEqual, mulberry32, numbersClose } from './math.js';
import { choiceLetter, expandPlusMinus, matchBrace, normalizeAnswer, parseAnswer, textKey, type AnswerNode } from './normalize.js';

export interface GradeOptions {
  /** Time limit for the whole comparison (ms). Default 3000. On expiry the answer is graded not equal. */
  timeoutMs?: number;
  /**
   * How to read the candidate: 'auto' (default) extracts the final answer when the text has a
   * `\boxed{}` or an "answer is" sentence or is long; 'never' takes it as a bare answer.
   */
  extract?: 'auto' | 'never';
}

export interface GradeResult {
  equal: boolean;
  /** The candidate's final answer as compared ('' when none was found). */
  extracted: string;
  /** Which check decided: exact, numeric, symbolic, random-points, text, choice, tuple, set, … */
  method: string;
  /** Why the answers were judged different (or could not be compared). */
  reason?: string;
}

interface Verdict {
  equal: boolean;
  method: string;
  reason?: string;
}

const DEFAULT_TIMEOUT_MS = 3000;
const MAX_ANSWER_CHARS = 2000;

/** Coerces dataset answers (strings, AMC floats like 27.0) to text. */
export function answerText(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  return '';
}

/**
 * The final answer of a candidate: the last `\boxed{}` (boxes on the same final line are joined as a
 * list), else an "answer is …" sentence, else the text itself when it is short. Null when none found.
 */
export function extractCandidate(text: string): string | null {
  const t = String(text ?? '');
  const boxed = findBoxed(t);
  if (boxed.length > 0) {
    // Several boxes on the last line that has one ("x = \boxed{1} or x = \boxed{-2}") form a list.
    const lines = t.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const inLine = findBoxed(lines[i]!);
      if (inLine.length > 1 && inLine.every((b) => b.length > 0) && connectedBoxes(lines[i]!)) {
        // The same answer boxed twice ("15\frac{39}{40} = \boxed{\frac{639}{40}}") is one answer.
        const last = inLine[inLine.length - 1]!;
        if (inLine.every((b) => b === last || isEquivalent(last, b, { timeoutMs: 500 }))) return last;
        return inLine.join(', ');
      }
      if (inLine.length === 1) break;
    }
    return boxed[boxed.length - 1]!;
  }
  const said = extractFinalAnswer(t);
  if (said) return said;
  const trimmed = t.trim();
  if (trimmed.length > 0 && trimmed.length <= 300 && !trimmed.includes('\n')) return trimmed;
  return null;
}

/** Boxes on one line joined only by "or" / "and" / commas (and "x =" prefixes): one list answer. */
function connectedBoxes(line: string): boolean {
  const gaps: string[] = [];
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let m: RegExpExecArray | null;
  let prevEnd = -1;
  while ((m = re.exec(line))) {
    const end = matchBrace(line, m.index + m[0].length - 1);
    if (end < 0) return false;
    if (prevEnd >= 0) gaps.push(line.slice(prevEnd, m.index));
    prevEnd = end;
    re.lastIndex = end;
  }
  const connector = /^[\s$]*(?:,|;|and|or|\\text\s*\{\s*(?:and|or)\s*\}|\\(?:quad|qquad)|\\[,;])?[\s$,]*(?:[a-zA-Z](?:_\{?\w+\}?)?\s*=)?[\s$]*$/i;
  return gaps.length > 0 && gaps.every((g) => connector.test(g));
}

/** True when `a` and `b` are the same answer (both taken as bare answers). */
export function isEquivalent(a: unknown, b: unknown, opts: Omit<GradeOptions, 'extract'> = {}): boolean {
  return gradeAnswer(a, b, { ...opts, extract: 'never' }).equal;
}

/** Grades `candidate` against `reference`. Never throws. */
export function gradeAnswer(reference: unknown, candidate: unknown, opts: GradeOptions = {}): GradeResult {
  let extracted = '';
  try {
    const refRaw = answerText(reference);
    const candRaw = answerText(candidate);
    const refBoxed = findBoxed(refRaw);
    const ref = refBoxed.length > 0 ? refBoxed[refBoxed.length - 1]! : refRaw;
    const cand = opts.extract === 'never' ? candRaw : extractCandidate(candRaw);
    extracted = (cand ?? '').trim();
    if (!ref.trim()) return { equal: false, extracted, method: 'none', reason: 'empty reference answer' };
    if (cand === null || !extracted) return { equal: false, extracted: '', method: 'none', reason: 'no final answer found' };
    if (ref.length > MAX_ANSWER_CHARS || extracted.length > MAX_ANSWER_CHARS) {
      const same = ref.trim() === extracted;
      return { equal: same, extracted, method: 'exact', reason: same ? undefined : 'answer too long to compare' };
    }
    const deadline = Date.now() + Math.max(1, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const v = compareRaw(ref, extracted, deadline);
    return v.equal ? { equal: true, extracted, method: v.method } : { equal: false, extracted, method: v.method, reason: v.reason };
  } catch (err) {
    return { equal: false, extracted, method: 'error', reason: `grader error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function compareRaw(refRaw: string, candRaw: string, deadline: number): Verdict {
  // Multiple choice: the reference decides.
  const refChoice = choiceLetter(refRaw);
  if (refChoice) {
    const c = choiceLetter(candRaw);
    if (!c) return { equal: false, method: 'choice', reason: `reference is choice (${refChoice}); candidate is not a choice letter` };
    return c === refChoice ? { equal: true, method: 'choice' } : { equal: false, method: 'choice', reason: `choice (${c}) ≠ (${refChoice})` };
  }
  const ref = normalizeAnswer(refRaw);
  const cand = normalizeAnswer(candRaw);
  // "(B) 27" against a numeric reference (AMC answers stored as values): compare the value.
  const labelled = /^\(\s*[A-E]\s*\)\s*(\S[\s\S]*)$/.exec(cand.text);
  if (labelled && plainNumber(ref.text) !== undefined) cand.text = labelled[1]!.trim();
  if (!ref.text) return { equal: false, method: 'none', reason: 'empty reference answer' };
  if (!cand.text) return { equal: false, method: 'none', reason: 'empty candidate answer' };
  if (ref.isText) {
    const eq = textKey(ref.text) === textKey(cand.text);
    return eq ? { equal: true, method: 'text' } : { equal: false, method: 'text', reason: `text "${cand.text}" ≠ "${ref.text}"` };
  }
  if (squash(ref.text) === squash(cand.text)) return { equal: true, method: 'exact' };
  return compareNodes(parseAnswer(ref.text), parseAnswer(cand.text), deadline);
}

function squash(s: string): string {
  return s.replace(/\s+/g, '').replace(/\{(\w)\}/g, '$1');
}

const SIMPLE_VAR = /^(?:[a-zA-Z]|\\(?:alpha|beta|gamma|delta|theta|phi|varphi|lambda|mu|omega|rho|sigma|tau|psi))(?:_\{?\w+\}?)?(?:\([a-z]\))?$/;

function compareNodes(ref: AnswerNode, cand: AnswerNode, deadline: number): Verdict {
  if (Date.now() > deadline) return { equal: false, method: 'timeout', reason: 'time limit reached while comparing' };
  // "x = 5" against "5" (either side), unless both are equations.
  if (ref.kind === 'equation' && cand.kind !== 'equation') {
    if (SIMPLE_VAR.test(ref.lhs.trim())) return compareNodes(parseAnswer(ref.rhs), cand, deadline);
    return { equal: false, method: 'equation', reason: 'reference is an equation; candidate is not' };
  }
  if (cand.kind === 'equation' && ref.kind !== 'equation') {
    if (SIMPLE_VAR.test(cand.lhs.trim())) return compareNodes(ref, parseAnswer(cand.rhs), deadline);
    return { equal: false, method: 'equation', reason: 'candidate is an equation; reference is not' };
  }
  switch (ref.kind) {
    case 'equation':
      return compareEquations(ref, cand as Extract<AnswerNode, { kind: 'equation' }>, deadline);
    case 'base': {
      if (cand.kind === 'base') {
        const eq = cand.digits === ref.digits && cand.base === ref.base;
        return eq ? { equal: true, method: 'base' } : { equal: false, method: 'base', reason: `${cand.digits}_${cand.base} ≠ ${ref.digits}_${ref.base}` };
      }
      if (cand.kind === 'scalar' && /^[0-9A-Za-z]+$/.test(cand.expr.trim())) {
        const eq = cand.expr.trim().toUpperCase() === ref.digits;
        return eq ? { equal: true, method: 'base-digits' } : { equal: false, method: 'base', reason: `digits ${cand.expr} ≠ ${ref.digits} (base ${ref.base})` };
      }
      return { equal: false, method: 'base', reason: 'reference is a base-n numeral' };
    }
    case 'list':
    case 'set': {
      const items = itemsOf(cand, true);
      if (!items) return { equal: false, method: ref.kind, reason: `reference is a ${ref.kind === 'set' ? 'set' : 'list'} of ${ref.items.length}; candidate is not a list` };
      return unorderedEqual(expandItems(ref.items), expandItems(items), deadline, ref.kind);
    }
    case 'seq': {
      let items: AnswerNode[] | undefined;
      if (cand.kind === 'seq') {
        if (cand.open !== ref.open || cand.close !== ref.close) {
          return { equal: false, method: 'interval', reason: `brackets ${cand.open}…${cand.close} ≠ ${ref.open}…${ref.close}` };
        }
        items = cand.items;
      } else if (cand.kind === 'list' && ref.open === '(' && ref.close === ')') items = cand.items;
      else if (cand.kind === 'matrix' && ref.open === '(' && ref.close === ')') items = vectorItems(cand);
      if (!items) return { equal: false, method: 'tuple', reason: 'reference is a tuple/interval; candidate is not' };
      return orderedEqual(ref.items, items, deadline, 'tuple');
    }
    case 'union': {
      if (cand.kind !== 'union') return { equal: false, method: 'union', reason: 'reference is a union; candidate is not' };
      return unorderedEqual(ref.parts, cand.parts, deadline, 'union');
    }
    case 'matrix': {
      if (cand.kind === 'matrix') {
        if (cand.rows.length !== ref.rows.length || cand.rows.some((r, i) => r.length !== ref.rows[i]!.length)) {
          return { equal: false, method: 'matrix', reason: 'matrix shapes differ' };
        }
        return orderedEqual(ref.rows.flat(), cand.rows.flat(), deadline, 'matrix');
      }
      const vec = vectorItems(ref);
      if (vec && cand.kind === 'seq' && cand.open === '(' && cand.close === ')') return orderedEqual(vec, cand.items, deadline, 'matrix');
      return { equal: false, method: 'matrix', reason: 'reference is a matrix/vector; candidate is not' };
    }
    case 'scalar': {
      const refs = expandPlusMinus(ref.expr);
      if (cand.kind === 'scalar') {
        const cands = expandPlusMinus(cand.expr);
        if (refs.length === 1 && cands.length === 1) return compareScalars(refs[0]!, cands[0]!, deadline);
        return unorderedEqual(refs.map(scalarNode), cands.map(scalarNode), deadline, 'plus-minus');
      }
      if (cand.kind === 'set' && cand.items.length === 1 && refs.length === 1) return compareNodes(ref, cand.items[0]!, deadline);
      if (refs.length > 1) {
        const items = itemsOf(cand, true);
        if (items) return unorderedEqual(refs.map(scalarNode), expandItems(items), deadline, 'plus-minus');
      }
      return { equal: false, method: 'structure', reason: `reference is a single value; candidate is a ${cand.kind}` };
    }
    default:
      return { equal: false, method: 'structure', reason: 'unsupported answer form' };
  }
}

function scalarNode(expr: string): AnswerNode {
  return { kind: 'scalar', expr };
}

/** Items of a candidate usable as an unordered collection. */
function itemsOf(n: AnswerNode, allowTuple: boolean): AnswerNode[] | undefined {
  if (n.kind === 'list' || n.kind === 'set') return n.items;
  if (allowTuple && n.kind === 'seq' && n.open === '(' && n.close === ')') return n.items;
  if (n.kind === 'scalar' && /\\(?:pm|mp)\b/.test(n.expr)) return [n];
  return undefined;
}

function expandItems(items: AnswerNode[]): AnswerNode[] {
  return items.flatMap((it) => (it.kind === 'scalar' ? expandPlusMinus(it.expr).map(scalarNode) : [it]));
}

function vectorItems(m: Extract<AnswerNode, { kind: 'matrix' }>): AnswerNode[] | undefined {
  if (m.rows.every((r) => r.length === 1)) return m.rows.map((r) => r[0]!);
  if (m.rows.length === 1) return m.rows[0];
  return undefined;
}

function orderedEqual(ref: AnswerNode[], cand: AnswerNode[], deadline: number, method: string): Verdict {
  if (ref.length !== cand.length) return { equal: false, method, reason: `${cand.length} entries ≠ ${ref.length}` };
  for (let i = 0; i < ref.length; i++) {
    const v = compareNodes(ref[i]!, cand[i]!, deadline);
    if (!v.equal) return { equal: false, method: v.method === 'timeout' ? 'timeout' : method, reason: `entry ${i + 1}: ${v.reason ?? 'differs'}` };
  }
  return { equal: true, method };
}

function unorderedEqual(ref: AnswerNode[], cand: AnswerNode[], deadline: number, method: string): Verdict {
  if (ref.length !== cand.length) return { equal: false, method, reason: `${cand.length} entries ≠ ${ref.length}` };
  const used = new Array<boolean>(cand.length).fill(false);
  for (let i = 0; i < ref.length; i++) {
    let found = false;
    for (let j = 0; j < cand.length && !found; j++) {
      if (used[j]) continue;
      const v = compareNodes(ref[i]!, cand[j]!, deadline);
      if (v.method === 'timeout') return v;
      if (v.equal) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return { equal: false, method, reason: `no candidate entry matches reference entry ${i + 1}` };
  }
  return { equal: true, method };
}

/** A decimal literal in canonical form ("-0012.50" → "-12.5"), or undefined. */
export function exactDecimal(s: string): string | undefined {
  const m = /^([+-])?0*(\d*)(?:\.(\d*?)0*)?$/.exec(s.replace(/\s+/g, '').replace(/^\{(.*)\}$/, '$1'));
  if (!m || !/\d/.test(s)) return undefined;
  const int = m[2] || '0';
  const frac = m[3] ?? '';
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : `${m[1] === '-' ? '-' : ''}${body}`;
}

/** A plain number: integer, decimal, scientific, a/b, \frac{a}{b}, mixed number 2\frac{1}{3}. */
export function plainNumber(s: string): number | undefined {
  const t = s.replace(/\s+/g, '').replace(/^\{(.*)\}$/, '$1');
  let m = /^([+-])?(\d+\.?\d*|\.\d+)(?:e([+-]?\d+))?$/i.exec(t);
  if (m) return Number(`${m[1] ?? ''}${m[2]}${m[3] ? 'e' + m[3] : ''}`);
  m = /^([+-])?(\d+)?\\frac(?:\{(\d+)\}|(\d))(?:\{(\d+)\}|(\d))$/.exec(t);
  if (m) {
    const whole = m[2] ? Number(m[2]) : 0;
    const den = Number(m[5] ?? m[6]);
    if (den === 0) return undefined;
    const v = whole + Number(m[3] ?? m[4]) / den;
    return m[1] === '-' ? -v : v;
  }
  m = /^([+-])?(\d+)\/(\d+)$/.exec(t);
  if (m) {
    const den = Number(m[3]);
    if (den === 0) return undefined;
    const v = Number(m[2]) / den;
    return m[1] === '-' ? -v : v;
  }
  return undefined;
}

function compareScalars(a: string, b: string, deadline: number): Verdict {
  if (squash(a) === squash(b)) return { equal: true, method: 'exact' };
  // Two whole numbers compare exactly (11111111100 ≠ 11111111101 although they are within 1e-9);
  // decimals keep the tolerance (0.30000000000000004 = 0.3).
  const da = exactDecimal(a);
  const db = exactDecimal(b);
  if (da !== undefined && db !== undefined && !da.includes('.') && !db.includes('.')) {
    return da === db ? { equal: true, method: 'numeric' } : { equal: false, method: 'numeric', reason: `${b.trim()} ≠ ${a.trim()}` };
  }
  const na = plainNumber(a);
  const nb = plainNumber(b);
  if (na !== undefined && nb !== undefined) {
    return numbersClose(na, nb) ? { equal: true, method: 'numeric' } : { equal: false, method: 'numeric', reason: `${nb} ≠ ${na}` };
  }
  // Mixed numbers the engine would read as products when signed: "-2\frac{1}{3}".
  const v = mathEqual(toEngineLatex(a), toEngineLatex(b), { deadline });
  return v.equal ? { equal: true, method: v.method } : { equal: false, method: v.method, reason: v.reason };
}

/** Small rewrites for the compute engine: mixed numbers as sums, `\infty` spelled out. */
function toEngineLatex(s: string): string {
  const mixed = /^\s*([+-])?\s*(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}\s*$/.exec(s);
  if (mixed) return `${mixed[1] === '-' ? '-' : ''}\\left(${mixed[2]}+\\frac{${mixed[3]}}{${mixed[4]}}\\right)`;
  return s.replace(/\binfinity\b|\binf\b/gi, '\\infty').replace(/\\dagger/g, '');
}

function compareEquations(ref: { lhs: string; rhs: string }, cand: { lhs: string; rhs: string }, deadline: number): Verdict {
  const same = (x: string, y: string) => compareNodes(parseAnswer(x), parseAnswer(y), deadline).equal;
  if (same(ref.lhs, cand.lhs) && same(ref.rhs, cand.rhs)) return { equal: true, method: 'equation' };
  if (same(ref.lhs, cand.rhs) && same(ref.rhs, cand.lhs)) return { equal: true, method: 'equation' };
  // Same solution set: (l1 - r1) is a constant non-zero multiple of (l2 - r2) at random points.
  const d1 = `(${toEngineLatex(ref.lhs)})-(${toEngineLatex(ref.rhs)})`;
  const d2 = `(${toEngineLatex(cand.lhs)})-(${toEngineLatex(cand.rhs)})`;
  const vars = [...new Set([...freeVariables(d1, deadline), ...freeVariables(d2, deadline)])].sort();
  if (vars.length === 0 || vars.length > 6) return { equal: false, method: 'equation', reason: 'equations differ' };
  const rnd = mulberry32(hashString(d1 + '\u0000' + d2));
  let ratio: number | undefined;
  let agreed = 0;
  for (let trial = 0; trial < 12 && agreed < 5; trial++) {
    if (Date.now() > deadline) return { equal: false, method: 'timeout', reason: 'time limit reached while comparing' };
    const point: Record<string, number> = {};
    for (const v of vars) point[v] = Math.round((0.3 + 2.4 * rnd()) * 1e6) / 1e6;
    const x = evalAt(d1, point, deadline);
    const y = evalAt(d2, point, deadline);
    if (!x || !y || x.im !== 0 || y.im !== 0 || !Number.isFinite(x.re) || !Number.isFinite(y.re)) continue;
    if (Math.abs(y.re) < 1e-12 || Math.abs(x.re) < 1e-12) {
      if (Math.abs(y.re) < 1e-12 && Math.abs(x.re) < 1e-12) continue;
      return { equal: false, method: 'equation', reason: 'equations differ' };
    }
    const r = x.re / y.re;
    if (ratio === undefined) ratio = r;
    else if (!numbersClose(ratio, r)) return { equal: false, method: 'equation', reason: 'equations differ' };
    agreed++;
  }
  return agreed >= 3 ? { equal: true, method: 'equation' } : { equal: false, method: 'equation', reason: 'equations differ' };
}
