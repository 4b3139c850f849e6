// The grader lives in its own bundle (dist/grade.js, built from src/core/answers/grade.ts) because its
// computer-algebra engine is large; it is loaded on the first "Check my answer", not at activation.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { gradeAnswer as GradeAnswer } from '../../core/answers/grade.js';

let cached: typeof GradeAnswer | undefined;

export function loadGrader(extensionPath: string): typeof GradeAnswer {
  if (cached) return cached;
  const req = createRequire(__filename);
  const mod = req(path.join(extensionPath, 'dist', 'grade.js')) as { gradeAnswer?: typeof GradeAnswer };
  if (typeof mod.gradeAnswer !== 'function') throw new Error('dist/grade.js does not export gradeAnswer (rebuild with npm run build)');
  cached = mod.gradeAnswer;
  return cached;
}
