// Issue 12 (trustworthy solving), the provider's part: a reply that was cut off is never a finished
// reply, the key never reaches an error message, and the time limits are idle / first-token / total.
// All against the scripted OpenAI-compatible server (real `openai` SDK over real HTTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel, LlmError, type ChatChunk, type ChatModel, type ChatRequest } from '../../../src/core/llm/index.js';
import { redactSecrets } from '../../../src/core/llm/redact.js';
import { startScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';

async function collect(model: ChatModel, req: ChatRequest = hello) {
  const deltas: string[] = [];
  let done: Extract<ChatChunk, { type: 'done' }> | undefined;
  let error: LlmError | undefined;
  try {
    for await (const c of model.stream(req)) {
      if (c.type === 'delta') deltas.push(c.text);
      else done = c;
    }
  } catch (e) {
    if (!(e instanceof LlmError)) throw e;
    error = e;
  }
  return { text: deltas.join(''), done, error };
}

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Say hello' }] };

async function withServer<T>(script: ScriptedReply[], fn: (baseUrl: string, chatRequests: () => number) => Promise<T>): Promise<T> {
  const server = await startScriptedOpenAiServer(script);
  try {
    return await fn(server.baseUrl, () => server.chatRequests.length);
  } finally {
    await server.close();
  }
}

test('a stream that ends without finish_reason or [DONE] is incomplete, with the partial text', async () => {
  await withServer([{ content: 'The answer is 4', chunkSize: 4, endEarly: true }], async (baseUrl, n) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', retryBaseDelayMs: 1 }));
    assert.ok(r.error, 'a cut-off stream must not end in a done chunk');
    assert.equal(r.done, undefined);
    assert.equal(r.error.kind, 'incomplete');
    assert.equal(r.error.details.cutOff, 'no-finish');
    assert.equal(r.error.details.partial, 'The answer is 4');
    assert.match(r.error.message, /was cut off after 15 characters: the stream ended without a finish_reason or \[DONE\]/);
    assert.equal(n(), 1, 'text was already streamed: not repeated by the provider (no duplicated text)');
  });
});

test('finish_reason "length" is incomplete: the server stopped at its token limit', async () => {
  await withServer([{ content: 'Step one: we add', finishReason: 'length' }], async (baseUrl) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm' }));
    assert.equal(r.error?.kind, 'incomplete');
    assert.equal(r.error?.details.cutOff, 'length');
    assert.match(r.error!.message, /cut off .*token limit \(finish_reason "length"\)/);
    assert.equal(r.error?.details.partial, 'Step one: we add');
  });
});

test('a stream cut before any text is retried by the provider and then succeeds', async () => {
  await withServer([{ content: '', endEarly: true }, { content: 'whole reply' }], async (baseUrl, n) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', retryBaseDelayMs: 1 }));
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'whole reply');
    assert.equal(n(), 2);
  });
});

test('finish_reason without [DONE], or [DONE] without finish_reason, is a finished reply', async () => {
  await withServer([{ content: 'done one', omitDone: true }, { content: 'done two', omitFinish: true }], async (baseUrl) => {
    const model = createOpenAiModel({ baseUrl, model: 'm' });
    const a = await collect(model);
    assert.equal(a.error, undefined);
    assert.equal(a.text, 'done one');
    const b = await collect(model);
    assert.equal(b.error, undefined);
    assert.equal(b.text, 'done two');
  });
});

test('a reply that finished (finish_reason) but then hangs before [DONE] is kept whole', async () => {
  await withServer([{ content: 'complete text', omitDone: true, hangAfterFinish: true }], async (baseUrl) => {
    const model = createOpenAiModel({ baseUrl, model: 'm', idleTimeoutMs: 300 });
    const a = await collect(model);
    assert.equal(a.error, undefined, a.error?.message);
    assert.equal(a.text, 'complete text');
    assert.equal(a.done?.finishReason, 'stop');
  });
});

test('a 401 that echoes the key leaves it in no error message (sk- key and a key of any shape)', async () => {
  for (const key of ['sk-proj-Abc123SECRETxyz789', 'local-server-pass-42']) {
    await withServer([{ status: 401, echoKey: true }], async (baseUrl) => {
      const r = await collect(createOpenAiModel({ baseUrl, model: 'm', apiKey: key }));
      assert.equal(r.error?.kind, 'auth');
      assert.ok(!r.error!.message.includes(key), `key leaked: ${r.error!.message}`);
      assert.ok(!r.error!.message.includes(key.slice(0, 10)), `part of the key leaked: ${r.error!.message}`);
      assert.match(r.error!.message, /refused the API key \(HTTP 401\).*Incorrect API key provided: <redacted/);
      assert.ok(!(r.error!.stack ?? '').includes(key), 'not in the stack either');
    });
  }
});

test('redactSecrets removes key-looking tokens, Authorization values and key=… pairs', () => {
  const out = redactSecrets('key sk-abcDEF1234567 and Bearer abc.def-123 in https://x/v1?api_key=zzz999&x=1 and "apiKey": "qq77"');
  for (const s of ['sk-abcDEF1234567', 'abc.def-123', 'zzz999', 'qq77']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
  assert.match(out, /https:\/\/x\/v1/);
  assert.equal(redactSecrets(out), out, 'idempotent');
});

test('a slow but steady stream outlasts the first-token and idle limits (they are not a total limit)', async () => {
  // 12 chunks × 80 ms ≈ 1 s in all, against limits of 400 ms: only the gaps count.
  await withServer([{ content: 'a'.repeat(12), chunkSize: 1, chunkDelayMs: 80 }], async (baseUrl) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', firstTokenTimeoutMs: 400, idleTimeoutMs: 400, timeoutMs: 20_000 }));
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.text, 'a'.repeat(12));
  });
});

test('a stream that stalls after some text fails at the idle timeout, marked as cut off, partial kept', async () => {
  await withServer([{ content: 'first words then silence', chunkSize: 6, stallAfterChunks: 2 }], async (baseUrl, n) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', idleTimeoutMs: 300, firstTokenTimeoutMs: 5000, timeoutMs: 60_000 }));
    assert.equal(r.error?.kind, 'timeout');
    assert.equal(r.error?.details.cutOff, 'stalled');
    assert.equal(r.error?.details.partial, 'first words ');
    assert.match(r.error!.message, /cut off after 12 characters: no token arrived for 0\.3 s \(idle timeout\)/);
    assert.equal(n(), 1);
  });
});

test('a server that sends headers but no token fails at the first-token timeout', async () => {
  await withServer([{ content: 'never', stallAfterChunks: 0 }], async (baseUrl, n) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', firstTokenTimeoutMs: 300, idleTimeoutMs: 60_000, timeoutMs: 60_000 }));
    assert.equal(r.error?.kind, 'timeout');
    assert.match(r.error!.message, /sent no token within 0\.3 s \(first-token timeout\)/);
    assert.equal(n(), 1, 'a time-out is not retried');
  });
});

test('the total cap still ends a stream that never stops', async () => {
  await withServer([{ content: 'x'.repeat(200), chunkSize: 1, chunkDelayMs: 20 }], async (baseUrl) => {
    const r = await collect(createOpenAiModel({ baseUrl, model: 'm', firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000, timeoutMs: 500 }));
    assert.equal(r.error?.kind, 'timeout');
    assert.match(r.error!.message, /within 0\.5 s \(total request cap\)/);
  });
});
