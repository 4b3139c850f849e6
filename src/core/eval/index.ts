// Evaluation harness: datasets, results, summary, progress and the runner.
export { loadDataset, parseDataset, DatasetError } from './dataset.js';
export type { Dataset, DatasetFormat, EvalProblem } from './dataset.js';
export { readResults, appendResult } from './results.js';
export { EVAL_MODES } from './results.js';
export type { EvalMode, EvalRecord, EvalTrajectory, ReadResults } from './results.js';
export { summarize, renderSummaryMarkdown, renderComparisonMarkdown } from './summary.js';
export { preferencePairs, writePreferencePairs } from './pairs.js';
export type { PreferencePair, PairsFormat } from './pairs.js';
export type { EvalMeta, EvalSummary, GroupStats } from './summary.js';
export { ProgressBar, formatDuration } from './progress.js';
export type { ProgressStream } from './progress.js';
export { runEval, EvalError } from './harness.js';
export type { EvalRunOptions, EvalRunResult, ProblemRunner } from './harness.js';
