// The built-in library precomputed at build time (`npm run build` writes dist/library.json): the validated
// templates plus their analysed, interned index fields. Loading it skips JSON-per-file parsing, zod
// validation and text analysis — the slow part of starting retrieval. It is used only when it provably
// matches what building from templates/ would give: the same template files (names and SHA-1 of their
// bytes), the same indexed fields and BM25 parameters, and the same analyser (the same build of the bundle,
// or else a signature of the analyser's tables and of its output on a probe text). Anything else — missing,
// stale, corrupt — falls back to loading templates/ (library.ts). With only built-in templates the saved
// postings are used as they are; with user templates, the built-ins' saved analysis is reused and only the
// user's templates are analysed.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { Bm25Index, type FieldSpec } from './bm25.js';
import { analyzeTemplates, DEFAULT_FIELDS, DEFAULT_K1, type PreAnalyzed } from './index.js';
import { isTemplateFileName, loadTemplateDirSync, type LoadResult } from './loader.js';
import { analyzerSignature } from './tokenize.js';
import type { ThoughtTemplate } from './types.js';

/** Bump when the layout of the file changes. */
export const PRECOMPUTED_FORMAT = 1;

// Set by esbuild.mjs (`define`) to one id per build: the bundles and dist/library.json of the same build
// share it, so a bundle can trust its own build's analysis without recomputing the analyser signature.
declare const __REASONFLUX_BUILD_ID__: string | undefined;
const BUILD_ID: string | undefined = typeof __REASONFLUX_BUILD_ID__ === 'string' ? __REASONFLUX_BUILD_ID__ : undefined;

/**
 * The file's JSON layout. Integer arrays are little-endian typed arrays in base64 (compact and fast to
 * decode); "uint" arrays are Uint16 when every value fits, else Uint32.
 */
export interface PrecomputedFile {
  format: number;
  /** analyzerSignature() when written. */
  analyzer: string;
  /** The build that wrote the file (see BUILD_ID), when built by esbuild.mjs. */
  build?: string;
  /** Indexed fields, in order, and BM25 k1 of the saved postings. */
  fields: FieldSpec[];
  k1: number;
  /** Template files of the built-in folder (sorted) with the SHA-1 of their bytes. */
  files: Array<{ name: string; sha1: string }>;
  /** Validated templates (zod output) without `origin` and `file`. */
  templates: Array<Omit<ThoughtTemplate, 'origin' | 'file'>>;
  /** Index into `files` of each template's file. */
  fileOf: number[];
  termNames: string[];
  /** templates·fields + 1 offsets into `termIds` (field f of template d starts at bounds[d·F+f]). */
  bounds: EncodedUints;
  /** Term ids of every analysed field, concatenated. */
  termIds: EncodedUints;
  /** The built postings over `templates` (weights: base64 Float32, masks: base64 Uint16). */
  postings: { offsets: EncodedUints; docs: EncodedUints; weights: string; masks: string };
}

