// The precomputed built-in library (dist/library.json, src/core/templates/precomputed.ts) must give exactly
// what loading templates/ gives: same templates, same top-5 ids, scores, fields and terms — and must be
// ignored (falling back to templates/) whenever it does not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTemplateIndex } from '../../../src/core/templates/index.js';
import { loadTemplateIndex, loadTemplateIndexSync, type LibraryOptions, type LibraryResult } from '../../../src/core/templates/library.js';
import { buildPrecomputed, loadPrecomputed, loadPrecomputedSync, writePrecomputed } from '../../../src/core/templates/precomputed.js';
import type { TemplateMatch } from '../../../src/core/templates/types.js';
import { sharedFile } from '../../support/shared-data.js';

const fx = resolve(__dirname, '..', '..', 'fixtures', 'templates');
const realDir = resolve(__dirname, '..', '..', '..', 'templates');

const FIXTURE_QUERIES = [
  'Find the remainder when $7^{100}$ is divided by 5.',
  'How many ways can a committee of 3 be chosen from 10 people?',
  'A triangle has sides 5, 12 and 13. What is its area?',
  'The roots of $x^2 - 5x + 6 = 0$ are $r$ and $s$. Find $r + s$ and $rs$.',
  'Simplify $\\sin^2 x + \\cos^2 x$.',
  '余数 三角形の面積 경우의 수',
  'zzz unknown words only',
];

/** Real MATH-500 problems when shared data is present, else a varied fixed list. */
function realQueries(): string[] {
  const file = sharedFile('math500.jsonl');
  const own = [
    ...FIXTURE_QUERIES,
    'Let $f(x) = 3x + 2$ and $g(x) = x^2$. Find $f(g(2))$.',
    'Compute $\\det \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$.',
    'Evaluate $\\int_0^1 x e^x \\, dx$.',
    'What is the probability that two dice sum to 7?',
    'Convert $1011_2$ to base 10.',
    'Find the sum of the arithmetic sequence 3, 7, 11, ..., 99.',
    'Solve the differential equation $y\' = 2y$ with $y(0) = 1$.',
    'Find the eigenvalues of a 2 by 2 matrix.',
  ];
  if (!file) return own;
  const problems = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { problem: string }).problem);
  return [...own, ...problems];
}

const view = (m: TemplateMatch) => ({ id: m.template.id, score: m.score, fields: m.matchedFields, terms: m.matchedTerms });

function assertSameResults(a: LibraryResult, b: LibraryResult, queries: string[]): void {
  assert.deepEqual(a.errors, b.errors);
  assert.deepEqual(a.templates, b.templates);
  assert.equal(a.index.size, b.index.size);
  for (const q of queries) {
    for (const opts of [{ top: 5 }, { top: 12 }, { top: 5, subjects: ['Geometry', 'Number Theory'] }]) {
      assert.deepEqual(a.index.search(q, opts).map(view), b.index.search(q, opts).map(view), `query ${JSON.stringify(q.slice(0, 60))} ${JSON.stringify(opts)}`);
    }
  }
}

function withTmp(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rf-precomputed-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Copies a template folder into `tmp/lib` and precomputes it into `tmp/library.json`. */
function prepare(tmp: string, from: string): { lib: string; out: string } {
  const lib = join(tmp, 'lib');
  cpSync(from, lib, { recursive: true });
  const out = join(tmp, 'library.json');
  const r = writePrecomputed(lib, out);
  assert.deepEqual(r.errors, []);
  assert.ok(r.count > 0 && existsSync(out));
  return { lib, out };
}

test('fixture library: precomputed and from-source loads agree (async and sync, with and without user templates)', withTmp(async (tmp) => {
  const { lib, out } = prepare(tmp, join(fx, 'good'));
  assert.ok(await loadPrecomputed(out, lib), 'the precomputed file matches its folder');
  assert.ok(loadPrecomputedSync(out, lib));
  const variants: LibraryOptions[] = [{}, { userFile: join(fx, 'user', 'mine.json') }, { workspaceDir: join(fx, 'user') }];
  for (const extra of variants) {
    const src = await loadTemplateIndex({ builtinDir: lib, precomputed: false, ...extra });
    const pre = await loadTemplateIndex({ builtinDir: lib, precomputed: out, ...extra });
    assertSameResults(pre, src, FIXTURE_QUERIES);
    assertSameResults(loadTemplateIndexSync({ builtinDir: lib, precomputed: out, ...extra }), src, FIXTURE_QUERIES);
  }
  // The saved postings are what the index uses: doubling every saved weight doubles every score.
  const file = JSON.parse(readFileSync(out, 'utf8')) as { postings: { weights: string } };
  const w = Buffer.from(file.postings.weights, 'base64');
  const weights = new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength)).map((x) => x * 2);
  const doubled = join(tmp, 'doubled.json');
  writeFileSync(doubled, JSON.stringify({ ...file, postings: { ...file.postings, weights: Buffer.from(weights.buffer).toString('base64') } }));
  const q = FIXTURE_QUERIES[0]!;
  const base = (await loadTemplateIndex({ builtinDir: lib, precomputed: false })).index.search(q);
  const twice = (await loadTemplateIndex({ builtinDir: lib, precomputed: doubled })).index.search(q);
  assert.ok(base.length > 0);
  assert.deepEqual(twice.map((m) => m.template.id), base.map((m) => m.template.id));
  base.forEach((m, i) => assert.ok(Math.abs(twice[i]!.score - 2 * m.score) <= 0.002, `${twice[i]!.score} vs 2 × ${m.score}`));
  // The user file overrides a built-in id: the overriding entry is what is indexed.
  const merged = await loadTemplateIndex({ builtinDir: lib, precomputed: out, userFile: join(fx, 'user', 'mine.json') });
  assert.ok(merged.templates.some((t) => t.origin === 'user-file'));
}));

