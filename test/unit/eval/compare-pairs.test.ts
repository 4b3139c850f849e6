// `reasonflux eval` with several modes (side-by-side table) and --export-pairs (TRL DPO layout), end to
// end: CLI → harness → orchestrator / baselines → real `openai` SDK → scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as evalCli } from '../../../src/cli/commands/eval.js';
import { preferencePairs } from '../../../src/core/eval/pairs.js';
import { readResults } from '../../../src/core/eval/results.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { kindOf } from '../reasoning/fixtures.js';

function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: false, write: (s: string) => chunks.push(s) } };
}

/** Plans alternate between route A (right answer 42) and route B (wrong, 41); direct samples say 42 then 40. */
function server() {
  let plans = 0;
  let directs = 0;
  return startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    const last = String(body?.messages?.at(-1)?.content ?? '');
    if (k === 'plan') {
      const route = plans++ % 2 === 0 ? 'A' : 'B';
      return { content: JSON.stringify({ analysis: `Route ${route}.`, complexity: 3, steps: [{ goal: `Follow route ${route}`, method: '', query: 'multiply' }] }) };
    }
    if (k === 'step') return { content: last.includes('route A') ? 'So $\\boxed{42}$.' : 'So $\\boxed{41}$.' };
    if (k === 'evaluate') return { content: JSON.stringify({ verdict: 'accept', feedback: 'ok' }) };
    if (k === 'select') return { content: JSON.stringify({ best: 1 }) };
    if (k === 'direct') return { content: directs++ % 2 === 0 ? 'So $\\boxed{42}$.' : 'So $\\boxed{40}$.' };
    return { status: 400, error: { error: { message: `unexpected ${k}` } } };
  });
}

test('eval --mode reasonflux,direct,self-consistency,best-of-n prints the side-by-side table; --export-pairs writes DPO pairs', async () => {
  const s = await server();
  const dir = mkdtempSync(join(tmpdir(), 'rf-compare-'));
  try {
    const data = join(dir, 'mini.jsonl');
    writeFileSync(
      data,
      [
        { id: 'p1', problem: 'Compute $6 \\times 7$.', answer: '42', level: 1, subject: 'Prealgebra' },
        { id: 'p2', problem: 'What is $84 / 2$?', answer: '42', level: 2, subject: 'Prealgebra' },
      ].map((x) => JSON.stringify(x)).join('\n') + '\n',
    );
    const out = join(dir, 'out');
    const pairs = join(dir, 'pairs.jsonl');
    const o = sink();
    const e = sink();
    const code = await evalCli(
      ['--dataset', data, '--base-url', s.baseUrl, '--model', 'm', '--mode', 'reasonflux,direct,self-consistency,best-of-n', '--samples', '2', '--out', out, '--export-pairs', pairs],
      { out: o.stream, err: e.stream, env: {} },
    );
    assert.equal(code, 0, e.chunks.join(''));
    const text = o.chunks.join('');
    assert.match(text, /# Comparison: mini\.jsonl · reasonflux vs direct vs self-consistency vs best-of-n/);
    for (const mode of ['reasonflux', 'direct', 'self-consistency', 'best-of-n']) {
      assert.match(text, new RegExp(`\\| ${mode} \\| 2 \\| [\\d.]+ % \\| [\\d.]+ \\| \\d+ \\| [\\d.]+ \\|`));
      assert.ok(existsSync(join(out, mode, 'results.jsonl')), mode);
    }
    assert.match(text, /## By level: accuracy \/ mean calls \/ mean tokens \/ mean seconds/);
    assert.match(text, /\| 1 \| [\d.]+ % \/ [\d.]+ \/ \d+ \/ [\d.]+ \| /);
    assert.ok(existsSync(join(out, 'comparison.md')));
    assert.equal(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')).length, 4);
    // Calls per mode as the engine spent them: direct 1, self-consistency 2, best-of-n 2 + the navigator's pick.
    const calls = (mode: string) => readResults(join(out, mode, 'results.jsonl')).records.map((r) => r.calls);
    assert.deepEqual(calls('direct'), [1, 1]);
    assert.deepEqual(calls('self-consistency'), [2, 2]);
    assert.deepEqual(calls('best-of-n'), [3, 3]);
    assert.deepEqual(calls('reasonflux'), [6, 6]); // 2 trajectories × (plan, step, evaluation)

    // Each problem had a correct (route A) and an incorrect (route B) trajectory: one pair each.
    assert.match(text, /preference pairs: 2 written/);
    const lines = readFileSync(pairs, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    for (const p of lines) {
      assert.deepEqual(Object.keys(p).sort(), ['chosen', 'prompt', 'rejected']);
      assert.deepEqual(p.prompt.map((m: { role: string }) => m.role), ['system', 'user']);
      assert.match(p.prompt[1].content, /^Plan the solution of this problem/);
      assert.equal(p.chosen[0].role, 'assistant');
      assert.match(JSON.parse(p.chosen[0].content).steps[0].goal, /route A/);
      assert.match(JSON.parse(p.rejected[0].content).steps[0].goal, /route B/);
    }
    // Standard layout: plain strings.
    const std = preferencePairs(readResults(join(out, 'reasonflux', 'results.jsonl')).records, 'standard');
    assert.equal(std.length, 2);
    assert.equal(typeof std[0]!.prompt, 'string');
    assert.match(std[0]!.chosen as string, /route A/);

    // Bad flags: one line each.
    await assert.rejects(evalCli(['--dataset', data, '--base-url', s.baseUrl, '--model', 'm', '--mode', 'direct,fast'], { out: o.stream, err: e.stream, env: {} }), /--mode must be one or more of/);
    await assert.rejects(evalCli(['--dataset', data, '--base-url', s.baseUrl, '--model', 'm', '--mode', 'direct', '--export-pairs', pairs], { out: o.stream, err: e.stream, env: {} }), /--export-pairs needs reasonflux/);
    await assert.rejects(evalCli(['--dataset', data, '--base-url', s.baseUrl, '--model', 'm', '--samples', '0'], { out: o.stream, err: e.stream, env: {} }), /--samples must be auto or a whole number/);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
