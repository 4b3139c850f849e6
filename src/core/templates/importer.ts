// Importer for the upstream ReasonFlux v1 template library:
//   { chapter: { section: [ { template_name, template_type, knowledge_tag, description,
//                             application_scenario, reason_flow, example_application } ] } }
// `example_application` is a string or an object with varying keys; `template_type` comes in many
// spellings. Every entry becomes a ThoughtTemplate (origin "imported"); what had to be guessed or
// repaired is reported as a warning. Only a top-level shape that is not this format throws.
import { thoughtTemplateSchema, TEMPLATE_KINDS } from './schema.js';
import type { ThoughtTemplate } from './types.js';

export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export class TemplateImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateImportError';
  }
}

export interface ImportResult {
  templates: ThoughtTemplate[];
  warnings: string[];
}

export interface ImportOptions {
  /** Prefix of generated ids (default "rf1"). */
  idPrefix?: string;
  /** File name used in `ThoughtTemplate.file` and messages. */
  file?: string;
}

/** Maps a `template_type` spelling onto one of the normalised kinds, or undefined when unrecognised. */
export function normalizeTemplateType(raw: unknown): TemplateKind | undefined {
  if (typeof raw !== 'string') return undefined;
  const t = raw.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  if (!t) return undefined;
  if (/\b(?:method|methods|approach|technique|strategy)\b/.test(t)) return 'method';
  if (/\bformula|formulas|law|laws|rule|rules|principle|principles\b/.test(t)) return 'formula';
  if (/\bconclusion|conclusions|corollary|lemma\b/.test(t)) return 'conclusion';
  if (/\btheorem|theorems|property|properties|definition\b/.test(t)) return 'theorem';
  if (/\bapplication|applications|knowledge\b/.test(t)) return 'application';
  return undefined;
}

/** Chapter keywords → subjects (MATH's seven where they apply). First match wins. */
const CHAPTER_SUBJECTS: ReadonlyArray<readonly [RegExp, string[]]> = [
  [/random variable|distribution/i, ['Counting & Probability', 'Statistics']],
  [/probabilit/i, ['Counting & Probability']],
  [/counting|permutation|combinat|binomial/i, ['Counting & Probability']],
  [/statistic|regression|paired data/i, ['Statistics']],
  [/derivative|calculus|integral|limit/i, ['Calculus']],
  [/trigonometr/i, ['Precalculus']],
  [/complex number/i, ['Intermediate Algebra', 'Precalculus']],
  [/vector/i, ['Precalculus', 'Geometry']],
  [/solid geometry|spatial/i, ['Geometry']],
  [/conic|ellipse|hyperbola|parabola/i, ['Intermediate Algebra']],
  [/lines? and circles?|analytic geometry|circle/i, ['Geometry', 'Algebra']],
  [/sequence|series/i, ['Intermediate Algebra', 'Algebra']],
  [/exponential|logarithm/i, ['Algebra', 'Intermediate Algebra']],
  [/quadratic/i, ['Algebra']],
  [/function/i, ['Algebra', 'Intermediate Algebra']],
  [/sets?\b|logic/i, ['Discrete Mathematics', 'Algebra']],
  [/inequalit/i, ['Intermediate Algebra']],
  [/number theory|divisib|prime|modular/i, ['Number Theory']],
  [/geometry|triangle/i, ['Geometry']],
];

function subjectsFor(chapter: string, section: string): string[] | undefined {
  for (const [re, subjects] of CHAPTER_SUBJECTS) if (re.test(chapter)) return subjects;
  for (const [re, subjects] of CHAPTER_SUBJECTS) if (re.test(section)) return subjects;
  return undefined;
}

function slug(s: string, max = 48): string {
  const out = s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return out || 'x';
}

/** Upstream text stores many line breaks as a literal backslash + "n"; LaTeX's \neq, \not… are kept. */
export function unescapeNewlines(s: string): string {
  return s.replace(/\\+n(?!eq|ot|abla|u\b|e\b|i\b|mid|leq|geq|exists|ewline)/g, '\n');
}

