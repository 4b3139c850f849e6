import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { createTemplateIndex, GENERAL_WEIGHT } from '../../../src/core/templates/index.js';
import { loadTemplateIndex } from '../../../src/core/templates/library.js';
import { navigatorStepSearch } from '../../../src/core/templates/methodEval.js';
import { fitReranker, GENERAL_UPPER, linearScore, RERANK_FEATURES, RERANK_POOL, STEP_RERANK_WEIGHTS, weightVector } from '../../../src/core/templates/rerank.js';

const builtinDir = resolve(__dirname, '..', '..', '..', 'templates');
const ids = (ms: ReadonlyArray<{ template: { id: string } }>) => ms.map((m) => m.template.id);

// Written here for this test (not from any evaluation set).
const step = { method: 'factor as a difference of squares', goal: 'Write the expression as a product of two factors' };
const stepProblem = 'Show that 2^{20} - 1 is divisible by 41.';
const problems = [
  stepProblem,
  'Seven people sit in a row. In how many ways can two given friends avoid sitting together?',
  'The roots r, s of x^2 - 7x + 3 = 0 are given. Find r^2 + s^2.',
  'A triangle has sides 5, 12 and 13. Find the radius of its inscribed circle.',
  'How many positive divisors does 720 have?',
];

test('the shipped weights name only known features and are fitted (not BM25 alone)', () => {
  for (const k of Object.keys(STEP_RERANK_WEIGHTS)) assert.ok(RERANK_FEATURES.includes(k), `unknown feature ${k}`);
  assert.ok(Object.entries(STEP_RERANK_WEIGHTS).some(([k, v]) => k !== 'bm25' && v !== 0));
});

test('a plan step search is reranked; a problem-only search (and a search without planStep) stays exactly BM25', async () => {
  const { templates } = await loadTemplateIndex({ builtinDir });
  const bm25 = createTemplateIndex(templates, { reranker: false });
  const reranked = createTemplateIndex(templates); // the shipped weights
  const req = navigatorStepSearch(step, stepProblem);
  assert.equal(req.planStep, true);
  const before = ids(bm25.search(req.query, { top: 5, context: req.context }));
  const after = ids(reranked.search(req.query, { top: 5, context: req.context, planStep: true }));
  assert.notDeepEqual(after, before, 'the reranker changes the order of a step query');
  // It reorders BM25's candidates, it does not invent new ones.
  const pool = bm25.rerankCandidates(req.query, { context: req.context }).ids;
  assert.equal(pool.length, RERANK_POOL);
  for (const id of after) assert.ok(pool.includes(id), `${id} is not a BM25 candidate`);
  // Matched terms and fields are BM25's own for each template.
  const plainWide = new Map(bm25.search(req.query, { top: 60, context: req.context }).map((m) => [m.template.id, m]));
  for (const m of reranked.search(req.query, { top: 5, context: req.context, planStep: true })) {
    assert.deepEqual([m.matchedTerms, m.matchedFields], [plainWide.get(m.template.id)!.matchedTerms, plainWide.get(m.template.id)!.matchedFields], m.template.id);
  }
  // The Gaussian-integer method BM25 puts first is not the plain difference of squares the step names.
  assert.equal(before[0], 'ont.gaussian-integers');
  assert.notEqual(after[0], 'ont.gaussian-integers');
  // Reranked scores stay on BM25's scale: the reranker's first gets BM25's best score (a catch-all less).
  const bestBm25 = bm25.search(req.query, { top: 1, context: req.context })[0]!.score;
  const first = reranked.search(req.query, { top: 1, context: req.context, planStep: true })[0]!;
  assert.ok(Math.abs(first.score - bestBm25 * (first.general ? GENERAL_WEIGHT : 1)) < 0.01, `${first.score} vs BM25 ${bestBm25}`);
  // Problem-only searches: identical results, scores included.
  for (const p of problems) assert.deepEqual(reranked.search(p, { top: 5 }), bm25.search(p, { top: 5 }), p);
  // The same step query without the flag is not reranked either.
  assert.deepEqual(reranked.search(req.query, { top: 5, context: req.context }), bm25.search(req.query, { top: 5, context: req.context }));
});

test('weights {bm25: 1} keep BM25 order for step searches', async () => {
  const { templates } = await loadTemplateIndex({ builtinDir });
  const bm25 = createTemplateIndex(templates, { reranker: false });
  const identity = createTemplateIndex(templates, { reranker: { bm25: 1 } });
  const req = navigatorStepSearch(step, stepProblem);
  assert.deepEqual(ids(identity.search(req.query, { top: 8, context: req.context, planStep: true })), ids(bm25.search(req.query, { top: 8, context: req.context })));
});

test('fitReranker learns a feature that marks the fitting candidate, and stays at BM25 without usable samples', () => {
  const n = RERANK_FEATURES.length;
  const tagsAt = RERANK_FEATURES.indexOf('q.tags');
  const vec = (bm25: number, tags: number) => {
    const x = new Float64Array(n);
    x[0] = bm25;
    x[tagsAt] = tags;
    return x;
  };
  // BM25 ranks the fitting candidate second or third; its tag match is what marks it.
  const samples = Array.from({ length: 20 }, (_, i) => {
    const fitAt = 1 + (i % 2);
    const features = [0, -0.2, -0.4].map((b, k) => vec(b, k === fitAt ? 0.8 : 0.1));
    return { features, relevant: features.map((_, k) => k === fitAt) };
  });
  const w = weightVector(fitReranker(samples, { l2: 0.001, iterations: 400 }));
  assert.ok(w[tagsAt]! > 0.5, `tags weight ${w[tagsAt]}`);
  for (const s of samples) {
    const scores = s.features.map((x) => linearScore(w, x));
    assert.equal(scores.indexOf(Math.max(...scores)), s.relevant.indexOf(true));
  }
  assert.deepEqual(fitReranker([{ features: [vec(0, 0)], relevant: [false] }]), Object.fromEntries(RERANK_FEATURES.map((f) => [f, f === 'bm25' ? 1 : 0])));
});

