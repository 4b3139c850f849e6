// Quality checks of the template library beyond the schema: every worked example ends by stating its
// answer (checked with the project's grader), and no template text shares a distinctive phrase with,
// or is a near-copy of, a problem from an evaluation set (a score on problems the library was written
// from measures nothing).
import { isEquivalent } from '../answers/grade.js';
import type { ThoughtTemplateInput } from './schema.js';

type Template = Pick<ThoughtTemplateInput, 'id' | 'name' | 'description' | 'tags' | 'whenToUse' | 'steps' | 'pitfalls' | 'example'>;

/** Strips markup so that answers written slightly differently still compare as text. */
function plainKey(s: string): string {
  return s
    .replace(/\\text\{([^}]*)\}/g, '$1')
    .replace(/\\(?:left|right|,|;|!|\s)/g, '')
    .replace(/\\dfrac/g, '\\frac')
    .replace(/[\s$]/g, '')
    .replace(/\{(\d)\}/g, '$1')
    .toLowerCase();
}

/** Math segments of the last solution steps and the right-hand sides of the equations in them. */
function candidates(steps: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    for (const m of s.matchAll(/\$([^$]+)\$/g)) {
      const seg = m[1]!;
      out.push(seg);
      const parts = seg.split(/=|\\approx|\\equiv/);
      out.push(parts[parts.length - 1]!.replace(/\\pmod\{[^}]*\}/, '').trim());
    }
  }
  return out;
}

/**
 * Whether the worked example's last two steps state its answer: some value there is equal to the
 * answer for the grader, or (for answers with several parts or words) every part appears in them.
 */
export function exampleStatesAnswer(t: Pick<Template, 'example'>): boolean {
  const steps = t.example.solution.slice(-2);
  const hay = plainKey(steps.join(' '));
  const parts = t.example.answer
    .split(/,\\\s|,\\ |;\\ |,(?![^{]*\})/)
    .map(plainKey)
    .filter(Boolean);
  if (parts.length > 0 && parts.every((p) => hay.includes(p) || hay.includes(p.replace(/^[a-z]+=/, '')))) return true;
  return candidates(steps).some((c) => {
    try {
      return isEquivalent(t.example.answer, c);
    } catch {
      return false;
    }
  });
}

/** Generic words of problem statements: a shared phrase made of these and formulas is not distinctive. */
const GENERIC = new Set(
  'what which find the this that with from such than then there their them they have does when where value values greatest least smallest largest possible positive integer integers number numbers real sum product many how probability express answer form simplest common fraction each some every given compute determine show prove ordered pairs units digit remainder divided'.split(
    ' ',
  ),
);

function words(s: string): string[] {
  const t = s
    .toLowerCase()
    .replace(/\\(?:d?frac|left|right|cdot|displaystyle|text|mathrm|operatorname)/g, ' ')
    .replace(/\\([a-z]+)/g, ' $1 ');
  return t.match(/[a-z]+|\d+/g) ?? [];
}

export interface EvalOverlap {
  id: string;
  kind: 'phrase' | 'copy';
  /** The shared phrase, or the start of the copied example problem. */
  text: string;
  /** Index of the evaluation problem it matches. */
  problem: number;
}

/**
 * Template text that comes from evaluation problems: a run of 8 words shared with a problem that has
 * at least 3 distinctive words (not generic question words), or a worked example whose words are 80 %
 * covered by 4-word runs of one problem.
 */
export function evalOverlaps(templates: readonly Template[], problems: readonly string[]): EvalOverlap[] {
  const N = 8;
  const K = 4;
  const phrases = new Map<string, number>();
  const grams: Set<string>[] = [];
  problems.forEach((p, k) => {
    const w = words(p);
    for (let i = 0; i + N <= w.length; i++) phrases.set(w.slice(i, i + N).join(' '), k);
    const g = new Set<string>();
    for (let i = 0; i + K <= w.length; i++) g.add(w.slice(i, i + K).join(' '));
    grams.push(g);
  });
  const distinctive = (run: string[]) => run.filter((x) => x.length >= 4 && /^[a-z]+$/.test(x) && !GENERIC.has(x)).length >= 3;
  const out: EvalOverlap[] = [];
  for (const t of templates) {
    const fields = [t.name, t.description, ...t.tags, ...t.whenToUse, ...t.steps, ...(t.pitfalls ?? []), t.example.problem, ...t.example.solution];
    for (const f of fields) {
      const w = words(f);
      for (let i = 0; i + N <= w.length; i++) {
        const run = w.slice(i, i + N);
        const k = phrases.get(run.join(' '));
        if (k !== undefined && distinctive(run)) out.push({ id: t.id, kind: 'phrase', text: run.join(' '), problem: k });
      }
    }
    const w = words(t.example.problem);
    if (w.length < 10) continue;
    const mine: string[] = [];
    for (let i = 0; i + K <= w.length; i++) mine.push(w.slice(i, i + K).join(' '));
    for (let k = 0; k < grams.length; k++) {
      const covered = new Set<number>();
      mine.forEach((g, i) => {
        if (grams[k]!.has(g)) for (let j = i; j < i + K; j++) covered.add(j);
      });
      if (covered.size / w.length >= 0.8) {
        out.push({ id: t.id, kind: 'copy', text: t.example.problem.slice(0, 80), problem: k });
        break;
      }
    }
  }
  return out;
}
