// The eval harness end to end: real `openai` SDK over HTTP against the scripted OpenAI-compatible
// server, real orchestrator / direct baseline, real grader, files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { loadTemplateIndex } from '../../../src/core/templates/library.js';
import { loadDataset } from '../../../src/core/eval/dataset.js';
import { runEval, EvalError, type EvalRunOptions } from '../../../src/core/eval/harness.js';
import { readResults, type EvalRecord } from '../../../src/core/eval/results.js';
import type { EvalSummary } from '../../../src/core/eval/summary.js';
import { run as evalCli } from '../../../src/cli/commands/eval.js';
import { startScriptedOpenAiServer, type ScriptedReply, type ScriptedOpenAiServer } from '../../support/scripted-openai-server.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'eval');

type Kind = 'plan' | 'evaluate' | 'step' | 'final' | 'direct' | 'other';

function kindOf(body: any): { kind: Kind; tag: string; step: number } {
  const msgs: { role: string; content: string }[] = Array.isArray(body?.messages) ? body.messages : [];
  const all = msgs.map((m) => String(m.content)).join('\n');
  const tag = /\[(RF-[A-Z]\d)\]/.exec(all)?.[1] ?? '?';
  const system = msgs.find((m) => m.role === 'system')?.content ?? '';
  const user = msgs.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  let kind: Kind = 'other';
  if (/careful mathematician/.test(system)) kind = 'direct';
  else if (/Plan the solution/.test(user)) kind = 'plan';
  else if (/Judge this step/.test(user)) kind = 'evaluate';
  else if (/State the final answer of this solution/.test(user)) kind = 'final';
  else if (/Now step \d+/.test(user)) kind = 'step';
  const step = Number(/Now step (\d+)/.exec(user)?.[1] ?? 0);
  return { kind, tag, step };
}

/** What the scripted "model" does for each problem. */
interface Behaviour {
  complexity: number;
  steps: string[];
  /** Evaluation verdicts in order (the last repeats). */
  verdicts?: string[];
  direct: string;
  fail?: boolean;
}

const plan = (complexity: number, n: number) =>
  JSON.stringify({
    analysis: 'Scripted analysis.',
    complexity,
    steps: Array.from({ length: n }, (_, i) => ({ goal: `Scripted goal ${i + 1}`, method: 'scripted', query: 'equation factor' })),
  });

const BEHAVIOUR: Record<string, Behaviour> = {
  'RF-M1': { complexity: 2, steps: ['Adding, $3+4=\\boxed{7}$.'], verdicts: ['finish'], direct: 'So $\\boxed{7}$.' },
  'RF-M2': { complexity: 3, steps: ['The decimal is $\\boxed{0.5}$.'], verdicts: ['finish'], direct: 'It is $\\boxed{\\dfrac{1}{2}}$.' },
  'RF-M3': {
    complexity: 8,
    steps: ['Factor: $(x+2)(x-1)=0$.', 'So $x = \\boxed{-2, 1}$.'],
    verdicts: ['revise', 'accept', 'finish'],
    direct: 'Roots are $\\boxed{1}$ and $\\boxed{2}$.',
  },
  'RF-M4': { complexity: 8, steps: [], direct: '', fail: true },
  'RF-A1': { complexity: 4, steps: ['$2^{10}=1024$ so the remainder is $\\boxed{24}$.'], verdicts: ['finish'], direct: 'Remainder $\\boxed{24}$.' },
  'RF-A2': { complexity: 4, steps: ['There are $\\boxed{8}$ divisors.'], verdicts: ['finish'], direct: 'I think about eight.' },
  'RF-C1': { complexity: 1, steps: ['$120/2 = \\boxed{60}$.'], verdicts: ['finish'], direct: '$\\boxed{60}$' },
  'RF-C2': { complexity: 1, steps: ['$\\tfrac34 \\cdot 48 = \\boxed{36.0}$.'], verdicts: ['finish'], direct: '$\\boxed{36}$' },
};

