// Orchestrator overhead beyond model time (goal ≤ 2 %), against instant scripted models:
//  (a) an in-process fake ChatModel (no I/O: shows the orchestrator's own cost per run and per call);
//  (b) the scripted OpenAI-compatible HTTP server with the real SDK (model time = the HTTP calls). The
//      server runs in a worker thread, like a real model server runs elsewhere: in the same thread its
//      own work (writing and closing responses) would land between calls and be counted as overhead.
// Overhead = run wall time − time inside model calls (prompt building, retrieval, JSON parsing, events).
// Prints numbers; asserts nothing.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import type { ChatModel, ChatRequest } from '../src/core/llm/types.js';
import { createOpenAiModel } from '../src/core/llm/openai.js';
import { solveProblem } from '../src/core/reasoning/orchestrator.js';
import type { TemplateIndex } from '../src/core/templates/types.js';
import { startScriptedOpenAiServer } from '../test/support/scripted-openai-server.js';
import { fixtureIndex, kindOf } from '../test/unit/reasoning/fixtures.js';

const PROBLEM = 'Find all real x such that x^2 - 5x + 6 = 0, and give the sum of the roots.';
const PLAN = JSON.stringify({
  analysis: 'A quadratic; the roots follow from the quadratic formula or factoring.',
  complexity: 4,
  steps: [
    { goal: 'Identify the coefficients', method: 'alg.quadratic-formula', query: 'quadratic coefficients roots' },
    { goal: 'Find the roots', method: 'Quadratic formula', query: 'quadratic formula discriminant roots' },
    { goal: 'Sum the roots and state the answer', method: "Vieta's formulas", query: 'sum of roots vieta' },
  ],
});
const STEP = 'We have $a = 1$, $b = -5$, $c = 6$. The discriminant is $25 - 24 = 1$, so $x = \\frac{5 \\pm 1}{2}$. '.repeat(6);
const LAST = STEP + 'The roots are 2 and 3, so the sum is $\\boxed{5}$.';
const ACCEPT = JSON.stringify({ verdict: 'accept', feedback: 'Correct.', progress: 0.6 });

function reply(req: { messages: { content: string }[] } | any, stepCount: { n: number }): string {
  const k = kindOf(req);
  if (k === 'plan') return PLAN;
  if (k === 'evaluate') return ACCEPT;
  stepCount.n++;
  return stepCount.n % 3 === 0 ? LAST : STEP;
}

/** Instant in-process model: streams the reply in 40 deltas. */
function fakeModel(): ChatModel {
  const count = { n: 0 };
  return {
    id: 'fake',
    label: 'fake',
    async *stream(req: ChatRequest) {
      const t0 = performance.now();
      const text = reply({ messages: req.messages }, count);
      const size = Math.ceil(text.length / 40);
      for (let i = 0; i < text.length; i += size) yield { type: 'delta' as const, text: text.slice(i, i + size) };
      yield { type: 'done' as const, usage: { promptTokens: 100, completionTokens: 50, totalTokens: 150 }, latencyMs: performance.now() - t0, model: 'fake', retries: 0 };
    },
  };
}

async function loadIndex(): Promise<{ index: TemplateIndex; label: string }> {
  try {
    const { loadTemplateIndex } = await import('../src/core/templates/library.js');
    const lib = await loadTemplateIndex();
    if (lib.index.size > 0) return { index: lib.index, label: `built-in library (${lib.index.size} templates)` };
  } catch {
    /* fall through */
  }
  return { index: fixtureIndex(), label: 'fixture index (6 templates)' };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function measure(label: string, runs: number, make: () => { navigator: ChatModel; solver: ChatModel }, index: TemplateIndex) {
  const wall: number[] = [];
  const overhead: number[] = [];
  let model = 0;
  let total = 0;
  let calls = 0;
  let events = 0;
  for (let i = 0; i < runs + 5; i++) {
    const m = make();
    const gen = solveProblem(PROBLEM, { ...m, index });
    let r = await gen.next();
    let n = 0;
    while (!r.done) {
      n++;
      r = await gen.next();
    }
    if (r.value.status !== 'solved') throw new Error(`bench run not solved: ${r.value.status}`);
    if (i < 5) continue; // warm-up
    const s = r.value.stats;
    wall.push(s.ms);
    overhead.push(s.ms - s.modelMs);
    model += s.modelMs;
    total += s.ms;
    calls += s.calls;
    events += n;
  }
  const oh = total - model;
  console.log(
    `${label}: ${runs} runs, ${calls / runs} calls and ${Math.round(events / runs)} events per run\n` +
      `  wall per run   p50 ${pct(wall, 50).toFixed(2)} ms  p95 ${pct(wall, 95).toFixed(2)} ms\n` +
      `  overhead/run   p50 ${pct(overhead, 50).toFixed(3)} ms  p95 ${pct(overhead, 95).toFixed(3)} ms  (${((oh / runs / (calls / runs)) * 1000).toFixed(0)} µs per model call)\n` +
      `  overhead share ${((100 * oh) / total).toFixed(2)} % of total wall time (model time ${((100 * model) / total).toFixed(2)} %); median run ${((100 * pct(overhead, 50)) / pct(wall, 50)).toFixed(2)} %`,
  );
  return { overheadPerRunMs: oh / runs, share: oh / total, callsPerRun: calls / runs };
}

async function main() {
  const { index, label } = await loadIndex();
  console.log(`orchestrator overhead — index: ${label}; goal ≤ 2 % of wall time beyond model time`);
  const inProc = await measure('(a) in-process instant fake model', 300, () => {
    const m = fakeModel();
    return { navigator: m, solver: m };
  }, index);
  // The worker runs this same file through tsx's CommonJS hook.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, execArgv: [] });
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: string) => resolve(m));
      worker.once('error', reject);
    });
    await measure('(b) scripted HTTP server (worker thread) + openai SDK, instant replies', 100, () => {
      const m = createOpenAiModel({ baseUrl, model: 'bench' });
      return { navigator: m, solver: m };
    }, index);
  } finally {
    await worker.terminate();
  }
  // For scale: a real model takes ≥ 1 s per call; the in-process overhead per run against such calls:
  console.log(`  (a) against real models at 1 s per call the overhead would be ${((100 * inProc.overheadPerRunMs) / (inProc.callsPerRun * 1000)).toFixed(4)} %`);
}

async function serveInWorker() {
  const count = { n: 0 };
  const server = await startScriptedOpenAiServer((body) => ({ content: reply(body, count), chunkSize: 16 }));
  parentPort!.postMessage(server.baseUrl);
}

(isMainThread ? main() : serveInWorker()).catch((err) => {
  console.error(err);
  process.exit(1);
});
