// The hand-labelled detection corpus in test/fixtures/detect-corpus (see its README): label files,
// document text (stored in the repo, or rebuilt into .cache/detect-corpus by scripts/corpus/rebuild.ts),
// and precision / recall / F1 of the detector on it, overall and per style, language and format.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectProblems } from '../../src/core/detect/index.js';

export const CORPUS_DIR = resolve(__dirname, '..', 'fixtures', 'detect-corpus');
export const CACHE_DIR = resolve(__dirname, '..', '..', '.cache', 'detect-corpus');

export interface CorpusLabel {
  id: string;
  format: 'latex' | 'markdown';
  language: string;
  style: string[];
  source: { repo: string; path: string; commit: string; sha256: string; excerpt?: string };
  license: string;
  stored: boolean;
  problems: { line: number; kind: 'problem' | 'exercise' | 'question' | 'item' }[];
  examples: { line: number }[];
  notes: string;
}

export const extOf = (l: Pick<CorpusLabel, 'format'>): string => (l.format === 'latex' ? 'tex' : 'md');

/** Every label file, parsed (throws with the file name on malformed JSON). */
export function loadLabels(dir = CORPUS_DIR): CorpusLabel[] {
  const ldir = join(dir, 'labels');
  if (!existsSync(ldir)) return [];
  return readdirSync(ldir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      try {
        return JSON.parse(readFileSync(join(ldir, f), 'utf8')) as CorpusLabel;
      } catch (e) {
        throw new Error(`${f}: ${(e as Error).message}`);
      }
    });
}

