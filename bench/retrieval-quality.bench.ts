// Retrieval quality over MATH-500 (problem text as the query): per subject and level, how often a top-3
// template serves the problem's subject (template.subjects includes it). Goal ≥ 90 % overall, no subject
// under 80 %. Also prints 10 sample retrievals for a human to judge and the library's closest template
// pairs (to choose the near-duplicate thresholds of `templates validate`). Prints; asserts nothing.
// Options: --library DIR (default templates/), --top K (default 3), --samples N, --misses N.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { topSimilarities } from '../src/core/templates/similarity.js';
import { MATH_SUBJECTS } from '../src/core/templates/schema.js';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const shared = [process.env.REASONFLUX_SHARED_DATA, resolve(__dirname, '..', '..', 'shared', 'data')].find((p) => p && existsSync(p));
const builtinDir = resolve(opt('library') ?? join(__dirname, '..', 'templates'));
const top = Number(opt('top') ?? 3);
const nSamples = Number(opt('samples') ?? 10);
const nMisses = Number(opt('misses') ?? 0);

/** Problems written here in Korean, Chinese and Japanese, with the subject a fitting template serves. */
const CJK_PROBES: ReadonlyArray<readonly [string, string]> = [
  ['2의 100제곱을 7로 나눈 나머지를 구하시오.', 'Number Theory'],
  ['서로 다른 공 5개 중에서 3개를 뽑는 경우의 수를 구하시오.', 'Counting & Probability'],
  ['이차방정식 x^2-5x+6=0의 두 근의 합과 곱을 구하시오.', 'Algebra'],
  ['세 변의 길이가 3, 4, 5인 삼각형의 넓이를 구하시오.', 'Geometry'],
  ['주사위 두 개를 던질 때 눈의 합이 7일 확률을 구하시오.', 'Counting & Probability'],
  ['求 3 的 100 次方除以 7 的余数。', 'Number Theory'],
  ['从 10 名学生中选出 3 人组成小组，有多少种选法？', 'Counting & Probability'],
  ['已知等差数列的首项为 2，公差为 3，求前 10 项和。', 'Algebra'],
  ['求函数 y = sin x + cos x 的最大值。', 'Precalculus'],
  ['在三角形 ABC 中，已知两边及其夹角，求面积。', 'Geometry'],
  ['7 の 50 乗を 5 で割った余りを求めよ。', 'Number Theory'],
  ['10 人の中から 4 人を選ぶ組み合わせは何通りあるか。', 'Counting & Probability'],
  ['2 次方程式 x^2 + 3x - 4 = 0 の解と係数の関係を用いよ。', 'Intermediate Algebra'],
  ['円に内接する四角形の対角の和を求めよ。', 'Geometry'],
  ['三角関数の加法定理を用いて sin 75° を求めよ。', 'Precalculus'],
];

interface Row {
  problem: string;
  subject: string;
  level: number;
  unique_id: string;
}

