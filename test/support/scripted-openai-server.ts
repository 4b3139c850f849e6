// A scripted OpenAI-compatible HTTP server: a TEST DOUBLE for a paid chat-completions API.
// It listens on 127.0.0.1 on a random port and answers with replies scripted by each test, so the real
// `openai` SDK can be driven over real HTTP (streaming SSE and plain JSON) without a model or a key.
//
// API
//   const server = await startScriptedOpenAiServer(script, options?)
//     script: ScriptedReply[]                      — consumed in order, one per chat request; when the list
//                                                    runs out the server answers HTTP 500 "script exhausted"
//           | (body, index) => ScriptedReply | Promise<ScriptedReply>
//                                                  — called per chat request (index counts from 0)
//     options.models: string[]                     — ids served by GET /v1/models (default ['scripted-model'])
//   server.baseUrl     'http://127.0.0.1:PORT/v1' (use as the SDK's baseURL)
//   server.requests    every request received, in order: { method, path, headers, body } (body parsed JSON
//                      or null); GET /v1/models requests are recorded too
//   server.chatRequests  only the POST /v1/chat/completions requests
//   await server.close()  stops listening and destroys open connections
//
// ScriptedReply (every field optional):
//   content        text of the answer (default ''); streamed as SSE deltas when the request has stream: true
//   chunks         explicit delta list (overrides splitting `content`)
//   chunkSize      characters per delta when splitting `content` (default 8)
//   status         HTTP status (default 200); with status >= 400 the body is `error` (JSON)
//   error          error body for status >= 400 (default {error: {message, type, code}})
//   retryAfter     value of the Retry-After header (seconds, as a string or number)
//   headers        extra response headers
//   delayMs        wait before sending the headers
//   chunkDelayMs   wait before each streamed chunk
//   cutAfterChunks destroy the socket after sending this many content chunks (0: right after headers)
//   omitUsage      do not send usage (streaming: no usage chunk even when include_usage is asked;
//                  non-streaming: no `usage` field)
//   usage          usage to report (default: computed from characters, 4 per token)
//   malformed      'not-json' (SSE data lines that are not JSON) | 'not-sse' (plain text body with
//                  text/plain) | 'html' (an HTML error page with status 200) | 'empty' (SSE with [DONE] only)
//   streamError    after the content chunks, send `data: {"error": {"message": streamError}}` and end
//   endEarly       after the content chunks, end the response cleanly with neither a finish_reason chunk
//                  nor `data: [DONE]` (a proxy or server that drops the rest of the stream)
//   omitDone       send the finish_reason chunk (and usage) but no `data: [DONE]`
//   hangAfterFinish  with omitDone: keep the connection open (silent) after the finish_reason chunk
//   omitFinish     send `data: [DONE]` but no chunk with a finish_reason (a minimal server)
//   stallAfterChunks  after this many content chunks send nothing more, keeping the connection open
//                  until the client gives up (0: headers and the role chunk only, no token at all)
//   echoKey        with status >= 400: the error message repeats the request's Authorization header
//                  ("Incorrect API key provided: <key>"), as some servers do
//   finishReason   finish_reason of the last choice chunk (default 'stop')
//   model          model name echoed in the chunks (default: the requested one)
//
// Streaming follows the OpenAI wire format: `data: {chat.completion.chunk}\n\n` lines, a usage chunk with
// empty choices when stream_options.include_usage is true, then `data: [DONE]`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hashedEmbedding } from './stand-in-embeddings.js';

export interface ScriptedReply {
  content?: string;
  chunks?: string[];
  chunkSize?: number;
  status?: number;
  error?: unknown;
  retryAfter?: string | number;
  headers?: Record<string, string>;
  delayMs?: number;
  chunkDelayMs?: number;
  cutAfterChunks?: number;
  omitUsage?: boolean;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number };
  malformed?: 'not-json' | 'not-sse' | 'html' | 'empty';
  finishReason?: string;
  streamError?: string;
  model?: string;
  endEarly?: boolean;
  omitDone?: boolean;
  hangAfterFinish?: boolean;
  omitFinish?: boolean;
  stallAfterChunks?: number;
  echoKey?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export type Script = ScriptedReply[] | ((body: any, index: number) => ScriptedReply | Promise<ScriptedReply>);

/**
 * A script that answers by what the request asks: the first route whose pattern matches the request's
 * messages (joined) gives the reply (a function is called each time, for replies that change), else
 * `fallback`.
 */
export function replyByPrompt(
  routes: ReadonlyArray<readonly [RegExp, ScriptedReply | (() => ScriptedReply)]>,
  fallback: ScriptedReply = { content: 'OK' },
): (body: { messages?: Array<{ content: string }> }) => ScriptedReply {
  return (body) => {
    const text = (body?.messages ?? []).map((m) => m.content).join('\n');
    for (const [pattern, reply] of routes) if (pattern.test(text)) return typeof reply === 'function' ? reply() : reply;
    return fallback;
  };
}

