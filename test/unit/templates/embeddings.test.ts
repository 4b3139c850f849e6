// Embedding retrieval: the `openai` SDK over real HTTP against the scripted server's /embeddings route,
// reciprocal-rank fusion with BM25, the on-disk cache per library version, the fallback to BM25 with a
// note, and the orchestrator preparing each step's query (with its problem) before retrieving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddings, createOpenAiModel } from '../../../src/core/llm/openai.js';
import { LlmError } from '../../../src/core/llm/types.js';
import { solveProblem } from '../../../src/core/reasoning/orchestrator.js';
import { createHybridIndex, embeddingQueryText, HybridTemplateIndex, libraryVersion, openAiEmbedder } from '../../../src/core/templates/embeddings.js';
import { createTemplateIndex } from '../../../src/core/templates/index.js';
import type { ThoughtTemplate } from '../../../src/core/templates/types.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { FIXTURE_TEMPLATES, kindOf } from '../reasoning/fixtures.js';

/** A toy embedding model: texts about tortoises (or "slow" things) point one way, everything else another. */
const toy = (input: string[]) => input.map((t) => (/tortoise|slow/i.test(t) ? [0, 1, 0] : /hare|fast/i.test(t) ? [0, 0, 1] : [1, 0, 0]));

function tpl(id: string, name: string, tags: string[], description: string): ThoughtTemplate {
  return { ...FIXTURE_TEMPLATES[0]!, id, name, tags, description, whenToUse: ['when it fits'] };
}
const TEMPLATES = [
  tpl('t.linear', 'Solve a linear equation', ['linear', 'equation'], 'Isolate the unknown.'),
  tpl('t.tortoise', 'The tortoise method', ['tortoise'], 'Walk carefully, one step at a time.'),
  tpl('t.hare', 'The hare method', ['hare'], 'Jump to the end.'),
];

