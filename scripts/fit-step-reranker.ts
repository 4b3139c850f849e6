// Refits the plan-step reranker (src/core/templates/rerank.ts) from DEV data only and rewrites
// src/core/templates/rerankWeights.ts. Training searches: the step+problem search (as a solve makes it)
// of every dev problem of test/fixtures/library-eval/methods.jsonl that has a fitting template, and of
// every dev item of test/fixtures/retrieval/competition.jsonl. The test splits are never read into the fit.
//
// The L2 strength is chosen by 2-fold cross-validation on dev, repeated over DEFAULT_SPLITS halvings (the
// first by position, the others shuffled with fixed seeds; fitted on one half and scored on the other, both
// ways; `--splits N` changes the count); the script prints each setting's held-out step+problem hit@3 (hits
// added up over all halvings) next to BM25's, then fits the chosen setting on all of dev.
//   npx tsx scripts/fit-step-reranker.ts            (prints the cross-validation and writes the weights)
//   npx tsx scripts/fit-step-reranker.ts --dry-run  (prints only)
//   npx tsx scripts/fit-step-reranker.ts --diagnose (dev only: where the fitting template of each dev miss and
//                                                    rank-3 hit sits, as in test/fixtures/library-eval/dev-ranking-diagnosis.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { createTemplateIndex } from '../src/core/templates/index.js';
import { fitReranker, GENERAL_UPPER, linearScore, RERANK_FEATURES, RERANK_POOL, STEP_RERANK_WEIGHTS, weightVector, type RerankSample, type RerankWeights } from '../src/core/templates/rerank.js';
import { methodQuery, parseLabelledProblems, scoreMethods, type LabelledProblem } from '../src/core/templates/methodEval.js';
import type { ThoughtTemplate } from '../src/core/templates/types.js';
import { analyze } from '../src/core/templates/tokenize.js';
import { hitRates, loadRetrievalSet, stepQuery, type RetrievalItem } from '../test/support/retrieval-set.js';

const ROOT = join(__dirname, '..');
const L2_GRID = [0.0001, 0.0003, 0.001, 0.003];
const ITERATIONS = 1500;
/** Halvings of dev for the cross-validation (one 2-fold split is noisy: one problem is 0.9 points of OlympiadBench dev). */
const DEFAULT_SPLITS = 4;

interface Dev {
  problems: LabelledProblem[];
  items: RetrievalItem[];
}

function samples(templates: readonly ThoughtTemplate[], dev: Dev): RerankSample[] {
  const base = createTemplateIndex(templates, { reranker: false });
  const sample = (query: string, context: string, fits: readonly string[]): RerankSample => {
    const c = base.rerankCandidates(query, { context });
    return { features: c.features, offset: c.offset, relevant: c.ids.map((id) => fits.includes(id)) };
  };
  return [
    ...dev.problems.filter((p) => p.templates.length > 0 && p.step).map((p) => {
      const q = methodQuery(p, 'step+problem');
      return sample(q.query, q.context!, p.templates);
    }),
    ...dev.items.map((x) => sample(stepQuery(x), x.problem, x.templates)),
  ];
}

/** Step+problem hit@3 per source of `dev` (problems by source, the competition items as "competition"). */
async function score(templates: readonly ThoughtTemplate[], weights: RerankWeights | false, dev: Dev): Promise<Map<string, { hits: number; n: number }>> {
  const index = createTemplateIndex(templates, { reranker: weights });
  const out = new Map<string, { hits: number; n: number }>();
  for (const r of scoreMethods(index, dev.problems, { mode: 'step+problem' })) if (r.source !== 'all') out.set(r.source, { hits: r.hit3, n: r.labelled });
  const c = await hitRates(dev.items, (x) => index.search(stepQuery(x), { top: 3, context: x.problem, planStep: true }).map((m) => m.template.id));
  out.set('competition', { hits: Math.round(c.hit3 * c.n), n: c.n });
  return out;
}

function add(into: Map<string, { hits: number; n: number }>, from: Map<string, { hits: number; n: number }>): void {
  for (const [k, v] of from) {
    const e = into.get(k) ?? { hits: 0, n: 0 };
    into.set(k, { hits: e.hits + v.hits, n: e.n + v.n });
  }
}

