// BM25F over a fixed set of documents with weighted fields. Everything that does not depend on the query
// (per-field term frequencies, length normalisation, idf, the saturated per-document weight of each term)
// is computed once when the index is built, so a query is: analyse, look up postings, add, pick the top k.

export interface FieldSpec {
  name: string;
  /** Weight of one occurrence in this field relative to others. */
  boost: number;
  /** Length normalisation strength (BM25 b) for this field. */
  b: number;
}

export interface Bm25Options {
  /** Term frequency saturation (BM25 k1). */
  k1?: number;
}

export interface Bm25Hit {
  doc: number;
  score: number;
  /** Bit i set when field i held a matching term. */
  fieldMask: number;
  /** Query terms that matched this document. */
  terms: string[];
}

/** Extra query text (e.g. the problem behind a plan step's query) whose terms count `weight` times. */
export interface QueryContext {
  terms: readonly string[];
  weight: number;
}

/** A document is one list of (already analysed) terms per field, in the order of the field specs. */
export type Bm25Document = ReadonlyArray<readonly string[]>;

/** Documents whose terms are already interned: field f of document d lists indexes into `termNames`. */
export interface InternedDocuments {
  /** Distinct terms; may include terms no document uses. */
  termNames: readonly string[];
  docs: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>;
}

/** The query-ready postings of a built index (see Bm25Index.postings), e.g. to store it precomputed. */
export interface Bm25Postings {
  /** Term of each id. */
  termNames: readonly string[];
  docCount: number;
  k1: number;
  /** Postings of term t: [offsets[t], offsets[t+1]) of docs / weights / masks, documents ascending. */
  offsets: Uint32Array;
  docs: Uint32Array;
  weights: Float32Array;
  masks: Uint16Array;
}

export class Bm25Index {
  readonly fields: readonly FieldSpec[];
  private nDocs: number;
  readonly k1: number;
  private readonly termIds = new Map<string, number>();
  // Postings of term t live in [offsets[t], offsets[t+1]) of docs / weights / masks (docs ascending).
  private offsets: Uint32Array = new Uint32Array(1);
  private docs: Uint32Array = new Uint32Array(0);
  private weights: Float32Array = new Float32Array(0);
  private masks: Uint16Array = new Uint16Array(0);
  private scores: Float64Array;
  private touchedMask: Uint16Array;
  private touched: Uint32Array;

  /**
   * `documents`: per document, the analysed terms of each field (in the order of `fields`); or documents
   * already interned (`InternedDocuments`), which gives exactly the same index for the same terms.
   */
  constructor(documents: readonly Bm25Document[] | InternedDocuments, fields: readonly FieldSpec[], options: Bm25Options = {}) {
    if (fields.length > 16) throw new RangeError('Bm25Index supports at most 16 fields');
    this.fields = fields;
    this.k1 = options.k1 ?? 1.2;
    let idDocs: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>;
    if (Array.isArray(documents)) {
      // Intern terms to integer ids (first occurrence order), then build from ids.
      const strDocs = documents as readonly Bm25Document[];
      const out: number[][][] = new Array(strDocs.length);
      for (let d = 0; d < strDocs.length; d++) {
        const doc = strDocs[d]!;
        const fieldIds: number[][] = new Array(fields.length);
        for (let f = 0; f < fields.length; f++) {
          const terms = doc[f] ?? [];
          const ids: number[] = new Array(terms.length);
          for (let i = 0; i < terms.length; i++) ids[i] = this.intern(terms[i]!);
          fieldIds[f] = ids;
        }
        out[d] = fieldIds;
      }
      idDocs = out;
    } else {
      const { termNames, docs } = documents as InternedDocuments;
      for (let t = 0; t < termNames.length; t++) this.termIds.set(termNames[t]!, t);
      if (this.termIds.size !== termNames.length) throw new RangeError('Bm25Index: duplicate term names');
      idDocs = docs;
    }
    this.nDocs = idDocs.length;
    this.scores = new Float64Array(idDocs.length);
    this.touchedMask = new Uint16Array(idDocs.length);
    this.touched = new Uint32Array(idDocs.length);
    this.build(idDocs, this.termIds.size, this.k1);
  }

