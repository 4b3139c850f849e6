// Hover wording (no model) and the naming of API keys in secret storage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whatItAsks } from '../../../src/extension/hover/asks.js';
import { endpointLabel, secretKeyFor } from '../../../src/extension/secrets/keys.js';

describe('whatItAsks', () => {
  it('picks the question sentence', () => {
    assert.equal(whatItAsks('A box holds 3 red balls. How many ways can we pick two? Explain.'), 'How many ways can we pick two?');
  });
  it('picks a task sentence when there is no question', () => {
    assert.equal(whatItAsks('Let $f(x)=x^2$.\nCompute $f(3)$.'), 'Compute $f(3)$.');
    assert.equal(whatItAsks('다음 식의 값을 구하시오.'), '다음 식의 값을 구하시오.');
  });
  it('shortens long text', () => {
    assert.equal(whatItAsks('x'.repeat(500)).length, 298);
  });
});

describe('secret names', () => {
  it('name the key by endpoint, never containing credentials or queries', () => {
    assert.equal(secretKeyFor('https://API.openai.com/v1/'), 'reasonflux.apiKey:https://api.openai.com/v1');
    assert.equal(endpointLabel('http://user:pw@localhost:11434/v1?x=1'), 'http://localhost:11434/v1');
    assert.equal(secretKeyFor('http://localhost:11434/v1'), secretKeyFor(' http://localhost:11434/v1/ '));
  });
});