/** Problems with a label file, as one-line messages (empty when it is well-formed). */
export function labelProblems(l: CorpusLabel, fileName: string): string[] {
  const bad: string[] = [];
  const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (!isStr(l.id) || fileName !== `${l.id}.json`) bad.push(`id '${String(l.id)}' does not match the file name ${fileName}`);
  if (l.format !== 'latex' && l.format !== 'markdown') bad.push(`format must be latex or markdown, not ${String(l.format)}`);
  if (!isStr(l.language) || !/^[a-z]{2}$/.test(l.language)) bad.push(`language must be an ISO 639-1 code, not ${String(l.language)}`);
  if (!Array.isArray(l.style) || l.style.length === 0 || !l.style.every((s) => /^(?:tex|md)-[a-z-]+$/.test(s))) bad.push('style must be a non-empty list of tex-*/md-* names');
  const s = l.source as Partial<CorpusLabel['source']> | undefined;
  if (!s || !isStr(s.repo) || !/^[^/\s]+\/[^/\s]+$/.test(s.repo)) bad.push('source.repo must be owner/name');
  if (!s || !isStr(s.path)) bad.push('source.path is missing');
  if (!s || !/^[0-9a-f]{40}$/.test(String(s.commit))) bad.push('source.commit must be 40 hex digits');
  if (!s || !/^[0-9a-f]{64}$/.test(String(s.sha256))) bad.push('source.sha256 must be 64 hex digits');
  if (!isStr(l.license)) bad.push('license is missing');
  if (typeof l.stored !== 'boolean') bad.push('stored must be true or false');
  if (!isStr(l.notes)) bad.push('notes are missing');
  const lines = (xs: unknown, what: string): void => {
    if (!Array.isArray(xs)) {
      bad.push(`${what} must be a list`);
      return;
    }
    const seen = new Set<number>();
    for (const p of xs as { line?: unknown }[]) {
      if (!Number.isInteger(p.line) || (p.line as number) < 1) bad.push(`${what}: line ${String(p.line)} is not a 1-based line number`);
      else if (seen.has(p.line as number)) bad.push(`${what}: line ${String(p.line)} is listed twice`);
      else seen.add(p.line as number);
    }
  };
  lines(l.problems, 'problems');
  lines(l.examples, 'examples');
  if (Array.isArray(l.problems)) for (const p of l.problems) if (!['problem', 'exercise', 'question', 'item'].includes(p.kind)) bad.push(`problems: kind '${String(p.kind)}' at line ${p.line}`);
  return bad;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Where the document's bytes are: the stored copy, else the rebuilt cache copy, else undefined. */
export function documentPath(l: CorpusLabel, dir = CORPUS_DIR, cache = CACHE_DIR): string | undefined {
  const name = `${l.id}.${extOf(l)}`;
  const stored = join(dir, 'docs', name);
  if (l.stored && existsSync(stored)) return stored;
  const cached = join(cache, 'docs', name);
  return existsSync(cached) ? cached : undefined;
}

export interface Tally {
  tp: number;
  found: number;
  expected: number;
  docs: number;
}
export interface DocScore extends Tally {
  id: string;
  missed: number[];
  extra: number[];
}

export function prf(tp: number, found: number, expected: number): { precision: number; recall: number; f1: number } {
  const precision = found === 0 ? (expected === 0 ? 1 : 0) : tp / found;
  const recall = expected === 0 ? (found === 0 ? 1 : 0) : tp / expected;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Scores one document: a hit is a detected problem starting on a labelled start line (1-based). */
export function scoreDocument(l: CorpusLabel, text: string): DocScore {
  const got = new Set(detectProblems(text, l.format).map((p) => p.startLine + 1));
  const want = new Set(l.problems.map((p) => p.line));
  const tp = [...got].filter((x) => want.has(x)).length;
  return {
    id: l.id,
    tp,
    found: got.size,
    expected: want.size,
    docs: 1,
    missed: [...want].filter((x) => !got.has(x)).sort((a, b) => a - b),
    extra: [...got].filter((x) => !want.has(x)).sort((a, b) => a - b),
  };
}

export interface CorpusScore {
  docs: DocScore[];
  skipped: { id: string; why: string }[];
  overall: Tally;
  byStyle: Map<string, Tally>;
  byLanguage: Map<string, Tally>;
  byFormat: Map<string, Tally>;
}

/** Scores every labelled document whose text is at hand; the others are listed in `skipped`. */
export function scoreCorpus(dir = CORPUS_DIR, cache = CACHE_DIR): CorpusScore {
  const r: CorpusScore = { docs: [], skipped: [], overall: { tp: 0, found: 0, expected: 0, docs: 0 }, byStyle: new Map(), byLanguage: new Map(), byFormat: new Map() };
  const add = (m: Map<string, Tally>, k: string, s: Tally): void => {
    const t = m.get(k) ?? { tp: 0, found: 0, expected: 0, docs: 0 };
    t.tp += s.tp;
    t.found += s.found;
    t.expected += s.expected;
    t.docs += s.docs;
    m.set(k, t);
  };
  for (const l of loadLabels(dir)) {
    const path = documentPath(l, dir, cache);
    if (!path) {
      r.skipped.push({ id: l.id, why: l.stored ? 'stored copy missing' : 'not stored in the repo; run `node --import tsx scripts/corpus/rebuild.ts`' });
      continue;
    }
    const bytes = readFileSync(path);
    if (sha256(bytes) !== l.source.sha256) {
      r.skipped.push({ id: l.id, why: `${path} does not match its sha256` });
      continue;
    }
    const s = scoreDocument(l, bytes.toString('utf8'));
    r.docs.push(s);
    for (const k of ['tp', 'found', 'expected', 'docs'] as const) r.overall[k] += s[k];
    for (const st of l.style) add(r.byStyle, st, s);
    add(r.byLanguage, l.language, s);
    add(r.byFormat, l.format, s);
  }
  return r;
}

const row = (name: string, t: Tally, width = 18): string => {
  const { precision, recall, f1 } = prf(t.tp, t.found, t.expected);
  return `${name.padEnd(width)} ${String(t.docs).padStart(4)} ${String(t.expected).padStart(5)} ${String(t.found).padStart(5)} ${String(t.tp).padStart(5)}   ${precision.toFixed(3)}  ${recall.toFixed(3)}  ${f1.toFixed(3)}`;
};

/** The per-style / per-language / per-format tables as text. */
export function formatCorpusScore(r: CorpusScore, perDocument = false): string {
  const head = (what: string): string => `${what.padEnd(18)} docs  want found   hit   prec.   rec.    F1`;
  const out: string[] = [];
  const table = (title: string, m: Map<string, Tally>): void => {
    out.push(head(title));
    for (const k of [...m.keys()].sort()) out.push(row(k, m.get(k)!));
  };
  table('style', r.byStyle);
  out.push('');
  table('language', r.byLanguage);
  out.push('');
  table('format', r.byFormat);
  out.push(row('overall', r.overall));
  if (perDocument) {
    out.push('');
    for (const d of r.docs) {
      const extra = (d.missed.length ? ` missed ${d.missed.join(',')}` : '') + (d.extra.length ? ` extra ${d.extra.join(',')}` : '');
      out.push(row(d.id, d, 28) + extra);
    }
  }
  for (const s of r.skipped) out.push(`skipped ${s.id}: ${s.why}`);
  return out.join('\n');
}
