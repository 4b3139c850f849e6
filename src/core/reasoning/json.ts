// Robust JSON extraction from model prose, and the schemas of the navigator's replies.
// Models wrap JSON in code fences, put text before it, think aloud in <think> blocks, leave trailing
// commas, write raw newlines in strings and LaTeX with single backslashes; all of that is tolerated here.
import { z } from 'zod';
import type { Plan } from './events.js';

/** Most steps a plan may have; longer plans are cut (the navigator is asked for 2-6). */
export const MAX_PLAN_STEPS = 8;

/** LaTeX commands that start with a JSON escape letter (b f n r t u), so "\frac" is not read as formfeed + "rac". */
const LATEX_WORDS = new Set(
  (
    'beta bar binom boxed begin big bigg Big bmod bot bullet backslash bigcup bigcap bf bmatrix bigl bigr ' +
    'frac forall flat frown ' +
    'neq ne nabla not nu ni nmid neg notin nexists ngeq nleq nolimits newline ' +
    'rightarrow right rho rangle rfloor rceil rm rvert rbrace ' +
    'times theta tan tanh text textbf textit textrm tfrac to tau top triangle therefore tilde textstyle ' +
    'underline underbrace uparrow upsilon union'
  ).split(' '),
);

const WORD = /[A-Za-z]+/y;
const HEX4 = /u[0-9a-fA-F]{4}/y;
const CLOSER_AHEAD = /\s*[}\]]/y;

/** Fixes common defects inside and outside string literals; returns text for JSON.parse. Linear time. */
export function sanitizeJson(src: string): string {
  const out: string[] = [];
  let inString = false;
  let from = 0; // start of the pending unchanged run
  const flush = (to: number) => {
    if (to > from) out.push(src.slice(from, to));
  };
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) {
        const next = src[i + 1] ?? '';
        if (next === '"' || next === '\\' || next === '/') {
          i++;
          continue;
        }
        WORD.lastIndex = i + 1;
        const word = WORD.exec(src)?.[0] ?? '';
        if (word) {
          const isValidEscape = 'bfnrt'.includes(word[0]!) && (word.length === 1 || !LATEX_WORDS.has(word));
          HEX4.lastIndex = i + 1;
          const isUnicode = word[0] === 'u' && HEX4.test(src);
          if (isValidEscape || isUnicode) continue;
        }
        flush(i);
        out.push('\\\\');
        from = i + 1;
        continue;
      }
      if (c === 34 /* " */) inString = false;
      else if (c === 10 || c === 13 || c === 9) {
        flush(i);
        out.push(c === 10 ? '\\n' : c === 13 ? '\\r' : '\\t');
        from = i + 1;
      }
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 44 /* , */) {
      CLOSER_AHEAD.lastIndex = i + 1;
      if (CLOSER_AHEAD.test(src)) {
        // trailing comma before } or ]
        flush(i);
        from = i + 1;
      }
    } else if (c === 47 /* / */ && src.charCodeAt(i + 1) === 47) {
      // a // comment up to the end of the line
      flush(i);
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl - 1;
      from = i + 1;
    }
  }
  flush(src.length);
  return out.join('');
}

