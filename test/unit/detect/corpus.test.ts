// The hand-labelled detection corpus (test/fixtures/detect-corpus): every label file is well-formed, every
// stored document matches its sha256 and licence rule, and the detector keeps a floor of F1 on it, so a
// regression on real documents fails. Documents not stored in the repo count only when rebuilt into
// .cache/detect-corpus (scripts/corpus/rebuild.ts); the stored ones always do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectProblems, ProblemDetector } from '../../../src/core/detect/index.js';
import { CORPUS_DIR, documentPath, extOf, labelProblems, loadLabels, prf, scoreCorpus, scoreDocument, sha256 } from '../../support/detect-corpus.js';

const REDISTRIBUTABLE = new Set(['MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', 'CC0-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'Unlicense', 'public-domain']);

test('corpus: every label file is well-formed', () => {
  const files = readdirSync(join(CORPUS_DIR, 'labels')).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 22, `at least 22 labelled documents (found ${files.length})`);
  const bad: string[] = [];
  for (const f of files) {
    const l = JSON.parse(readFileSync(join(CORPUS_DIR, 'labels', f), 'utf8'));
    for (const msg of labelProblems(l, f)) bad.push(`${f}: ${msg}`);
  }
  assert.deepEqual(bad, []);
  // The checker itself rejects what it should.
  const good = loadLabels()[0]!;
  assert.deepEqual(labelProblems(good, `${good.id}.json`), []);
  assert.ok(labelProblems({ ...good, problems: [{ line: 0, kind: 'problem' }] }, `${good.id}.json`).length > 0);
  assert.ok(labelProblems({ ...good, source: { ...good.source, sha256: 'x' } }, `${good.id}.json`).length > 0);
  assert.ok(labelProblems(good, 'other.json').length > 0);
});

test('corpus: stored documents are byte-exact, redistributable, and only those are stored', () => {
  const labels = loadLabels();
  const storedFiles = new Set(readdirSync(join(CORPUS_DIR, 'docs')));
  for (const l of labels) {
    const name = `${l.id}.${extOf(l)}`;
    if (l.stored) {
      assert.ok(REDISTRIBUTABLE.has(l.license), `${l.id}: stored under ${l.license}, which is not on the redistributable list`);
      assert.ok(storedFiles.has(name), `${l.id}: stored but ${name} is missing`);
      const bytes = readFileSync(join(CORPUS_DIR, 'docs', name));
      assert.equal(sha256(bytes), l.source.sha256, `${l.id}: bytes differ from the labelled sha256`);
      const lines = bytes.toString('utf8').split('\n').length;
      for (const p of [...l.problems, ...l.examples]) assert.ok(p.line <= lines, `${l.id}: line ${p.line} is past the end (${lines} lines)`);
    } else assert.ok(!storedFiles.has(name), `${l.id}: not redistributable but ${name} is in docs/`);
    storedFiles.delete(name);
  }
  assert.deepEqual([...storedFiles], [], 'every file in docs/ has a label file');
});

test('corpus: F1 floor on the labelled real documents (per-style table printed)', () => {
  const r = scoreCorpus();
  const stored = loadLabels().filter((l) => l.stored);
  assert.ok(r.docs.length >= stored.length, 'every stored document is scored');
  const o = prf(r.overall.tp, r.overall.found, r.overall.expected);
  console.log(`corpus: ${r.docs.length} documents, ${r.skipped.length} skipped (not rebuilt); P=${o.precision.toFixed(3)} R=${o.recall.toFixed(3)} F1=${o.f1.toFixed(3)}`);
  assert.ok(o.f1 >= 0.9, `corpus F1 ${o.f1.toFixed(3)} < 0.9`);
  // The stored subset alone (present in every clone).
  let tp = 0;
  let found = 0;
  let expected = 0;
  for (const l of stored) {
    const s = scoreDocument(l, readFileSync(documentPath(l)!, 'utf8'));
    tp += s.tp;
    found += s.found;
    expected += s.expected;
  }
  assert.ok(prf(tp, found, expected).f1 >= 0.9, `stored-subset F1 ${prf(tp, found, expected).f1.toFixed(3)} < 0.9`);
  // Problem-free documents stay clean.
  for (const d of r.docs) if (d.expected === 0) assert.equal(d.found, 0, `${d.id}: false positives at lines ${d.extra.join(',')}`);
});

test('corpus: on real documents, incremental detection after random edits equals a fresh detection', () => {
  let s = 20261206;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pieces = ['\n', 'x', '\\begin{problem}\n', '\\end{problem}\n', '\\section{Exercise 3}\n', '\\item ', '\\textbf{Problem 2.} ', '%', '\\begin{solution}\nOk.\n\\end{solution}\n', 'Show that ', '\\begin{frame}{Exercise}\n', '\\pr ', '}', '{'];
  const view = (ps: readonly { startLine: number; endOffset: number; blockEndOffset: number; kind: string; solved: boolean; text: string }[]) =>
    ps.map((p) => [p.startLine, p.endOffset, p.blockEndOffset, p.kind, p.solved, p.text]);
  for (const l of loadLabels().filter((x) => x.stored && x.format === 'latex')) {
    let text = readFileSync(documentPath(l)!, 'utf8');
    const det = new ProblemDetector('latex');
    det.reset(text);
    for (let step = 0; step < 25; step++) {
      const at = Math.floor(rand() * (text.length + 1));
      const r = rand();
      const end = r < 0.3 ? Math.min(text.length, at + Math.floor(rand() * 200)) : at;
      const insert = r < 0.15 ? '' : pieces[Math.floor(rand() * pieces.length)]!;
      const next = text.slice(0, at) + insert + text.slice(end);
      assert.deepEqual(view(det.edit(at, end, insert, next)), view(detectProblems(next, 'latex')), `${l.id} step ${step}: [${at},${end}) → ${JSON.stringify(insert)}`);
      text = next;
    }
  }
});