test('a precomputed file that does not match the folder is ignored: the library loads from source', withTmp(async (tmp) => {
  const { lib, out } = prepare(tmp, join(fx, 'good'));
  // Edit one template's name: the file's bytes change.
  const a = join(lib, 'a.json');
  const text = readFileSync(a, 'utf8');
  const edited = text.replace(/"name":\s*"([^"]+)"/, '"name": "$1 renamed"');
  assert.notEqual(edited, text);
  writeFileSync(a, edited);
  assert.equal(await loadPrecomputed(out, lib), undefined);
  const r = await loadTemplateIndex({ builtinDir: lib, precomputed: out });
  assert.ok(r.templates.some((t) => t.name.endsWith(' renamed')), 'the edit is visible');
  assertSameResults(r, await loadTemplateIndex({ builtinDir: lib, precomputed: false }), FIXTURE_QUERIES);
  // A new file in the folder also invalidates it.
  writeFileSync(a, text);
  assert.ok(await loadPrecomputed(out, lib));
  cpSync(join(fx, 'user', 'mine.json'), join(lib, 'c.json'));
  assert.equal(await loadPrecomputed(out, lib), undefined);
}));

test('corrupt precomputed files never throw and fall back to the folder', withTmp(async (tmp) => {
  const { lib, out } = prepare(tmp, join(fx, 'good'));
  const good = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const src = await loadTemplateIndex({ builtinDir: lib, precomputed: false });
  const corruptions: Array<[string, string]> = [
    ['not JSON', '{"format": 1, "templ'],
    ['wrong format', JSON.stringify({ ...good, format: 999 })],
    ['other analyser', JSON.stringify({ ...good, analyzer: 'x', build: undefined })],
    ['other fields', JSON.stringify({ ...good, fields: [] })],
    ['truncated postings', JSON.stringify({ ...good, postings: { ...(good.postings as object), docs: { u16: 'AAA=' } } })],
    ['docs out of range', JSON.stringify({ ...good, postings: { ...(good.postings as object), docs: { u32: Buffer.from(new Uint32Array(200).fill(9999).buffer).toString('base64') } } })],
    ['bad analysis', JSON.stringify({ ...good, termIds: { u32: Buffer.from(new Uint32Array(1e4).fill(1e9).buffer).toString('base64') } })],
    ['array', '[]'],
    ['damaged template', JSON.stringify({ ...good, templates: (good.templates as Array<Record<string, unknown>>).map((t, i) => (i === 1 ? { ...t, subjects: 'Algebra' } : t)) })],
  ];
  for (const [label, text] of corruptions) {
    writeFileSync(out, text);
    for (const extra of [{}, { userFile: join(fx, 'user', 'mine.json') }]) {
      const r = await loadTemplateIndex({ builtinDir: lib, precomputed: out, ...extra });
      const s = await loadTemplateIndex({ builtinDir: lib, precomputed: false, ...extra });
      assert.deepEqual(r.templates.map((t) => t.id), s.templates.map((t) => t.id), label);
      assertSameResults(r, s, FIXTURE_QUERIES);
    }
  }
  assert.ok(src.templates.length > 0);
  // A missing file is just "not precomputed".
  rmSync(out);
  assertSameResults(await loadTemplateIndex({ builtinDir: lib, precomputed: out }), src, FIXTURE_QUERIES);
}));

test('a library with problems is not precomputed (and a stale file is removed)', withTmp((tmp) => {
  const out = join(tmp, 'library.json');
  writeFileSync(out, '{}');
  const r = writePrecomputed(join(fx, 'bad'), out);
  assert.ok(r.errors.length > 0);
  assert.equal(r.count, 0);
  assert.equal(existsSync(out), false);
  assert.equal(buildPrecomputed(join(fx, 'bad')).file, undefined);
}));

test('real built-in library: precomputed index gives identical top-5 ids and scores', withTmp(async (tmp) => {
  const { lib, out } = prepare(tmp, realDir);
  const queries = realQueries();
  const src = await loadTemplateIndex({ builtinDir: lib, precomputed: false });
  const pre = await loadTemplateIndex({ builtinDir: lib, precomputed: out });
  assert.ok(src.templates.length >= 500, `${src.templates.length} built-in templates`);
  assertSameResults(pre, src, queries);
  // And with a user template merged in (analysis reused for built-ins, the user's analysed at load).
  const user = { userFile: join(fx, 'user', 'mine.json') };
  assertSameResults(await loadTemplateIndex({ builtinDir: lib, precomputed: out, ...user }), await loadTemplateIndex({ builtinDir: lib, precomputed: false, ...user }), queries.slice(0, 80));
  // The index over the loaded templates built directly agrees too.
  const direct = createTemplateIndex(src.templates);
  for (const q of queries.slice(0, 50)) assert.deepEqual(pre.index.search(q).map(view), direct.search(q).map(view));
}));