async function main(): Promise<void> {
  const { index, templates, errors } = await loadTemplateIndex({ builtinDir });
  const bySubject = new Map<string, number>();
  for (const t of templates) for (const s of t.subjects) bySubject.set(s, (bySubject.get(s) ?? 0) + 1);
  console.log(`library ${builtinDir}: ${templates.length} templates (${errors.length} load errors)`);
  console.log('  templates per MATH subject: ' + MATH_SUBJECTS.map((s) => `${s} ${bySubject.get(s) ?? 0}`).join(', '));

  let cjkHits = 0;
  const cjkLines: string[] = [];
  for (const [q, subject] of CJK_PROBES) {
    const res = index.search(q, { top: 3 });
    const hit = res.some((m) => m.template.subjects.includes(subject));
    if (hit) cjkHits++;
    cjkLines.push(`  ${hit ? 'ok  ' : 'MISS'} [${subject}] ${q}\n         → ${res.map((m) => m.template.id).join(', ') || '(nothing)'}`);
  }
  console.log(`\nCJK probes (written here; top-3 serves the subject): ${cjkHits}/${CJK_PROBES.length}`);
  console.log(cjkLines.join('\n'));

  const file = shared ? join(shared, 'math500.jsonl') : undefined;
  if (!file || !existsSync(file)) {
    console.log('quality: skipped (../shared/data/math500.jsonl is not beside this clone)');
    return;
  }
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

  const cell = new Map<string, { hit: number; n: number }>();
  const add = (key: string, hit: boolean) => {
    const c = cell.get(key) ?? { hit: 0, n: 0 };
    c.n++;
    if (hit) c.hit++;
    cell.set(key, c);
  };
  const misses: string[] = [];
  // For each subject: templates most often in the top-1 of its missed problems (candidates for a second subject).
  const missTop = new Map<string, Map<string, number>>();
  let empty = 0;
  for (const r of rows) {
    const res = index.search(r.problem, { top });
    if (res.length === 0) empty++;
    const hit = res.some((m) => m.template.subjects.includes(r.subject));
    add(`top1:${r.subject}`, !!res[0]?.template.subjects.includes(r.subject));
    add('top1', !!res[0]?.template.subjects.includes(r.subject));
    add('all', hit);
    add(`s:${r.subject}`, hit);
    add(`l:${r.level}`, hit);
    add(`s:${r.subject}|l:${r.level}`, hit);
    if (!hit && res[0]) {
      const m = missTop.get(r.subject) ?? new Map<string, number>();
      m.set(res[0].template.id, (m.get(res[0].template.id) ?? 0) + 1);
      missTop.set(r.subject, m);
    }
    if (!hit && misses.length < nMisses) {
      misses.push(`  [${r.subject} L${r.level}] ${r.problem.replace(/\s+/g, ' ').slice(0, 110)}\n      → ${res.map((m) => `${m.template.id} (${m.template.subjects.join('/')})`).join(', ')}`);
    }
  }
  const pct = (k: string) => {
    const c = cell.get(k);
    return c ? `${((100 * c.hit) / c.n).toFixed(1).padStart(5)}%` : '     -';
  };
  const n = (k: string) => cell.get(k)?.n ?? 0;
  console.log(`\ntop-${top} serves the problem's subject: overall ${pct('all').trim()} of ${n('all')} (${empty} queries with no result)`);
  console.log(`${'subject'.padEnd(24)} ${'all'.padStart(7)}  ${[1, 2, 3, 4, 5].map((l) => `L${l}`.padStart(6)).join(' ')}     n`);
  for (const s of MATH_SUBJECTS) {
    console.log(`${s.padEnd(24)} ${pct(`s:${s}`)}  ${[1, 2, 3, 4, 5].map((l) => pct(`s:${s}|l:${l}`)).join(' ')}  ${String(n(`s:${s}`)).padStart(4)}`);
  }
  console.log(`${'(all subjects)'.padEnd(24)} ${pct('all')}  ${[1, 2, 3, 4, 5].map((l) => pct(`l:${l}`)).join(' ')}  ${String(n('all')).padStart(4)}`);
  const worst = MATH_SUBJECTS.map((s) => ({ s, c: cell.get(`s:${s}`) })).filter((x) => x.c).sort((a, b) => a.c!.hit / a.c!.n - b.c!.hit / b.c!.n)[0];
  if (worst) console.log(`lowest subject: ${worst.s} ${pct(`s:${worst.s}`).trim()}`);
  console.log(`stricter, the first result alone serves the subject: overall ${pct('top1').trim()}; ` + MATH_SUBJECTS.map((s) => `${s} ${pct(`top1:${s}`).trim()}`).join(', '));

  if (nSamples > 0) console.log(`\n${nSamples} sample retrievals (every ${Math.floor(rows.length / nSamples)}th problem):`);
  for (let k = 0; k < nSamples; k++) {
    const r = rows[Math.min(rows.length - 1, k * Math.floor(rows.length / nSamples) + 7)]!;
    console.log(`- [${r.subject}, level ${r.level}] ${r.problem.replace(/\s+/g, ' ').slice(0, 150)}`);
    for (const m of index.search(r.problem, { top: 3 })) {
      console.log(`    ${m.score.toFixed(2).padStart(6)}  ${m.template.name} (${m.template.id}; ${m.template.subjects.join(', ')}) via ${m.matchedTerms.slice(0, 6).join(' ')}`);
    }
  }
  console.log('\ntemplates most often ranked first for problems of a subject they do not list (subject: id ×count):');
  for (const s of MATH_SUBJECTS) {
    const m = missTop.get(s);
    if (!m) continue;
    const list = [...m].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  ${s}: ${list.map(([id, c]) => `${id} ×${c}`).join(', ')}`);
  }
  if (misses.length) console.log(`\nfirst ${misses.length} misses:\n${misses.join('\n')}`);

  const sims = topSimilarities(templates, 8);
  console.log('\nclosest template pairs (near-duplicate thresholds: name ≥ 0.8, content ≥ 0.35, or name ≥ 0.65 with content ≥ 0.2):');
  for (const p of sims.content) console.log(`  content ${p.content.toFixed(2)} name ${p.name.toFixed(2)}  ${p.a.id} ~ ${p.b.id}`);
  for (const p of sims.name) console.log(`  name ${p.name.toFixed(2)} content ${p.content.toFixed(2)}  ${p.a.id} ~ ${p.b.id}`);
}

void main();
