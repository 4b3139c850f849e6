// The reasoning engine: orchestrator (solve / hint / explain), direct baseline, prompts, events.
export * from './events.js';
export { solveProblem, directSolve, HintSession, topKFor, roundBudget } from './orchestrator.js';
export type { OrchestratorOptions, SolveResult, SolvedStep, SolveStatus } from './orchestrator.js';
export { PROMPTS_VERSION } from './prompts.js';
export { extractJsonObject, parsePlan, parseEvaluation, MAX_PLAN_STEPS } from './json.js';
