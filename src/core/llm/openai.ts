// ChatModel provider for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio, llama.cpp ...),
// built on the `openai` SDK's streaming chat completions.
//
// Retries are ours, not the SDK's (the SDK's are switched off): exponential backoff with jitter,
// honouring Retry-After, on 429 / 5xx / dropped connections — and only while nothing has been yielded
// yet, so streamed text is never duplicated. A refused connection or an unknown host is not retried
// (it fails within a second or so). Every failure becomes an `LlmError` whose message names the endpoint
// (never the key: the key is remembered by ./redact.ts and removed from every message) and says what to do.
//
// Completeness: a reply counts as finished only when the stream carried a finish_reason or the final
// `data: [DONE]` line, and the finish_reason is not "length". Anything else — the stream ends early, the
// connection closes mid-reply, the server stops at its token limit — is an `incomplete` LlmError that
// carries the partial text; callers (the orchestrator) retry once and otherwise fail the step.
//
// Time limits (per attempt):
//   firstTokenTimeoutMs  from sending the request to the first token (connecting, queueing, prefill)
//   idleTimeoutMs        longest gap between two tokens once the reply streams
//   timeoutMs            total cap on one attempt, however steadily it streams
import OpenAI from 'openai';
import type { ChatChunk, ChatMessage, ChatModel, ChatRequest, CutOffReason, TokenUsage } from './types.js';
import { LlmError } from './types.js';
import { rememberSecret } from './redact.js';

export interface OpenAiModelOptions {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 */
  baseUrl: string;
  model: string;
  /** Optional: local servers need none (a placeholder the server ignores is sent). */
  apiKey?: string;
  /** Total cap on one request, from sending it to the last streamed token (default 30 min). */
  timeoutMs?: number;
  /** Time allowed from sending a request to its first token (default 120 s). */
  firstTokenTimeoutMs?: number;
  /** Longest silence between two streamed tokens (default 60 s). */
  idleTimeoutMs?: number;
  /** Retries after the first attempt on 429 / 5xx / dropped connections (default 3). */
  maxRetries?: number;
  /** Shown to users; defaults to the model name. */
  label?: string;
  /** First backoff delay (default 500 ms); doubles per retry, ±25 % jitter, capped at `maxRetryDelayMs`. */
  retryBaseDelayMs?: number;
  /** Longest single wait before a retry, also the largest Retry-After honoured (default 20 s). */
  maxRetryDelayMs?: number;
}

export interface ModelInfo {
  id: string;
  ownedBy?: string;
}

/** Placeholder key for servers that need none; real servers reject it with 401 (reported as `auth`). */
const NO_KEY = 'no-key-needed';
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 120_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** The endpoint as shown in messages: no credentials, no query string. */
export function describeEndpoint(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

function normaliseBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    throw new LlmError('unreachable', `"${trimmed}" is not a valid base URL — use e.g. http://localhost:11434/v1`, {
      endpoint: trimmed,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new LlmError('unreachable', `base URL ${describeEndpoint(trimmed)} must start with http:// or https://`, {
      endpoint: trimmed,
    });
  }
  return trimmed;
}

/** Rough token count (≈ 4 characters per token) for servers that report no usage. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

function estimateUsage(messages: ChatMessage[], completion: string): TokenUsage {
  const promptTokens = messages.reduce((n, m) => n + 4 + estimateTokens(m.content), 2);
  const completionTokens = estimateTokens(completion);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Error codes anywhere in an error's cause chain (undici nests them, AggregateError lists them). */
function errorCodes(err: unknown, depth = 0, out: string[] = []): string[] {
  if (!err || typeof err !== 'object' || depth > 6) return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown };
  if (typeof e.code === 'string') out.push(e.code);
  if (typeof e.message === 'string') {
    const m = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(e.message);
    if (m) out.push(m[1]!);
    if (/terminated|other side closed|socket hang up/i.test(e.message)) out.push('ECONNRESET');
  }
  if (e.cause) errorCodes(e.cause, depth + 1, out);
  if (Array.isArray(e.errors)) for (const x of e.errors) errorCodes(x, depth + 1, out);
  return out;
}

/** A time limit in seconds for messages: whole seconds, or one decimal below 10 s (0.5 s, not "1 s"). */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 || Number.isInteger(s) ? String(Math.round(s)) : String(Math.round(s * 10) / 10);
}

