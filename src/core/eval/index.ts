// Evaluation harness: datasets, results, summary, progress and the runner.
export { loadDataset, parseDataset, DatasetError } from './dataset.js';
export type { Dataset, DatasetFormat, EvalProblem } from './dataset.js';
export { readResults, appendResult } from './results.js';
export type { EvalMode, EvalRecord, ReadResults } from './results.js';
export { summarize, renderSummaryMarkdown } from './summary.js';
export type { EvalMeta, EvalSummary, GroupStats } from './summary.js';
export { ProgressBar, formatDuration } from './progress.js';
export type { ProgressStream } from './progress.js';
export { runEval, EvalError } from './harness.js';
export type { EvalRunOptions, EvalRunResult, ProblemRunner } from './harness.js';
