// Regressions found in a QA pass over the CLI (each test names the bug it guards).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../support/cli.js';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import { kindOf } from '../reasoning/fixtures.js';
import { run as gradeCli } from '../../../src/cli/commands/grade.js';
import { run as templatesCli } from '../../../src/cli/commands/templates.js';
import { run as evalCli } from '../../../src/cli/commands/eval.js';
import { CliError } from '../../../src/cli/util.js';

const ROOT = resolve(__dirname, '..', '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'eval');
const PLAN = {
  analysis: 'A linear equation.',
  complexity: 2,
  steps: [
    { goal: 'Subtract 3', method: 'linear equation', query: 'linear equation isolate unknown' },
    { goal: 'Divide by 2', method: 'linear equation', query: 'linear equation divide coefficient' },
  ],
};

function script(chunkDelayMs = 0) {
  let steps = 0;
  return (body: any): ScriptedReply => {
    const k = kindOf(body);
    if (k === 'plan') return { content: JSON.stringify(PLAN) };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'Correct.', progress: 0.5 }) };
    if (k === 'step') return { content: steps++ === 0 ? 'Subtract 3 from both sides: $2x = 10$.' : 'So $x = 5$, $\\boxed{5}$', chunkSize: 4, chunkDelayMs };
    return { content: '\\boxed{5}' };
  };
}

function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: false, columns: 100, write: (s: string) => (chunks.push(s), true) } };
}

/** Runs `solve` in a child; `closeAfterFirst` closes our end of its stdout after the first bytes (like `| head -c`). */
function solveChild(args: string[], closeAfterFirst: boolean) {
  return runCli('solve', args, {}, closeAfterFirst ? { onStdout: (_out, child) => child.stdout.destroy() } : {});
}

test('solve | head: a reader that closes the pipe early ends the run quietly (no EPIPE crash)', async () => {
  const server = await startScriptedOpenAiServer(script(30));
  try {
    for (const extra of [['--json'], []]) {
      const r = await solveChild(['Solve 2x + 3 = 13.', '--base-url', server.baseUrl, '--model', 'm', ...extra], true);
      assert.ok(r.stdout.length > 0);
      assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|\n\s+at /, r.stderr);
      assert.equal(r.code, 0, r.stderr);
    }
  } finally {
    await server.close();
  }
});

test('solve --mode hint outside a terminal says that only the first hint was shown', async () => {
  const server = await startScriptedOpenAiServer(script());
  try {
    const r = await solveChild(['Solve 2x + 3 = 13.', '--base-url', server.baseUrl, '--model', 'm', '--mode', 'hint'], false);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Step 1\/2/);
    assert.doesNotMatch(r.stdout, /Step 2\/2/);
    assert.match(r.stderr, /only the first hint is shown/);
  } finally {
    await server.close();
  }
});

test('templates search with a blank query is a usage error, not "no matching templates"', async () => {
  await assert.rejects(templatesCli(['search', '   ']), (e: unknown) => e instanceof CliError && /needs a query/.test(e.message));
  await assert.rejects(templatesCli(['search', '']), CliError);
});

test('grade --jsonl DIRECTORY fails with one clear line', async () => {
  const o = sink();
  const e = sink();
  await assert.rejects(gradeCli(['--jsonl', tmpdir()], { out: o.stream, err: e.stream }), (err: unknown) => err instanceof CliError && /is a directory/.test(err.message));
});

test('eval where every problem fails says why and exits 1', async () => {
  const server = await startScriptedOpenAiServer(() => ({ status: 401, error: { error: { message: 'bad key' } } }));
  const out = mkdtempSync(join(tmpdir(), 'rf-evalfail-'));
  try {
    const o = sink();
    const e = sink();
    const code = await evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'm', '--mode', 'direct', '--out', out], {
      out: o.stream,
      err: e.stream,
      env: {},
    });
    assert.equal(code, 1);
    const err = e.chunks.join('');
    assert.match(err, /2 problem\(s\) failed, e\.g\. .*refused the API key/);
    assert.match(err, /every problem failed/);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('solve in a terminal strips escape sequences, control characters and bidi overrides from model output', async () => {
  const { terminalSafe } = await import('../../../src/cli/commands/solve.js');
  assert.equal(terminalSafe('a\u001b[2J\u001b]52;c;ZXZpbA==\u0007b'), 'a[2J]52;c;ZXZpbA==b');
  assert.equal(terminalSafe('step\u0000one\u0007 $\\boxed{2}$'), 'stepone $\\boxed{2}$');
  assert.equal(terminalSafe('The answer is \u202e}4{dexob\\ \u202c'), 'The answer is }4{dexob\\ ');
  assert.equal(terminalSafe('line 1\r\nline 2\n\tx'), 'line 1\nline 2\n\tx');
  assert.equal(terminalSafe('한국어 中文 日本語 $x^2$'), '한국어 中文 日本語 $x^2$');
  const server = await startScriptedOpenAiServer((body: any): ScriptedReply => {
    const k = kindOf(body);
    if (k === 'plan') return { content: JSON.stringify({ ...PLAN, analysis: 'Plan \u001b[31mred\u001b[0m.' }) };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'ok', progress: 0.5 }) };
    return { content: 'Clear \u001b[2J\u001b[H the screen, $\\boxed{5}$' };
  });
  try {
    const r = await solveChild(['Solve 2x + 3 = 13.', '--base-url', server.baseUrl, '--model', 'm'], false);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\u001b/);
    assert.match(r.stdout, /Final answer: 5/);
    // --json keeps the exact text (JSON escapes it)
    const j = await solveChild(['Solve 2x + 3 = 13.', '--base-url', server.baseUrl, '--model', 'm', '--json'], false);
    assert.match(j.stdout, /\\u001b\[2J/);
  } finally {
    await server.close();
  }
});
