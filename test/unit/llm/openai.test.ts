// The OpenAI-compatible provider against the scripted server (real `openai` SDK over real HTTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel, listModels, LlmError, type ChatChunk, type ChatModel, type ChatRequest } from '../../../src/core/llm/index.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { closedPort } from '../../support/net.js';

async function collect(model: ChatModel, req: ChatRequest) {
  const deltas: string[] = [];
  let done: Extract<ChatChunk, { type: 'done' }> | undefined;
  let error: unknown;
  try {
    for await (const c of model.stream(req)) {
      if (c.type === 'delta') deltas.push(c.text);
      else done = c;
    }
  } catch (e) {
    error = e;
  }
  return { text: deltas.join(''), deltas, done, error };
}

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Say hello' }] };

test('streams deltas, then usage from the server; sends stream_options and no real key', async () => {
  const server = await startScriptedOpenAiServer([{ content: 'Hello there, student!', chunkSize: 5, usage: { prompt_tokens: 11, completion_tokens: 6 } }]);
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm1' });
    const r = await collect(model, { ...hello, temperature: 0.2, maxTokens: 50 });
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'Hello there, student!');
    assert.ok(r.deltas.length >= 4);
    assert.equal(r.done?.usage.promptTokens, 11);
    assert.equal(r.done?.usage.completionTokens, 6);
    assert.equal(r.done?.usage.estimated, undefined);
    assert.equal(r.done?.retries, 0);
    assert.equal(r.done?.model, 'm1');
    const body = server.chatRequests[0]!.body;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 50);
    assert.equal(body.model, 'm1');
    assert.ok(!model.id.includes('key'));
  } finally {
    await server.close();
  }
});

test('estimates usage when the server sends none', async () => {
  const server = await startScriptedOpenAiServer([{ content: 'x'.repeat(40), omitUsage: true }]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' }), hello);
    assert.equal(r.done?.usage.estimated, true);
    assert.equal(r.done?.usage.completionTokens, 10);
    assert.ok(r.done!.usage.promptTokens > 0);
  } finally {
    await server.close();
  }
});

test('the API key goes in the Authorization header and never in the model id or error messages', async () => {
  const server = await startScriptedOpenAiServer([{ status: 401, error: { error: { message: 'Incorrect API key provided' } } }]);
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', apiKey: 'sk-secret-123' });
    const r = await collect(model, hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'auth');
    assert.ok(r.error.message.includes(server.baseUrl));
    assert.ok(!r.error.message.includes('sk-secret-123'));
    assert.equal(server.chatRequests[0]!.headers.authorization, 'Bearer sk-secret-123');
    assert.equal(server.chatRequests.length, 1, 'auth errors are not retried');
  } finally {
    await server.close();
  }
});

test('429 with Retry-After, then success: retried once, no duplicated text', async () => {
  const server = await startScriptedOpenAiServer([{ status: 429, retryAfter: '0.05' }, { content: 'after the wait' }]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 5000 }), hello);
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'after the wait');
    assert.equal(r.done?.retries, 1);
    assert.equal(server.chatRequests.length, 2);
  } finally {
    await server.close();
  }
});

test('a Retry-After longer than the cap gives up at once with rate-limited', async () => {
  const server = await startScriptedOpenAiServer([{ status: 429, retryAfter: 3600 }, { content: 'never' }]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' }), hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'rate-limited');
    assert.match(r.error.message, /3600 s/);
    assert.equal(server.chatRequests.length, 1);
  } finally {
    await server.close();
  }
});

test('500s exhaust the retries and end in a server error', async () => {
  const server = await startScriptedOpenAiServer(() => ({ status: 500 }));
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', maxRetries: 2, retryBaseDelayMs: 1 }), hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'server');
    assert.match(r.error.message, /HTTP 500/);
    assert.match(r.error.message, /3 attempts/);
    assert.equal(server.chatRequests.length, 3);
  } finally {
    await server.close();
  }
});

test('a connection cut before the first token is retried; cut mid-stream is not (no duplicated text)', async () => {
  const server = await startScriptedOpenAiServer([
    { content: 'abc', cutAfterChunks: 0 },
    { content: 'first part second part', chunkSize: 6, cutAfterChunks: 2 },
    { content: 'should never be requested' },
  ]);
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 });
    const r = await collect(model, hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'incomplete');
    assert.match(r.error.message, /cut off after 12 characters: the connection closed in the middle of the reply/);
    assert.equal(r.error.details.partial, 'first part s');
    assert.equal(r.text, 'first part s');
    assert.equal(server.chatRequests.length, 2);
  } finally {
    await server.close();
  }
});

test('404 for an unknown model maps to not-found', async () => {
  const server = await startScriptedOpenAiServer([{ status: 404, error: { error: { message: 'model "nope" not found' } } }]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'nope' }), hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'not-found');
    assert.match(r.error.message, /"nope"/);
  } finally {
    await server.close();
  }
});

for (const malformed of ['not-json', 'not-sse', 'html', 'empty'] as const) {
  test(`a malformed reply (${malformed}) is a bad-response`, async () => {
    const server = await startScriptedOpenAiServer([{ malformed }]);
    try {
      const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' }), hello);
      assert.ok(r.error instanceof LlmError, String(r.error));
      assert.equal(r.error.kind, 'bad-response');
      assert.ok(r.error.message.includes(server.baseUrl));
    } finally {
      await server.close();
    }
  });
}