test('createEmbeddings: vectors in input order over real HTTP; a chat-only server says it has no /embeddings', async () => {
  const server = await startScriptedOpenAiServer([], { embeddings: toy });
  const plain = await startScriptedOpenAiServer([]);
  const broken = await startScriptedOpenAiServer([], { embeddings: (input) => input.map((_t, i) => (i === 0 ? [1, 2] : [1])) });
  try {
    assert.deepEqual(await createEmbeddings(['a slow walk', 'x', 'fast'], { baseUrl: server.baseUrl, model: 'toy' }), [[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
    const req = server.requests.find((r) => r.path.endsWith('/embeddings'))!;
    assert.equal(req.body.model, 'toy');
    assert.deepEqual(req.body.input, ['a slow walk', 'x', 'fast']);
    await assert.rejects(createEmbeddings(['x'], { baseUrl: plain.baseUrl, model: 'toy' }), (e: unknown) => e instanceof LlmError && e.kind === 'not-found' && /no \/embeddings route/.test(e.message));
    await assert.rejects(createEmbeddings(['x', 'y'], { baseUrl: broken.baseUrl, model: 'toy' }), (e: unknown) => e instanceof LlmError && e.kind === 'bad-response' && /input 2 of 2/.test(e.message));
    assert.deepEqual(await createEmbeddings([], { baseUrl: plain.baseUrl, model: 'toy' }), []);
  } finally {
    await Promise.all([server.close(), plain.close(), broken.close()]);
  }
});

test('hybrid search: BM25 until a query is prepared, then reciprocal-rank fusion that can add embedding-only matches', async () => {
  const server = await startScriptedOpenAiServer([], { embeddings: toy });
  try {
    const base = createTemplateIndex(TEMPLATES);
    const r = await createHybridIndex(base, openAiEmbedder({ baseUrl: server.baseUrl, model: 'toy' }));
    assert.equal(r.hybrid, true, r.note);
    assert.match(r.note, /embedding retrieval on .*#toy; 3 templates embedded/);
    const h = r.index as HybridTemplateIndex;
    // "go slowly" shares no term with any template: BM25 finds nothing, and nothing is prepared yet
    assert.deepEqual(h.search('go slowly', { top: 2 }), []);
    assert.equal(h.isPrepared('go slowly'), false);
    await h.prepare([{ query: 'go slowly' }, { query: 'solve the linear equation' }]);
    assert.equal(h.isPrepared('go slowly'), true);
    const slow = h.search('go slowly', { top: 2 });
    assert.equal(slow[0]!.template.id, 't.tortoise');
    assert.deepEqual(slow[0]!.matchedFields, ['embedding']);
    assert.ok(slow[0]!.score > 0 && slow[0]!.score <= 1);
    // a lexical and semantic match: first in both rankings scores 1
    const lin = h.search('solve the linear equation', { top: 3 });
    assert.equal(lin[0]!.template.id, 't.linear');
    assert.equal(lin[0]!.score, 1);
    assert.ok(lin[0]!.matchedFields.includes('name') && lin[0]!.matchedFields.includes('embedding'));
    for (let i = 1; i < lin.length; i++) assert.ok(lin[i - 1]!.score >= lin[i]!.score);
    // a query with context is its own query (the text embedded is query + context)
    assert.equal(embeddingQueryText('step', 'problem'), 'step\nproblem');
    assert.equal(h.isPrepared('go slowly', 'a tortoise race'), false);
    // already prepared queries are not embedded again
    const before = server.requests.length;
    await h.prepare([{ query: 'go slowly' }]);
    assert.equal(server.requests.length, before);
  } finally {
    await server.close();
  }
});

test('template vectors are cached per library version: reused across loads, recomputed when a template changes', async () => {
  const server = await startScriptedOpenAiServer([], { embeddings: toy });
  const dir = mkdtempSync(join(tmpdir(), 'rf-emb-test-'));
  try {
    const embedder = openAiEmbedder({ baseUrl: server.baseUrl, model: 'toy' });
    const embedCalls = () => server.requests.filter((r) => r.path.endsWith('/embeddings')).length;
    const first = await createHybridIndex(createTemplateIndex(TEMPLATES), embedder, { cacheDir: dir, batchSize: 2 });
    assert.equal(embedCalls(), 2, 'three templates in batches of two');
    assert.match(first.note, /embedded and cached/);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('template-vectors-')).length, 1);
    const again = await createHybridIndex(createTemplateIndex(TEMPLATES), embedder, { cacheDir: dir });
    assert.equal(embedCalls(), 2, 'second load reads the cache');
    assert.match(again.note, /from the cache/);
    const changed = TEMPLATES.map((t) => (t.id === 't.hare' ? { ...t, description: 'Run, then rest.' } : t));
    assert.notEqual(libraryVersion(changed, embedder.id), libraryVersion(TEMPLATES, embedder.id));
    await createHybridIndex(createTemplateIndex(changed), embedder, { cacheDir: dir });
    assert.equal(embedCalls(), 3, 'a changed library is embedded again (one batch)');
    // another model is another cache entry
    assert.notEqual(libraryVersion(TEMPLATES, 'http://x/v1#other'), libraryVersion(TEMPLATES, embedder.id));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test('no embeddings at the endpoint: BM25 alone with a clear note; a failing query embedding falls back too', async () => {
  const plain = await startScriptedOpenAiServer([]);
  let failing = false;
  const flaky = await startScriptedOpenAiServer([], { embeddings: (input) => (failing ? { status: 500 } : toy(input)) });
  try {
    const base = createTemplateIndex(TEMPLATES);
    const off = await createHybridIndex(base, openAiEmbedder({ baseUrl: plain.baseUrl, model: 'nomic-embed-text' }));
    assert.equal(off.hybrid, false);
    assert.equal(off.index, base);
    assert.match(off.note, /^embedding retrieval is off: .*no \/embeddings route or no embedding model "nomic-embed-text".* — using BM25 alone$/);
    const notes: string[] = [];
    const on = await createHybridIndex(base, openAiEmbedder({ baseUrl: flaky.baseUrl, model: 'toy' }), { onNote: (n) => notes.push(n) });
    failing = true;
    await on.index.prepare!([{ query: 'solve the linear equation' }]);
    await on.index.prepare!([{ query: 'another query' }]);
    assert.equal(notes.length, 1, 'said once');
    assert.match(notes[0]!, /query embedding failed .*BM25 alone/);
    assert.deepEqual(on.index.search('solve the linear equation', { top: 1 }).map((m) => m.template.id), base.search('solve the linear equation', { top: 1 }).map((m) => m.template.id));
  } finally {
    await Promise.all([plain.close(), flaky.close()]);
  }
});

test('orchestrator: each step query is embedded with its problem before retrieval, and the retrieval uses it', async () => {
  const PROBLEM = 'A tortoise and a hare race; who wins?';
  const plan = {
    analysis: 'A story problem.',
    complexity: 2,
    steps: [
      { goal: 'Think about going slowly', method: 'pacing', query: 'go slowly' },
      { goal: 'State the winner', method: 'conclusion', query: 'state the winner' },
    ],
  };
  const server = await startScriptedOpenAiServer(
    (body) => {
      const k = kindOf(body);
      if (k === 'plan') return { content: JSON.stringify(plan) };
      if (k === 'step') return { content: 'The tortoise wins: $\\boxed{\\text{tortoise}}$.' };
      if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'finish', feedback: 'ok', progress: 1 }) };
      return { content: 'done' };
    },
    { embeddings: toy },
  );
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 });
    const { index } = await createHybridIndex(createTemplateIndex(TEMPLATES), openAiEmbedder({ baseUrl: server.baseUrl, model: 'toy' }));
    const events = [];
    for await (const e of solveProblem(PROBLEM, { navigator: model, solver: model, index })) events.push(e);
    const embedded = server.requests.filter((r) => r.path.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.includes(PROBLEM), 'the problem (planning hints)');
    assert.ok(embedded.includes(embeddingQueryText('go slowly', PROBLEM)), 'the first step with its problem');
    const retrieval = events.find((e) => e.type === 'retrieval' && e.stepIndex === 0) as Extract<(typeof events)[number], { type: 'retrieval' }>;
    assert.equal(retrieval.templates[0]!.id, 't.tortoise');
    assert.ok(retrieval.templates[0]!.matchedFields.includes('embedding'));
  } finally {
    await server.close();
  }
});
