// Method-level retrieval quality on a labelled problem set: for each problem (with the template ids
// that fit it, labelled by reading the library), is a fitting template ranked first / in the top k
// when the whole problem is the query? Reported per source of problems. Used by the library bench and
// by a unit test that keeps a floor.
import type { TemplateIndex } from './types.js';

export interface LabelledProblem {
  id: string;
  source: string;
  /** "dev": may be looked at to find gaps and tune; "test": reported, never tuned on. */
  split: 'dev' | 'test';
  problem: string;
  /** Template ids that fit; empty when the library has no fitting template (a coverage gap). */
  templates: string[];
}

export interface SourceScore {
  source: string;
  problems: number;
  /** Problems with at least one fitting template (the denominator of the hit rates). */
  labelled: number;
  hit1: number;
  hit3: number;
}

export function parseLabelledProblems(text: string): LabelledProblem[] {
  const out: LabelledProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const d = JSON.parse(line) as Partial<LabelledProblem>;
    if (typeof d.id !== 'string' || typeof d.source !== 'string' || typeof d.problem !== 'string' || !Array.isArray(d.templates) || (d.split !== 'dev' && d.split !== 'test')) {
      throw new Error(`line ${i + 1}: expected {"id", "source", "split": "dev"|"test", "problem", "templates": [...]}`);
    }
    out.push(d as LabelledProblem);
  });
  return out;
}

/** Hit counts per source (and "all"), querying with the whole problem text. */
export function scoreMethods(index: TemplateIndex, problems: readonly LabelledProblem[], top = 3): SourceScore[] {
  const by = new Map<string, SourceScore>();
  const row = (s: string) => by.get(s) ?? by.set(s, { source: s, problems: 0, labelled: 0, hit1: 0, hit3: 0 }).get(s)!;
  for (const p of problems) {
    for (const r of [row(p.source), row('all')]) r.problems++;
    if (p.templates.length === 0) continue;
    const got = index.search(p.problem, { top }).map((m) => m.template.id);
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
