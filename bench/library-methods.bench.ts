// Method-level retrieval on the hand-labelled set test/fixtures/library-eval/methods.jsonl (problems
// from OlympiadBench and the 2024 gaokao — competitions the library was not written from — and
// problems written here), split into dev (gaokao, used to find gaps) and test (reported, never tuned
// on): hit@1 and hit@3 per source for three queries — the whole problem; the key plan step (method +
// goal) with the problem as context, built by the functions a solve uses per step (the retrieval of the
// scaling issue; a plan-step search, so the step reranker of src/core/templates/rerank.ts applies, its
// weights fitted on dev only); the step alone (also reranked) — and how many problems have no fitting
// template at all; then the step modes again with the reranker off, for comparison. Prints;
// asserts nothing. `--misses dev` lists the dev split's step+problem misses (the test split's are not
// printed: it is not tuned on).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTemplateIndex } from '../src/core/templates/index.js';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { methodMisses, parseLabelledProblems, QUERY_MODES, scoreMethods, type SourceScore } from '../src/core/templates/methodEval.js';

const argv = process.argv.slice(2);
const missesOf = argv.includes('--misses') ? argv[argv.indexOf('--misses') + 1] : undefined;

async function main(): Promise<void> {
  const { index, templates } = await loadTemplateIndex({ builtinDir: join(__dirname, '..', 'templates') });
  const plain = createTemplateIndex(templates, { reranker: false });
  const problems = parseLabelledProblems(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'library-eval', 'methods.jsonl'), 'utf8'));
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
  console.log(`library: ${index.size} templates; labelled set: ${problems.length} problems`);
  for (const split of ['test', 'dev'] as const) {
    const part = problems.filter((p) => p.split === split);
    const byMode = QUERY_MODES.map((mode) => ({ mode, rows: scoreMethods(index, part, { mode }) }));
    console.log(`\n${split === 'test' ? 'test split (reported, never tuned on)' : 'dev split (used to find gaps)'}`);
    console.log(`| source | problems | no fitting template | ${QUERY_MODES.map((m) => `${m} hit@1 | ${m} hit@3`).join(' | ')} |`);
    console.log(`|---|---:|---:|${QUERY_MODES.map(() => '---:|---:').join('|')}|`);
    for (const [i, r] of byMode[0]!.rows.entries()) {
      const cells = byMode.map(({ rows }) => rows[i]!).map((x: SourceScore) => `${pct(x.hit1, x.labelled)} | ${pct(x.hit3, x.labelled)}`);
      console.log(`| ${r.source} | ${r.problems} | ${r.problems - r.labelled} | ${cells.join(' | ')} |`);
    }
    for (const mode of ['step+problem', 'step'] as const) {
      const rows = scoreMethods(plain, part, { mode });
      console.log(`  without the step reranker, ${mode} hit@1 / hit@3: ${rows.map((x) => `${x.source} ${pct(x.hit1, x.labelled)} / ${pct(x.hit3, x.labelled)}`).join('; ')}`);
    }
  }
  if (missesOf === 'dev') {
    console.log('\ndev split, step+problem misses (labelled → retrieved top 3):');
    for (const m of methodMisses(index, problems.filter((p) => p.split === 'dev'), { mode: 'step+problem' })) {
      console.log(`  ${m.problem.id} [${m.problem.templates.join(', ')}] step "${m.problem.step?.method}" → ${m.got.join(', ')}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
