import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadTemplateDirSync } from '../../../src/core/templates/loader.js';
import { findNearDuplicates } from '../../../src/core/templates/similarity.js';
import type { ThoughtTemplate } from '../../../src/core/templates/types.js';

const good = loadTemplateDirSync(resolve(__dirname, '..', '..', 'fixtures', 'templates', 'good'), 'builtin').templates;
const vieta = good.find((t) => t.id === 'fx.ia.vieta')!;

test('distinct templates are not flagged', () => {
  assert.deepEqual(findNearDuplicates(good), []);
});

test('a renamed copy is flagged by content; a same-named template by name', () => {
  const copy: ThoughtTemplate = { ...vieta, id: 'fx.copy', name: 'Root sums from coefficients' };
  const pairs = findNearDuplicates([...good, copy]);
  assert.equal(pairs.length, 1);
  assert.equal(pairs[0]!.reason, 'content');
  assert.deepEqual([pairs[0]!.a.id, pairs[0]!.b.id], ['fx.ia.vieta', 'fx.copy']);

  const sameName: ThoughtTemplate = {
    ...good[0]!,
    id: 'fx.other',
    name: 'Sum and products of the roots (Vieta)',
    description: 'Something else entirely about congruences.',
    steps: ['Reduce.', 'Cycle.'],
  };
  const byName = findNearDuplicates([vieta, sameName]);
  assert.equal(byName.length, 1);
  assert.equal(byName[0]!.reason, 'name');
  assert.ok(byName[0]!.name >= 0.8);
});

test('thresholds are options', () => {
  const other = good.find((t) => t.id === 'fx.geo.triangle-area')!;
  assert.equal(findNearDuplicates([vieta, other], { contentThreshold: 0, nameThreshold: 0, combined: { name: 0, content: 0 } }).length, 1);
  assert.equal(findNearDuplicates([vieta, { ...vieta, id: 'x.y' }], { contentThreshold: 1.01, nameThreshold: 1.01, combined: { name: 1.01, content: 1.01 } }).length, 0);
});
