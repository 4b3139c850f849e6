// The built-in library precomputed at build time (`npm run build` writes dist/library.json): the validated
// templates plus their analysed, interned index fields. Loading it skips JSON-per-file parsing, zod
// validation and text analysis — the slow part of starting retrieval. It is used only when it provably
// matches what building from templates/ would give: the same template files (names and SHA-1 of their
// bytes), the same indexed fields and the same analyser (a signature of its tables and of its output on a
// probe text). Anything else — missing, stale, corrupt — falls back to loading templates/ (library.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { analyzeTemplates, DEFAULT_FIELDS, type PreAnalyzed } from './index.js';
import { isTemplateFileName, loadTemplateDirSync, type LoadResult } from './loader.js';
import { analyzerSignature } from './tokenize.js';
import type { ThoughtTemplate } from './types.js';

/** Bump when the layout of the file changes. */
export const PRECOMPUTED_FORMAT = 1;

/** The file's JSON layout. Integer arrays are little-endian Uint32 in base64 (compact and fast to decode). */
export interface PrecomputedFile {
  format: number;
  /** analyzerSignature() when written. */
  analyzer: string;
  /** Indexed field names, in order. */
  fields: string[];
  /** Template files of the built-in folder (sorted) with the SHA-1 of their bytes. */
  files: Array<{ name: string; sha1: string }>;
  /** Validated templates (zod output) without `origin` and `file`. */
  templates: Array<Omit<ThoughtTemplate, 'origin' | 'file'>>;
  /** Index into `files` of each template's file. */
  fileOf: number[];
  termNames: string[];
  /** base64 Uint32: templates·fields + 1 offsets into `termIds` (field f of template d starts at bounds[d·F+f]). */
  bounds: string;
  /** base64 Uint32: term ids of every analysed field, concatenated. */
  termIds: string;
}

/** The built-in layer and its analysis, ready for mergeLayers and createTemplateIndex({ preAnalyzed }). */
export interface PrecomputedLibrary {
  layer: LoadResult;
  preAnalyzed: PreAnalyzed;
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function encodeU32(values: ArrayLike<number>): string {
  const a = Uint32Array.from(values);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeU32(b64: unknown): Uint32Array | undefined {
  if (typeof b64 !== 'string') return undefined;
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength % 4 !== 0) return undefined;
  const out = new Uint32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf); // copy: the decoded Buffer may be unaligned (pooled)
  return out;
}

/** Template file names of a folder, as the loader sees them. */
function templateFileNames(names: string[]): string[] {
  return names.filter(isTemplateFileName).sort();
}

/**
 * Builds the precomputed form of a built-in folder. Returns the errors instead when the folder does not
 * load cleanly (a library with problems is not precomputed: loading it from source reports them).
 */
export function buildPrecomputed(dir: string): { file?: PrecomputedFile; errors: string[] } {
  const loaded = loadTemplateDirSync(dir, 'builtin');
  if (loaded.errors.length > 0) return { errors: loaded.errors };
  const names = templateFileNames(readdirSync(dir));
  const files = names.map((name) => ({ name, sha1: sha1(readFileSync(join(dir, name))) }));
  const fileIndex = new Map(names.map((n, i) => [join(dir, n), i]));
  const analysed = analyzeTemplates(loaded.templates, DEFAULT_FIELDS);
  const bounds: number[] = [0];
  const termIds: number[] = [];
  for (const doc of analysed.docs) {
    for (const field of doc) {
      for (let i = 0; i < field.length; i++) termIds.push(field[i]!);
      bounds.push(termIds.length);
    }
  }
  const file: PrecomputedFile = {
    format: PRECOMPUTED_FORMAT,
    analyzer: analyzerSignature(),
    fields: DEFAULT_FIELDS.map((f) => f.name),
    files,
    templates: loaded.templates.map(({ origin: _o, file: _f, ...rest }) => rest),
    fileOf: loaded.templates.map((t) => fileIndex.get(t.file ?? '') ?? -1),
    termNames: [...analysed.termNames],
    bounds: encodeU32(bounds),
    termIds: encodeU32(termIds),
  };
  return { file, errors: [] };
}