/** undici refuses "bad ports" (e.g. 1, 9, 6000, 6665-6669) before connecting: `TypeError: fetch failed` caused by `Error: bad port`. */
function badPort(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 6) return false;
  const e = err as { message?: unknown; cause?: unknown };
  if (typeof e.message === 'string' && /^bad port$/i.test(e.message.trim())) return true;
  return badPort(e.cause, depth + 1);
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function apiMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const e = err.error as { message?: unknown } | undefined;
  const m = typeof e?.message === 'string' ? e.message : '';
  return m.replace(/\s+/g, ' ').slice(0, 200);
}

interface Attempt {
  /** true once a delta has been yielded: from then on nothing is retried. */
  yielded: boolean;
  /** Which limit ended the attempt, when one did. */
  timedOut: false | 'first-token' | 'idle' | 'total';
  startedAt: number;
  /** Text received so far (the partial reply when it breaks off). */
  text?: string;
}

interface Limits {
  totalMs: number;
  firstTokenMs: number;
  idleMs: number;
}

function cutOffMessage(endpoint: string, reason: CutOffReason, chars: number, limits?: Limits): string {
  const what =
    reason === 'length' ? 'the server stopped at its token limit (finish_reason "length")'
    : reason === 'connection-closed' ? 'the connection closed in the middle of the reply'
    : reason === 'stalled' ? `no token arrived for ${seconds(limits?.idleMs ?? 0)} s (idle timeout)`
    : 'the stream ended without a finish_reason or [DONE]';
  const fix =
    reason === 'length' ? 'raise the server\'s output limit (max_tokens / num_predict / context length) or use a model with a longer context'
    : reason === 'stalled' ? 'the model may be overloaded; raise the idle timeout or try again'
    : 'the server or a proxy dropped the stream; try again';
  return `the reply from ${endpoint} was cut off after ${chars} characters: ${what} — ${fix}`;
}

