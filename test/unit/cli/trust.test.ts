// Issue 12 checked from outside: the CLI as a child process against scripted servers that cut replies
// off, echo the API key, fail for good or hang. What reaches stdout, stderr and the eval files is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { runCli } from '../../support/cli.js';
import { kindOf } from '../reasoning/fixtures.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';
const PLAN = { analysis: 'Linear.', complexity: 2, steps: [{ goal: 'Isolate x', method: 'linear equation', query: 'linear equation isolate' }] };
const FINISH = JSON.stringify({ verdict: 'finish', feedback: 'Solved.', progress: 1 });

function byKind(table: Partial<Record<string, ScriptedReply>>) {
  return (body: any): ScriptedReply => table[kindOf(body)] ?? { status: 500 };
}

/** Our own small arithmetic set (no evaluation-set problems), as JSON Lines. */
function dataset(dir: string, n: number): string {
  const file = join(dir, 'mini.jsonl');
  writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ problem: `What is ${i} + 1?`, answer: String(i + 1), unique_id: `own/${i}` })).join('\n') + '\n');
  return file;
}

test('solve: a step reply cut off (twice) exits 1 with "cut off", never "solved" — plain and --json', async () => {
  const server = await startScriptedOpenAiServer(
    byKind({ plan: { content: JSON.stringify(PLAN) }, step: { content: 'So $x = \\boxed{5}$ because we subtr', chunkSize: 6, endEarly: true }, evaluate: { content: FINISH } }),
  );
  try {
    const common = [PROBLEM, '--base-url', server.baseUrl, '--model', 'm'];
    const plain = await runCli('solve', common);
    assert.equal(plain.code, 1, plain.stderr);
    assert.match(plain.stderr, /reasonflux: model error \(incomplete\): the reply from .* was cut off after \d+ characters/);
    assert.match(plain.stdout, /\[cut off — the reply above is partial and was not used; asking again\]/);
    assert.match(plain.stdout, /\[cut off — the reply above is partial and was not used\]/);
    assert.doesNotMatch(plain.stdout, /Final answer/);

    const json = await runCli('solve', [...common, '--json']);
    assert.equal(json.code, 1);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const done = events.find((e) => e.type === 'done');
    assert.equal(done.status, 'failed');
    assert.ok(!events.some((e) => e.type === 'final'));
    const partial = events.filter((e) => e.type === 'step-partial');
    assert.equal(partial.length, 2);
    assert.ok(partial[1].text.startsWith('So $x = '), 'the partial text is in the output, marked as partial');
  } finally {
    await server.close();
  }
});

test('solve: a length-limited final step exits 1 (never 0) and says the server stopped at its token limit', async () => {
  const server = await startScriptedOpenAiServer(
    byKind({ plan: { content: JSON.stringify(PLAN) }, step: { content: 'Thus $x = \\boxed{5}$ and', finishReason: 'length' }, evaluate: { content: FINISH } }),
  );
  try {
    const r = await runCli('solve', [PROBLEM, '--base-url', server.baseUrl, '--model', 'm']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /token limit \(finish_reason "length"\)/);
  } finally {
    await server.close();
  }
});

test('solve: a server that echoes the key in its 401 leaves it in neither stdout nor stderr (plain, --json, --debug)', async () => {
  const server = await startScriptedOpenAiServer(() => ({ status: 401, echoKey: true }));
  try {
    for (const [env, extra] of [
      [{ OPENAI_API_KEY: 'sk-proj-LeakMe1234567890abcdef' }, []],
      [{ MY_KEY: 'plainpassphrase-no-prefix' }, ['--api-key-env', 'MY_KEY']],
    ] as const) {
      const key = Object.values(env)[0]!;
      for (const flags of [[], ['--json'], ['--debug']]) {
        const r = await runCli('solve', [PROBLEM, '--base-url', server.baseUrl, '--model', 'm', ...extra, ...flags], env);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr + r.stdout, /refused the API key \(HTTP 401\)/);
        assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key), `key leaked with ${flags.join(' ') || 'no flags'}:\n${r.stdout}\n${r.stderr}`);
      }
    }
    assert.ok(server.chatRequests.some((q) => String(q.headers.authorization).includes('LeakMe')), 'the server did receive (and echo) the key');
  } finally {
    await server.close();
  }
});

