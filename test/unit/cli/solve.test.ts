// `reasonflux solve` end to end: the CLI runs as a child process (node --import tsx src/cli/main.ts)
// against the scripted OpenAI-compatible server started in this test process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { kindOf } from '../reasoning/fixtures.js';
import { closedPort } from '../../support/net.js';
import { runCli } from '../../support/cli.js';

const PROBLEM = 'Solve the linear equation 2x + 3 = 13 for x.';
const PLAN = {
  analysis: 'A linear equation in one unknown.',
  complexity: 2,
  steps: [
    { goal: 'Move the constant term to the right-hand side', method: 'linear equation', query: 'linear equation isolate unknown' },
    { goal: 'Divide by the coefficient and state x', method: 'linear equation', query: 'linear equation divide coefficient' },
  ],
};

function script(extra: Partial<Record<string, ScriptedReply>> = {}) {
  let steps = 0;
  return (body: any): ScriptedReply => {
    const k = kindOf(body);
    if (extra[k]) return extra[k]!;
    if (k === 'plan') return { content: JSON.stringify(PLAN) };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'Correct.', progress: 0.5 }) };
    if (k === 'step') return { content: steps++ === 0 ? 'Subtract 3 from both sides: $2x = 10$.' : 'Divide by 2: $x = 5$. Final answer: $\\boxed{5}$' };
    if (k === 'explain') return { content: 'We need the value of $x$; undo the operations in reverse order.' };
    return { status: 500 };
  };
}

/** `reasonflux solve ARGS` in a child; `onStdout` may interrupt it (SIGINT) once it has printed enough. */
function cli(args: string[], env: Record<string, string | undefined> = {}, onStdout?: (s: string, kill: () => void) => void) {
  return runCli('solve', args, env, onStdout ? { onStdout: (out, child) => onStdout(out, () => child.kill('SIGINT')) } : {});
}

test('solve --json prints one SolveEvent per line and exits 0', async () => {
  const server = await startScriptedOpenAiServer(script());
  try {
    const r = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'solver-m', '--navigator-model', 'nav-m', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[0].type, 'start');
    assert.equal(events[0].navigator, 'nav-m');
    assert.equal(events[0].solver, 'solver-m');
    assert.equal(events[events.length - 1].type, 'done');
    assert.equal(events[events.length - 1].status, 'solved');
    assert.equal(events.find((e: any) => e.type === 'final').answer, '5');
    assert.ok(events.some((e: any) => e.type === 'retrieval'));
    assert.deepEqual(server.chatRequests.map((q) => q.body.model), ['nav-m', 'solver-m', 'nav-m', 'solver-m', 'nav-m']);
  } finally {
    await server.close();
  }
});

