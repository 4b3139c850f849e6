// Scores the detector against a labelled corpus (detect-dev layout): per-file precision/recall/F1,
// a match being a detected problem that starts on a labelled start line (1-based).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems } from '../../../src/core/detect/index.js';
import { prf } from '../../support/detect-corpus.js';

export { prf };

export interface FileScore {
  file: string;
  expected: number;
  found: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
  missed: number[];
  extra: number[];
}

export function scoreCorpus(dir: string): { files: FileScore[]; overall: { tp: number; found: number; expected: number; precision: number; recall: number; f1: number } } {
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as { file: string; format: string; problems: { line: number }[] }[];
  const files: FileScore[] = [];
  let tp = 0;
  let found = 0;
  let expected = 0;
  for (const rec of labels) {
    const text = readFileSync(join(dir, rec.file), 'utf8');
    const format = rec.format === 'tex' ? 'latex' : 'markdown';
    const got = detectProblems(text, format).map((p) => p.startLine + 1);
    const want = new Set(rec.problems.map((p) => p.line));
    const gotSet = new Set(got);
    const hit = [...gotSet].filter((l) => want.has(l)).length;
    const s = prf(hit, gotSet.size, want.size);
    files.push({
      file: rec.file,
      expected: want.size,
      found: gotSet.size,
      tp: hit,
      ...s,
      missed: [...want].filter((l) => !gotSet.has(l)),
      extra: [...gotSet].filter((l) => !want.has(l)),
    });
    tp += hit;
    found += gotSet.size;
    expected += want.size;
  }
  return { files, overall: { tp, found, expected, ...prf(tp, found, expected) } };
}

export function formatTable(r: ReturnType<typeof scoreCorpus>): string {
  const rows = r.files.map(
    (f) =>
      `${f.file.padEnd(38)} ${String(f.expected).padStart(3)} ${String(f.found).padStart(3)} ${String(f.tp).padStart(3)}  P=${f.precision.toFixed(2)} R=${f.recall.toFixed(2)} F1=${f.f1.toFixed(2)}` +
      (f.missed.length ? ` missed ${f.missed.join(',')}` : '') +
      (f.extra.length ? ` extra ${f.extra.join(',')}` : ''),
  );
  const o = r.overall;
  rows.push(`overall: expected ${o.expected} found ${o.found} tp ${o.tp}  P=${o.precision.toFixed(3)} R=${o.recall.toFixed(3)} F1=${o.f1.toFixed(3)}`);
  return rows.join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('score.ts')) {
  console.log(formatTable(scoreCorpus(process.argv[2] ?? join(__dirname, '../../../../shared/data/detect-dev'))));
}
