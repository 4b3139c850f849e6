// The template retrieval index: BM25F with field boosts over a template library (see bm25.ts, tokenize.ts).
import { Bm25Index, type Bm25Hit, type Bm25Postings, type FieldSpec, type InternedDocuments, type QueryContext } from './bm25.js';
import { STEP_RERANK_WEIGHTS, linearScore, RERANK_FEATURES, RERANK_FIELDS, RERANK_POOL, weightVector, type RerankWeights } from './rerank.js';
import { analyze } from './tokenize.js';
import type { SearchOptions, TemplateIndex, TemplateMatch, ThoughtTemplate } from './types.js';

/** Indexed fields with their boosts. Names are the template fields reported in `matchedFields`. */
export const DEFAULT_FIELDS: readonly FieldSpec[] = [
  { name: 'name', boost: 3, b: 0.5 },
  { name: 'tags', boost: 2.5, b: 0.5 },
  { name: 'description', boost: 1.2, b: 0.75 },
  { name: 'whenToUse', boost: 1.6, b: 0.75 },
  { name: 'section', boost: 1.2, b: 0.3 },
  { name: 'chapter', boost: 0.8, b: 0.3 },
  { name: 'subjects', boost: 0.6, b: 0 },
  { name: 'steps', boost: 0.35, b: 0.75 },
  { name: 'example', boost: 0.5, b: 0.75 },
];

export interface IndexOptions {
  fields?: readonly FieldSpec[];
  k1?: number;
  /**
   * Subject diversification (0 turns it off; default DEFAULT_DIVERSITY). Results are picked greedily from
   * the best BM25 candidates; a candidate whose subjects are all already represented among the picked
   * results competes with its score scaled by (1 - diversity). Near-ties then show methods from another
   * subject instead of a third variant of the same one; a clearly better match still wins.
   */
  diversity?: number;
  /**
   * Templates analysed ahead of time (e.g. the built-in library precomputed at build time, see
   * precomputed.ts). Used only when `fields` match; other templates are analysed here. Results are the
   * same as analysing everything here.
   */
  preAnalyzed?: PreAnalyzed;
  /** Score factor of general templates (default GENERAL_WEIGHT; 1 turns the demotion off). */
  generalWeight?: number;
  /**
   * A prior per template multiplying its BM25 score, e.g. from the user's template statistics
   * (usage.ts TemplateUsageStore.priorOf, within 1 ± PRIOR_RANGE). Non-finite or non-positive values count as 1.
   */
  prior?: (t: ThoughtTemplate) => number;
  /**
   * The plan-step reranker's weights (default STEP_RERANK_WEIGHTS, fitted on dev: see rerank.ts; `false`
   * turns it off). Used only by searches with `planStep: true`; other searches are plain BM25.
   */
  reranker?: RerankWeights | false;
}

/** A search's reranking candidates with their features (RERANK_FEATURES order), e.g. to fit the weights. */
export interface RerankCandidates {
  ids: string[];
  features: Float64Array[];
  /** The fixed part of each candidate's log score: the log of the general templates' demotion. */
  offset: number[];
}

/** Templates analysed ahead of time, with their term ids per indexed field (indexes into `termNames`). */
export interface PreAnalyzed {
  /** The fields, in order, the analysis was made for. */
  fields: readonly FieldSpec[];
  termNames: readonly string[];
  /** Term ids of each field of a template analysed ahead of time (by object identity), else undefined. */
  docOf(t: ThoughtTemplate): ReadonlyArray<ArrayLike<number>> | undefined;
  /**
   * Optional: the postings built over exactly `templates` (same objects, same order) with these fields and
   * `postings.k1`. Used as they are when the index is built over that same list.
   */
  templates?: readonly ThoughtTemplate[];
  postings?: Bm25Postings;
}

export const DEFAULT_DIVERSITY = 0.3;
/**
 * A general template (scope "general") competes with its score times this, so a specific template that
 * matches at least this well ranks above it; when nothing specific comes close it still ranks first.
 * Chosen on the dev part of the competition retrieval set (bench/retrieval-competition.bench.ts).
 */
export const GENERAL_WEIGHT = 0.7;
/** Weight of the context's terms (e.g. the problem) relative to the query's (e.g. a plan step). */
export const DEFAULT_CONTEXT_WEIGHT = 0.25;
/** BM25 term-frequency saturation, chosen on MATH-500 (bench/retrieval-quality.bench.ts): 1.2-2 are within 1-2 points. */
export const DEFAULT_K1 = 1.6;

