// Placeholder until scripts/fit-step-reranker.ts writes the fitted weights.
export const STEP_RERANK_WEIGHTS: Readonly<Record<string, number>> = {};
