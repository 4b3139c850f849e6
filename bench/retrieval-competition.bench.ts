// Retrieval quality on the labelled competition set (test/fixtures/retrieval/competition.jsonl: problems
// written here in a contest's style, each with the library templates that fit it): hit@1 and hit@3 for
// BM25, embeddings alone and the hybrid (reciprocal-rank fusion), with the problem as the query and with
// a plan step's query (method + goal) plus the problem as context, as the orchestrator asks (a plan-step
// search: the step reranker applies; the "no step reranker" row is BM25 alone). Reported on
// the `test` split (the `dev` split was looked at while tuning the analyser) and on `dev` for reference.
// Goals: hybrid hit@3 ≥ 0.8, BM25 alone ≥ 0.7. Prints numbers; asserts nothing.
//
// Embeddings: with --embeddings-base-url URL --embeddings-model M a real embedding model is used. Without
// them the scripted server's stand-in serves hashed word / character n-gram vectors (no neural model), and
// the columns say so. Options: --misses N prints the first N test misses of each method, --split dev|test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHybridIndex, openAiEmbedder, type HybridTemplateIndex } from '../src/core/templates/embeddings.js';
import { createTemplateIndex } from '../src/core/templates/index.js';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import type { TemplateIndex } from '../src/core/templates/types.js';
import { hitRates, loadRetrievalSet, stepQuery, type RetrievalItem } from '../test/support/retrieval-set.js';
import { startScriptedOpenAiServer } from '../test/support/scripted-openai-server.js';
import { STAND_IN_NAME } from '../test/support/stand-in-embeddings.js';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const nMisses = Number(opt('misses') ?? 0);

type Query = (x: RetrievalItem) => { query: string; context?: string; planStep?: boolean };
const byProblem: Query = (x) => ({ query: x.problem });
// A solve's per-step search: a plan-step search, so the step reranker (src/core/templates/rerank.ts) applies.
const byStep: Query = (x) => ({ query: stepQuery(x), context: x.problem, planStep: true });

async function main(): Promise<void> {
  const items = loadRetrievalSet();
  const { index: bm25, templates } = await loadTemplateIndex();
  const realUrl = opt('embeddings-base-url');
  const realModel = opt('embeddings-model');
  const server = realUrl ? undefined : await startScriptedOpenAiServer([], { embeddings: 'hashed' });
  const cacheDir = mkdtempSync(join(tmpdir(), 'rf-emb-'));
  try {
    const embedder = openAiEmbedder({ baseUrl: realUrl ?? server!.baseUrl, model: realModel ?? 'stand-in-hashed', ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}) });
    const label = realUrl ? `model ${realModel} at ${realUrl}` : STAND_IN_NAME;
    let t0 = performance.now();
    const hybrid = await createHybridIndex(bm25, embedder, { cacheDir });
    const firstMs = performance.now() - t0;
    t0 = performance.now();
    await createHybridIndex(bm25, embedder, { cacheDir });
    const cachedMs = performance.now() - t0;
    console.log(`library: ${templates.length} templates; set: ${items.length} problems (${items.filter((x) => x.split === 'dev').length} dev, ${items.filter((x) => x.split === 'test').length} test)`);
    console.log(`embeddings: ${label}`);
    console.log(`  ${hybrid.note}; library embedding ${firstMs.toFixed(0)} ms, from the cache ${cachedMs.toFixed(0)} ms`);
    if (!hybrid.hybrid) return;
    const h = hybrid.index as HybridTemplateIndex;
    await h.prepare(items.flatMap((x) => [byProblem(x), byStep(x)]));

    const methods: Array<[string, TemplateIndex, 'lexical' | 'embedding' | 'hybrid']> = [
      ['BM25', bm25, 'lexical'],
      ['BM25, no step reranker', createTemplateIndex(templates, { reranker: false }), 'lexical'],
      [realUrl ? 'embeddings' : 'embeddings (stand-in)', h, 'embedding'],
      [realUrl ? 'hybrid' : 'hybrid (stand-in)', h, 'hybrid'],
    ];
    const rank = (index: TemplateIndex, kind: 'lexical' | 'embedding' | 'hybrid', q: Query) => (x: RetrievalItem) => {
      const { query, context, planStep } = q(x);
      if (kind === 'embedding') return embeddingOnly(h, query, context);
      return index.search(query, { top: 3, ...(context ? { context } : {}), ...(planStep ? { planStep } : {}) }).map((m) => m.template.id);
    };
    for (const split of ['test', 'dev'] as const) {
      if (opt('split') && opt('split') !== split) continue;
      const part = items.filter((x) => x.split === split);
      console.log(`\n${split} split (${part.length} problems)${split === 'dev' ? ' — looked at while tuning' : ' — reported'}:`);
      console.log(`  ${'method'.padEnd(24)} ${'problem hit@1'.padStart(14)} ${'hit@3'.padStart(7)}   ${'step+problem hit@1'.padStart(19)} ${'hit@3'.padStart(7)}`);
      for (const [name, index, kind] of methods) {
        const p = await hitRates(part, rank(index, kind, byProblem));
        const s = await hitRates(part, rank(index, kind, byStep));
        console.log(`  ${name.padEnd(24)} ${p.hit1.toFixed(3).padStart(14)} ${p.hit3.toFixed(3).padStart(7)}   ${s.hit1.toFixed(3).padStart(19)} ${s.hit3.toFixed(3).padStart(7)}`);
        if (split === 'test' && nMisses > 0) {
          for (const m of p.misses.slice(0, nMisses)) console.log(`      miss ${m.item.id} [${m.item.templates.join(', ')}] → ${m.got.join(', ')}`);
        }
      }
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await server?.close();
  }
}

/** The embedding ranking alone: the hybrid index's cosine order, read through a search with BM25 switched off. */
function embeddingOnly(h: HybridTemplateIndex, query: string, context?: string): string[] {
  return h.embeddingRanking(query, context, 3);
}

void main();
