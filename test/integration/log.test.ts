// What the ReasonFlux output channel may contain: no keys, no prompts (sizes only), one-line errors.
import * as assert from 'node:assert/strict';
import { describeError, describeText, redact } from '../../src/extension/log';

describe('log hygiene (log.ts)', () => {
  it('redacts provider keys, bearer tokens, key parameters and URL credentials', () => {
    const line = redact(
      'POST https://user:hunter2@api.example/v1?api_key=abc123456789 failed: Authorization: Bearer sk-proj-AAAABBBBCCCCDDDD1234 ' +
        '{"apiKey": "gsk_0123456789abcdef"} key hf_abcdefghijklmnop',
    );
    for (const secret of ['hunter2', 'abc123456789', 'sk-proj-AAAABBBBCCCCDDDD1234', 'gsk_0123456789abcdef', 'hf_abcdefghijklmnop']) {
      assert.ok(!line.includes(secret), `"${secret}" leaked: ${line}`);
    }
    assert.match(line, /api\.example\/v1/, 'the rest of the message stays readable');
  });

  it('describes errors on one bounded line without stacks', () => {
    const err = new Error('connect ECONNREFUSED 127.0.0.1:11434\n    at TCPConnectWrap.afterConnect');
    assert.equal(describeError(err), 'connect ECONNREFUSED 127.0.0.1:11434 at TCPConnectWrap.afterConnect');
    assert.ok(describeError('x'.repeat(5000)).length <= 501);
    assert.equal(describeError({ code: 42 }), '{"code":42}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(typeof describeError(cyclic), 'string');
  });

  it('logs the size of a prompt, never its text', () => {
    const prompt = 'Find all real x such that x^2 = 2.\nSecret context';
    const d = describeText(prompt);
    assert.equal(d, `${prompt.length} chars, 2 lines`);
    assert.ok(!d.includes('Find'));
    assert.equal(describeText(''), '0 chars, 0 lines');
  });
});
