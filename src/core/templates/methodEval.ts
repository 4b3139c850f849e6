// Method-level retrieval quality on a labelled problem set: for each problem (with the template ids
// that fit it, labelled by reading the library, and the key plan step in a navigator's words), is a
// fitting template ranked first / in the top k? Three ways to query, reported per source of problems:
// the whole problem; the step with the problem as context, built by the same functions a solve uses
// (planFromObject makes a navigator step's query, stepSearchRequest the per-step search); the step
// alone. Used by the library bench and by a unit test that keeps a floor.
import { planFromObject } from '../reasoning/json.js';
import { stepSearchRequest } from '../reasoning/orchestrator.js';
import type { TemplateIndex } from './types.js';

export interface LabelledStep {
  method: string;
  goal: string;
}

export type StepSource = 'solution' | 'solution-paraphrase' | 'written';

export interface LabelledProblem {
  id: string;
  source: string;
  /** "dev": may be looked at to find gaps and tune; "test": reported, never tuned on. */
  split: 'dev' | 'test';
  problem: string;
  /** Template ids that fit; empty when the library has no fitting template (a coverage gap). */
  templates: string[];
  /** The key step of the solution as a navigator would plan it (needed by the step query modes). */
  step?: LabelledStep;
  /** Where the step came from: the official solution's wording, a paraphrase of it, or written here. */
  stepSource?: StepSource;
}

/** How a problem is turned into a search: the whole problem, the plan step + problem (as a solve), the step alone. */
export type QueryMode = 'problem' | 'step+problem' | 'step';
export const QUERY_MODES: readonly QueryMode[] = ['problem', 'step+problem', 'step'];

export interface SourceScore {
  source: string;
  problems: number;
  /** Problems with at least one fitting template (the denominator of the hit rates). */
  labelled: number;
  hit1: number;
  hit3: number;
}

const STEP_SOURCES: ReadonlySet<string> = new Set(['solution', 'solution-paraphrase', 'written']);

export function parseLabelledProblems(text: string): LabelledProblem[] {
  const out: LabelledProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const d = JSON.parse(line) as Partial<LabelledProblem>;
    if (typeof d.id !== 'string' || typeof d.source !== 'string' || typeof d.problem !== 'string' || !Array.isArray(d.templates) || (d.split !== 'dev' && d.split !== 'test')) {
      throw new Error(`line ${i + 1}: expected {"id", "source", "split": "dev"|"test", "problem", "templates": [...]}`);
    }
    if (d.step !== undefined) {
      const s = d.step as Partial<LabelledStep> | null;
      if (!s || typeof s !== 'object' || typeof s.method !== 'string' || typeof s.goal !== 'string' || !s.goal.trim()) {
        throw new Error(`line ${i + 1}: "step" must be {"method": "...", "goal": "..."} with a non-empty goal`);
      }
      if (d.stepSource === undefined || !STEP_SOURCES.has(d.stepSource)) {
        throw new Error(`line ${i + 1}: a step needs "stepSource": "solution" | "solution-paraphrase" | "written"`);
      }
    }
    out.push(d as LabelledProblem);
  });
  return out;
}

/**
 * The per-step search a solve makes for a navigator's step (method + goal) on `problem`: the step goes
 * through the plan parser, which builds its query, then the orchestrator's stepSearchRequest.
 */
export function navigatorStepSearch(step: { method: string; goal: string }, problem: string, id = 'the step'): { query: string; context: string; planStep: true } {
  const parsed = planFromObject({ steps: [{ method: step.method, goal: step.goal }] });
  if (!parsed.ok) throw new Error(`${id}: the step is not a valid plan step (${parsed.error})`);
  return stepSearchRequest(parsed.value.steps[0]!, problem);
}

/**
 * The search for a problem in a query mode; a step mode needs the problem's step and is a plan step's
 * search (`planStep`: the step reranker applies, as in a solve), the problem mode is not.
 */
export function methodQuery(p: LabelledProblem, mode: QueryMode): { query: string; context?: string; planStep?: true } {
  if (mode === 'problem') return { query: p.problem };
  if (!p.step) throw new Error(`${p.id}: no "step" to query with (mode ${mode})`);
  const req = navigatorStepSearch(p.step, p.problem, p.id);
  return mode === 'step' ? { query: req.query, planStep: true } : req;
}

/** Hit counts per source (and "all") for one query mode (default: the whole problem). */
export function scoreMethods(index: TemplateIndex, problems: readonly LabelledProblem[], options: { top?: number; mode?: QueryMode } = {}): SourceScore[] {
  const top = options.top ?? 3;
  const mode = options.mode ?? 'problem';
  const by = new Map<string, SourceScore>();
  const row = (s: string) => by.get(s) ?? by.set(s, { source: s, problems: 0, labelled: 0, hit1: 0, hit3: 0 }).get(s)!;
  for (const p of problems) {
    for (const r of [row(p.source), row('all')]) r.problems++;
    if (p.templates.length === 0) continue;
    const got = rankFor(index, p, mode, top);
    const fits = new Set(p.templates);
    const h1 = got.length > 0 && fits.has(got[0]!);
    const h3 = got.slice(0, top).some((id) => fits.has(id));
    for (const r of [row(p.source), row('all')]) {
      r.labelled++;
      if (h1) r.hit1++;
      if (h3) r.hit3++;
    }
  }
  const all = by.get('all');
  by.delete('all');
  return [...[...by.values()].sort((a, b) => a.source.localeCompare(b.source)), ...(all ? [all] : [])];
}

/** Labelled problems whose fitting templates are not in the top `top`, with what came instead. */
export function methodMisses(index: TemplateIndex, problems: readonly LabelledProblem[], options: { top?: number; mode?: QueryMode } = {}): Array<{ problem: LabelledProblem; got: string[] }> {
  const top = options.top ?? 3;
  const mode = options.mode ?? 'problem';
  const out: Array<{ problem: LabelledProblem; got: string[] }> = [];
  for (const p of problems) {
    if (p.templates.length === 0) continue;
    const got = rankFor(index, p, mode, top);
    if (!got.some((id) => p.templates.includes(id))) out.push({ problem: p, got });
  }
  return out;
}

function rankFor(index: TemplateIndex, p: LabelledProblem, mode: QueryMode, top: number): string[] {
  const { query, context, planStep } = methodQuery(p, mode);
  return index.search(query, { top, ...(context !== undefined && context !== query ? { context } : {}), ...(planStep ? { planStep } : {}) }).map((m) => m.template.id);
}