test('unreachable endpoint fails with unreachable and is not retried into a storm', async () => {
  const port = await closedPort();
  const r = await collect(createOpenAiModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }), hello);
  assert.ok(r.error instanceof LlmError);
  assert.equal(r.error.kind, 'unreachable');
  assert.match(r.error.message, new RegExp(`127\\.0\\.0\\.1:${port}/v1`));
  assert.match(r.error.message, /start the model server/);
});

test('a per-request timeout ends a stalled stream with kind timeout', async () => {
  const server = await startScriptedOpenAiServer([{ content: 'slow slow slow slow', chunkSize: 2, chunkDelayMs: 200 }]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 300 }), hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'timeout');
  } finally {
    await server.close();
  }
});

test('aborting mid-stream throws cancelled and makes no further request', async () => {
  const server = await startScriptedOpenAiServer(() => ({ content: 'a long answer that keeps coming', chunkSize: 3, chunkDelayMs: 50 }));
  try {
    const ac = new AbortController();
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' });
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const c of model.stream({ ...hello, signal: ac.signal })) {
        if (c.type === 'delta') {
          seen.push(c.text);
          if (seen.length === 2) ac.abort();
        }
      }
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, 'cancelled');
    assert.ok(seen.length >= 2 && seen.join('').length < 'a long answer that keeps coming'.length);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.chatRequests.length, 1);
  } finally {
    await server.close();
  }
});

test('an already-aborted signal sends nothing', async () => {
  const server = await startScriptedOpenAiServer([{ content: 'x' }]);
  try {
    const ac = new AbortController();
    ac.abort();
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' }), { ...hello, signal: ac.signal });
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'cancelled');
    assert.equal(server.chatRequests.length, 0);
  } finally {
    await server.close();
  }
});

test('json requests ask for response_format json_object, and drop it when the server rejects it', async () => {
  const server = await startScriptedOpenAiServer([
    { status: 400, error: { error: { message: "'response_format.type' must be 'json_schema' or 'text'" } } },
    { content: '{"a":1}' },
    { content: '{"b":2}' },
  ]);
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' });
    const r1 = await collect(model, { ...hello, json: true });
    assert.equal(r1.text, '{"a":1}');
    const r2 = await collect(model, { ...hello, json: true });
    assert.equal(r2.text, '{"b":2}');
    assert.deepEqual(server.chatRequests[0]!.body.response_format, { type: 'json_object' });
    assert.equal(server.chatRequests[1]!.body.response_format, undefined);
    assert.equal(server.chatRequests[2]!.body.response_format, undefined);
  } finally {
    await server.close();
  }
});

test('listModels lists the endpoint\'s models; invalid base URLs are rejected clearly', async () => {
  const server = await startScriptedOpenAiServer([], { models: ['zeta', 'alpha'] });
  try {
    const models = await listModels(server.baseUrl);
    assert.deepEqual(models.map((m) => m.id), ['alpha', 'zeta']);
    assert.equal(server.requests[0]!.path, '/v1/models');
  } finally {
    await server.close();
  }
  assert.throws(() => createOpenAiModel({ baseUrl: 'not a url', model: 'm' }), (e: unknown) => e instanceof LlmError && /not a valid base URL/.test(e.message));
  const port = await closedPort();
  await assert.rejects(listModels(`http://127.0.0.1:${port}/v1`), (e: unknown) => e instanceof LlmError && e.kind === 'unreachable');
});

test('the scripted server also answers non-streaming requests', async () => {
  const server = await startScriptedOpenAiServer([{ content: 'plain json' }]);
  try {
    const res = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const j = (await res.json()) as any;
    assert.equal(j.choices[0].message.content, 'plain json');
    assert.ok(j.usage.total_tokens > 0);
  } finally {
    await server.close();
  }
});

test('a server that rejects temperature (reasoning models) gets the request again without it', async () => {
  const server = await startScriptedOpenAiServer([
    { status: 400, error: { error: { message: "Unsupported value: 'temperature' does not support 0.2 with this model." } } },
    { content: 'ok' },
    { status: 400, error: { error: { message: 'Invalid value for messages' } } },
  ]);
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm' });
    const r = await collect(model, { ...hello, temperature: 0.2 });
    assert.equal(r.text, 'ok');
    assert.equal(server.chatRequests[0]!.body.temperature, 0.2);
    assert.equal(server.chatRequests[1]!.body.temperature, undefined);
    // Other 400s are reported, not retried.
    const r2 = await collect(model, hello);
    assert.ok(r2.error instanceof LlmError);
    assert.equal(r2.error.kind, 'bad-response');
    assert.match(r2.error.message, /HTTP 400.*Invalid value for messages/);
    assert.equal(server.chatRequests.length, 3);
  } finally {
    await server.close();
  }
});

test('an error event inside the stream: retried before the first token, reported after it', async () => {
  const server = await startScriptedOpenAiServer([
    { streamError: 'model unloaded' },
    { content: 'partial answer', streamError: 'CUDA out of memory' },
  ]);
  try {
    const r = await collect(createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', retryBaseDelayMs: 1 }), hello);
    assert.ok(r.error instanceof LlmError);
    assert.equal(r.error.kind, 'server');
    assert.match(r.error.message, /reported an error while answering \(CUDA out of memory\)/);
    assert.equal(r.text, 'partial answer');
    assert.equal(server.chatRequests.length, 2);
  } finally {
    await server.close();
  }
});