function fieldText(t: ThoughtTemplate, field: string): string {
  switch (field) {
    case 'name':
      return t.name;
    case 'tags':
      return t.tags.join(' ; ');
    case 'description':
      return t.description;
    case 'whenToUse':
      return t.whenToUse.join(' ; ');
    case 'section':
      return t.section;
    case 'chapter':
      return t.chapter;
    case 'subjects':
      return t.subjects.join(' ; ');
    case 'steps':
      return t.steps.join(' ; ');
    case 'pitfalls':
      return t.pitfalls.join(' ; ');
    case 'example':
      return t.example.problem;
    default:
      return '';
  }
}

class Bm25TemplateIndex implements TemplateIndex {
  private readonly templates: readonly ThoughtTemplate[];
  private readonly byId = new Map<string, ThoughtTemplate>();
  private readonly bm25: Bm25Index;
  private readonly subjectKeys: ReadonlyArray<ReadonlySet<string>>;
  private readonly diversity: number;

  private readonly general: Uint8Array;
  private readonly generalWeight: number;
  private readonly prior: ((t: ThoughtTemplate) => number) | undefined;
  private readonly rerankWeights: Float64Array | undefined;
  private readonly heads: Array<Head | undefined>;
  /** Scratch flags per index term for the reranker's features (see features). */
  private termFlags: Uint8Array | undefined;
  /** The index field bit of each RERANK_FIELDS entry (0 when the index does not have that field). */
  private readonly rerankBits: readonly number[];

  constructor(templates: readonly ThoughtTemplate[], options: IndexOptions) {
    this.templates = templates;
    this.general = Uint8Array.from(templates, (t) => (t.scope === 'general' ? 1 : 0));
    this.generalWeight = Math.min(1, Math.max(0, options.generalWeight ?? GENERAL_WEIGHT));
    this.prior = options.prior;
    const rw = options.reranker === undefined ? STEP_RERANK_WEIGHTS : options.reranker;
    this.rerankWeights = rw && Object.keys(rw).length > 0 ? weightVector(rw) : undefined;
    this.heads = new Array(templates.length);
    for (const t of templates) this.byId.set(t.id, t);
    const fields = options.fields ?? DEFAULT_FIELDS;
    const k1 = options.k1 ?? DEFAULT_K1;
    const pre = options.preAnalyzed && sameFields(options.preAnalyzed.fields, fields) ? options.preAnalyzed : undefined;
    let bm25: Bm25Index | undefined;
    if (pre?.postings && pre.templates && pre.postings.k1 === k1 && sameList(pre.templates, templates)) {
      try {
        bm25 = Bm25Index.fromPostings(pre.postings, fields);
      } catch {
        bm25 = undefined; // inconsistent saved postings: build them below
      }
    }
    if (!bm25) {
      try {
        bm25 = new Bm25Index(analyzeTemplates(templates, fields, pre), fields, { k1 });
      } catch (err) {
        if (!pre) throw err;
        bm25 = new Bm25Index(analyzeTemplates(templates, fields), fields, { k1 }); // bad saved analysis: redo it all
      }
    }
    this.bm25 = bm25;
    this.rerankBits = RERANK_FIELDS.map((name) => {
      const i = bm25.fields.findIndex((f) => f.name === name);
      return i < 0 ? 0 : 1 << i;
    });
    const keys = new Map<string, string>(); // few distinct subjects: normalise each once
    const key = (subject: string): string => {
      let k = keys.get(subject);
      if (k === undefined) keys.set(subject, (k = subjectKey(subject)));
      return k;
    };
    this.subjectKeys = templates.map((t) => new Set(t.subjects.map(key)));
    this.diversity = Math.min(1, Math.max(0, options.diversity ?? DEFAULT_DIVERSITY));
  }

  get size(): number {
    return this.templates.length;
  }

  get termCount(): number {
    return this.bm25.termCount;
  }