export interface ScriptedOpenAiServer {
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  readonly chatRequests: RecordedRequest[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function promptChars(body: any): number {
  const msgs = Array.isArray(body?.messages) ? body.messages : [];
  return msgs.reduce((n: number, m: any) => n + (typeof m?.content === 'string' ? m.content.length : 0), 0);
}

export interface ScriptedServerOptions {
  models?: string[];
  /**
   * The `/embeddings` route: 'hashed' serves the stand-in vectors of stand-in-embeddings.ts (hashed word and
   * character n-grams — no neural model), a function serves its own (or an HTTP status to fail with).
   * Absent: the route answers 404, like a chat-only server.
   */
  embeddings?: 'hashed' | ((input: string[], model: string) => number[][] | { status: number });
}

export async function startScriptedOpenAiServer(
  script: Script,
  options: ScriptedServerOptions = {},
): Promise<ScriptedOpenAiServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let chatIndex = 0;
  let closed = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let body: any = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = null;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, body });

    if (req.method === 'GET' && /\/models\/?$/.test(path)) {
      const ids = options.models ?? ['scripted-model'];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) }));
      return;
    }
    if (req.method === 'POST' && /\/embeddings\/?$/.test(path) && options.embeddings) {
      const input: string[] = Array.isArray(body?.input) ? body.input.map(String) : typeof body?.input === 'string' ? [body.input] : [];
      const model = typeof body?.model === 'string' ? body.model : '';
      const vectors = options.embeddings === 'hashed' ? input.map((t) => hashedEmbedding(t)) : options.embeddings(input, model);
      if (!Array.isArray(vectors)) {
        res.writeHead(vectors.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted embeddings error ${vectors.status}`, type: 'invalid_request_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          usage: { prompt_tokens: input.reduce((n, t) => n + Math.ceil(t.length / 4), 0), total_tokens: input.reduce((n, t) => n + Math.ceil(t.length / 4), 0) },
        }),
      );
      return;
    }
    if (req.method !== 'POST' || !/\/chat\/completions\/?$/.test(path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'not_found' } }));
      return;
    }

    const index = chatIndex++;
    let reply: ScriptedReply | undefined;
    if (typeof script === 'function') reply = await script(body, index);
    else reply = script[index];
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `script exhausted (request #${index + 1})`, type: 'server_error' } }));
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    if (closed || res.destroyed) return;

    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
    const status = reply.status ?? 200;
    if (status >= 400) {
      const auth = String(req.headers.authorization ?? '');
      const echoed = reply.echoKey
        ? { error: { message: `Incorrect API key provided: ${auth.replace(/^Bearer\s+/i, '')}. Authorization: ${auth}`, type: 'invalid_request_error', code: 'invalid_api_key' } }
        : undefined;
      const err = echoed ?? reply.error ?? { error: { message: `scripted error ${status}`, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null } };
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(err));
      return;
    }
    if (reply.malformed === 'html') {
      res.writeHead(200, { 'content-type': 'text/html', ...headers });
      res.end('<html><body><h1>Welcome to nginx!</h1></body></html>');
      return;
    }
    if (reply.malformed === 'not-sse') {
      res.writeHead(200, { 'content-type': 'text/plain', ...headers });
      res.end('this is not an event stream\n');
      return;
    }

    const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'scripted-model');
    const content = reply.content ?? '';
    const chunks = reply.chunks ?? split(content, Math.max(1, reply.chunkSize ?? 8));
    const fullText = chunks.join('');
    const usage = reply.usage ?? {
      prompt_tokens: Math.ceil(promptChars(body) / 4),
      completion_tokens: Math.ceil(fullText.length / 4),
    };
    const usageOut = { ...usage, total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens };
    const id = `chatcmpl-scripted-${index}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body?.stream) {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: fullText }, finish_reason: reply.finishReason ?? 'stop' }],
          ...(reply.omitUsage ? {} : { usage: usageOut }),
        }),
      );
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
    res.flushHeaders();
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const chunkObj = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    if (reply.malformed === 'not-json') {
      res.write('data: {this is not json\n\n');
      res.end();
      return;
    }
    if (reply.malformed === 'empty') {
      res.end('data: [DONE]\n\n');
      return;
    }
    if (reply.cutAfterChunks === 0) {
      res.socket?.destroy();
      return;
    }
    send(chunkObj({ role: 'assistant', content: '' }, null));
    const stall = async () => {
      // Keep the connection open and silent until the client or close() ends it.
      while (!closed && !res.destroyed && !res.socket?.destroyed) await sleep(50);
    };
    if (reply.stallAfterChunks === 0) return stall();
    for (let i = 0; i < chunks.length; i++) {
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (closed || res.destroyed || res.socket?.destroyed) return;
      send(chunkObj({ content: chunks[i] }, null));
      if (reply.stallAfterChunks !== undefined && i + 1 >= reply.stallAfterChunks) return stall();
      if (reply.cutAfterChunks !== undefined && i + 1 >= reply.cutAfterChunks) {
        // Let the chunk leave, then drop the connection without finishing the response.
        await sleep(20);
        res.socket?.destroy();
        return;
      }
    }
    if (reply.streamError !== undefined) {
      send({ error: { message: reply.streamError, type: 'server_error' } });
      res.end();
      return;
    }
    if (reply.endEarly) {
      res.end();
      return;
    }
    if (!reply.omitFinish) send(chunkObj({}, reply.finishReason ?? 'stop'));
    if (!reply.omitUsage && body?.stream_options?.include_usage) {
      send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOut });
    }
    if (reply.omitDone && reply.hangAfterFinish) return stall();
    if (reply.omitDone) res.end();
    else res.end('data: [DONE]\n\n');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted server failure: ${String(err)}` } }));
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get chatRequests() {
      return requests.filter((r) => r.method === 'POST' && /\/chat\/completions\/?$/.test(r.path));
    },
    close() {
      closed = true;
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
