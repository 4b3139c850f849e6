// The document status the server sends is untrusted input for the extension: only well-formed ones pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocumentStatus } from '../../../src/server/protocol.js';

const good = { uri: 'file:///a.md', version: 3, problems: 5000, listed: 2000, capped: true, truncated: false, examinedChars: 10, totalChars: 10 };

test('a well-formed status is kept, with only the known fields', () => {
  assert.deepEqual(parseDocumentStatus({ ...good, extra: '<script>' }), good);
  assert.deepEqual(parseDocumentStatus({ ...good, truncated: true, examinedLines: 7 }), { ...good, truncated: true, examinedLines: 7 });
});

test('malformed statuses are dropped', () => {
  for (const bad of [null, 'x', 42, [], { ...good, uri: 5 }, { ...good, problems: -1 }, { ...good, listed: Number.NaN }, { ...good, capped: 'yes' }, { ...good, totalChars: undefined }]) {
    assert.equal(parseDocumentStatus(bad), undefined, JSON.stringify(bad));
  }
  // A bad optional field is left out, not trusted.
  assert.equal(parseDocumentStatus({ ...good, examinedLines: 'many' })?.examinedLines, undefined);
});