/** Writes `out` for the folder `dir`; when the folder has problems, removes a stale `out` and returns them. */
export function writePrecomputed(dir: string, out: string): { count: number; errors: string[] } {
  const { file, errors } = buildPrecomputed(dir);
  if (!file) {
    if (existsSync(out)) rmSync(out);
    return { count: 0, errors };
  }
  writeFileSync(out, JSON.stringify(file));
  return { count: file.templates.length, errors: [] };
}

/**
 * Checks a parsed precomputed file against the folder's current file names and bytes and decodes it.
 * `undefined` when it does not match or is malformed (then the caller loads from source).
 */
export function decodePrecomputed(
  data: unknown,
  dir: string,
  names: string[],
  bytesOf: (name: string) => Uint8Array,
): PrecomputedLibrary | undefined {
  if (endianness() !== 'LE' || !data || typeof data !== 'object') return undefined;
  const p = data as Partial<PrecomputedFile>;
  if (p.format !== PRECOMPUTED_FORMAT || p.analyzer !== analyzerSignature()) return undefined;
  const fields = DEFAULT_FIELDS.map((f) => f.name);
  if (!Array.isArray(p.fields) || p.fields.length !== fields.length || p.fields.some((f, i) => f !== fields[i])) return undefined;
  if (!Array.isArray(p.files) || !Array.isArray(p.templates) || !Array.isArray(p.fileOf) || !Array.isArray(p.termNames)) return undefined;
  if (p.files.length !== names.length || p.fileOf.length !== p.templates.length) return undefined;
  for (let i = 0; i < names.length; i++) {
    const f = p.files[i];
    if (!f || f.name !== names[i] || f.sha1 !== sha1(bytesOf(names[i]!))) return undefined;
  }
  const bounds = decodeU32(p.bounds);
  const termIds = decodeU32(p.termIds);
  const nf = fields.length;
  const n = p.templates.length;
  if (!bounds || !termIds || bounds.length !== n * nf + 1 || bounds[n * nf] !== termIds.length) return undefined;
  const nTerms = p.termNames.length;
  for (let i = 0; i < termIds.length; i++) if (termIds[i]! >= nTerms) return undefined;
  const paths = names.map((name) => join(dir, name));
  const templates: ThoughtTemplate[] = new Array(n);
  const docs = new Map<ThoughtTemplate, ReadonlyArray<ArrayLike<number>>>();
  for (let d = 0; d < n; d++) {
    const path = paths[p.fileOf[d]!];
    const raw = p.templates[d];
    if (path === undefined || !raw || typeof raw !== 'object') return undefined;
    const t: ThoughtTemplate = { ...raw, origin: 'builtin', file: path };
    const fieldIds: Uint32Array[] = new Array(nf);
    for (let f = 0; f < nf; f++) {
      const a = bounds[d * nf + f]!;
      const b = bounds[d * nf + f + 1]!;
      if (b < a) return undefined;
      fieldIds[f] = termIds.subarray(a, b);
    }
    templates[d] = t;
    docs.set(t, fieldIds);
  }
  return {
    layer: { templates, errors: [], files: paths },
    preAnalyzed: { fields, termNames: p.termNames, docs },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Loads `file` when it matches the folder `dir` (see decodePrecomputed); never throws. */
export async function loadPrecomputed(file: string, dir: string): Promise<PrecomputedLibrary | undefined> {
  try {
    const [text, listing] = await Promise.all([readFile(file, 'utf8'), readdir(dir)]);
    const names = templateFileNames(listing);
    const bytes = await Promise.all(names.map((n) => readFile(join(dir, n))));
    const byName = new Map(names.map((n, i) => [n, bytes[i]!]));
    return decodePrecomputed(parse(text), dir, names, (n) => byName.get(n)!);
  } catch {
    return undefined;
  }
}

/** Synchronous variant of loadPrecomputed. */
export function loadPrecomputedSync(file: string, dir: string): PrecomputedLibrary | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const names = templateFileNames(readdirSync(dir));
    return decodePrecomputed(parse(text), dir, names, (n) => readFileSync(join(dir, n)));
  } catch {
    return undefined;
  }
}