  /**
   * An index from postings saved earlier (`postings`) for the same fields. Checks the arrays' shapes and
   * ranges (throws RangeError when they do not fit), so a corrupt file cannot make queries misbehave.
   */
  static fromPostings(p: Bm25Postings, fields: readonly FieldSpec[]): Bm25Index {
    const nTerms = p.termNames.length;
    const total = p.docs.length;
    const ok =
      p.offsets.length === nTerms + 1 && p.offsets[0] === 0 && p.offsets[nTerms] === total &&
      p.weights.length === total && p.masks.length === total && Number.isInteger(p.docCount) && p.docCount >= 0;
    if (!ok) throw new RangeError('Bm25Index.fromPostings: inconsistent postings');
    for (let t = 0; t < nTerms; t++) if (p.offsets[t]! > p.offsets[t + 1]!) throw new RangeError('Bm25Index.fromPostings: offsets not ascending');
    for (let i = 0; i < total; i++) if (p.docs[i]! >= p.docCount) throw new RangeError('Bm25Index.fromPostings: document out of range');
    const index = new Bm25Index({ termNames: p.termNames, docs: [] }, fields, { k1: p.k1 });
    index.nDocs = p.docCount;
    index.scores = new Float64Array(p.docCount);
    index.touchedMask = new Uint16Array(p.docCount);
    index.touched = new Uint32Array(p.docCount);
    index.offsets = p.offsets;
    index.docs = p.docs;
    index.weights = p.weights;
    index.masks = p.masks;
    return index;
  }

  /** The built postings (shared, not copied: do not modify). */
  postings(): Bm25Postings {
    return {
      termNames: [...this.termIds.keys()],
      docCount: this.nDocs,
      k1: this.k1,
      offsets: this.offsets,
      docs: this.docs,
      weights: this.weights,
      masks: this.masks,
    };
  }

