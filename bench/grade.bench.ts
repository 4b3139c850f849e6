// Grader speed: the case table, and (when ../shared/data is present) every MATH-500 reference against
// itself and against its own boxed solution. Prints numbers; asserts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gradeAnswer } from '../src/core/answers/grade.js';
import { sharedFile } from '../test/support/shared-data.js';

function stats(label: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const total = times.reduce((a, b) => a + b, 0);
  console.log(`${label}: n=${times.length} total ${total.toFixed(0)} ms · mean ${(total / times.length).toFixed(2)} ms · p50 ${q(0.5).toFixed(2)} · p95 ${q(0.95).toFixed(2)} · max ${q(1).toFixed(1)} ms`);
}

const t0 = performance.now();
gradeAnswer('x+1', '1+x'); // loads the compute engine
console.log(`first grade (loads the compute engine): ${(performance.now() - t0).toFixed(0)} ms`);

const cases = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'eval', 'grade-cases.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { reference: unknown; candidate: unknown });
const times: number[] = [];
for (const c of cases) {
  const s = performance.now();
  gradeAnswer(c.reference, c.candidate);
  times.push(performance.now() - s);
}
stats('case table', times);

const math = sharedFile('math500.jsonl');
if (!math) console.log('../shared/data/math500.jsonl absent: dataset timing skipped');
else {
  const rows = readFileSync(math, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { answer: string; solution: string });
  const self: number[] = [];
  const sol: number[] = [];
  for (const r of rows) {
    let s = performance.now();
    gradeAnswer(r.answer, r.answer, { extract: 'never' });
    self.push(performance.now() - s);
    s = performance.now();
    gradeAnswer(r.answer, r.solution);
    sol.push(performance.now() - s);
  }
  stats('math500 self', self);
  stats('math500 vs boxed solution', sol);
}
