// Adaptive scaling the engine owns: with a scripted model that gives NO difficulty cue (no complexity in
// its plans, the same 3-step plan, every step accepted, the same answer for every problem), the calls per
// problem must still rise with the problem's level, from the engine's own assessment — and the final
// answer of every run is evaluated. Real `openai` SDK over HTTP against the scripted server, real harness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { loadTemplateIndex } from '../../../src/core/templates/library.js';
import { loadDataset, parseDataset, type Dataset } from '../../../src/core/eval/dataset.js';
import { runEval } from '../../../src/core/eval/harness.js';
import { readResults, type EvalRecord } from '../../../src/core/eval/results.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { noCueServer } from '../../support/no-cue-model.js';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';
import { kindOf } from '../reasoning/fixtures.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'eval');

function meanCallsByLevel(records: EvalRecord[]): Map<number, number> {
  const by = new Map<number, number[]>();
  for (const r of records) if (typeof r.level === 'number') (by.get(r.level) ?? by.set(r.level, []).get(r.level)!).push(r.calls);
  return new Map([...by].map(([l, xs]) => [l, xs.reduce((a, b) => a + b, 0) / xs.length]));
}

/** The first `per` problems of each level 1-5, in file order. */
function perLevel(ds: Dataset, per: number): Dataset {
  const problems = [1, 2, 3, 4, 5].flatMap((l) => ds.problems.filter((p) => p.level === l).slice(0, per));
  return { ...ds, problems };
}

async function runNoCue(dataset: Dataset, complexity?: number) {
  const server = await noCueServer(complexity !== undefined ? { complexity } : {});
  const out = mkdtempSync(join(tmpdir(), 'rf-scaling-'));
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'no-cue', maxRetries: 0, retryBaseDelayMs: 1 });
    const lib = await loadTemplateIndex();
    const r = await runEval({ dataset, mode: 'reasonflux', solver: model, navigator: model, index: lib.index, outDir: out, concurrency: 4 });
    return { records: readResults(r.files.results).records, summary: r.summary, md: readFileSync(r.files.summaryMd, 'utf8') };
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function assertScales(records: EvalRecord[], label: string, navigatorSays: number | null = null) {
  const means = meanCallsByLevel(records);
  const l1 = means.get(1)!;
  const l5 = means.get(5)!;
  const table = [...means].sort(([a], [b]) => a - b).map(([l, m]) => `L${l} ${m.toFixed(1)}`).join(', ');
  assert.ok(l5 >= 1.5 * l1, `${label}: mean calls L5 ${l5.toFixed(2)} < 1.5 × L1 ${l1.toFixed(2)} (${table})`);
  // The lower half of the levels costs less than the upper half.
  const lo = (means.get(1)! + means.get(2)!) / 2;
  const hi = (means.get(4)! + means.get(5)!) / 2;
  assert.ok(hi > lo, `${label}: ${table}`);
  for (const r of records) {
    assert.equal(r.status, 'solved');
    // The final answer is always evaluated by the navigator (here it accepts every one).
    assert.equal(r.verification, 'accepted', `${r.id}: final answer not evaluated`);
    if (navigatorSays === null) {
      // The navigator gave no number: recorded as missing, the engine's estimate used.
      assert.equal(r.navigatorComplexity, null);
      assert.equal(r.complexitySource, 'engine');
    } else assert.equal(r.navigatorComplexity, navigatorSays);
    assert.ok(typeof r.complexity === 'number' && r.complexity >= 1 && r.complexity <= 10);
  }
}

test('no difficulty cue from the model: calls rise with level on the own leveled fixture (≥ 1.5× from level 1 to 5)', async () => {
  const { records, md } = await runNoCue(loadDataset(join(FIX, 'leveled-mini.jsonl')));
  assert.equal(records.length, 10);
  assertScales(records, 'leveled-mini');
  assert.match(md, /mean samples/);
});

test('no difficulty cue from the model: calls rise with level on 50 MATH-500 problems (10 per level)', { skip: skipUnlessShared('math500.jsonl') }, async () => {
  const ds = perLevel(loadDataset(sharedFile('math500.jsonl')!), 10);
  assert.equal(ds.problems.length, 50);
  const { records } = await runNoCue(ds);
  assert.equal(records.length, 50);
  assertScales(records, 'MATH-500 ×50');
});

test('a navigator that says complexity 5 for every problem is no cue either: the engine stops weighing it', async () => {
  const { records } = await runNoCue(loadDataset(join(FIX, 'leveled-mini.jsonl')), 5);
  assertScales(records, 'leveled-mini, constant 5', 5);
  // After a few problems with the same number, the engine relies on its own estimate.
  assert.ok(records.filter((r) => r.complexitySource === 'engine').length >= 3);
});

test('the same on 50 MATH-500 problems with a navigator that always says 5', { skip: skipUnlessShared('math500.jsonl') }, async () => {
  const { records } = await runNoCue(perLevel(loadDataset(sharedFile('math500.jsonl')!), 10), 5);
  assertScales(records, 'MATH-500 ×50, constant 5', 5);
});

test('the final answer is evaluated even when the round budget is spent; a still-rejected final is recorded as rejected', async () => {
  const plan = JSON.stringify({ analysis: 'a', complexity: 2, steps: [{ goal: 'Solve it', method: '', query: 'solve' }] });
  let evaluations = 0;
  const server = await startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    if (k === 'plan') return { content: plan };
    if (k === 'step') return { content: 'So $\\boxed{41}$.' };
    if (k === 'evaluate') {
      evaluations++;
      return { content: JSON.stringify({ verdict: 'revise', feedback: 'The answer is off by one.' }) };
    }
    return { status: 400 };
  });
  const out = mkdtempSync(join(tmpdir(), 'rf-scaling-'));
  try {
    const ds = parseDataset(JSON.stringify({ id: 'one', problem: 'Compute $6 \\times 7$.', answer: '42', level: 1 }) + '\n', 'one.jsonl');
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'stubborn', maxRetries: 0, retryBaseDelayMs: 1 });
    const lib = await loadTemplateIndex();
    const r = await runEval({ dataset: ds, mode: 'reasonflux', solver: model, navigator: model, index: lib.index, outDir: out, maxRounds: 1, samples: 1 });
    const rec = readResults(r.files.results).records[0]!;
    // 1 round of budget + the reserved final revision, and the last attempt evaluated too.
    assert.equal(evaluations, 3);
    assert.equal(rec.verification, 'rejected');
    assert.equal(rec.correct, false);
    assert.equal(r.summary.overall.rejectedFinals, 1);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