async function scriptedServer(hooks: { onRequest?: (tag: string, kind: Kind) => Partial<ScriptedReply> | void } = {}): Promise<ScriptedOpenAiServer> {
  const evalCount: Record<string, number> = {};
  return startScriptedOpenAiServer((body) => {
    const { kind, tag, step } = kindOf(body);
    const extra = hooks.onRequest?.(tag, kind) ?? {};
    const b = BEHAVIOUR[tag];
    if (!b) return { status: 400, error: { error: { message: `no script for ${tag}` } } };
    if (b.fail) return { status: 500, error: { error: { message: 'scripted failure' } } };
    switch (kind) {
      case 'plan':
        return { content: plan(b.complexity, b.steps.length), ...extra };
      case 'step':
        return { content: b.steps[Math.min(step, b.steps.length) - 1] ?? 'No idea.', ...extra };
      case 'evaluate': {
        const n = evalCount[tag] ?? 0;
        evalCount[tag] = n + 1;
        const v = b.verdicts ?? ['accept'];
        return { content: JSON.stringify({ verdict: v[Math.min(n, v.length - 1)], feedback: 'Scripted feedback.', progress: 0.5 }), ...extra };
      }
      case 'final':
        return { content: 'The answer is $\\boxed{0}$.', ...extra };
      case 'direct':
        return { content: b.direct, ...extra };
      default:
        return { status: 400, error: { error: { message: `unexpected request kind for ${tag}` } } };
    }
  });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'rf-eval-'));
}

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

async function baseOptions(server: ScriptedOpenAiServer, datasetFile: string, outDir: string, mode: 'reasonflux' | 'direct'): Promise<EvalRunOptions> {
  const solver = createOpenAiModel({ baseUrl: server.baseUrl, model: 'scripted-model', maxRetries: 0, retryBaseDelayMs: 1 });
  const lib = await loadTemplateIndex();
  return { dataset: loadDataset(datasetFile), mode, solver, navigator: solver, index: lib.index, outDir, baseUrl: server.baseUrl };
}

