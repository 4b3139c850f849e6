// CLI embedding retrieval: `templates search` and `solve` with --embeddings-model against the scripted
// server's /embeddings route (the stand-in vectors), the cache, and the fallback note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { ROOT, runCli } from '../../support/cli.js';
import { kindOf } from '../reasoning/fixtures.js';

const good = join(ROOT, 'test', 'fixtures', 'templates', 'good');
const lib = () => ['--library', good, '--workspace', mkdtempSync(join(tmpdir(), 'rf-ws-'))];

test('templates search --embeddings-model: hybrid results, vectors cached; no /embeddings → BM25 with a note', async () => {
  const server = await startScriptedOpenAiServer([], { embeddings: 'hashed' });
  const plain = await startScriptedOpenAiServer([]);
  const cache = mkdtempSync(join(tmpdir(), 'rf-cache-'));
  try {
    const q = 'What is the remainder when 3^50 is divided by 7?';
    const args = ['templates', 'search', q, '--top', '2', '--json', ...lib(), '--base-url', server.baseUrl, '--embeddings-model', 'stand-in', '--cache-dir', cache];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /embedding retrieval on \(.*#stand-in; \d+ templates embedded and cached\)/);
    const results = (JSON.parse(first.stdout) as { results: Array<{ id: string; score: number }> }).results;
    assert.equal(results[0]!.id, 'fx.nt.modular-reduction');
    assert.ok(results[0]!.score <= 1, 'fused scores are at most 1');
    assert.equal(readdirSync(join(cache, 'embeddings')).length, 1);
    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /from the cache/);
    const embedCalls = server.requests.filter((r) => r.path.endsWith('/embeddings'));
    // run 1: library + query; run 2: the query only
    assert.equal(embedCalls.length, 3);

    const off = await runCli(['templates', 'search', q, '--json', ...lib(), '--embeddings-base-url', plain.baseUrl, '--embeddings-model', 'nomic-embed-text', '--cache-dir', cache]);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /embedding retrieval is off: .*no \/embeddings route.*using BM25 alone/);
    assert.equal((JSON.parse(off.stdout) as { results: Array<{ id: string }> }).results[0]!.id, 'fx.nt.modular-reduction');

    const bad = await runCli(['templates', 'search', q, ...lib(), '--embeddings-base-url', plain.baseUrl]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--embeddings-base-url needs --embeddings-model/);
    const noUrl = await runCli(['templates', 'search', q, ...lib(), '--embeddings-model', 'm']);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /embedding retrieval needs an endpoint/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    await Promise.all([server.close(), plain.close()]);
  }
});

test('templates search --context weighs the problem in; general templates are flagged as fallbacks', async () => {
  // a step that names the general method: it is still offered, flagged as a fallback
  const r = await runCli(['templates', 'search', 'organized casework: split by the hundreds digit', '--context', 'How many three-digit numbers have digit sum 9?', '--top', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const results = (JSON.parse(r.stdout) as { results: Array<{ id: string; general?: boolean }> }).results;
  const casework = results.find((x) => x.id === 'cp.casework-organized');
  assert.ok(casework, results.map((x) => x.id).join());
  assert.equal(casework.general, true);
  assert.ok(results.filter((x) => !x.general).every((x) => x.general === undefined));
  const human = await runCli(['templates', 'search', 'organized casework: split by the hundreds digit', '--top', '3']);
  assert.match(human.stdout, /Organized casework {2}\(cp\.casework-organized, score [\d.]+, general: a fallback when nothing specific fits\)/);
});

test('solve --embeddings-model: the run embeds the step queries and says embedding retrieval is on', async () => {
  const plan = { analysis: 'Linear.', complexity: 2, steps: [{ goal: 'Isolate x', method: 'linear equation', query: 'linear equation isolate' }] };
  const server = await startScriptedOpenAiServer(
    (body) => {
      const k = kindOf(body);
      if (k === 'plan') return { content: JSON.stringify(plan) };
      if (k === 'step') return { content: 'So $x = 5$: $\\boxed{5}$' };
      return { content: JSON.stringify({ verdict: 'finish', feedback: 'ok', progress: 1 }) };
    },
    { embeddings: 'hashed' },
  );
  const cache = mkdtempSync(join(tmpdir(), 'rf-cache-'));
  try {
    const problem = 'Solve 2x + 3 = 13.';
    const r = await runCli(['solve', problem, '--base-url', server.baseUrl, '--model', 'm', '--embeddings-model', 'stand-in', '--cache-dir', cache, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /embedding retrieval on/);
    const inputs = server.requests.filter((x) => x.path.endsWith('/embeddings')).flatMap((x) => x.body.input as string[]);
    assert.ok(inputs.includes(`linear equation isolate\n${problem}`), inputs.slice(-3).join(' | '));
  } finally {
    rmSync(cache, { recursive: true, force: true });
    await server.close();
  }
});