/** Maps anything thrown during one attempt to an LlmError (retryable marks what may be tried again). */
function toLlmError(err: unknown, ctx: { endpoint: string; model: string; userSignal?: AbortSignal; attempt: Attempt; timeoutMs: number; limits?: Limits }): LlmError {
  const { endpoint, model } = ctx;
  if (err instanceof LlmError) return err;
  if (ctx.userSignal?.aborted) return new LlmError('cancelled', `request to ${endpoint} was cancelled`, { endpoint });
  const partial = ctx.attempt.text ?? '';
  if (ctx.attempt.timedOut && !ctx.limits) {
    // A plain request (the model list): one limit.
    return new LlmError('timeout', `${endpoint} did not answer within ${seconds(ctx.timeoutMs)} s — the server may be overloaded; try again later`, { endpoint, retryable: false, cause: err });
  }
  if (ctx.attempt.timedOut && ctx.limits) {
    const limits = ctx.limits;
    const kept = partial ? { partial } : {};
    if (ctx.attempt.timedOut === 'idle') {
      return new LlmError('timeout', cutOffMessage(endpoint, 'stalled', partial.length, limits), { endpoint, retryable: false, cause: err, cutOff: 'stalled', ...kept });
    }
    if (ctx.attempt.timedOut === 'first-token') {
      return new LlmError(
        'timeout',
        `${endpoint} sent no token within ${seconds(limits.firstTokenMs)} s (first-token timeout) — the server may be overloaded or still loading the model; raise the first-token timeout or try later`,
        { endpoint, retryable: false, cause: err },
      );
    }
    return new LlmError(
      'timeout',
      `${endpoint} did not finish answering within ${seconds(limits.totalMs)} s (total request cap)${partial ? ` after ${partial.length} characters` : ''} — the model may be too slow for this step; raise the request cap or use a smaller model`,
      { endpoint, retryable: false, cause: err, ...(partial ? { partial, cutOff: 'stalled' as const } : {}) },
    );
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    const detail = apiMessage(err);
    const said = detail ? ` (server said: ${detail})` : '';
    if (status === 401 || status === 403) {
      return new LlmError('auth', `${endpoint} refused the API key (HTTP ${status})${said} — set a valid key (flag --api-key-env or OPENAI_API_KEY; in VS Code: ReasonFlux: Set API Key)`, { status, endpoint });
    }
    if (status === 404) {
      return new LlmError('not-found', `${endpoint} has no model "${model}" or no chat completions route (HTTP 404)${said} — check the model name (list them with GET ${endpoint}/models) and that the base URL ends in /v1`, { status, endpoint });
    }
    if (status === 429) {
      return new LlmError('rate-limited', `${endpoint} is rate-limiting requests (HTTP 429)${said} — wait a moment and try again, or lower the request rate`, { status, endpoint, retryable: true, cause: err });
    }
    if (status >= 500) {
      return new LlmError('server', `${endpoint} failed with HTTP ${status}${said} — the server or model had an error; try again later`, { status, endpoint, retryable: true, cause: err });
    }
    if (status === 408) {
      return new LlmError('timeout', `${endpoint} timed out the request (HTTP 408)${said}`, { status, endpoint, retryable: true });
    }
    return new LlmError('bad-response', `${endpoint} rejected the request with HTTP ${status}${said}`, { status, endpoint });
  }
  const codes = errorCodes(err);
  if (badPort(err)) {
    const port = (() => {
      try {
        return new URL(endpoint).port;
      } catch {
        return '';
      }
    })();
    return new LlmError('unreachable', `cannot reach ${endpoint}: port ${port || '(default)'} is one that fetch refuses to use for safety — run the model server on another port (e.g. 8000)`, { endpoint, retryable: false, cause: err });
  }
  if (codes.includes('ECONNREFUSED') || codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN') || codes.includes('EHOSTUNREACH') || codes.includes('ENETUNREACH')) {
    const what = codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN') ? 'its host name could not be resolved' : 'nothing is listening there';
    return new LlmError('unreachable', `cannot reach ${endpoint}: ${what} — start the model server or fix the base URL`, { endpoint, retryable: false, cause: err });
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError || codes.includes('ETIMEDOUT') || codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    // Sooner than our own limit: the TCP connection itself was never accepted (a firewalled or dead host).
    const headerLimit = ctx.limits?.firstTokenMs ?? ctx.timeoutMs;
    if (performance.now() - ctx.attempt.startedAt < headerLimit - 100) {
      return new LlmError('unreachable', `cannot reach ${endpoint}: the connection timed out — check the host and port, the network, or a firewall`, { endpoint, retryable: false, cause: err });
    }
    return new LlmError('timeout', `${endpoint} did not answer within ${seconds(headerLimit)} s${ctx.limits ? ' (first-token timeout)' : ''} — the server may be overloaded; raise the ${ctx.limits ? 'first-token' : 'request'} timeout or try later`, { endpoint, retryable: false, cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError || codes.includes('ECONNRESET') || codes.includes('EPIPE')) {
    if (ctx.attempt.yielded) {
      return new LlmError('incomplete', cutOffMessage(endpoint, 'connection-closed', partial.length), { endpoint, retryable: false, cause: err, partial, cutOff: 'connection-closed' });
    }
    return new LlmError('server', `the connection to ${endpoint} was closed — the server may have crashed or restarted; try again`, { endpoint, retryable: true, cause: err });
  }
  if (err instanceof OpenAI.APIError && err.status === undefined && err.error && typeof err.error === 'object') {
    // An `error` event inside the SSE stream (e.g. the model crashed or was unloaded while answering).
    const detail = apiMessage(err) || 'no details';
    return new LlmError('server', `${endpoint} reported an error while answering (${detail}) — try again; if it persists, check the server's log`, {
      endpoint,
      retryable: !ctx.attempt.yielded,
      cause: err,
      ...(partial ? { partial, cutOff: 'connection-closed' as const } : {}),
    });
  }
  if (err instanceof SyntaxError || (err instanceof OpenAI.APIError && err.status === undefined)) {
    return new LlmError('bad-response', `${endpoint} sent a reply that is not a valid OpenAI-compatible stream (${String((err as Error).message).slice(0, 120)}) — check that the base URL points at an OpenAI-compatible /v1 API`, { endpoint, cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new LlmError('bad-response', `request to ${endpoint} failed: ${msg.slice(0, 200)}`, { endpoint, cause: err });
}

function makeClient(baseURL: string, apiKey: string | undefined, timeoutMs: number): OpenAI {
  rememberSecret(apiKey);
  return new OpenAI({
    baseURL,
    apiKey: apiKey && apiKey.trim() ? apiKey.trim() : NO_KEY,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: 'off',
    dangerouslyAllowBrowser: true,
  });
}

/** What one attempt saw of the wire: the SDK's stream hides whether `data: [DONE]` arrived. */
interface Wire {
  sawDone: boolean;
}

const DONE_LINE = /(?:^|\n)data: ?\[DONE\]/;

/**
 * fetch that notes in `wire` when an event stream carries its final `data: [DONE]` line. The body is
 * passed on unchanged, chunk for chunk.
 */
function watchingFetch(wire: Wire): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body || !/event-stream/i.test(res.headers.get('content-type') ?? '')) return res;
    const decoder = new TextDecoder();
    let tail = '';
    const watched = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          if (!wire.sawDone) {
            const text = tail + decoder.decode(chunk, { stream: true });
            if (DONE_LINE.test(text)) wire.sawDone = true;
            tail = text.slice(-16);
          }
          out.enqueue(chunk);
        },
      }),
    );
    return new Response(watched, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** A ChatModel that streams chat completions from an OpenAI-compatible endpoint. */
export function createOpenAiModel(options: OpenAiModelOptions): ChatModel {
  const baseURL = normaliseBaseUrl(options.baseUrl);
  const endpoint = describeEndpoint(baseURL);
  const model = options.model.trim();
  if (!model) throw new LlmError('not-found', `no model name given for ${endpoint} — pass --model or set REASONFLUX_MODEL`, { endpoint });
  const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const limits: Limits = {
    totalMs: timeoutMs,
    firstTokenMs: Math.min(timeoutMs, Math.max(1, options.firstTokenTimeoutMs ?? DEFAULT_FIRST_TOKEN_TIMEOUT_MS)),
    idleMs: Math.min(timeoutMs, Math.max(1, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS)),
  };
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 3));
  const baseDelay = Math.max(0, options.retryBaseDelayMs ?? 500);
  const maxDelay = Math.max(0, options.maxRetryDelayMs ?? 20_000);
  // The SDK's own limit covers only the wait for the response headers: the first-token limit.
  const client = makeClient(baseURL, options.apiKey, limits.firstTokenMs);
  /**
   * Optional parameters the server rejected with HTTP 400 (e.g. LM Studio and `response_format`
   * json_object, OpenAI reasoning models and `temperature` / `max_tokens`): the request is sent again
   * without them, once per parameter, and later requests leave them out.
   */
  const unsupported = new Set<'json' | 'temperature' | 'max_tokens'>();

  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk, void, undefined> {
    const userSignal = request.signal;
    const started = performance.now();
    let retries = 0;
    for (;;) {
      if (userSignal?.aborted) throw new LlmError('cancelled', `request to ${endpoint} was cancelled`, { endpoint });
      const attempt: Attempt = { yielded: false, timedOut: false, startedAt: performance.now() };
      const controller = new AbortController();
      const onUserAbort = () => controller.abort(userSignal?.reason);
      userSignal?.addEventListener('abort', onUserAbort, { once: true });
      // One timer, re-armed only when it fires: tokens just move `lastTokenAt`.
      let lastTokenAt: number | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const checkLimits = () => {
        const now = performance.now();
        const total = attempt.startedAt + limits.totalMs;
        const phase = lastTokenAt === undefined ? attempt.startedAt + limits.firstTokenMs : lastTokenAt + limits.idleMs;
        const deadline = Math.min(total, phase);
        if (now >= deadline - 1) {
          attempt.timedOut = deadline === total && total <= phase ? 'total' : lastTokenAt === undefined ? 'first-token' : 'idle';
          controller.abort(new Error('timeout'));
          return;
        }
        timer = setTimeout(checkLimits, deadline - now);
      };
      timer = setTimeout(checkLimits, Math.min(limits.totalMs, limits.firstTokenMs));
      const wire: Wire = { sawDone: false };
      const useJson = !!request.json && !unsupported.has('json');
      const useTemperature = request.temperature !== undefined && !unsupported.has('temperature');
      const useMaxTokens = request.maxTokens !== undefined && !unsupported.has('max_tokens');
      let text = '';
      let usage: TokenUsage | undefined;
      let finishReason: string | undefined;
      let servedModel = model;
      let firstTokenMs: number | undefined;
      let chunks = 0;
      try {
        const s = await client.withOptions({ fetch: watchingFetch(wire) }).chat.completions.create(
          {
            model,
            messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
            stream: true,
            stream_options: { include_usage: true },
            ...(useTemperature ? { temperature: request.temperature } : {}),
            ...(useMaxTokens ? { max_tokens: request.maxTokens } : {}),
            ...(useJson ? { response_format: { type: 'json_object' as const } } : {}),
          },
          { signal: controller.signal, maxRetries: 0, timeout: limits.firstTokenMs },
        );
        for await (const chunk of s) {
          if (!chunk || typeof chunk !== 'object') continue;
          chunks++;
          if (typeof chunk.model === 'string' && chunk.model) servedModel = chunk.model;
          const u = chunk.usage;
          if (u && typeof u.prompt_tokens === 'number') {
            const completionTokens = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
            usage = {
              promptTokens: u.prompt_tokens,
              completionTokens,
              totalTokens: typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + completionTokens,
            };
          }
          const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          const delta = choice?.delta?.content;
          // Reasoning servers stream their thinking in a separate field: not text, but proof of life.
          const thinking = (choice?.delta as { reasoning_content?: unknown; reasoning?: unknown } | undefined)?.reasoning_content ?? (choice?.delta as { reasoning?: unknown } | undefined)?.reasoning;
          if ((typeof delta === 'string' && delta.length > 0) || (typeof thinking === 'string' && thinking.length > 0) || choice?.finish_reason) {
            lastTokenAt = performance.now();
          }
          if (typeof delta === 'string' && delta.length > 0) {
            if (firstTokenMs === undefined) firstTokenMs = performance.now() - started;
            text += delta;
            attempt.text = text;
            attempt.yielded = true;
            yield { type: 'delta', text: delta };
          }
          if (controller.signal.aborted) break;
        }
        // The SDK ends a stream quietly when it is aborted: find out why.
        if (controller.signal.aborted) throw new Error('aborted');
        // No chunk at all is not a cut-off stream but no stream (an HTML page, plain text): reported below.
        const cut: CutOffReason | undefined = finishReason === 'length' ? 'length' : !finishReason && !wire.sawDone && chunks > 0 ? 'no-finish' : undefined;
        if (cut) {
          throw new LlmError('incomplete', cutOffMessage(endpoint, cut, text.length, limits), {
            endpoint,
            // Nothing shown yet: try again like any dropped connection (a length cut would repeat itself).
            retryable: !attempt.yielded && cut !== 'length',
            partial: text,
            cutOff: cut,
          });
        }
        if (text.length === 0) {
          throw new LlmError('bad-response', `${endpoint} returned an empty answer for model "${model}" — check that the model is loaded and supports chat`, { endpoint, retryable: false });
        }
      } catch (err) {
        let e = toLlmError(err, { endpoint, model, userSignal, attempt, timeoutMs, limits });
        // The connection dropped or went silent after the reply had finished (finish_reason seen, only the
        // usage chunk or [DONE] missing): the text is whole.
        const finishedBeforeDrop = (e.details.cutOff === 'connection-closed' || e.details.cutOff === 'stalled') && !!finishReason && finishReason !== 'length' && text.length > 0;
        if (!finishedBeforeDrop) {
          if (e.details.status === 400 && !attempt.yielded) {
            const drop =
              useJson && /response_format|json/i.test(e.message) ? 'json'
              : useTemperature && /temperature/i.test(e.message) ? 'temperature'
              : useMaxTokens && /max_tokens/i.test(e.message) ? 'max_tokens'
              : undefined;
            if (drop) {
              unsupported.add(drop);
              continue;
            }
          }
          if (e.kind === 'cancelled' || !e.details.retryable || attempt.yielded || retries >= maxRetries) {
            if (retries > 0 && e.kind !== 'cancelled') {
              e = new LlmError(e.kind, `${e.message} (gave up after ${retries + 1} attempts)`, e.details);
            }
            throw e;
          }
          let wait = Math.min(maxDelay, baseDelay * 2 ** retries) * (0.75 + Math.random() * 0.5);
          const cause = e.details.cause;
          const ra = cause instanceof OpenAI.APIError ? retryAfterMs(cause.headers) : undefined;
          if (ra !== undefined) {
            if (ra > maxDelay) {
              throw new LlmError(e.kind, `${e.message} (the server asks to wait ${Math.ceil(ra / 1000)} s)`, e.details);
            }
            wait = ra;
          }
          retries++;
          try {
            await sleep(wait, userSignal);
          } catch {
            throw new LlmError('cancelled', `request to ${endpoint} was cancelled`, { endpoint });
          }
          continue;
        }
      } finally {
        clearTimeout(timer);
        userSignal?.removeEventListener('abort', onUserAbort);
        controller.abort();
      }
      yield {
        type: 'done',
        usage: usage ?? estimateUsage(request.messages, text),
        latencyMs: performance.now() - started,
        ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
        model: servedModel,
        ...(finishReason ? { finishReason } : {}),
        retries,
      };
      return;
    }
  }

  return {
    id: `openai:${endpoint}#${model}`,
    label: options.label?.trim() || model,
    stream,
  };
}

