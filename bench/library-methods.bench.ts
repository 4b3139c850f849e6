// Method-level retrieval on the hand-labelled set test/fixtures/library-eval/methods.jsonl (problems
// from OlympiadBench and the 2024 gaokao — competitions the library was not written from — and
// problems written here), split into dev (gaokao, used to find gaps) and test: hit@1 and hit@3 per source with the whole problem as the query, and how many
// problems have no fitting template at all. Prints; asserts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { parseLabelledProblems, scoreMethods } from '../src/core/templates/methodEval.js';

async function main(): Promise<void> {
  const { index } = await loadTemplateIndex({ builtinDir: join(__dirname, '..', 'templates') });
  const problems = parseLabelledProblems(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'library-eval', 'methods.jsonl'), 'utf8'));
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
  console.log(`library: ${index.size} templates; labelled set: ${problems.length} problems`);
  for (const split of ['test', 'dev'] as const) {
    const rows = scoreMethods(index, problems.filter((p) => p.split === split));
    console.log(`\n${split === 'test' ? 'test split (reported, never tuned on)' : 'dev split (used to find gaps)'}`);
    console.log('| source | problems | no fitting template | hit@1 | hit@3 |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.source} | ${r.problems} | ${r.problems - r.labelled} | ${pct(r.hit1, r.labelled)} | ${pct(r.hit3, r.labelled)} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
