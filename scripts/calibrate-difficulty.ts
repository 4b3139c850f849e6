// Refits the difficulty feature model on the project's own calibration problems and prints it (paste the
// result into FEATURE_MODEL in src/core/reasoning/difficulty.ts). Also prints the fit on that set.
//   node --import tsx scripts/calibrate-difficulty.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES, featureComplexity, fitFeatureModel } from '../src/core/reasoning/difficulty.js';

export function readCalibration(): { id: string; problem: string; level: number }[] {
  const file = join(__dirname, '..', 'test', 'fixtures', 'difficulty', 'calibration.jsonl');
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

if (require.main === module) {
  const rows = readCalibration();
  const model = fitFeatureModel(rows);
  console.log(JSON.stringify(model));
  console.log(FEATURE_NAMES.map((n, i) => `${n}=${model.weights[i]}`).join(' '));
  const err = rows.map((r) => Math.abs(featureComplexity(r.problem, model) - r.level));
  console.log(`mean absolute error on the calibration set: ${(err.reduce((a, b) => a + b, 0) / err.length).toFixed(2)}`);
  for (let l = 1; l <= 9; l++) {
    const xs = rows.filter((r) => r.level === l).map((r) => featureComplexity(r.problem, model));
    if (xs.length) console.log(`label ${l}: mean estimate ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)}`);
  }
}
