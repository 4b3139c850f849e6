import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importReasonFluxV1, importReasonFluxV1Text, normalizeTemplateType, TemplateImportError, unescapeNewlines } from '../../../src/core/templates/importer.js';
import { thoughtTemplateSchema } from '../../../src/core/templates/schema.js';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';

const fx = resolve(__dirname, '..', '..', 'fixtures', 'templates', 'upstream', 'mini-v1.json');

test('template_type spellings normalise to a small set', () => {
  const cases: Array<[string, string | undefined]> = [
    ['Problem Solving Method', 'method'], ['Problem-solving method', 'method'], ['Solving Methods', 'method'],
    ['Solution method', 'method'], ['Property Theorem', 'theorem'], ['Theorem of Properties', 'theorem'],
    ['Properties Theorem', 'theorem'], ['Theorem', 'theorem'], ['Important Formulas and Laws', 'formula'],
    ['Important Formula, Law', 'formula'], ['Important Formulas and Principles', 'formula'], ['Important Formulas and Theorems', 'formula'],
    ['Secondary conclusion', 'conclusion'], ['Second-level Conclusion', 'conclusion'], ['Level 2 Conclusion', 'conclusion'],
    ['Knowledge application', 'application'], ['Mystery Category', undefined], ['', undefined],
  ];
  for (const [raw, kind] of cases) assert.equal(normalizeTemplateType(raw), kind, raw);
  assert.equal(normalizeTemplateType(42), undefined);
});

test('literal "\\n" in upstream text becomes a line break, LaTeX \\neq and \\not stay', () => {
  assert.equal(unescapeNewlines('a\\nb\\\\nc'), 'a\nb\nc');
  assert.equal(unescapeNewlines('x \\neq y, \\not\\in'), 'x \\neq y, \\not\\in');
});

test('fixture with the upstream variants: every object entry imports, with warnings', () => {
  const r = importReasonFluxV1Text(readFileSync(fx, 'utf8'), { file: 'mini-v1.json' });
  assert.equal(r.templates.length, 6);
  for (const t of r.templates) {
    assert.equal(t.origin, 'imported');
    assert.ok(thoughtTemplateSchema.safeParse(t).success, t.id);
  }
  const [cycle, digits, capital, rowA, rowB, odd] = r.templates;
  // string example: problem, numbered steps, answer
  assert.equal(cycle!.kind, 'method');
  assert.equal(cycle!.example.problem, 'Remainder of 2^10 divided by 3?');
  assert.deepEqual(cycle!.example.solution, ['2 ≡ -1 (mod 3)', '(-1)^10 = 1']);
  assert.equal(cycle!.example.answer, '1');
  assert.deepEqual(cycle!.steps, ['Reduce the base', 'Find the cycle note the cycle length', 'Reduce the exponent']);
  assert.deepEqual(cycle!.subjects, ['Number Theory']);
  // object example with snake_case keys, scenario as a list, one-step flow padded
  assert.equal(digits!.kind, 'conclusion');
  assert.equal(digits!.example.problem, 'Units digit of 7^7?');
  assert.deepEqual(digits!.example.solution, ['7^4 ends in 1', '7^7 ends like 7^3 = 343']);
  assert.equal(digits!.example.answer, '3');
  assert.deepEqual(digits!.whenToUse, ['Units digit of a power', 'Last digit questions']);
  assert.ok(digits!.steps.length >= 2);
  // capitalised keys, answer taken from the last solution line
  assert.equal(capital!.kind, 'theorem');
  assert.equal(capital!.example.problem, 'Show something.');
  assert.equal(capital!.example.answer, 'the result is 5');
  // nested "Example 1"/"Example 2": the first is used; duplicate names get distinct ids
  assert.equal(rowA!.kind, 'formula');
  assert.equal(rowA!.example.answer, '6');
  assert.notEqual(rowA!.id, rowB!.id);
  assert.deepEqual(rowA!.subjects, ['Counting & Probability']);
  assert.equal(rowB!.kind, 'application');
  assert.equal(rowB!.example.problem, '5 people around a table');
  assert.deepEqual(rowB!.example.solution, ['Fix one', '4! = 24']);
  // unknown type, empty tags, empty scenario, string flow, empty example: repaired with warnings
  assert.equal(odd!.kind, undefined);
  assert.ok(odd!.tags.length > 0);
  const w = r.warnings.join('\n');
  assert.match(w, /Counting Principles › Arrangements #4: not an object; skipped/);
  assert.match(w, /"Odd type": knowledge_tag is empty/);
  assert.match(w, /"Odd type": application_scenario is missing/);
  assert.match(w, /"Odd type": reason_flow has fewer than two steps/);
  assert.match(w, /template_type "Mystery Category" \(1×\) is not a known kind/);
  assert.match(w, /"Arrangements in a row": example has 2 parts; the first \("Example 1"\) is used/);
});

test('a file that is not the upstream format is a TemplateImportError', () => {
  assert.throws(() => importReasonFluxV1([1, 2]), TemplateImportError);
  assert.throws(() => importReasonFluxV1({ a: 1 }), TemplateImportError);
  assert.throws(() => importReasonFluxV1Text('{oops'), /invalid JSON/);
  assert.throws(() => importReasonFluxV1(null), TemplateImportError);
});

test('the real upstream library: all 420 templates import and validate', { skip: skipUnlessShared('reasonflux-v1-template-library.json') }, () => {
  const r = importReasonFluxV1Text(readFileSync(sharedFile('reasonflux-v1-template-library.json')!, 'utf8'));
  assert.equal(r.templates.length, 420);
  assert.equal(new Set(r.templates.map((t) => t.id)).size, 420);
  const kinds = new Set(r.templates.map((t) => t.kind));
  assert.deepEqual([...kinds].sort(), ['application', 'conclusion', 'formula', 'method', 'theorem']);
  for (const t of r.templates) {
    assert.ok(thoughtTemplateSchema.safeParse(t).success, t.id);
    assert.ok(!t.example.problem.includes('\\n') || /\\n(?:eq|ot)/.test(t.example.problem), `literal \\n left in ${t.id}`);
  }
  assert.ok(!r.warnings.some((x) => /skipped/.test(x)), r.warnings.filter((x) => /skipped/.test(x)).join('\n'));
});
