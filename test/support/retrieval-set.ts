// The labelled competition retrieval set (test/fixtures/retrieval/competition.jsonl): problems written here
// in a contest's style (none taken from MATH-500, AIME or AMC), each with the library templates that fit it
// (labelled by reading the library, not the retriever) and a plan step in a navigator's words. `dev` items
// may be looked at while tuning the analyser; `test` items are the ones reported. Split by the first label,
// so a template's problems are all on one side.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { navigatorStepSearch } from '../../src/core/templates/methodEval';

export interface RetrievalItem {
  id: string;
  split: 'dev' | 'test';
  problem: string;
  step: { method: string; goal: string };
  /** Template ids that fit the problem (any of them counts as a hit). */
  templates: string[];
}

export const COMPETITION_SET = resolve(__dirname, '..', 'fixtures', 'retrieval', 'competition.jsonl');

export function loadRetrievalSet(file = COMPETITION_SET): RetrievalItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const x = JSON.parse(l) as RetrievalItem;
      if (!x.id || !x.problem || !Array.isArray(x.templates) || x.templates.length === 0 || (x.split !== 'dev' && x.split !== 'test')) {
        throw new Error(`${file}:${i + 1}: not a retrieval item`);
      }
      return x;
    });
}

export interface HitRates {
  n: number;
  hit1: number;
  hit3: number;
  /** Items whose fitting templates were not in the top 3, with what came instead. */
  misses: Array<{ item: RetrievalItem; got: string[] }>;
}

/** hit@1 / hit@3 of a ranking function (template ids, best first) over items. */
export async function hitRates(items: readonly RetrievalItem[], rank: (item: RetrievalItem) => string[] | Promise<string[]>): Promise<HitRates> {
  let h1 = 0;
  let h3 = 0;
  const misses: HitRates['misses'] = [];
  for (const item of items) {
    const got = (await rank(item)).slice(0, 3);
    const fits = new Set(item.templates);
    if (got[0] !== undefined && fits.has(got[0])) h1++;
    if (got.some((id) => fits.has(id))) h3++;
    else misses.push({ item, got });
  }
  const n = items.length;
  return { n, hit1: n ? h1 / n : 0, hit3: n ? h3 / n : 0, misses };
}

/** The step's query as a solve builds it (the plan parser, then the orchestrator's per-step search). */
export function stepQuery(item: RetrievalItem): string {
  return navigatorStepSearch(item.step, item.problem, item.id).query;
}