  search(query: string, options: SearchOptions = {}): TemplateMatch[] {
    const requested = Number.isFinite(options.top) ? Math.floor(options.top!) : 5;
    const top = Math.max(0, Math.min(requested, this.templates.length));
    if (top === 0 || typeof query !== 'string' || query.trim() === '') return [];
    const { terms, context } = this.analyseRequest(query, options);
    let accept: ((doc: number) => boolean) | undefined;
    if (options.subjects && options.subjects.length > 0) {
      const wanted = options.subjects.map(subjectKey);
      accept = (d) => wanted.some((w) => this.subjectKeys[d]!.has(w));
    }
    const fields = this.bm25.fields;
    const pool = Math.max(top * 4, 12);
    let hits: Bm25Hit[];
    let termsOf: ((doc: number) => string[]) | undefined;
    if (this.rerankWeights && options.planStep === true) {
      // A plan step's search: rerank the BM25 best RERANK_POOL (rerank.ts). Problem-only searches stay on BM25.
      const w = this.rerankWeights;
      const first = this.bm25.search(terms, Math.max(pool, RERANK_POOL), accept, context, false);
      const { features, matched } = this.features(first, terms, context);
      const slot = new Map(first.map((h, i) => [h.doc, i]));
      termsOf = (doc) => matched(slot.get(doc)!); // only for the hits returned
      const best = first[0]?.score ?? 0;
      // best·exp(w·x), scaled so the reranker's first keeps BM25's best score (the order is the same).
      const s = features.map((x) => linearScore(w, x));
      const sMax = Math.max(...s);
      hits = first
        .map((h, i) => ({ ...h, score: best * Math.exp(s[i]! - sMax) }))
        .sort((a, b) => b.score - a.score || a.doc - b.doc)
        .slice(0, pool);
    } else {
      hits = this.bm25.search(terms, pool, accept, context);
    }
    const candidates = this.demoteGeneral(this.applyPrior(hits));
    return this.diversify(candidates, top).map((h) => ({
      template: this.templates[h.doc]!,
      score: Math.round(h.score * 1000) / 1000,
      matchedFields: fields.filter((_f, i) => (h.fieldMask & (1 << i)) !== 0).map((f) => f.name),
      matchedTerms: termsOf ? termsOf(h.doc) : h.terms,
      ...(this.general[h.doc] ? { general: true } : {}),
    }));
  }

  /** A search's analysed query terms and context (each text cut at 20000 characters). */
  private analyseRequest(query: string, options: SearchOptions): { terms: string[]; context: QueryContext | undefined } {
    const cut = (text: string) => (text.length > 20000 ? text.slice(0, 20000) : text);
    const contextText = typeof options.context === 'string' ? options.context.trim() : '';
    return {
      terms: analyze(cut(query)),
      context: contextText ? { terms: analyze(cut(contextText)), weight: options.contextWeight ?? DEFAULT_CONTEXT_WEIGHT } : undefined,
    };
  }

  /** The reranking candidates of a search (the BM25 best RERANK_POOL) and their features; see rerank.ts. */
  rerankCandidates(query: string, options: SearchOptions = {}): RerankCandidates {
    const { terms, context } = this.analyseRequest(query, options);
    const hits = this.bm25.search(terms, RERANK_POOL, undefined, context, false);
    return {
      ids: hits.map((h) => this.templates[h.doc]!.id),
      features: this.features(hits, terms, context).features,
      offset: hits.map((h) => (this.general[h.doc] ? Math.log(Math.max(1e-6, this.generalWeight)) : 0)),
    };
  }