test('the fit keeps a bounded weight at its bound: the shipped weights never favour catch-all templates', () => {
  const n = RERANK_FEATURES.length;
  const generalAt = RERANK_FEATURES.indexOf('general');
  // Dev-like data where the catch-all candidate (second) is always the fitting one.
  const samples = Array.from({ length: 20 }, () => {
    const features = [0, -0.2, -0.4].map((b, k) => {
      const x = new Float64Array(n);
      x[0] = b;
      x[generalAt] = k === 1 ? 1 : 0;
      return x;
    });
    return { features, relevant: [false, true, false] };
  });
  assert.ok(fitReranker(samples, { l2: 0.001, iterations: 400 }).general! > 0.5, 'unbounded, the fit rewards the catch-all');
  assert.equal(fitReranker(samples, { l2: 0.001, iterations: 400, upper: GENERAL_UPPER }).general, 0);
  assert.ok((STEP_RERANK_WEIGHTS.general ?? 0) <= 0, `shipped general weight ${STEP_RERANK_WEIGHTS.general}`);
});

test('tag coverage features: a tag the step states as a whole scores 1; its words spread over several tags score less', async () => {
  const { templates } = await loadTemplateIndex({ builtinDir });
  const base = templates.find((t) => t.scope !== 'general')!;
  // Written here: one template carries the step's phrase as one tag, the other has the same words in separate tags.
  const whole = { ...base, id: 'x.whole', name: 'First method', tags: ['count in two ways', 'incidences'] };
  const spread = { ...base, id: 'x.spread', name: 'Second method', tags: ['two colours', 'pairs of socks', 'count of members'] };
  const index = createTemplateIndex([...templates.filter((t) => t !== base), whole, spread], { reranker: false });
  const c = index.rerankCandidates('count the pairs in two ways', { context: 'A club has incidences between members.' });
  const feature = (id: string, name: string) => c.features[c.ids.indexOf(id)]![RERANK_FEATURES.indexOf(name)]!;
  assert.ok(c.ids.includes('x.whole') && c.ids.includes('x.spread'), c.ids.join(', '));
  assert.equal(feature('x.whole', 'tag.byQuery'), 1);
  assert.ok(feature('x.spread', 'tag.byQuery') < 1, `spread ${feature('x.spread', 'tag.byQuery')}`);
  // The context's word "incidences" is a whole tag of the first template only.
  assert.equal(feature('x.whole', 'tag.byContext'), 1);
  assert.ok(feature('x.spread', 'tag.byContext') < 1);
});

test("the step's own words (query terms the problem does not use) are told apart from the problem's words it restates", async () => {
  const { templates } = await loadTemplateIndex({ builtinDir });
  const base = templates.find((t) => t.scope !== 'general')!;
  const neutral = { description: 'A method.', whenToUse: ['when it fits'], steps: ['Do it.'], example: { ...base.example, problem: 'A made-up example.' } };
  // Written here: one template named after the step's method, one after the problem's objects.
  const method = { ...base, ...neutral, id: 'x.method', name: 'Induction step', tags: ['induction'] };
  const objects = { ...base, ...neutral, id: 'x.objects', name: 'Counting divisors', tags: ['divisor count'] };
  const other = { ...base, ...neutral, id: 'x.other', name: 'Something else', tags: ['area'] };
  const index = createTemplateIndex([method, objects, other], { reranker: false });
  const c = index.rerankCandidates('Prove it by induction on the count of divisors', { context: 'Show that the count of divisors of n^2 is odd.' });
  const feature = (id: string, name: string) => c.features[c.ids.indexOf(id)]![RERANK_FEATURES.indexOf(name)]!;
  assert.ok(c.ids.includes('x.method') && c.ids.includes('x.objects'), c.ids.join(', '));
  // "induction" is the step's only own word: the method template's tags hold all of it, the other's none.
  assert.equal(feature('x.method', 'own.head'), 1);
  assert.equal(feature('x.method', 'own.any'), 1);
  assert.equal(feature('x.objects', 'own.head'), 0);
  assert.equal(feature('x.objects', 'own.any'), 0);
  assert.equal(feature('x.method', 'tag.byOwn'), 1);
  assert.equal(feature('x.objects', 'tag.byOwn'), 0);
  assert.equal(feature('x.objects', 'tag.byQuery'), 1, 'its tag is all in the query, as problem words');
  // The query covers the second template's whole name, but only with words the problem already has.
  assert.equal(feature('x.objects', 'name.byQuery'), 1);
  assert.equal(feature('x.objects', 'name.byOwn'), 0);
  const share = feature('x.method', 'name.byOwn');
  assert.ok(share > 0 && share < 1, `method name by own words ${share}`);
});