/** The built-in layer and its analysis, ready for mergeLayers and createTemplateIndex({ preAnalyzed }). */
export interface PrecomputedLibrary {
  layer: LoadResult;
  preAnalyzed: PreAnalyzed;
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Unsigned integers: base64 of little-endian Uint16 (`u16`) or Uint32 (`u32`). */
export type EncodedUints = { u16: string } | { u32: string };

function encodeUints(values: ArrayLike<number>): EncodedUints {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max <= 0xffff ? { u16: encode(Uint16Array.from(values)) } : { u32: encode(Uint32Array.from(values)) };
}

function decodeUints(e: unknown): Uint32Array | undefined {
  if (!e || typeof e !== 'object') return undefined;
  if ('u32' in e) return decode((e as { u32: unknown }).u32, Uint32Array);
  const u16 = 'u16' in e ? decode((e as { u16: unknown }).u16, Uint16Array) : undefined;
  return u16 ? Uint32Array.from(u16) : undefined;
}

type TypedArrayOf<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

function encode(a: Uint32Array | Float32Array | Uint16Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decode<T extends Uint32Array | Float32Array | Uint16Array>(b64: unknown, Type: TypedArrayOf<T>): T | undefined {
  if (typeof b64 !== 'string') return undefined;
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength % Type.BYTES_PER_ELEMENT !== 0) return undefined;
  const out = new Type(buf.byteLength / Type.BYTES_PER_ELEMENT);
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
  const postings = new Bm25Index(analysed, DEFAULT_FIELDS, { k1: DEFAULT_K1 }).postings();
  const file: PrecomputedFile = {
    format: PRECOMPUTED_FORMAT,
    analyzer: analyzerSignature(),
    ...(BUILD_ID ? { build: BUILD_ID } : {}),
    fields: DEFAULT_FIELDS.map((f) => ({ ...f })),
    k1: DEFAULT_K1,
    files,
    templates: loaded.templates.map(({ origin: _o, file: _f, ...rest }) => rest),
    fileOf: loaded.templates.map((t) => fileIndex.get(t.file ?? '') ?? -1),
    termNames: [...analysed.termNames],
    bounds: encodeUints(bounds),
    termIds: encodeUints(termIds),
    postings: { offsets: encodeUints(postings.offsets), docs: encodeUints(postings.docs), weights: encode(postings.weights), masks: encode(postings.masks) },
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
  // Pure ASCII (non-ASCII characters as \u escapes): read back as a one-byte string with no UTF-8
  // decoding, which parses faster too.
  writeFileSync(out, JSON.stringify(file).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
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
  if (p.format !== PRECOMPUTED_FORMAT) return undefined;
  if (!(BUILD_ID !== undefined && p.build === BUILD_ID) && p.analyzer !== analyzerSignature()) return undefined;
  const fields = DEFAULT_FIELDS;
  const sameFields =
    Array.isArray(p.fields) && p.fields.length === fields.length &&
    fields.every((f, i) => p.fields![i]?.name === f.name && p.fields![i]?.boost === f.boost && p.fields![i]?.b === f.b);
  if (!sameFields || typeof p.k1 !== 'number') return undefined;
  if (!Array.isArray(p.files) || !Array.isArray(p.templates) || !Array.isArray(p.fileOf) || !Array.isArray(p.termNames)) return undefined;
  if (p.files.length !== names.length || p.fileOf.length !== p.templates.length) return undefined;
  for (let i = 0; i < names.length; i++) {
    const f = p.files[i];
    if (!f || f.name !== names[i] || f.sha1 !== sha1(bytesOf(names[i]!))) return undefined;
  }
  const nf = fields.length;
  const n = p.templates.length;
  const paths = names.map((name) => join(dir, name));
  const templates: ThoughtTemplate[] = new Array(n);
  const position = new Map<ThoughtTemplate, number>();
  for (let d = 0; d < n; d++) {
    const path = paths[p.fileOf[d]!];
    const raw = p.templates[d];
    if (path === undefined || !looksLikeTemplate(raw)) return undefined;
    // The parsed objects are ours: complete them in place (same key order as the loader gives).
    const t = raw as ThoughtTemplate;
    t.origin = 'builtin';
    t.file = path;
    templates[d] = t;
    position.set(t, d);
  }
  // The per-template analysis is needed only with user templates: decoded on first use. Term ids are
  // range-checked by Bm25Index when it is used; bad bounds make it unusable (undefined: analyse instead).
  let analysis: { bounds: Uint32Array; termIds: Uint32Array } | null | undefined;
  const analysed = () => {
    if (analysis !== undefined) return analysis;
    const bounds = decodeUints(p.bounds);
    const termIds = decodeUints(p.termIds);
    let ok = !!bounds && !!termIds && bounds.length === n * nf + 1 && bounds[0] === 0 && bounds[n * nf] === termIds.length;
    for (let i = 0; ok && i < n * nf; i++) if (bounds![i]! > bounds![i + 1]!) ok = false;
    analysis = ok ? { bounds: bounds!, termIds: termIds! } : null;
    return analysis;
  };
  const docOf = (t: ThoughtTemplate): Uint32Array[] | undefined => {
    const d = position.get(t);
    const a = d === undefined ? undefined : analysed();
    if (d === undefined || !a) return undefined;
    const { bounds, termIds } = a;
    const out: Uint32Array[] = new Array(nf);
    for (let f = 0; f < nf; f++) out[f] = termIds.subarray(bounds[d * nf + f]!, bounds[d * nf + f + 1]!);
    return out;
  };
  const pp = p.postings;
  const offsets = decodeUints(pp?.offsets);
  const docs = decodeUints(pp?.docs);
  const weights = decode(pp?.weights, Float32Array);
  const masks = decode(pp?.masks, Uint16Array);
  if (!offsets || !docs || !weights || !masks) return undefined;
  // Shapes and ranges are checked by Bm25Index.fromPostings (the index falls back to analysing on failure).
  const postings = { termNames: p.termNames, docCount: n, k1: p.k1, offsets, docs, weights, masks };
  return {
    layer: { templates, errors: [], files: paths },
    preAnalyzed: { fields, termNames: p.termNames, docOf, templates, postings },
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrs = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);

/**
 * A cheap structural check of a saved template (they were validated with zod when the file was written;
 * this only guards against a damaged file, so nothing downstream meets a missing field).
 */
function looksLikeTemplate(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object') return false;
  const t = raw as Record<string, unknown>;
  const ex = t.example as Record<string, unknown> | null | undefined;
  const dif = t.difficulty as Record<string, unknown> | null | undefined;
  return (
    isStr(t.id) && isStr(t.name) && isStr(t.chapter) && isStr(t.section) && isStr(t.description) &&
    isStrs(t.subjects) && isStrs(t.tags) && isStrs(t.whenToUse) && isStrs(t.steps) && isStrs(t.pitfalls) &&
    !!dif && typeof dif === 'object' && typeof dif.min === 'number' && typeof dif.max === 'number' &&
    !!ex && typeof ex === 'object' && isStr(ex.problem) && isStrs(ex.solution) && isStr(ex.answer) &&
    (t.kind === undefined || isStr(t.kind))
  );
}

/** The file's text: ASCII (as written) decodes as a one-byte string, much faster than UTF-8 decoding. */
function bufferText(buf: Buffer): string {
  return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
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
    const [buf, listing] = await Promise.all([readFile(file), readdir(dir)]);
    const text = bufferText(buf);
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
    const text = bufferText(readFileSync(file));
    const names = templateFileNames(readdirSync(dir));
    return decodePrecomputed(parse(text), dir, names, (n) => readFileSync(join(dir, n)));
  } catch {
    return undefined;
  }
}
