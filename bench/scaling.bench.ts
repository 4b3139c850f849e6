// Adaptive scaling and the inference-scaling comparison, against a scripted model that gives NO
// difficulty cue (test/support/no-cue-model.ts: same plan, no complexity, answers right with the same
// probability at every level). Prints, per mode (reasonflux, direct, self-consistency, best-of-n), the
// side-by-side table of accuracy / calls / tokens / time, overall and by level, and the ratio of mean
// calls at level 5 to level 1 in reasonflux mode (goal ≥ 1.5). Uses 50 MATH-500 problems (10 per level)
// when ../shared/data is present, else the project's own leveled fixture. Asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAiModel } from '../src/core/llm/openai.js';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { loadDataset, type Dataset } from '../src/core/eval/dataset.js';
import { runEval } from '../src/core/eval/harness.js';
import type { EvalMode } from '../src/core/eval/results.js';
import { renderComparisonMarkdown, type EvalSummary } from '../src/core/eval/summary.js';
import { noCueServer, type NoCueOptions } from '../test/support/no-cue-model.js';
import { sharedFile } from '../test/support/shared-data.js';

function dataset(): { ds: Dataset; label: string } {
  const f = sharedFile('math500.jsonl');
  if (f) {
    const all = loadDataset(f);
    const problems = [1, 2, 3, 4, 5].flatMap((l) => all.problems.filter((p) => p.level === l).slice(0, 10));
    return { ds: { ...all, problems }, label: '50 MATH-500 problems (first 10 per level)' };
  }
  return { ds: loadDataset(join(__dirname, '..', 'test', 'fixtures', 'eval', 'leveled-mini.jsonl')), label: 'own leveled fixture (10 problems; ../shared/data absent)' };
}

async function runModes(ds: Dataset, modes: EvalMode[], o: NoCueOptions): Promise<EvalSummary[]> {
  const lib = await loadTemplateIndex();
  const out: EvalSummary[] = [];
  for (const mode of modes) {
    const server = await noCueServer(o);
    const dir = mkdtempSync(join(tmpdir(), 'rf-bench-scaling-'));
    try {
      const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'no-cue', maxRetries: 0, retryBaseDelayMs: 1 });
      const r = await runEval({ dataset: ds, mode, solver: model, navigator: model, index: lib.index, outDir: dir, concurrency: 1, baseUrl: 'scripted' });
      out.push(r.summary);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function ratio(s: EvalSummary): string {
  const l = (k: string) => s.byLevel.find((g) => g.key === k)?.meanCalls ?? NaN;
  const r = l('5') / l('1');
  const per = (f: (g: EvalSummary['byLevel'][number]) => number, d = 1) => s.byLevel.map((g) => `L${g.key} ${f(g).toFixed(d)}`).join(', ');
  return (
    `mean calls L1 ${l('1').toFixed(2)} → L5 ${l('5').toFixed(2)}: ×${r.toFixed(2)} (goal ≥ 1.5: ${r >= 1.5 ? 'MET' : 'NOT MET'})\n` +
    `    mean calls by level        ${per((g) => g.meanCalls)}\n` +
    `    mean assessed complexity   ${per((g) => g.meanComplexity ?? NaN)}\n` +
    `    mean trajectories          ${per((g) => g.meanSamples, 2)}\n` +
    `    mean round budget (summed over trajectories) ${per((g) => g.meanRoundBudget)}`
  );
}

async function main() {
  const { ds, label } = dataset();
  const answers = new Map(ds.problems.map((p) => [p.problem.trim(), p.answer]));
  console.log(`adaptive scaling with a model that gives no difficulty cue — ${label}`);
  const plain = await runModes(ds, ['reasonflux'], {});
  console.log(`\n(1) always answers 42, accepts every step, no complexity in its plans:\n  reasonflux ${ratio(plain[0]!)}`);
  const five = await runModes(ds, ['reasonflux'], { complexity: 5 });
  console.log(`  the same model saying complexity 5 for every problem: reasonflux ${ratio(five[0]!)}`);
  console.log('\n(2) noisy model: right with probability 0.6 per sample at every level, catches half of the wrong finals, picks the right candidate 70 % of the time:');
  const all = await runModes(ds, ['reasonflux', 'direct', 'self-consistency', 'best-of-n'], { answers, pCorrect: 0.6, pCatch: 0.5, pPick: 0.7, seed: 7 });
  console.log(renderComparisonMarkdown(all));
  console.log(`  reasonflux ${ratio(all[0]!)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