  private intern(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(term, id);
    }
    return id;
  }

  private build(documents: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>, nTerms: number, k1: number): void {
    const nf = this.fields.length;
    const avgLen = new Float64Array(nf);
    for (const d of documents) for (let f = 0; f < nf; f++) avgLen[f]! += d[f]?.length ?? 0;
    for (let f = 0; f < nf; f++) avgLen[f] = documents.length ? Math.max(1, avgLen[f]! / documents.length) : 1;

    // Pass 1, per document: term → pseudo-frequency (sum over fields of boost·tf / length norm) and field
    // mask, accumulated in scratch arrays indexed by term id, then appended to flat per-document lists.
    const tfAcc = new Float64Array(nTerms);
    const maskAcc = new Uint16Array(nTerms);
    const df = new Uint32Array(nTerms);
    const docStart: number[] = [0];
    const flatTerm: number[] = [];
    const flatTf: number[] = [];
    const flatMask: number[] = [];
    const seen: number[] = [];
    for (const d of documents) {
      seen.length = 0;
      for (let f = 0; f < nf; f++) {
        const terms = d[f];
        if (!terms || terms.length === 0) continue;
        const spec = this.fields[f]!;
        const add = spec.boost / (1 - spec.b + (spec.b * terms.length) / avgLen[f]!);
        const bit = 1 << f;
        for (let i = 0; i < terms.length; i++) {
          const id = terms[i]!;
          if (!(id >= 0 && id < nTerms)) throw new RangeError(`Bm25Index: term id ${id} out of range`);
          if (maskAcc[id] === 0) seen.push(id);
          tfAcc[id]! += add;
          maskAcc[id]! |= bit;
        }
      }
      for (const id of seen) {
        flatTerm.push(id);
        flatTf.push(tfAcc[id]!);
        flatMask.push(maskAcc[id]!);
        df[id]!++;
        tfAcc[id] = 0;
        maskAcc[id] = 0;
      }
      docStart.push(flatTerm.length);
    }

    // Pass 2: postings grouped by term, documents ascending, with the query-independent BM25 weight.
    const offsets = new Uint32Array(nTerms + 1);
    for (let t = 0; t < nTerms; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    const total = offsets[nTerms]!;
    const docs = new Uint32Array(total);
    const weights = new Float32Array(total);
    const masks = new Uint16Array(total);
    const fill = offsets.slice(0, nTerms);
    const n = documents.length;
    const idf = new Float64Array(nTerms);
    for (let t = 0; t < nTerms; t++) idf[t] = Math.log(1 + (n - df[t]! + 0.5) / (df[t]! + 0.5));
    for (let d = 0; d < n; d++) {
      for (let p = docStart[d]!; p < docStart[d + 1]!; p++) {
        const t = flatTerm[p]!;
        const tf = flatTf[p]!;
        const at = fill[t]!++;
        docs[at] = d;
        weights[at] = (idf[t]! * tf * (k1 + 1)) / (tf + k1);
        masks[at] = flatMask[p]!;
      }
    }
    this.offsets = offsets;
    this.docs = docs;
    this.weights = weights;
    this.masks = masks;
  }

  get docCount(): number {
    return this.nDocs;
  }

  get termCount(): number {
    return this.termIds.size;
  }

  /** The id of an analysed term (its slot in the postings), -1 for a term no document has. */
  termId(term: string): number {
    return this.termIds.get(term) ?? -1;
  }

  /** Inverse document frequency of an analysed term (as in the scores); 0 for a term no document has. */
  idf(term: string): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    const df = this.offsets[id + 1]! - this.offsets[id]!;
    return df === 0 ? 0 : Math.log(1 + (this.nDocs - df + 0.5) / (df + 0.5));
  }

  /**
   * For each term, the field mask (bit i: field i holds the term) in each of `docs`; 0 where a document
   * lacks the term. Read from the postings, so nothing is re-analysed.
   */
  termMasks(terms: readonly string[], docs: readonly number[]): Uint16Array[] {
    const slot = new Int32Array(this.nDocs).fill(-1);
    docs.forEach((d, i) => (slot[d] = i));
    return terms.map((term) => {
      const out = new Uint16Array(docs.length);
      const id = this.termIds.get(term);
      if (id === undefined) return out;
      for (let p = this.offsets[id]!; p < this.offsets[id + 1]!; p++) {
        const s = slot[this.docs[p]!]!;
        if (s >= 0) out[s] = this.masks[p]!;
      }
      return out;
    });
  }

  /**
   * Scores every document containing a query term and returns the best `top` (ties: lower doc index first).
   * `queryTerms` may repeat a term; repeats raise its weight sub-linearly (1 + ln n).
   * `accept` filters documents (e.g. by subject). `withTerms: false` leaves each hit's `terms` empty (a
   * caller that finds them otherwise, e.g. from termMasks, saves the per-hit look-ups).
   */
  search(queryTerms: readonly string[], top: number, accept?: (doc: number) => boolean, context?: QueryContext, withTerms = true): Bm25Hit[] {
    const termNames: string[] = [];
    const countTerms = (terms: readonly string[]): Map<number, number> => {
      const counts = new Map<number, number>();
      for (const q of terms) {
        const id = this.termIds.get(q);
        if (id === undefined) continue;
        const c = counts.get(id);
        if (c === undefined) termNames[id] = q;
        counts.set(id, (c ?? 0) + 1);
      }
      return counts;
    };
    const sub = (c: number) => (c === 1 ? 1 : 1 + Math.log(c));
    // Query weight of a term: sub-linear in its count; context terms add `context.weight` times theirs.
    const qweights = new Map<number, number>();
    for (const [t, c] of countTerms(queryTerms)) qweights.set(t, sub(c));
    if (context && context.weight > 0) {
      for (const [t, c] of countTerms(context.terms)) qweights.set(t, (qweights.get(t) ?? 0) + context.weight * sub(c));
    }
    const counts = qweights;
    if (counts.size === 0 || top <= 0) return [];
    const { scores, touchedMask, touched, offsets, docs, weights, masks } = this;
    let nTouched = 0;
    for (const [t, qw] of counts) {
      const end = offsets[t + 1]!;
      for (let p = offsets[t]!; p < end; p++) {
        const d = docs[p]!;
        if (touchedMask[d] === 0) touched[nTouched++] = d;
        scores[d]! += qw * weights[p]!;
        touchedMask[d]! |= masks[p]!;
      }
    }
    // Top-k by insertion into a small sorted array.
    const bestDoc: number[] = [];
    const bestScore: number[] = [];
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const s = scores[d]!;
      if (bestDoc.length === top && s <= bestScore[top - 1]!) continue;
      if (accept && !accept(d)) continue;
      let j = bestDoc.length;
      while (j > 0 && (bestScore[j - 1]! < s || (bestScore[j - 1] === s && bestDoc[j - 1]! > d))) j--;
      bestDoc.splice(j, 0, d);
      bestScore.splice(j, 0, s);
      if (bestDoc.length > top) {
        bestDoc.pop();
        bestScore.pop();
      }
    }
    const hits: Bm25Hit[] = bestDoc.map((d, i) => ({ doc: d, score: bestScore[i]!, fieldMask: touchedMask[d]!, terms: [] }));
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      scores[d] = 0;
      touchedMask[d] = 0;
    }
    // Matched terms for the few hits: binary search each query term's postings.
    for (const hit of withTerms ? hits : []) {
      for (const t of counts.keys()) {
        if (this.findPosting(t, hit.doc) >= 0) hit.terms.push(termNames[t]!);
      }
    }
    return hits;
  }

  private findPosting(term: number, doc: number): number {
    let lo = this.offsets[term]!;
    let hi = this.offsets[term + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docs[mid]!;
      if (d === doc) return mid;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