const byId = (rs: EvalRecord[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

test('reasonflux mode on MATH-500 rows: graded, failure recorded, summary numbers', async () => {
  const server = await scriptedServer();
  const out = tmp();
  try {
    const progress = sink(false);
    // One trajectory per problem (the scripted replies are per problem, not per trajectory; sampling has its own tests).
    const r = await runEval({ ...(await baseOptions(server, join(FIX, 'math500-mini.jsonl'), out, 'reasonflux')), samples: 1, concurrency: 2, progress: progress.stream });
    assert.equal(r.ran, 4);
    assert.equal(r.skipped, 0);
    assert.equal(r.interrupted, false);
    const recs = byId(readResults(r.files.results).records);
    assert.deepEqual(Object.keys(recs).sort(), ['test/algebra/9003.json', 'test/algebra/9004.json', 'test/prealgebra/9001.json', 'test/prealgebra/9002.json']);
    const m1 = recs['test/prealgebra/9001.json']!;
    assert.equal(m1.correct, true);
    assert.equal(m1.extracted, '7');
    assert.equal(m1.subject, 'Prealgebra');
    assert.equal(m1.level, 1);
    assert.equal(m1.status, 'solved');
    assert.equal(m1.rounds, 0);
    assert.equal(m1.complexity, 2);
    assert.ok(m1.calls >= 3, `calls ${m1.calls}`); // plan, step, evaluation
    assert.ok(m1.tokens > 0);
    assert.equal(m1.mode, 'reasonflux');
    assert.equal(recs['test/prealgebra/9002.json']!.correct, true); // 0.5 vs \frac{1}{2}
    const m3 = recs['test/algebra/9003.json']!;
    assert.equal(m3.correct, true); // "-2, 1" vs "1,-2"
    assert.equal(m3.rounds, 1); // one revision
    assert.ok(m3.roundBudget >= 3);
    const m4 = recs['test/algebra/9004.json']!;
    assert.equal(m4.status, 'failed');
    assert.equal(m4.correct, false);
    assert.match(m4.error ?? '', /\S/);

    const summary = JSON.parse(readFileSync(r.files.summaryJson, 'utf8')) as EvalSummary;
    assert.equal(summary.overall.problems, 4);
    assert.equal(summary.overall.correct, 3);
    assert.equal(summary.overall.accuracy, 0.75);
    assert.equal(summary.overall.failed, 1);
    const lvl = Object.fromEntries(summary.byLevel.map((g) => [g.key, g]));
    assert.deepEqual(Object.keys(lvl), ['1', '2', '5']);
    assert.equal(lvl['5']!.problems, 2);
    assert.equal(lvl['5']!.meanRounds, 0.5);
    assert.equal(lvl['1']!.meanRounds, 0);
    assert.equal(lvl['1']!.accuracy, 1);
    const subj = Object.fromEntries(summary.bySubject.map((g) => [g.key, g]));
    assert.equal(subj['Algebra']!.accuracy, 0.5);
    assert.equal(subj['Prealgebra']!.accuracy, 1);
    const md = readFileSync(r.files.summaryMd, 'utf8');
    assert.match(md, /\| 4 \/ 4 \| 3 \| 75\.0 % \| 1 \|/);
    assert.match(md, /## By level/);
    assert.match(md, /\| Algebra \| 2 \| 1 \| 50\.0 % \|/);
    // Non-TTY progress: plain lines, the last one complete.
    assert.ok(progress.chunks.length >= 1);
    assert.ok(progress.chunks.every((c) => c.endsWith('\n') && !c.includes('\r')));
    assert.match(progress.chunks[progress.chunks.length - 1]!, /4\/4 100 %.*correct 3\/4.*failed 1/);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('direct mode on AIME and AMC rows: zero-padded and float answers, no-answer recorded', async () => {
  const server = await scriptedServer();
  const outA = tmp();
  const outC = tmp();
  try {
    const a = await runEval({ ...(await baseOptions(server, join(FIX, 'aime-mini.jsonl'), outA, 'direct')) });
    const ra = byId(readResults(a.files.results).records);
    assert.equal(ra['9101']!.correct, true); // 24 vs "024"
    assert.equal(ra['9101']!.calls, 1);
    assert.equal(ra['9101']!.rounds, 0);
    assert.equal(ra['9101']!.mode, 'direct');
    assert.equal(ra['9102']!.correct, false);
    assert.equal(ra['9102']!.status, 'no-answer');
    assert.equal(a.summary.overall.accuracy, 0.5);
    assert.equal(a.summary.byLevel[0]!.key, '—');
    // Only direct prompts were sent.
    assert.ok(server.chatRequests.every((q) => kindOf(q.body).kind === 'direct'));

    const c = await runEval({ ...(await baseOptions(server, join(FIX, 'amc-mini.jsonl'), outC, 'direct')) });
    const rc = byId(readResults(c.files.results).records);
    assert.equal(rc['9201']!.answer, '60');
    assert.equal(rc['9201']!.correct, true);
    assert.equal(rc['9202']!.correct, true);
    assert.equal(c.summary.overall.correct, 2);
  } finally {
    await server.close();
    rmSync(outA, { recursive: true, force: true });
    rmSync(outC, { recursive: true, force: true });
  }
});

test('resume skips ids already done; an existing results file needs --resume; mode mismatch refused', async () => {
  const server = await scriptedServer();
  const out = tmp();
  try {
    const opts = await baseOptions(server, join(FIX, 'amc-mini.jsonl'), out, 'reasonflux');
    const first = await runEval({ ...opts, limit: 1 });
    assert.equal(first.ran, 1);
    assert.equal(first.summary.meta.selected, 1);
    await assert.rejects(runEval({ ...opts }), (e: unknown) => e instanceof EvalError && /--resume/.test(e.hint ?? ''));
    const before = server.chatRequests.length;
    const second = await runEval({ ...opts, resume: true });
    assert.equal(second.skipped, 1);
    assert.equal(second.ran, 1);
    const tags = server.chatRequests.slice(before).map((q) => kindOf(q.body).tag);
    assert.ok(tags.length > 0 && tags.every((t) => t === 'RF-C2'), `requests after resume: ${tags.join(',')}`);
    assert.equal(readResults(second.files.results).records.length, 2);
    assert.equal(second.summary.overall.problems, 2);
    // Nothing left to do: no requests at all.
    const third = await runEval({ ...opts, resume: true });
    assert.equal(third.ran, 0);
    assert.equal(third.skipped, 2);
    await assert.rejects(runEval({ ...opts, mode: 'direct', resume: true }), (e: unknown) => e instanceof EvalError && /mode reasonflux/.test(e.message));
    // A torn last line (a run killed mid-write) is ignored and that problem re-runs.
    const file = second.files.results;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, lines[0] + '\n' + lines[1]!.slice(0, 20));
    const fourth = await runEval({ ...opts, resume: true });
    assert.equal(fourth.ran, 1);
    assert.equal(readResults(file).records.length, 2);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('abort mid-run stops cleanly, keeps finished results, and resume completes the rest', async () => {
  const controller = new AbortController();
  const server = await scriptedServer({
    onRequest: (tag) => {
      if (tag === 'RF-M3') {
        controller.abort();
        return { delayMs: 200 };
      }
    },
  });
  const out = tmp();
  try {
    const opts = await baseOptions(server, join(FIX, 'math500-mini.jsonl'), out, 'direct');
    const r = await runEval({ ...opts, signal: controller.signal });
    assert.equal(r.interrupted, true);
    assert.equal(r.ran, 2);
    assert.deepEqual(readResults(r.files.results).records.map((x) => x.id).sort(), ['test/prealgebra/9001.json', 'test/prealgebra/9002.json']);
    assert.equal(r.summary.meta.interrupted, true);
    assert.match(readFileSync(r.files.summaryMd, 'utf8'), /interrupted/);
    const rest = await runEval({ ...opts, resume: true });
    assert.equal(rest.skipped, 2);
    assert.equal(rest.ran, 2);
    assert.equal(rest.interrupted, false);
    const recs = byId(readResults(rest.files.results).records);
    assert.equal(recs['test/algebra/9003.json']!.correct, false); // direct answer "1, 2" is wrong
    assert.equal(recs['test/algebra/9004.json']!.status, 'failed');
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('CLI: reasonflux eval writes results and summary; bad flags fail with one line', async () => {
  const server = await scriptedServer();
  const out = tmp();
  try {
    const o = sink();
    const e = sink();
    const code = await evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'scripted-model', '--mode', 'direct', '--out', out, '--concurrency', '2'], {
      out: o.stream,
      err: e.stream,
      env: {},
    });
    assert.equal(code, 0);
    assert.match(o.chunks.join(''), /2\/2 correct \(100\.0 %\)/);
    assert.match(e.chunks.join(''), /amc-mini\.jsonl \(amc, 2 problems\) · direct/);
    assert.equal(readResults(join(out, 'results.jsonl')).records.length, 2);
    assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /# Evaluation: amc-mini\.jsonl · direct/);
    const again = evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'scripted-model', '--mode', 'direct', '--out', out], { out: o.stream, err: e.stream, env: {} });
    await assert.rejects(again, /already has 2 results/);
    const r = sink();
    const resumed = await evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'scripted-model', '--mode', 'direct', '--out', out, '--resume'], { out: r.stream, err: e.stream, env: {} });
    assert.equal(resumed, 0);
    assert.match(r.chunks.join(''), /2\/2 correct .* ran 0, skipped 2/);
    // Stopped before anything ran (Ctrl-C): exit 130, summary marked interrupted, nothing recorded.
    const out2 = join(out, 'stopped');
    const stop = new AbortController();
    stop.abort();
    const s2 = sink();
    const e2 = sink();
    const stopped = await evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'scripted-model', '--mode', 'direct', '--out', out2], { out: s2.stream, err: e2.stream, env: {}, signal: stop.signal });
    assert.equal(stopped, 130);
    assert.match(e2.chunks.join(''), /interrupted .* --resume/);
    assert.equal(readResults(join(out2, 'results.jsonl')).records.length, 0);
    assert.match(readFileSync(join(out2, 'summary.md'), 'utf8'), /interrupted/);
    await assert.rejects(evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--base-url', server.baseUrl, '--model', 'm', '--mode', 'fast'], { out: o.stream, err: e.stream, env: {} }), /--mode must be/);
    await assert.rejects(evalCli(['--dataset', join(FIX, 'nope.jsonl'), '--base-url', server.baseUrl, '--model', 'm'], { out: o.stream, err: e.stream, env: {} }), /file not found/);
    await assert.rejects(evalCli(['--dataset', join(FIX, 'amc-mini.jsonl'), '--model', 'm'], { out: o.stream, err: e.stream, env: {} }), /no model endpoint/);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