/** Balanced `{...}` spans in text (string-aware), in order of their start. */
function objectSpans(text: string, limit = 20): string[] {
  const spans: string[] = [];
  const objectStart = /\{\s*["}]/y;
  for (let start = text.indexOf('{'); start >= 0 && spans.length < limit; start = text.indexOf('{', start + 1)) {
    // Only `{"…` (or `{}`) can open a JSON object; this skips LaTeX groups such as \frac{a}{b}.
    objectStart.lastIndex = start;
    if (!objectStart.test(text)) continue;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    if (end < 0) {
      // Unbalanced (truncated reply): try closing it.
      spans.push(text.slice(start) + '}'.repeat(Math.max(1, depth)));
      break;
    }
    spans.push(text.slice(start, end + 1));
    start = end; // continue after this object
  }
  return spans;
}

function tryParse(s: string): unknown {
  // Without backslashes plain JSON.parse is safe; with them, sanitise first: plain JSON.parse would
  // silently read "\frac" as a formfeed followed by "rac".
  if (!s.includes('\\')) {
    try {
      return JSON.parse(s);
    } catch {
      /* repaired below */
    }
  }
  try {
    return JSON.parse(sanitizeJson(s));
  } catch {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  }
}

/**
 * The first JSON object found in a model reply, or undefined. Looks in fenced code blocks first, then at
 * every balanced `{…}` span; `<think>…</think>` reasoning is ignored.
 */
export function extractJsonObject(reply: string): Record<string, unknown> | undefined {
  const trimmed = reply.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}') && !trimmed.includes('\\')) {
    // The common case, a clean JSON object: no repair needed.
    try {
      const v: unknown = JSON.parse(trimmed);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* fall through to the tolerant path */
    }
  }
  const text = /<\/think>/i.test(reply) ? reply.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/^[\s\S]*<\/think>/i, '') : reply;
  const candidates: string[] = [];
  for (const m of text.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) candidates.push(m[1]!.trim());
  candidates.push(text.trim());
  for (const c of candidates) {
    const direct = c.startsWith('{') ? tryParse(c) : undefined;
    if (direct && typeof direct === 'object' && !Array.isArray(direct)) return direct as Record<string, unknown>;
    for (const span of objectSpans(c)) {
      const v = tryParse(span);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    }
  }
  return undefined;
}

const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());

const stepSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { goal: v } : v),
  z.object({
    goal: text.pipe(z.string().trim().min(1, 'a step has an empty "goal"')),
    method: text.optional().default(''),
    query: text.optional().default(''),
  }),
);

const complexitySchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim().replace(/\/\s*10$/, '')) : v),
  z.number().finite().transform((n) => Math.min(10, Math.max(1, Math.round(n)))),
);

export const planReplySchema = z.object({
  analysis: text.optional().default(''),
  complexity: complexitySchema.optional().default(5),
  steps: z.array(stepSchema).min(1, '"steps" must list at least one step'),
});

export const evaluationReplySchema = z.object({
  verdict: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['accept', 'revise', 'replan', 'finish'])),
  feedback: text.optional().default(''),
  progress: z.preprocess((v) => (typeof v === 'string' ? Number(v) : v), z.number().finite().min(0).max(1)).optional().catch(undefined),
});

export type EvaluationReply = z.output<typeof evaluationReplySchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function describeZod(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ');
}

const isText = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/**
 * The common case of a well-formed plan (every field of the expected type, complexity a finite number),
 * read without the schema: the same result planReplySchema gives, at a fraction of the cost. Anything
 * else returns undefined and goes through the schema (coercions, defaults, error messages).
 */
function plainPlan(obj: Record<string, unknown>): z.output<typeof planReplySchema> | undefined {
  const { analysis, complexity, steps } = obj;
  if (analysis !== undefined && !isText(analysis)) return undefined;
  if (complexity !== undefined && !(typeof complexity === 'number' && Number.isFinite(complexity))) return undefined;
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  const out: { goal: string; method: string; query: string }[] = [];
  for (const raw of steps) {
    const st: unknown = typeof raw === 'string' ? { goal: raw } : raw;
    if (!st || typeof st !== 'object' || Array.isArray(st)) return undefined;
    const { goal, method, query } = st as Record<string, unknown>;
    if (!isText(goal) || (method !== undefined && !isText(method)) || (query !== undefined && !isText(query))) return undefined;
    const g = String(goal).trim();
    if (!g) return undefined;
    out.push({ goal: g, method: method === undefined ? '' : String(method), query: query === undefined ? '' : String(query) });
  }
  return {
    analysis: analysis === undefined ? '' : String(analysis),
    complexity: complexity === undefined ? 5 : Math.min(10, Math.max(1, Math.round(complexity))),
    steps: out,
  };
}