function text(v: unknown): string {
  if (typeof v === 'string') return unescapeNewlines(v).trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(text).filter(Boolean).join('\n');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${text(x)}`).join('\n');
  return '';
}

function lines(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(lines);
  return text(v)
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** "1. Do x" → "Do x"; "Step 2: y" → "y". */
function stripNumbering(s: string): string {
  return s.replace(/^(?:step\s*)?\(?\d{1,2}[.):、]\s*/i, '').replace(/^[-•*]\s+/, '').trim();
}

/** Folds indented sub-bullets ("   - …") into the preceding numbered step. */
function foldSteps(raw: string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    const l = unescapeNewlines(r);
    for (const part of l.split(/\n+/)) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const isSub = /^\s+[-•*]|^\s{2,}\S|^[-•*]\s/.test(part) && out.length > 0 && !/^\d/.test(trimmed);
      if (isSub) out[out.length - 1] += ' ' + trimmed.replace(/^[-•*]\s*/, '');
      else out.push(stripNumbering(trimmed));
    }
  }
  return out.filter(Boolean);
}

function sentences(s: string): string[] {
  return s
    .split(/(?<=[.;。])\s+(?=[A-Z(])/)
    .map((x) => x.trim())
    .filter(Boolean);
}

const ANSWER_KEY = /^(?:final[_ ]?)?answers?$|^conclusion$/i;
const PROBLEM_KEY = /problem|question|title|example$/i;
const SOLUTION_KEY = /solution|solving|process|steps|application|explanation|analysis|illustration/i;

interface Example {
  problem: string;
  solution: string[];
  answer: string;
}

/** Finds the answer at the end of a solution: "Answer: …", "\boxed{…}", "the answer is …", or the last line. */
function answerFrom(solution: string[]): { answer: string; guessed: boolean } | undefined {
  for (let i = solution.length - 1; i >= 0; i--) {
    const l = solution[i]!;
    const m = /(?:^|\b)(?:final\s+)?answers?\s*[:：]\s*(.+)$/i.exec(l) ?? /the answer is\s*[:：]?\s*(.+)$/i.exec(l);
    if (m && m[1]!.trim()) return { answer: m[1]!.trim(), guessed: false };
    const b = /\\boxed\{(.+)\}/.exec(l);
    if (b) return { answer: b[1]!, guessed: false };
  }
  const last = solution[solution.length - 1];
  if (!last) return undefined;
  const m = /(?:therefore|thus|hence|so|conclusion)[,:]?\s*(.+)$/i.exec(last);
  return { answer: (m ? m[1]! : last).trim(), guessed: true };
}

const SOLUTION_START =
  /^\**\s*(?:\[?step\s*1\b|1[.)、]\s|①|(?:[a-z][a-z ()]{0,30})?(?:solution|solving|solve|steps?|process|analysis|proof|method\s*\d*|using the template)[^:：\n]{0,30}[:：])/i;
const ANSWER_LINE = /^\**\s*(?:final\s+)?answers?\s*\**\s*[:：]\s*\**\s*(.*)$/i;

/** Splits a string example ("Example Problem: … Solution Steps: 1. … Answer: …") line by line. */
function exampleFromString(s: string): { ex: Partial<Example>; notes: string[] } {
  const notes: string[] = [];
  const all = unescapeNewlines(s)
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim());
  const problem: string[] = [];
  const solution: string[] = [];
  let answer: string | undefined;
  let inSolution = false;
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    const trimmed = line.trim();
    const am = ANSWER_LINE.exec(trimmed);
    if (am && answer === undefined) {
      answer = am[1]!.trim() || all[i + 1]?.trim();
      if (!am[1]!.trim()) i++;
      inSolution = true;
      continue;
    }
    if (!inSolution && (problem.length > 0 || i > 0) && SOLUTION_START.test(trimmed)) {
      inSolution = true;
      const after = trimmed.replace(/^\**\s*[^:：]*[:：]\s*\**/, '').trim();
      if (/^(?:\[?step\s*1\b|1[.)、]\s|①)/i.test(trimmed)) solution.push(line);
      else if (after) solution.push(after);
      continue;
    }
    if (inSolution) {
      if (answer === undefined) solution.push(line);
    } else problem.push(line);
  }
  let p = problem.join('\n').replace(/^\s*\**\s*(?:example|problem|question)[^:：\n]{0,40}[:：]\s*\**\s*/i, '').trim();
  if (solution.length === 0 && problem.length > 1) {
    p = problem[0]!.replace(/^\s*\**\s*(?:example|problem|question)[^:：\n]{0,40}[:：]\s*\**\s*/i, '').trim();
    solution.push(...problem.slice(1));
  }
  if (solution.length === 0) notes.push('example has no separate solution; the whole text is used as the problem');
  return { ex: { problem: p, solution: foldSteps(solution), answer }, notes };
}

function exampleFromObject(o: Record<string, unknown>): { ex: Partial<Example>; notes: string[] } {
  const entries = Object.entries(o);
  // Several examples ("Example 1", "Example 2"): use the first.
  const nested = entries.filter(([, v]) => v && typeof v === 'object' && !Array.isArray(v));
  if (nested.length > 0 && nested.length === entries.length) {
    const first = exampleFromObject(nested[0]![1] as Record<string, unknown>);
    return { ex: first.ex, notes: [...first.notes, `example has ${nested.length} parts; the first ("${nested[0]![0]}") is used`] };
  }
  let problem = '';
  let answer: string | undefined;
  const solution: string[] = [];
  const leftovers: string[] = [];
  for (const [k, v] of entries) {
    if (ANSWER_KEY.test(k)) answer = text(v);
    else if (!problem && PROBLEM_KEY.test(k) && !SOLUTION_KEY.test(k)) problem = text(v);
    else if (SOLUTION_KEY.test(k)) solution.push(...foldSteps(Array.isArray(v) ? v.map(text) : [text(v)]));
    else leftovers.push(...lines(v));
  }
  if (!problem && /^(?:example|problem|question)$/i.test(entries[0]?.[0] ?? '') === false && leftovers.length) {
    problem = leftovers.shift()!;
  }
  solution.push(...leftovers);
  if (typeof o === 'object' && !problem) {
    const titleLike = entries.find(([k]) => /title/i.test(k));
    if (titleLike) problem = text(titleLike[1]);
  }
  return { ex: { problem, solution, answer }, notes: [] };
}

function toExample(raw: unknown, name: string, warn: (m: string) => void): Example {
  const parsed =
    typeof raw === 'string'
      ? exampleFromString(raw)
      : raw && typeof raw === 'object' && !Array.isArray(raw)
        ? exampleFromObject(raw as Record<string, unknown>)
        : { ex: { problem: text(raw) } as Partial<Example>, notes: raw === undefined ? ['example_application is missing'] : [] };
  for (const n of parsed.notes) warn(n);
  let { problem = '', solution = [], answer } = parsed.ex;
  if (!problem) {
    problem = `Apply "${name}" to a typical problem.`;
    warn('example has no problem statement; a placeholder is used');
  }
  if (solution.length === 0) {
    solution = [problem];
    warn('example has no solution steps');
  }
  if (!answer || !answer.trim()) {
    const found = answerFrom(solution);
    answer = found?.answer ?? 'see solution';
    if (!found || found.guessed) warn('example has no explicit answer; the last solution line is used');
  }
  return { problem, solution, answer: answer.trim() };
}

/**
 * Converts a parsed upstream library (the JSON value) into templates. Entries that are not objects are
 * skipped with a warning; fields that are missing or malformed are repaired with a warning.
 */
export function importReasonFluxV1(data: unknown, options: ImportOptions = {}): ImportResult {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new TemplateImportError('not a ReasonFlux v1 library: expected an object of chapters → sections → lists of templates');
  }
  const prefix = options.idPrefix ?? 'rf1';
  const templates: ThoughtTemplate[] = [];
  const warnings: string[] = [];
  const usedIds = new Set<string>();
  const unknownTypes = new Map<string, number>();
  let sawList = false;

  for (const [chapter, sections] of Object.entries(data as Record<string, unknown>)) {
    if (!sections || typeof sections !== 'object' || Array.isArray(sections)) {
      warnings.push(`chapter "${chapter}": expected an object of sections; skipped`);
      continue;
    }
    const subjects = subjectsFor(chapter, '');
    for (const [section, list] of Object.entries(sections as Record<string, unknown>)) {
      if (!Array.isArray(list)) {
        warnings.push(`${chapter} › ${section}: expected a list of templates; skipped`);
        continue;
      }
      sawList = true;
      list.forEach((entry, i) => {
        const where = `${chapter} › ${section} #${i + 1}`;
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
          warnings.push(`${where}: not an object; skipped`);
          return;
        }
        const e = entry as Record<string, unknown>;
        const name = text(e.template_name) || `${section} template ${i + 1}`;
        const label = `${where} "${name}"`;
        const warn = (m: string) => warnings.push(`${label}: ${m}`);
        if (!text(e.template_name)) warn('template_name is missing; a name was made up from the section');

        const kind = normalizeTemplateType(e.template_type);
        if (!kind) {
          const key = String(e.template_type ?? '(missing)');
          unknownTypes.set(key, (unknownTypes.get(key) ?? 0) + 1);
        }

        let id = `${prefix}.${slug(chapter, 32)}.${slug(name)}`;
        for (let n = 2; usedIds.has(id); n++) id = `${prefix}.${slug(chapter, 32)}.${slug(name)}-${n}`;
        usedIds.add(id);

        const tags = Array.isArray(e.knowledge_tag) ? e.knowledge_tag.map(text).filter(Boolean) : lines(e.knowledge_tag).flatMap((l) => l.split(/[,;，、]/)).map((x) => x.trim()).filter(Boolean);
        if (tags.length === 0) {
          tags.push(section);
          warn('knowledge_tag is empty; the section name is used as tag');
        }
        let description = text(e.description);
        if (!description) {
          description = name;
          warn('description is missing; the name is used');
        }
        let whenToUse = Array.isArray(e.application_scenario) ? e.application_scenario.map(text).filter(Boolean) : lines(e.application_scenario);
        if (whenToUse.length === 0) {
          whenToUse = [description];
          warn('application_scenario is missing; the description is used');
        }
        let steps = foldSteps(Array.isArray(e.reason_flow) ? e.reason_flow.map((x) => (typeof x === 'string' ? x : text(x))) : lines(e.reason_flow));
        if (steps.length < 2) {
          const split = steps.flatMap(sentences);
          if (split.length >= 2) steps = split;
          else {
            steps = [...steps, 'Check the result against the conditions of the problem.'];
            if (steps.length < 2) steps.unshift('Identify the quantities the method needs.');
            warn('reason_flow has fewer than two steps; generic steps were added');
          }
        }
        const example = toExample(e.example_application, name, warn);
        let subj = subjects ?? subjectsFor('', section);
        if (!subj) {
          subj = ['Algebra'];
          warn(`no subject is known for chapter "${chapter}"; "Algebra" is assumed`);
        }
        const candidate = {
          id,
          name,
          chapter,
          section,
          subjects: subj,
          tags,
          description,
          whenToUse,
          steps,
          pitfalls: [],
          difficulty: { min: 3, max: 6 },
          example,
          ...(kind ? { kind } : {}),
        };
        const r = thoughtTemplateSchema.safeParse(candidate);
        if (!r.success) {
          warn(`skipped: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
          return;
        }
        templates.push({ ...r.data, origin: 'imported', ...(options.file ? { file: options.file } : {}) });
      });
    }
  }
  if (!sawList && templates.length === 0) {
    throw new TemplateImportError('not a ReasonFlux v1 library: no chapter holds a section with a list of templates');
  }
  for (const [t, n] of unknownTypes) warnings.push(`template_type "${t}" (${n}×) is not a known kind; left unset`);
  return { templates, warnings };
}

/** Parses JSON text, then imports. JSON syntax errors become a TemplateImportError. */
export function importReasonFluxV1Text(jsonText: string, options: ImportOptions = {}): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(jsonText.charCodeAt(0) === 0xfeff ? jsonText.slice(1) : jsonText);
  } catch (err) {
    throw new TemplateImportError(`${options.file ?? 'input'}: invalid JSON: ${(err as Error).message}`);
  }
  return importReasonFluxV1(data, options);
}