const fmt = (m: Map<string, { hits: number; n: number }>) =>
  [...m].map(([k, v]) => `${k} ${((100 * v.hits) / v.n).toFixed(1)} (${v.hits}/${v.n})`).join(', ');

/**
 * Dev only: for each labelled dev problem whose best fitting template is not in the step+problem top 2 with
 * the shipped weights, where that template sits — outside the BM25 pool (first-stage recall) or inside it
 * and out-ranked, and by what: a catch-all, a template whose name/tags match more of the step's words (of the
 * same section or sharing a name word: a sibling; else another method), or one that wins on body fields and
 * the problem's words. Prints a markdown table and the counts per cause.
 */
function diagnose(templates: readonly ThoughtTemplate[], problems: readonly LabelledProblem[]): void {
  const byId = new Map(templates.map((t) => [t.id, t]));
  const index = createTemplateIndex(templates);
  const base = createTemplateIndex(templates, { reranker: false });
  const f = (name: string) => RERANK_FEATURES.indexOf(name);
  const w = weightVector(STEP_RERANK_WEIGHTS);
  const head = (x: ArrayLike<number>) => x[f('q.name')]! + x[f('q.tags')]! + x[f('name.byQuery')]!;
  const counts = new Map<string, number>();
  console.log('| problem | outcome | cause | detail |\n|---|---|---|---|');
  for (const p of problems.filter((x) => x.templates.length > 0 && x.step)) {
    const q = methodQuery(p, 'step+problem');
    // What a solve gets (the top 3), and the reranked order of the whole pool (the same scores, before the
    // subject diversification of the top results).
    const top3 = index.search(q.query, { top: 3, context: q.context, planStep: true }).map((m) => m.template.id);
    if (top3.slice(0, 2).some((id) => p.templates.includes(id))) continue;
    const cand = base.rerankCandidates(q.query, { context: q.context });
    const s = cand.features.map((x, i) => linearScore(w, x) + cand.offset[i]!);
    const pool = cand.ids.map((id, i) => ({ id, s: s[i]! })).sort((a, b) => b.s - a.s).map((x) => x.id);
    const hit3 = top3[2] !== undefined && p.templates.includes(top3[2]);
    const bm25 = base.search(q.query, { top: templates.length, context: q.context }).map((m) => m.template.id);
    const outcome = hit3 ? 'hit at rank 3' : 'miss';
    let cause: string;
    let detail: string;
    if (!p.templates.some((id) => cand.ids.includes(id))) {
      const best = Math.min(...p.templates.map((id) => (bm25.includes(id) ? bm25.indexOf(id) + 1 : Infinity)));
      cause = `outside the BM25 pool of ${RERANK_POOL}`;
      detail = `best fitting template at BM25 rank ${Number.isFinite(best) ? best : 'none (no word matched)'}`;
    } else {
      const fit = byId.get(hit3 ? top3[2]! : pool.find((id) => p.templates.includes(id))!)!;
      const fx = cand.features[cand.ids.indexOf(fit.id)]!;
      const nameWords = new Set(analyze(fit.name));
      const above = hit3 ? top3.slice(0, 2) : top3;
      const r = hit3 ? 2 : pool.indexOf(fit.id);
      const kinds = above.map((id) => {
        const t = byId.get(id)!;
        if (t.scope === 'general') return 'catch-all';
        if (head(cand.features[cand.ids.indexOf(id)]!) > head(fx)) {
          return t.section === fit.section || analyze(t.name).some((w) => nameWords.has(w)) ? 'sibling sharing the step words' : 'other method naming the step words';
        }
        return 'body / problem-word match';
      });
      cause = `in the pool, out-ranked by: ${kinds[0]}`;
      detail = `\`${fit.id}\`${fit.scope === 'general' ? ' (itself a catch-all)' : ''} BM25 rank ${bm25.indexOf(fit.id) + 1}, reranked ${r + 1}; above it in the top 3: ${above.map((id, i) => `\`${id}\` (${kinds[i]})`).join(', ')}`;
    }
    counts.set(`${outcome} · ${cause}`, (counts.get(`${outcome} · ${cause}`) ?? 0) + 1);
    console.log(`| ${p.id} | ${outcome} | ${cause} | ${detail} |`);
  }
  console.log('\n| outcome · cause | problems |\n|---|---:|');
  for (const [k, v] of [...counts].sort()) console.log(`| ${k} | ${v} |`);
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const { templates } = await loadTemplateIndex({ builtinDir: join(ROOT, 'templates'), precomputed: false });
  const dev: Dev = {
    problems: parseLabelledProblems(readFileSync(join(ROOT, 'test', 'fixtures', 'library-eval', 'methods.jsonl'), 'utf8')).filter((p) => p.split === 'dev'),
    items: loadRetrievalSet().filter((x) => x.split === 'dev'),
  };
  if (process.argv.includes('--diagnose')) return diagnose(templates, dev.problems);
  // The 2-fold cross-validation over `splits` halvings (the first by position, the others by a seeded
  // shuffle); held-out hits are added up over them, for a less noisy comparison of settings.
  const splitsAt = process.argv.indexOf('--splits');
  const splits = splitsAt > 0 ? Math.max(1, Number.parseInt(process.argv[splitsAt + 1] ?? '1', 10) || 1) : DEFAULT_SPLITS;
  const sideOf = (n: number, split: number): Uint8Array => {
    const side = Uint8Array.from({ length: n }, (_, i) => i % 2);
    if (split === 0) return side;
    const order = Array.from({ length: n }, (_, i) => i);
    let seed = 2654435761 * split;
    for (let i = n - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    order.forEach((d, k) => (side[d] = k % 2));
    return side;
  };
  const sides = Array.from({ length: splits }, (_, split) => ({ problems: sideOf(dev.problems.length, split), items: sideOf(dev.items.length, split) }));
  const halves = (split: number, fold: number): [Dev, Dev] => {
    const { problems, items } = sides[split]!;
    return [
      { problems: dev.problems.filter((_, i) => problems[i] !== fold), items: dev.items.filter((_, i) => items[i] !== fold) },
      { problems: dev.problems.filter((_, i) => problems[i] === fold), items: dev.items.filter((_, i) => items[i] === fold) },
    ];
  };
  const folds = sides.flatMap((_, split) => [0, 1].map((fold) => halves(split, fold)));
  const cv = splits === 1 ? '2-fold' : `${splits}×2-fold`;
  console.log(`dev: ${dev.problems.length} labelled problems, ${dev.items.length} competition items; ${templates.length} templates`);
  const baseline = new Map<string, { hits: number; n: number }>();
  for (const [, test] of folds) add(baseline, await score(templates, false, test));
  console.log(`${cv} held-out step+problem hit@3, BM25:     ${fmt(baseline)}`);
  let best: { l2: number; total: number } | undefined;
  for (const l2 of L2_GRID) {
    const held = new Map<string, { hits: number; n: number }>();
    for (const [train, test] of folds) {
      add(held, await score(templates, fitReranker(samples(templates, train), { l2, iterations: ITERATIONS, upper: GENERAL_UPPER }), test));
    }
    const total = [...held.values()].reduce((a, v) => a + v.hits, 0);
    console.log(`${cv} held-out step+problem hit@3, l2 ${String(l2).padEnd(6)}: ${fmt(held)} — ${total} hits`);
    if (!best || total > best.total) best = { l2, total };
  }
  const weights = fitReranker(samples(templates, dev), { l2: best!.l2, iterations: ITERATIONS, upper: GENERAL_UPPER });
  console.log(`chosen l2 ${best!.l2}; weights fitted on all of dev:\n${JSON.stringify(weights)}`);
  if (dryRun) return;
  const file = join(ROOT, 'src', 'core', 'templates', 'rerankWeights.ts');
  writeFileSync(
    file,
    `// GENERATED by scripts/fit-step-reranker.ts — do not edit by hand; rerun the script to refit.\n` +
      `// The plan-step reranker's weights (see rerank.ts), FITTED ON DEV DATA ONLY: the dev split's step+problem\n` +
      `// searches of test/fixtures/library-eval/methods.jsonl (${dev.problems.length} problems) and of\n` +
      `// test/fixtures/retrieval/competition.jsonl (${dev.items.length} items); L2 ${best!.l2} chosen by ${cv} cross-validation\n` +
      `// on dev, ${ITERATIONS} iterations. The test splits were not used.\n` +
      `export const STEP_RERANK_WEIGHTS: Readonly<Record<string, number>> = ${JSON.stringify(weights, null, 2).replace(/"([a-zA-Z0-9.]+)":/g, "'$1':")};\n`,
  );
  console.log(`wrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