/** Parses and validates a plan reply; `error` says what was wrong, for the repair prompt. */
export function parsePlan(reply: string): Parsed<Plan> {
  const obj = extractJsonObject(reply);
  if (!obj) return { ok: false, error: 'it contains no JSON object' };
  return planFromObject(obj);
}

/**
 * Validates a plan object already extracted from a reply. `schemaOnly` skips the fast path for
 * well-formed objects (the result is the same either way; the tests compare the two).
 */
export function planFromObject(obj: Record<string, unknown>, options: { schemaOnly?: boolean } = {}): Parsed<Plan> {
  const plain = options.schemaOnly ? undefined : plainPlan(obj);
  const r = plain ? { success: true as const, data: plain } : planReplySchema.safeParse(obj);
  if (!r.success) return { ok: false, error: `the JSON does not match the plan format (${describeZod(r.error)})` };
  const steps = r.data.steps.slice(0, MAX_PLAN_STEPS).map((s) => ({
    goal: s.goal.trim(),
    method: s.method.trim(),
    query: s.query.trim() || `${s.goal} ${s.method}`.trim(),
  }));
  // A missing complexity is recorded as missing (the engine estimates it), never as the default 5.
  const navigatorComplexity = obj.complexity === undefined ? null : r.data.complexity;
  const dropped = r.data.steps.length - steps.length;
  return {
    ok: true,
    value: { analysis: r.data.analysis.trim(), complexity: r.data.complexity, navigatorComplexity, steps, ...(dropped > 0 ? { droppedSteps: dropped } : {}) },
  };
}

const VERDICTS: ReadonlySet<string> = new Set(['accept', 'revise', 'replan', 'finish']);

/** The common case of a well-formed evaluation, read without the schema (same result); else undefined. */
function plainEvaluation(obj: Record<string, unknown>): EvaluationReply | undefined {
  const { verdict, feedback, progress } = obj;
  if (typeof verdict !== 'string') return undefined;
  const v = verdict.trim().toLowerCase();
  if (!VERDICTS.has(v)) return undefined;
  if (feedback !== undefined && !isText(feedback)) return undefined;
  const out: EvaluationReply = { verdict: v as EvaluationReply['verdict'], feedback: feedback === undefined ? '' : String(feedback) };
  if (progress === undefined) return out;
  if (typeof progress !== 'number' || !Number.isFinite(progress) || progress < 0 || progress > 1) return undefined;
  out.progress = progress;
  return out;
}

export function parseEvaluation(reply: string): Parsed<EvaluationReply> {
  const obj = extractJsonObject(reply);
  if (!obj) return { ok: false, error: 'it contains no JSON object' };
  return evaluationFromObject(obj);
}

/** Validates an evaluation object; `schemaOnly` as for planFromObject. */
export function evaluationFromObject(obj: Record<string, unknown>, options: { schemaOnly?: boolean } = {}): Parsed<EvaluationReply> {
  const plain = options.schemaOnly ? undefined : plainEvaluation(obj);
  if (plain) return { ok: true, value: plain };
  const r = evaluationReplySchema.safeParse(obj);
  if (!r.success) return { ok: false, error: `the JSON does not match the evaluation format (${describeZod(r.error)})` };
  return { ok: true, value: r.data };
}

/** The navigator's choice among candidates (1-based `best` in the reply), as a 0-based index below `count`. */
export function parseSelection(reply: string, count: number): Parsed<{ index: number; why: string }> {
  const obj = extractJsonObject(reply);
  if (!obj) return { ok: false, error: 'it contains no JSON object' };
  const raw = typeof obj.best === 'string' ? Number(obj.best.replace(/^\D+/, '')) : obj.best;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > count) return { ok: false, error: `"best" must be a candidate number from 1 to ${count}` };
  return { ok: true, value: { index: raw - 1, why: isText(obj.why) ? String(obj.why) : '' } };
}
