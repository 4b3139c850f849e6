// Optional embedding retrieval, fused with BM25. Template vectors come from an embedding model (the
// endpoint's `/embeddings` API, see llm/openai.ts createEmbeddings) and are cached on disk per library
// version (the embedder and the text of every template); query vectors are fetched by `prepare` before
// the searches that need them (search itself stays synchronous, as the orchestrator, server and hovers
// call it). A search ranks the library by BM25 and by cosine similarity and fuses the two rankings by
// reciprocal rank (RRF). Whatever fails — no embedding route, a bad reply, an unreadable cache — retrieval
// falls back to BM25 alone and says so once.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmbeddings, describeEndpoint, type EmbeddingRequestOptions } from '../llm/openai.js';
import { subjectKey } from './index.js';
import type { SearchOptions, TemplateIndex, TemplateMatch, ThoughtTemplate } from './types.js';

/** Something that turns texts into vectors (e.g. an OpenAI-compatible `/embeddings` endpoint). */
export interface Embedder {
  /** Names the model and endpoint: part of the cache key (e.g. "http://localhost:11434/v1#nomic-embed-text"). */
  readonly id: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Bump when the cache file layout or the embedded template text changes. */
export const EMBEDDING_CACHE_FORMAT = 1;
/** RRF constant: fused score of a template = Σ over rankings of 1 / (RRF_K + rank). */
export const RRF_K = 60;
/** In the embedding ranking a general template competes with its similarity times this (cf. GENERAL_WEIGHT). */
export const EMBEDDING_GENERAL_FACTOR = 0.92;

/** An Embedder over an OpenAI-compatible endpoint's `/embeddings` route. */
export function openAiEmbedder(options: Omit<EmbeddingRequestOptions, 'signal'>): Embedder {
  return {
    id: `${describeEndpoint(options.baseUrl)}#${options.model}`,
    embed: (texts, signal) => createEmbeddings(texts, { ...options, ...(signal ? { signal } : {}) }),
  };
}

export interface HybridOptions {
  /** Folder for cached template vectors (e.g. the extension's global storage, the CLI's cache dir). */
  cacheDir?: string;
  /** Templates per embedding request (default 64). */
  batchSize?: number;
  /** Candidates taken from each ranking before fusing (default 40). */
  pool?: number;
  /** Query vectors kept in memory (default 512). */
  maxQueries?: number;
  signal?: AbortSignal;
  /** Told once when query embedding fails and searches fall back to BM25. */
  onNote?: (note: string) => void;
}

export interface HybridResult {
  index: TemplateIndex;
  /** true when embedding retrieval is on. */
  hybrid: boolean;
  /** Why it is off, or where the vectors came from. */
  note: string;
}

/** The text of a template that is embedded: what it is and when it applies (not its worked example). */
export function embeddingText(t: ThoughtTemplate): string {
  return [t.name, t.tags.join('; '), t.description, t.whenToUse.join('; ')].join('\n');
}

/** The text embedded for a query: the query, then its context (the problem behind a plan step). */
export function embeddingQueryText(query: string, context?: string): string {
  const q = query.trim();
  const c = context?.trim();
  return c && c !== q ? `${q}\n${c}` : q;
}

/** Cache key of a library's vectors: the embedder and the embedded text of every template, in order. */
export function libraryVersion(templates: readonly ThoughtTemplate[], embedderId: string): string {
  const h = createHash('sha256');
  h.update(`${EMBEDDING_CACHE_FORMAT}\u0000${embedderId}\u0000`);
  for (const t of templates) h.update(`${t.id}\u0000${embeddingText(t)}\u0001`);
  return h.digest('hex').slice(0, 32);
}

function normalise(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let n = 0;
  for (let i = 0; i < out.length; i++) n += out[i]! * out[i]!;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

interface CacheFile {
  format: number;
  embedder: string;
  version: string;
  ids: string[];
  dim: number;
  /** All vectors, concatenated: little-endian Float32 in base64. */
  vectors: string;
}

async function readCache(file: string, version: string, ids: readonly string[]): Promise<Float32Array[] | undefined> {
  let data: CacheFile;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (data?.format !== EMBEDDING_CACHE_FORMAT || data.version !== version || !Array.isArray(data.ids) || data.ids.length !== ids.length) return undefined;
  if (!data.ids.every((id, i) => id === ids[i]) || !Number.isInteger(data.dim) || data.dim <= 0 || typeof data.vectors !== 'string') return undefined;
  const buf = Buffer.from(data.vectors, 'base64');
  if (buf.length !== ids.length * data.dim * 4) return undefined;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const out: Float32Array[] = [];
  for (let i = 0; i < ids.length; i++) {
    const v = all.subarray(i * data.dim, (i + 1) * data.dim);
    if (!v.every(Number.isFinite)) return undefined;
    out.push(v);
  }
  return out;
}

async function writeCache(file: string, data: Omit<CacheFile, 'vectors'>, vectors: readonly Float32Array[]): Promise<void> {
  const all = new Float32Array(vectors.length * data.dim);
  vectors.forEach((v, i) => all.set(v, i * data.dim));
  const text = JSON.stringify({ ...data, vectors: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64') });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** Template vectors of `templates`: from the cache when it holds this library version, else embedded (and cached). */
export async function templateVectors(
  templates: readonly ThoughtTemplate[],
  embedder: Embedder,
  options: Pick<HybridOptions, 'cacheDir' | 'batchSize' | 'signal'> = {},
): Promise<{ vectors: Float32Array[]; cached: boolean; cacheError?: string }> {
  const version = libraryVersion(templates, embedder.id);
  const ids = templates.map((t) => t.id);
  const file = options.cacheDir ? join(options.cacheDir, `template-vectors-${version}.json`) : undefined;
  if (file) {
    const hit = await readCache(file, version, ids);
    if (hit) return { vectors: hit, cached: true };
  }
  const batch = Math.max(1, options.batchSize ?? 64);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < templates.length; i += batch) {
    const part = await embedder.embed(templates.slice(i, i + batch).map(embeddingText), options.signal);
    if (part.length !== Math.min(batch, templates.length - i)) throw new Error(`the embedder returned ${part.length} vectors for ${Math.min(batch, templates.length - i)} texts`);
    for (const v of part) vectors.push(normalise(v));
  }
  const dim = vectors[0]?.length ?? 0;
  if (vectors.some((v) => v.length !== dim || dim === 0)) throw new Error('the embedder returned vectors of different lengths');
  let cacheError: string | undefined;
  if (file) {
    try {
      await mkdir(options.cacheDir!, { recursive: true });
      await writeCache(file, { format: EMBEDDING_CACHE_FORMAT, embedder: embedder.id, version, ids, dim }, vectors);
    } catch (err) {
      cacheError = `could not write the embedding cache in ${options.cacheDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  return { vectors, cached: false, ...(cacheError ? { cacheError } : {}) };
}

/** BM25 and embedding rankings fused by reciprocal rank (see the file comment). */
export class HybridTemplateIndex implements TemplateIndex {
  private readonly queries = new Map<string, Float32Array>();
  private readonly general: Uint8Array;
  private noted = false;

  constructor(
    private readonly base: TemplateIndex,
    private readonly embedder: Embedder,
    private readonly vectors: readonly Float32Array[],
    private readonly options: Pick<HybridOptions, 'pool' | 'maxQueries' | 'onNote'> = {},
  ) {
    if (vectors.length !== base.all().length) throw new RangeError('HybridTemplateIndex: one vector per template is needed');
    this.general = Uint8Array.from(base.all(), (t) => (t.scope === 'general' ? 1 : 0));
  }

  get size(): number {
    return this.base.size;
  }

  get(id: string): ThoughtTemplate | undefined {
    return this.base.get(id);
  }

  all(): readonly ThoughtTemplate[] {
    return this.base.all();
  }

  /** Whether a search for this query (and context) will use its embedding. */
  isPrepared(query: string, context?: string): boolean {
    return this.queries.has(embeddingQueryText(query, context));
  }

  async prepare(queries: ReadonlyArray<{ query: string; context?: string }>, signal?: AbortSignal): Promise<void> {
    const texts = [...new Set(queries.map((q) => embeddingQueryText(q.query, q.context)).filter((t) => t && !this.queries.has(t)))];
    if (texts.length === 0) return;
    try {
      const vecs = await this.embedder.embed(texts, signal);
      const dim = this.vectors[0]?.length ?? 0;
      texts.forEach((t, i) => {
        const v = vecs[i];
        if (v && v.length === dim) this.remember(t, normalise(v));
      });
    } catch (err) {
      if (!this.noted && !signal?.aborted) {
        this.noted = true;
        this.options.onNote?.(`embedding retrieval: query embedding failed (${err instanceof Error ? err.message : String(err)}); those searches use BM25 alone`);
      }
    }
  }

  private remember(text: string, v: Float32Array): void {
    const max = this.options.maxQueries ?? 512;
    if (this.queries.size >= max) this.queries.delete(this.queries.keys().next().value!);
    this.queries.set(text, v);
  }

  search(query: string, options: SearchOptions = {}): TemplateMatch[] {
    const requested = Number.isFinite(options.top) ? Math.floor(options.top!) : 5;
    const top = Math.max(0, Math.min(requested, this.size));
    if (top === 0 || typeof query !== 'string' || query.trim() === '') return [];
    const qv = this.queries.get(embeddingQueryText(query, options.context));
    const pool = Math.max(top, this.options.pool ?? 40);
    const lexical = this.base.search(query, { ...options, top: qv ? pool : top });
    if (!qv) return lexical;
    const templates = this.base.all();
    const sims = this.cosineRanking(qv, options.subjects);
    const byId = new Map<string, { match?: TemplateMatch; doc?: number; rrf: number }>();
    lexical.forEach((m, rank) => byId.set(m.template.id, { match: m, rrf: 1 / (RRF_K + rank + 1) }));
    sims.slice(0, pool).forEach(({ doc }, rank) => {
      const id = templates[doc]!.id;
      const e = byId.get(id) ?? { doc, rrf: 0 };
      e.rrf += 1 / (RRF_K + rank + 1);
      byId.set(id, e);
    });
    // Fused score scaled so that first in both rankings is 1.
    const best = 2 / (RRF_K + 1);
    return [...byId.values()]
      .sort((a, b) => b.rrf - a.rrf)
      .slice(0, top)
      .map((e) => {
        const t = e.match?.template ?? templates[e.doc!]!;
        const score = Math.round((e.rrf / best) * 1000) / 1000;
        return e.match
          ? { ...e.match, score, matchedFields: [...e.match.matchedFields, ...(this.inEmbedding(t.id, sims, pool) ? ['embedding'] : [])] }
          : { template: t, score, matchedFields: ['embedding'], matchedTerms: [], ...(t.scope === 'general' ? { general: true } : {}) };
      });
  }

  /** Templates by cosine similarity to the query vector (unit vectors); general ones a little lower. */
  private cosineRanking(qv: Float32Array, subjects?: readonly string[]): Array<{ doc: number; sim: number }> {
    const templates = this.base.all();
    const wanted = subjects && subjects.length > 0 ? subjects.map(subjectKey) : undefined;
    const sims: Array<{ doc: number; sim: number }> = [];
    for (let d = 0; d < templates.length; d++) {
      if (wanted && !templates[d]!.subjects.some((s) => wanted.includes(subjectKey(s)))) continue;
      const v = this.vectors[d]!;
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * qv[i]!;
      sims.push({ doc: d, sim: this.general[d] ? dot * EMBEDDING_GENERAL_FACTOR : dot });
    }
    return sims.sort((a, b) => b.sim - a.sim || a.doc - b.doc);
  }

  /** Ids of the `top` templates by embedding similarity alone (empty when the query was not prepared). */
  embeddingRanking(query: string, context: string | undefined, top: number): string[] {
    const qv = this.queries.get(embeddingQueryText(query, context));
    if (!qv) return [];
    const templates = this.base.all();
    return this.cosineRanking(qv).slice(0, top).map((x) => templates[x.doc]!.id);
  }

  private inEmbedding(id: string, sims: ReadonlyArray<{ doc: number }>, pool: number): boolean {
    const templates = this.base.all();
    for (let i = 0; i < Math.min(pool, sims.length); i++) if (templates[sims[i]!.doc]!.id === id) return true;
    return false;
  }
}

/**
 * Embedding retrieval over `base` (vectors cached in `cacheDir`), or `base` itself with a note saying why
 * not (e.g. the endpoint has no /embeddings route). Never throws.
 */
export async function createHybridIndex(base: TemplateIndex, embedder: Embedder, options: HybridOptions = {}): Promise<HybridResult> {
  try {
    const { vectors, cached, cacheError } = await templateVectors(base.all(), embedder, options);
    const index = new HybridTemplateIndex(base, embedder, vectors, options);
    const where = cached ? 'template vectors from the cache' : `${vectors.length} templates embedded${options.cacheDir && !cacheError ? ' and cached' : ''}`;
    return { index, hybrid: true, note: `embedding retrieval on (${embedder.id}; ${where})${cacheError ? `; ${cacheError}` : ''}` };
  } catch (err) {
    return { index: base, hybrid: false, note: `embedding retrieval is off: ${err instanceof Error ? err.message : String(err)} — using BM25 alone` };
  }
}