test('eval: an echoed key reaches neither results.jsonl, the summaries, stdout nor stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-eval-key-'));
  const server = await startScriptedOpenAiServer(() => ({ status: 401, echoKey: true }));
  const key = 'sk-LeakMeInEval0987654321';
  try {
    const out = join(dir, 'out');
    const r = await runCli('eval', ['--dataset', dataset(dir, 3), '--base-url', server.baseUrl, '--model', 'm', '--mode', 'direct', '--out', out, '--max-failures', '0'], { OPENAI_API_KEY: key });
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key), `${r.stdout}\n${r.stderr}`);
    const files = readdirSync(out);
    assert.deepEqual(files.sort(), ['results.jsonl', 'summary.json', 'summary.md']);
    for (const f of files) assert.ok(!readFileSync(join(out, f), 'utf8').includes(key), `key in ${f}`);
    assert.match(readFileSync(join(out, 'results.jsonl'), 'utf8'), /refused the API key/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eval: a permanent 500 trips the circuit breaker; results so far stay and --resume continues', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-eval-500-'));
  const down = await startScriptedOpenAiServer(() => ({ status: 500 }));
  try {
    const data = dataset(dir, 12);
    const out = join(dir, 'out');
    const r = await runCli('eval', ['--dataset', data, '--base-url', down.baseUrl, '--model', 'm', '--mode', 'direct', '--out', out, '--max-failures', '2']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /reasonflux eval: stopped — 2 model calls in a row failed at the endpoint \(last: .*HTTP 500/);
    assert.match(r.stderr, /rerun with --resume/);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, 'two problems ran (and failed), the other ten were not hammered');
    assert.equal(down.chatRequests.length, 2 * 4, 'two calls, each with its 3 provider retries');
    assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /Stopped early: 2 model calls in a row failed/);

    const up = await startScriptedOpenAiServer((body) => ({ content: `so $\\boxed{${Number(/What is (\d+)/.exec(body.messages.at(-1).content)![1]) + 1}}$` }));
    try {
      const again = await runCli('eval', ['--dataset', data, '--base-url', up.baseUrl, '--model', 'm', '--mode', 'direct', '--out', out, '--resume']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^12\/12 correct/);
      assert.equal(up.chatRequests.length, 12, 'the two failed problems are retried, the rest run once');
    } finally {
      await up.close();
    }
  } finally {
    await down.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eval: a hanging server (no token ever) stops the run at the breaker, bounded by the first-token timeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-eval-hang-'));
  const hang = await startScriptedOpenAiServer(() => ({ content: 'never', stallAfterChunks: 0 }));
  try {
    const out = join(dir, 'out');
    const r = await runCli('eval', ['--dataset', dataset(dir, 20), '--base-url', hang.baseUrl, '--model', 'm', '--out', out, '--first-token-timeout', '0.3', '--max-failures', '3']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /stopped — 3 model calls in a row failed at the endpoint \(last: .*first-token timeout/);
    // reasonflux mode: the plan times out (library fallback), then the step: two calls per problem, so the
    // third failure is the second problem's plan. (A request can time out before the server has read it.)
    assert.ok(hang.chatRequests.length <= 3, `${hang.chatRequests.length} requests`);
    const recs = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(recs.length, 1);
    assert.equal(recs[0].status, 'failed');
  } finally {
    await hang.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eval: a cut-off reply that contains a boxed answer is recorded as failed, not graded correct', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-eval-cut-'));
  // The right answer (1 for "What is 0 + 1?") is in the text before the cut.
  const server = await startScriptedOpenAiServer(() => ({ content: 'Adding: $\\boxed{1}$, and to double-check we', chunkSize: 8, endEarly: true }));
  try {
    const out = join(dir, 'out');
    const r = await runCli('eval', ['--dataset', dataset(dir, 1), '--base-url', server.baseUrl, '--model', 'm', '--mode', 'direct', '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    const [rec] = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rec.status, 'failed');
    assert.equal(rec.correct, false);
    assert.equal(rec.extracted, '');
    assert.match(rec.error, /cut off/);
    assert.equal(server.chatRequests.length, 2, 'asked once more');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('solve: a 200-step plan is cut to 8 steps and the output says so', async () => {
  const big = { analysis: 'Long.', complexity: 3, steps: Array.from({ length: 200 }, (_, i) => ({ goal: `Part ${i + 1}`, method: '', query: 'linear' })) };
  const server = await startScriptedOpenAiServer(byKind({ plan: { content: JSON.stringify(big) }, step: { content: 'Done: $\\boxed{5}$' }, evaluate: { content: FINISH } }));
  try {
    const r = await runCli('solve', [PROBLEM, '--base-url', server.baseUrl, '--model', 'm']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(the navigator planned 200 steps; only these 8 are carried out, 192 dropped\)/);
    const json = await runCli('solve', [PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--json']);
    const plan = json.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'plan');
    assert.equal(plan.plan.droppedSteps, 192);
  } finally {
    await server.close();
  }
});