  /**
   * Feature vectors (RERANK_FEATURES order) of BM25 hits sorted best first. Which fields hold a query or
   * context term comes from the postings' field masks; only names and tags are analysed here (once per
   * template, when first a candidate) for the name coverage and the adjacent term pairs.
   */
  private features(hits: readonly Bm25Hit[], terms: readonly string[], context: QueryContext | undefined): { features: Float64Array[]; matched: (i: number) => string[] } {
    if (hits.length === 0) return { features: [], matched: () => [] };
    const weigh = (list: readonly string[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
      for (const [t, c] of m) m.set(t, (c === 1 ? 1 : 1 + Math.log(c)) * this.bm25.idf(t));
      return m;
    };
    const q = weigh(terms);
    const c = context ? weigh(context.terms) : new Map<string, number>();
    const qTotal = sum(q.values());
    const cTotal = sum(c.values());
    const docs = hits.map((h) => h.doc);
    // Every distinct query term, then the context's other terms (the order BM25 reports matched terms in).
    const all = [...q.keys(), ...[...c.keys()].filter((t) => !q.has(t))];
    const masksOf = this.bm25.termMasks(all, docs);
    const maskOf = new Map(all.map((t, k) => [t, masksOf[k]!]));
    const qMasks = [...q.keys()].map((t) => maskOf.get(t)!);
    const cMasks = [...c.keys()].map((t) => maskOf.get(t)!);
    const matched = (i: number): string[] => all.filter((_t, k) => masksOf[k]![i] !== 0);
    const qWeights = [...q.values()];
    const cWeights = [...c.values()];
    const bits = this.rerankBits;
    let anyBit = 0;
    for (const bit of bits) anyBit |= bit;
    const pairs = new Set(wordPairs(terms));
    const best = hits[0]!.score;
    const nf = RERANK_FIELDS.length;
    const tail = 4 + 2 * nf;
    const xs = hits.map(() => new Float64Array(RERANK_FEATURES.length));
    // Term-major: most (term, candidate) masks are 0.
    const unmatched = new Float64Array(hits.length).fill(qTotal);
    const addMasks = (all: Uint16Array[], weights: number[], at: number, countMatched: boolean) => {
      for (let k = 0; k < all.length; k++) {
        const masks = all[k]!;
        const w = weights[k]!;
        for (let i = 0; i < masks.length; i++) {
          const m = masks[i]! & anyBit;
          if (m === 0) continue;
          if (countMatched) unmatched[i]! -= w;
          const x = xs[i]!;
          for (let f = 0; f < nf; f++) if (m & bits[f]!) x[at + f]! += w;
        }
      }
    };
    addMasks(qMasks, qWeights, 4, true);
    addMasks(cMasks, cWeights, 4 + nf, false);
    // The step's own words: query terms the problem does not use (the method a step names, not the problem's
    // objects it restates), and which share of their idf mass a candidate's name or tags (or any field) hold.
    const headBits = bits[RERANK_FIELDS.indexOf('name')]! | bits[RERANK_FIELDS.indexOf('tags')]!;
    const own = [...q.keys()].map((t, k) => (c.has(t) ? -1 : k)).filter((k) => k >= 0);
    const ownTotal = own.reduce((a, k) => a + qWeights[k]!, 0);
    const ownHead = new Float64Array(hits.length);
    const ownAny = new Float64Array(hits.length);
    for (const k of own) {
      const masks = qMasks[k]!;
      for (let i = 0; i < masks.length; i++) {
        if (masks[i]! & headBits) ownHead[i]! += qWeights[k]!;
        if (masks[i]! & anyBit) ownAny[i]! += qWeights[k]!;
      }
    }
    // Which index terms the query and the context hold, as flags by term id (a scratch array cleared after).
    const flags = (this.termFlags ??= new Uint8Array(this.bm25.termCount));
    const cover = new Float64Array(3);
    const marked: number[] = [];
    const mark = (terms: Iterable<string>, bit: number) => {
      for (const t of terms) {
        const id = this.bm25.termId(t);
        if (id < 0) continue;
        if (flags[id] === 0) marked.push(id);
        flags[id]! |= bit;
      }
    };
    mark(q.keys(), 1);
    mark(c.keys(), 2);
    const features = hits.map((h, i) => {
      const x = xs[i]!;
      x[0] = best > 0 && h.score > 0 ? Math.log(h.score / best) : 0;
      x[1] = this.general[h.doc] ? 1 : 0;
      x[2] = Math.log1p(i);
      x[3] = qTotal > 0 ? Math.max(0, unmatched[i]!) / qTotal : 0;
      for (let f = 0; f < nf; f++) {
        x[4 + f] = qTotal > 0 ? x[4 + f]! / qTotal : 0;
        x[4 + nf + f] = cTotal > 0 ? x[4 + nf + f]! / cTotal : 0;
      }
      const head = this.headOf(h.doc);
      // Adjacent query term pairs found adjacent in the name or tags: a method phrase ("common difference",
      // "compare coefficients") matched as a phrase.
      let n = 0;
      for (const pr of pairs) if (head.pairs.has(pr)) n++;
      x[tail] = pairs.size > 0 ? n / pairs.size : 0;
      // How much of the template's name the query (and, apart, the context) covers, by idf mass.
      // (flags: bit 1 the query has the term, bit 2 the context; exactly 1: one of the step's own words.)
      coveredMass(head.name, head.idf, flags, cover);
      const byQuery = cover[0]!;
      const byContext = cover[1]!;
      const byOwn = cover[2]!;
      x[tail + 1] = head.mass > 0 ? byQuery / head.mass : 0;
      x[tail + 2] = head.mass > 0 ? byContext / head.mass : 0;
      const d = this.templates[h.doc]!.difficulty;
      x[tail + 3] = d ? (d.min + d.max) / 20 : 0.5;
      // The best-covered single tag: a tag the query (or the context) states as a whole — a method phrase
      // ("double counting", "sum of squares formula") rather than a frequent word some tag shares.
      let tagByQuery = 0;
      let tagByContext = 0;
      let tagByOwn = 0;
      for (const tag of head.tags) {
        coveredMass(tag.terms, tag.idf, flags, cover);
        const byQ = cover[0]!;
        const byC = cover[1]!;
        const byO = cover[2]!;
        if (tag.mass > 0) {
          tagByQuery = Math.max(tagByQuery, byQ / tag.mass);
          tagByContext = Math.max(tagByContext, byC / tag.mass);
          tagByOwn = Math.max(tagByOwn, byO / tag.mass);
        }
      }
      x[tail + 4] = tagByQuery;
      x[tail + 5] = tagByContext;
      x[tail + 6] = ownTotal > 0 ? ownHead[i]! / ownTotal : 0;
      x[tail + 7] = ownTotal > 0 ? ownAny[i]! / ownTotal : 0;
      x[tail + 8] = head.mass > 0 ? byOwn / head.mass : 0;
      x[tail + 9] = tagByOwn;
      return x;
    });
    for (const id of marked) flags[id] = 0;
    return { features, matched };
  }

  /** A template's distinct name terms and each tag's with their idf, and the adjacent term pairs of its name and tags (analysed once, when first needed). */
  private headOf(doc: number): Head {
    let head = this.heads[doc];
    if (!head) {
      const t = this.templates[doc]!;
      // Distinct index terms as ids (a term no template has weighs 0 and is left out).
      const ids = (list: readonly string[]) => Int32Array.from(new Set(list.map((n) => this.bm25.termId(n)).filter((id) => id >= 0)));
      const idfOf = (list: Int32Array, names: readonly string[]) => {
        const byId = new Map(names.map((n) => [this.bm25.termId(n), n]));
        return Float64Array.from(list, (id) => this.bm25.idf(byId.get(id)!));
      };
      const terms = analyze(t.name);
      const name = ids(terms);
      const idf = idfOf(name, terms);
      const tagTerms = t.tags.map((tag) => analyze(tag));
      const tags = tagTerms.map((list) => {
        const tagIds = ids(list);
        const tagIdf = idfOf(tagIds, list);
        return { terms: tagIds, idf: tagIdf, mass: sum(tagIdf) };
      });
      head = { name, idf, mass: sum(idf), tags, pairs: new Set([...wordPairs(terms), ...tagTerms.flatMap(wordPairs)]) };
      this.heads[doc] = head;
    }
    return head;
  }

  private applyPrior(hits: Bm25Hit[]): Bm25Hit[] {
    const prior = this.prior;
    if (!prior) return hits;
    return hits
      .map((h) => {
        const f = prior(this.templates[h.doc]!);
        return Number.isFinite(f) && f > 0 && f !== 1 ? { ...h, score: h.score * f } : h;
      })
      .sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** General templates compete with GENERAL_WEIGHT of their score (see GENERAL_WEIGHT); order by that. */
  private demoteGeneral(candidates: Bm25Hit[]): Bm25Hit[] {
    if (this.generalWeight === 1 || !candidates.some((h) => this.general[h.doc])) return candidates;
    return candidates
      .map((h) => (this.general[h.doc] ? { ...h, score: h.score * this.generalWeight } : h))
      .sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** Greedy subject-diverse selection of `top` hits from candidates sorted by score (see IndexOptions). */
  private diversify(candidates: Bm25Hit[], top: number): Bm25Hit[] {
    if (this.diversity === 0 || candidates.length <= 1) return candidates.slice(0, top);
    const picked: Bm25Hit[] = [];
    const covered = new Set<string>();
    const left = [...candidates];
    while (picked.length < top && left.length > 0) {
      let bestI = 0;
      let bestV = -Infinity;
      for (let i = 0; i < left.length; i++) {
        const h = left[i]!;
        let fresh = false;
        for (const s of this.subjectKeys[h.doc]!) if (!covered.has(s)) fresh = true;
        const v = fresh ? h.score : h.score * (1 - this.diversity);
        if (v > bestV) {
          bestV = v;
          bestI = i;
        }
      }
      const h = left.splice(bestI, 1)[0]!;
      for (const s of this.subjectKeys[h.doc]!) covered.add(s);
      // Report the score the pick competed with, so results stay sorted by score.
      picked.push({ ...h, score: bestV });
    }
    return picked;
  }

  get(id: string): ThoughtTemplate | undefined {
    return this.byId.get(id);
  }

  all(): readonly ThoughtTemplate[] {
    return this.templates;
  }
}

/** What the step reranker reads of a template's name and tags (see Bm25TemplateIndex.headOf). */
/**
 * The idf mass of `terms` that the query holds (flag bit 1), that the context holds (bit 2) and that only the query
 * holds (the step's own words: flag exactly 1), written into `out`.
 */
function coveredMass(terms: Int32Array, idf: Float64Array, flags: Uint8Array, out: Float64Array): void {
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  for (let k = 0; k < terms.length; k++) {
    const f = flags[terms[k]!]!;
    if (f & 1) out[0] += idf[k]!;
    if (f & 2) out[1] += idf[k]!;
    if (f === 1) out[2] += idf[k]!;
  }
}

interface Head {
  /** Distinct name terms, as index term ids. */
  name: Int32Array;
  idf: Float64Array;
  mass: number;
  /** Each tag's distinct terms with their idf and its idf mass. */
  tags: ReadonlyArray<{ terms: Int32Array; idf: Float64Array; mass: number }>;
  pairs: ReadonlySet<string>;
}

function wordPairs(terms: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < terms.length; i++) if (terms[i - 1] !== terms[i]) out.push(`${terms[i - 1]} ${terms[i]}`);
  return out;
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function sameFields(a: readonly FieldSpec[], b: readonly FieldSpec[]): boolean {
  return a.length === b.length && b.every((f, i) => f.name === a[i]!.name && f.boost === a[i]!.boost && f.b === a[i]!.b);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Analyses the indexed fields of templates and interns their terms (ids in first-occurrence order after
 * those of `pre`). Templates found in `pre.docs` reuse that analysis.
 */
export function analyzeTemplates(
  templates: readonly ThoughtTemplate[],
  fields: readonly FieldSpec[] = DEFAULT_FIELDS,
  pre?: PreAnalyzed,
): InternedDocuments & { docs: Array<ReadonlyArray<ArrayLike<number>>> } {
  const termNames: string[] = pre ? [...pre.termNames] : [];
  let ids: Map<string, number> | undefined;
  const termIds = (): Map<string, number> => {
    if (!ids) {
      ids = new Map();
      for (let t = 0; t < termNames.length; t++) ids.set(termNames[t]!, t);
    }
    return ids;
  };
  // Chapters, sections and subjects repeat across templates: analyse and intern each distinct short text once.
  const seen = new Map<string, number[]>();
  const internText = (text: string): number[] => {
    const short = text.length <= 80;
    if (short) {
      const hit = seen.get(text);
      if (hit) return hit;
    }
    const map = termIds();
    const terms = analyze(text);
    const out: number[] = new Array(terms.length);
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!;
      let id = map.get(term);
      if (id === undefined) {
        id = termNames.length;
        termNames.push(term);
        map.set(term, id);
      }
      out[i] = id;
    }
    if (short) seen.set(text, out);
    return out;
  };
  const docs: Array<ReadonlyArray<ArrayLike<number>>> = new Array(templates.length);
  for (let d = 0; d < templates.length; d++) {
    const t = templates[d]!;
    const known = pre?.docOf(t);
    docs[d] = known ?? fields.map((f) => internText(fieldText(t, f.name)));
  }
  return { termNames, docs };
}

export function subjectKey(s: string): string {
  return s.toLowerCase().replace(/\s*(?:&|and)\s*/g, '&').replace(/\s+/g, ' ').trim();
}

/** Builds the retrieval index over templates (later entries with the same id are not deduplicated here). */
export function createTemplateIndex(
  templates: readonly ThoughtTemplate[],
  options: IndexOptions = {},
): TemplateIndex & { readonly termCount: number; rerankCandidates(query: string, options?: SearchOptions): RerankCandidates } {
  return new Bm25TemplateIndex(templates, options);
}
