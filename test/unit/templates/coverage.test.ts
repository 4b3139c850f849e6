import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defaultBuiltinDir } from '../../../src/core/templates/library.js';
import { loadTemplateDirSync } from '../../../src/core/templates/loader.js';
import { coverageReport, formatCoverage, loadSyllabus, parseSyllabus, SyllabusError } from '../../../src/core/templates/coverage.js';

const dir = defaultBuiltinDir();
const ids = loadTemplateDirSync(dir, 'builtin').templates.map((t) => t.id);

test('the shipped syllabus is valid and every id it names is in the library', () => {
  const s = loadSyllabus(join(dir, 'coverage', 'syllabus.json'));
  const r = coverageReport(s, ids);
  const unknown = r.sources.flatMap((src) => src.chapters.flatMap((c) => c.unknown.map((u) => `${src.id} › ${c.chapter}: ${u.ids.join(', ')}`)));
  assert.deepEqual(unknown, []);
  assert.ok(r.sources.length >= 8, 'several texts and courses');
  assert.ok(r.methods >= 300, `${r.methods} methods`);
  assert.equal(r.covered + r.sources.reduce((a, s) => a + s.chapters.reduce((b, c) => b + c.open.length, 0), 0), r.methods);
});

test('open and unknown methods are reported, and the text lists them', () => {
  const s = parseSyllabus(
    JSON.stringify({
      sources: [
        { id: 'x', title: 'A text', kind: 'book', chapters: [{ chapter: 'One', methods: [
          { method: 'covered', templates: [ids[0]] },
          { method: 'open one', templates: [] },
          { method: 'renamed', templates: ['no.such-template'] },
        ] }] },
      ],
    }),
  );
  const r = coverageReport(s, ids);
  assert.equal(r.methods, 3);
  assert.equal(r.covered, 1);
  assert.deepEqual(r.open.sort(), ['open one', 'renamed']);
  assert.deepEqual(r.sources[0]!.chapters[0]!.unknown, [{ method: 'renamed', ids: ['no.such-template'] }]);
  const text = formatCoverage(r);
  assert.match(text, /1 of 3 methods/);
  assert.match(text, /open: open one/);
  assert.match(text, /not in the library: no\.such-template/);
});

test('a malformed syllabus is a clear error', () => {
  assert.throws(() => parseSyllabus('{', 's.json'), (e: unknown) => e instanceof SyllabusError && /s\.json: not JSON/.test((e as Error).message));
  assert.throws(() => parseSyllabus('{"sources": [{"id": "Bad Id", "title": "t", "kind": "book", "chapters": []}]}'), SyllabusError);
});
