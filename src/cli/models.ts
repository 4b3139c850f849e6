// Model endpoint options shared by `solve` and `eval`: flags first, then the environment.
import { createOpenAiModel } from '../core/llm/openai.js';
import { LlmError, type ChatModel } from '../core/llm/types.js';
import { CliError, intFlag, stringFlag, type ParsedArgs } from './util.js';
import { MAX_SAMPLES } from '../core/reasoning/sampling.js';

/** Flags every model-using command accepts. */
export const MODEL_FLAGS = ['base-url', 'model', 'navigator-model', 'navigator-base-url', 'api-key-env', 'max-rounds', 'timeout', 'first-token-timeout', 'idle-timeout'] as const;

/** Help lines for the time-limit flags (shared by solve and eval). */
export const TIMEOUT_HELP = `  --first-token-timeout S   seconds from sending a request to its first token (default 120)
  --idle-timeout S          longest silence between two streamed tokens, seconds (default 60)
  --timeout S               total cap on one model request, however steadily it streams (default 1800)`;

export interface ModelSettings {
  baseUrl: string;
  model: string;
  navigatorBaseUrl: string;
  navigatorModel: string;
  apiKey?: string;
  /** Total cap per request. */
  timeoutMs?: number;
  firstTokenTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxRounds?: number;
}

function secondsFlag(args: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number of seconds, got "${v}"`);
  return n * 1000;
}

/** Reads --base-url, --model, --navigator-model, --navigator-base-url, --api-key-env, the time limits and --max-rounds, falling back to
 *  OPENAI_BASE_URL, REASONFLUX_MODEL / OPENAI_MODEL, REASONFLUX_NAVIGATOR_MODEL and OPENAI_API_KEY.
 *  `env` holds only non-empty variables. */
export function readModelSettings(args: ParsedArgs, env: Record<string, string | undefined>): ModelSettings {
  const baseUrl = stringFlag(args, 'base-url') ?? env.OPENAI_BASE_URL;
  if (!baseUrl) throw new CliError('no model endpoint', 'pass --base-url URL or set OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama)');
  const model = stringFlag(args, 'model') ?? env.REASONFLUX_MODEL ?? env.OPENAI_MODEL;
  if (!model) throw new CliError('no model name', 'pass --model M or set REASONFLUX_MODEL');
  const keyVar = stringFlag(args, 'api-key-env');
  let apiKey: string | undefined;
  if (keyVar) {
    apiKey = env[keyVar];
    if (!apiKey) throw new CliError(`environment variable ${keyVar} (named by --api-key-env) is not set or empty`, `export ${keyVar}=... first`);
  } else apiKey = env.OPENAI_API_KEY;
  const timeoutMs = secondsFlag(args, 'timeout');
  const firstTokenTimeoutMs = secondsFlag(args, 'first-token-timeout');
  const idleTimeoutMs = secondsFlag(args, 'idle-timeout');
  const maxRounds = intFlag(args, 'max-rounds', 1);
  return {
    baseUrl,
    model,
    navigatorBaseUrl: stringFlag(args, 'navigator-base-url') ?? baseUrl,
    navigatorModel: stringFlag(args, 'navigator-model') ?? env.REASONFLUX_NAVIGATOR_MODEL ?? model,
    ...(apiKey ? { apiKey } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(firstTokenTimeoutMs ? { firstTokenTimeoutMs } : {}),
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
    ...(maxRounds ? { maxRounds } : {}),
  };
}

/** The solver and navigator models (one object when both are the same endpoint and model). */
export function createModels(s: ModelSettings): { solver: ChatModel; navigator: ChatModel } {
  const common = {
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
    ...(s.firstTokenTimeoutMs ? { firstTokenTimeoutMs: s.firstTokenTimeoutMs } : {}),
    ...(s.idleTimeoutMs ? { idleTimeoutMs: s.idleTimeoutMs } : {}),
  };
  try {
    const solver = createOpenAiModel({ ...common, baseUrl: s.baseUrl, model: s.model });
    const navigator =
      s.navigatorModel === s.model && s.navigatorBaseUrl === s.baseUrl
        ? solver
        : createOpenAiModel({ ...common, baseUrl: s.navigatorBaseUrl, model: s.navigatorModel });
    return { solver, navigator };
  } catch (err) {
    if (err instanceof LlmError) throw new CliError(err.message);
    throw err;
  }
}

/** `--samples N|auto` and `--select vote|verify` (solve and eval). */
export function readSampling(args: ParsedArgs, defaultSamples: number | 'auto'): { samples: number | 'auto'; select: 'vote' | 'verify' } {
  const raw = stringFlag(args, 'samples');
  let samples: number | 'auto' = defaultSamples;
  if (raw !== undefined) {
    if (raw === 'auto') samples = 'auto';
    else {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) throw new CliError(`--samples must be auto or a whole number from 1 to ${MAX_SAMPLES}, got "${raw}"`);
      samples = n;
    }
  }
  const select = stringFlag(args, 'select') ?? 'vote';
  if (select !== 'vote' && select !== 'verify') throw new CliError(`--select must be vote or verify, got "${select}"`);
  return { samples, select };
}