test('solve (human view) reads the environment, streams steps and prints the final answer and stats', async () => {
  const server = await startScriptedOpenAiServer(script());
  const dir = mkdtempSync(join(tmpdir(), 'rf-solve-'));
  const file = join(dir, 'problem.md');
  writeFileSync(file, PROBLEM + '\n');
  try {
    const r = await cli(['--file', file, '--api-key-env', 'MY_KEY'], { OPENAI_BASE_URL: server.baseUrl, REASONFLUX_MODEL: 'env-model', MY_KEY: 'sk-test-key' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ReasonFlux · solve · navigator env-model · solver env-model/);
    assert.match(r.stdout, /Plan · complexity 2\/10/);
    assert.match(r.stdout, /1\. Move the constant term to the right-hand side/);
    assert.match(r.stdout, /Step 1\/2: Move the constant term/);
    assert.match(r.stdout, /Subtract 3 from both sides: \$2x = 10\$\./);
    assert.match(r.stdout, /navigator: accept — Correct\./);
    assert.match(r.stdout, /Final answer: 5/);
    assert.match(r.stdout, /5 calls \(3 navigator, 2 solver\) · \d+ tokens/);
    assert.equal(server.chatRequests[0]!.headers.authorization, 'Bearer sk-test-key');
    assert.ok(!r.stdout.includes('sk-test-key') && !r.stderr.includes('sk-test-key'));
  } finally {
    await server.close();
  }
});

test('explain mode prints the analysis and exits 0', async () => {
  const server = await startScriptedOpenAiServer(script());
  try {
    const r = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--mode', 'explain']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /undo the operations in reverse order/);
    assert.ok(!/Final answer/.test(r.stdout));
    assert.equal(server.chatRequests.length, 1);
  } finally {
    await server.close();
  }
});

test('an unreachable endpoint: one error line, exit 1', async () => {
  const port = await closedPort();
  const r = await cli([PROBLEM, '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'm']);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^reasonflux: model error \(unreachable\): cannot reach http:\/\/127\.0\.0\.1:\d+\/v1/);
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
});

test('usage errors: one line, exit 2', async () => {
  const noUrl = await cli([PROBLEM, '--model', 'm']);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.stderr.trim(), /^reasonflux: no model endpoint — pass --base-url URL or set OPENAI_BASE_URL/);
  const badMode = await cli([PROBLEM, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--mode', 'prove']);
  assert.equal(badMode.code, 2);
  assert.match(badMode.stderr, /--mode must be solve, hint or explain/);
  const badKey = await cli([PROBLEM, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--api-key-env', 'NOPE_NOT_SET']);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /NOPE_NOT_SET/);
});

test('Ctrl-C (SIGINT) cancels cleanly: exit 130, no further requests', async () => {
  const server = await startScriptedOpenAiServer(script({ step: { content: 'a slow step that streams for a long time '.repeat(4), chunkSize: 2, chunkDelayMs: 50 } }));
  try {
    let sent = false;
    const r = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--json'], {}, (out, kill) => {
      if (!sent && out.includes('"step-delta"')) {
        sent = true;
        kill();
      }
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /reasonflux: cancelled/);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[events.length - 1].status, 'cancelled');
    assert.equal(server.chatRequests.length, 2);
  } finally {
    await server.close();
  }
});

test('hint mode (not a terminal): plan and the first hint only, exit 0', async () => {
  const server = await startScriptedOpenAiServer(script());
  try {
    const r = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--mode', 'hint', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual([...new Set(events.map((e: any) => e.type))], ['start', 'usage', 'plan', 'retrieval', 'step-start', 'step-delta', 'step-done', 'done']);
    assert.equal(events[0].mode, 'hint');
    assert.deepEqual(server.chatRequests.map((q) => kindOf(q.body)), ['plan', 'step']);
  } finally {
    await server.close();
  }
});

test('solve --samples 2: two trajectories, a sample event after each, one final and one done; the human view says it', async () => {
  let plans = 0;
  const server = await startScriptedOpenAiServer((body: any): ScriptedReply => {
    const k = kindOf(body);
    if (k === 'plan') {
      plans++;
      return { content: JSON.stringify({ ...PLAN, steps: [PLAN.steps[1]] }) };
    }
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'Correct.' }) };
    if (k === 'step') return { content: `So $x = \\boxed{${plans % 2 === 1 ? '5' : '5.0'}}$` };
    return { status: 500 };
  });
  try {
    const r = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--samples', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.filter((e: any) => e.type === 'sample').map((e: any) => [e.index, e.of, e.answer, e.verification]), [[0, 2, '5', 'accepted'], [1, 2, '5.0', 'accepted']]);
    assert.equal(events.filter((e: any) => e.type === 'final').length, 1);
    assert.equal(events.filter((e: any) => e.type === 'done').length, 1);
    assert.equal(events.at(-1).stats.calls, 6);
    assert.equal(plans, 2);
    const human = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--samples', '2', '--select', 'vote']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Trajectory 1\/2: answer 5 \(accepted\)/);
    assert.match(human.stdout, /Trajectory 2\/2: answer 5\.0 \(accepted\)/);
    assert.match(human.stdout, /Final answer: 5\n/);
    const bad = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--samples', 'many']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--samples must be auto or a whole number/);
    const hint = await cli([PROBLEM, '--base-url', server.baseUrl, '--model', 'm', '--samples', '2', '--mode', 'hint']);
    assert.equal(hint.code, 2);
    assert.match(hint.stderr, /--samples applies to --mode solve only/);
  } finally {
    await server.close();
  }
});
