// One streaming interface for every model provider (OpenAI-compatible HTTP, VS Code's Language Model API, ...).
import { redactSecrets } from './redact.js';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object reply where the provider supports it (falls back to prompting). */
  json?: boolean;
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** True when the provider did not report usage and the numbers are estimates. */
  estimated?: boolean;
}

export type ChatChunk =
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      usage: TokenUsage;
      /** Wall time of the call, including retries. */
      latencyMs: number;
      /** Time to the first streamed token. */
      firstTokenMs?: number;
      model: string;
      finishReason?: string;
      retries: number;
    };

export interface ChatModel {
  /** Stable identifier, e.g. "openai:http://localhost:11434/v1#qwen2.5-math". Never contains a key. */
  readonly id: string;
  /** Model name as the user sees it. */
  readonly label: string;
  /** Streams deltas, then exactly one `done` chunk. Throws an `LlmError` on failure. */
  stream(request: ChatRequest): AsyncGenerator<ChatChunk, void, undefined>;
}

export type LlmErrorKind =
  | 'unreachable'
  | 'auth'
  | 'rate-limited'
  | 'server'
  | 'bad-response'
  | 'timeout'
  | 'cancelled'
  | 'not-found'
  /** The reply was cut off: the stream ended without finish_reason or [DONE], the connection closed
   *  mid-reply, or the server stopped at its length limit (finish_reason "length"). */
  | 'incomplete';

/** Why a reply is incomplete (LlmError kind 'incomplete', or a 'timeout' that stalled mid-reply). */
export type CutOffReason = 'no-finish' | 'length' | 'connection-closed' | 'stalled';

export interface LlmErrorDetails {
  status?: number;
  endpoint?: string;
  retryable?: boolean;
  cause?: unknown;
  /** Text streamed before the reply broke off (shown as partial, never used as a finished answer). */
  partial?: string;
  /** Set when the reply was cut off (kind 'incomplete', or a 'timeout' after some text). */
  cutOff?: CutOffReason;
}

/** A model failure with a one-line message for users. The message is redacted here, so no error built
 *  from a server's reply can carry an API key to any sink. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: LlmErrorDetails = {},
  ) {
    super(redactSecrets(message));
    this.name = 'LlmError';
  }
}
