// Applies each deliberate breakage of the orchestrator named in issue 13 (item 6, and two of the final
// answer check of item 1) in turn, runs
// test/unit/reasoning/mutations.test.ts against it and restores the file, then says which were caught.
// Exit 1 when one slips through. Run from the repository root: node scripts/check-mutations.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const O = 'src/core/reasoning/orchestrator.ts';
const P = 'src/core/reasoning/prompts.ts';
const MUTATIONS = [
  ['top-K constant at the call site', O, [['let k = topKFor(plan.complexity);', 'let k = topKFor(5);'], ['k = Math.max(k, topKFor(d.complexity));', 'k = Math.max(k, topKFor(5));']]],
  ['topKFor ignores complexity', O, [['return 2 + Math.ceil(c / 3);', 'return 4;']]],
  ["the 'finish' verdict ignored", O, [["      if (verdict === 'finish') break;\n", '']]],
  ['first \\boxed{} taken (final answer)', O, [["if (boxed.length > 0) return { answer: boxed[boxed.length - 1]!, extra: '' };", "if (boxed.length > 0) return { answer: boxed[0]!, extra: '' };"]]],
  ['first \\boxed{} taken (hints)', O, [['this.answer = boxed.length ? boxed[boxed.length - 1]! : extractFinalAnswer(step.text);', 'this.answer = boxed.length ? boxed[0]! : extractFinalAnswer(step.text);']]],
  ['other candidate templates dropped from the solver prompt', P, [['    if (others.length) tpl += `\\n\\nOther candidates', '    if (false as boolean) tpl += `\\n\\nOther candidates']]],
  ['final answer unchecked once the budget is spent', O, [['if (!evaluationsOn || (e.stats.rounds >= budget && !isLast)) {', 'if (!evaluationsOn || e.stats.rounds >= budget) {']]],
  ['no reserved revision for a rejected final', O, [['const finalReserve = rejected && isLast && e.stats.rounds >= budget && finalRevisions < FINAL_RESERVE;', 'const finalReserve = false as boolean;']]],
  ['accepted work left out of the evaluation prompt', O, [['P.evaluatePrompt({ problem, plan, stepIndex: i, stepText: step.text, done: steps, isLast })', 'P.evaluatePrompt({ problem, plan, stepIndex: i, stepText: step.text, done: [], isLast })']]],
];

let missed = 0;
for (const [name, file, edits] of MUTATIONS) {
  const original = readFileSync(file, 'utf8');
  let text = original;
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2) {
      console.log(`STALE  ${name}: the code it breaks has changed (${JSON.stringify(from.slice(0, 60))}…) — update this script`);
      missed++;
      continue;
    }
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/unit/reasoning/mutations.test.ts'], { encoding: 'utf8' });
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('not ok'));
    if (failed.length) console.log(`CAUGHT ${name}: ${failed.join('; ')}`);
    else {
      console.log(`MISSED ${name}`);
      missed++;
    }
  } finally {
    writeFileSync(file, original);
  }
}
console.log(`${MUTATIONS.length - missed} passed, ${missed} failed`);
process.exit(missed ? 1 : 0);
