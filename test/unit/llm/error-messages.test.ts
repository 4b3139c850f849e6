// Regression: a base URL on a port that fetch refuses (6000, 6665-6669, …) failed as "the connection
// was closed — the server may have crashed", retried 4 times. It is an unreachable endpoint, said plainly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiModel, LlmError } from '../../../src/core/llm/index.js';

test('a fetch-blocked port is reported as unreachable, with the port, and not retried', async () => {
  const model = createOpenAiModel({ baseUrl: 'http://127.0.0.1:6000/v1', model: 'm' });
  let error: unknown;
  try {
    for await (const _ of model.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
      // nothing arrives
    }
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof LlmError, String(error));
  assert.equal(error.kind, 'unreachable');
  assert.match(error.message, /port 6000/);
  assert.doesNotMatch(error.message, /attempts/);
});

test('timeout messages keep sub-second limits (0.5 s, not "1 s")', async () => {
  const { seconds } = await import('../../../src/core/llm/openai.js');
  assert.equal(seconds(500), '0.5');
  assert.equal(seconds(1500), '1.5');
  assert.equal(seconds(120_000), '120');
  assert.equal(seconds(2000), '2');
});
