// The model layer: one streaming ChatModel interface, typed errors, and the OpenAI-compatible provider.
// A VS Code `vscode.lm` provider lives in src/extension (it may not be imported from src/core).
export * from './types.js';
export { createOpenAiModel, listModels, describeEndpoint, estimateTokens } from './openai.js';
export type { OpenAiModelOptions, ModelInfo } from './openai.js';