/**
 * One plain (non-streaming) request with a total time limit and the caller's signal: runs `fn` with a
 * client and a signal that aborts on either, maps failures to LlmError (a 404 to `notFound`), and
 * always clears the timer and the listener.
 */
async function timedRequest<T>(
  o: { baseUrl: string; apiKey?: string; model?: string; timeoutMs: number; signal?: AbortSignal; notFound: (endpoint: string) => string },
  fn: (client: OpenAI, signal: AbortSignal, endpoint: string) => Promise<T>,
): Promise<T> {
  const baseURL = normaliseBaseUrl(o.baseUrl);
  const endpoint = describeEndpoint(baseURL);
  const client = makeClient(baseURL, o.apiKey, o.timeoutMs);
  const attempt: Attempt = { yielded: false, timedOut: false, startedAt: performance.now() };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    attempt.timedOut = 'total';
    controller.abort();
  }, o.timeoutMs);
  try {
    return await fn(client, controller.signal, endpoint);
  } catch (err) {
    if (err instanceof LlmError) throw err;
    const e = toLlmError(err, { endpoint, model: o.model ?? '', userSignal: o.signal, attempt, timeoutMs: o.timeoutMs });
    if (e.kind === 'not-found') throw new LlmError('not-found', o.notFound(endpoint), e.details);
    throw e;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Models the endpoint offers (GET /models), sorted by id, for the model picker. */
export async function listModels(baseUrl: string, apiKey?: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ModelInfo[]> {
  return timedRequest(
    {
      baseUrl, apiKey, timeoutMs: options.timeoutMs ?? 15_000, signal: options.signal,
      notFound: (endpoint) => `${endpoint} has no /models route (HTTP 404) — check that the base URL ends in /v1, or type the model name yourself`,
    },
    async (client, signal) => {
      const out: ModelInfo[] = [];
      for await (const m of client.models.list({ signal })) {
        if (m && typeof m.id === 'string') out.push(typeof m.owned_by === 'string' ? { id: m.id, ownedBy: m.owned_by } : { id: m.id });
        if (out.length >= 5000) break;
      }
      if (signal.aborted) throw new Error('aborted');
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },
  );
}

export interface EmbeddingRequestOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Time limit for one request (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Embeddings of `texts` from the endpoint's `/embeddings` route (one request), in the order of `texts`.
 * Every vector has the same length and only finite numbers, else a `bad-response` LlmError; an endpoint
 * without the route or the model fails with `not-found` saying so.
 */
export async function createEmbeddings(texts: readonly string[], options: EmbeddingRequestOptions): Promise<number[][]> {
  if (texts.length === 0) return [];
  return timedRequest(
    {
      baseUrl: options.baseUrl, apiKey: options.apiKey, model: options.model, timeoutMs: options.timeoutMs ?? 60_000, signal: options.signal,
      notFound: (endpoint) => `${endpoint} has no /embeddings route or no embedding model "${options.model}" (HTTP 404) — name an embedding model the server offers, or turn embedding retrieval off`,
    },
    async (client, signal, endpoint) => {
      const res = await client.embeddings.create({ model: options.model, input: [...texts], encoding_format: 'float' }, { signal });
      const data = Array.isArray(res?.data) ? res.data : [];
      const out: number[][] = new Array(texts.length);
      for (const [i, d] of data.entries()) {
        const at = typeof d?.index === 'number' ? d.index : i;
        if (Number.isInteger(at) && at >= 0 && at < texts.length && Array.isArray(d?.embedding)) out[at] = d.embedding;
      }
      const dim = out[0]?.length ?? 0;
      for (let i = 0; i < texts.length; i++) {
        const v = out[i];
        if (!v || v.length === 0 || v.length !== dim || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new LlmError('bad-response', `${endpoint} sent no usable embedding for input ${i + 1} of ${texts.length} (model "${options.model}") — check that the model is an embedding model`, { endpoint });
        }
      }
      return out;
    },
  );
}
