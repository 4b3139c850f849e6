// Scores the detector on ../shared/data/detect-dev (12 hand-labelled real documents): per-file and
// overall precision / recall / F1, a match being a detected problem starting on a labelled line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';
import { formatTable, scoreCorpus } from './score.js';
import { dirname } from 'node:path';

test('detect-dev: overall F1 ≥ 0.9 (per-file table printed)', { skip: skipUnlessShared('detect-dev/labels.json') }, () => {
  const dir = dirname(sharedFile('detect-dev/labels.json')!);
  const r = scoreCorpus(dir);
  console.log(formatTable(r));
  assert.equal(r.files.length, 12, 'labels.json lists 12 documents');
  assert.ok(r.overall.f1 >= 0.9, `overall F1 ${r.overall.f1.toFixed(3)} < 0.9\n${formatTable(r)}`);
  // The two problem-free documents must stay clean.
  for (const f of r.files.filter((x) => x.expected === 0)) assert.equal(f.found, 0, `${f.file}: false positives at ${f.extra.join(',')}`);
});

test('scoring arithmetic', () => {
  // Guards the scorer itself so a broken scorer cannot pass the F1 check.
  const { prf } = require('./score.js') as typeof import('./score.js');
  assert.deepEqual(prf(0, 0, 0), { precision: 1, recall: 1, f1: 1 });
  assert.deepEqual(prf(0, 3, 0), { precision: 0, recall: 0, f1: 0 });
  const s = prf(3, 4, 6);
  assert.equal(s.precision, 0.75);
  assert.equal(s.recall, 0.5);
  assert.ok(Math.abs(s.f1 - 0.6) < 1e-9);
});
