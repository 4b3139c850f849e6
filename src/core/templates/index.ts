// The template retrieval index: BM25F with field boosts over a template library (see bm25.ts, tokenize.ts).
import { Bm25Index, type FieldSpec } from './bm25.js';
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
   * Weight of the subject prior (default 0.6; 0 turns it off). Retrieval is two-level: the query is also
   * scored against one document per subject (all its templates' text), and a template's score is
   * multiplied by 1 + subjectPrior · (its best subject's score / the best subject's score).
   */
  subjectPrior?: number;
  /** How many BM25 candidates the subject prior re-ranks (default 40). */
  rerankDepth?: number;
}

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
  private readonly subjectIndex: Bm25Index | undefined;
  private readonly subjectNames: readonly string[];
  /** Per template: indexes into subjectNames. */
  private readonly templateSubjects: ReadonlyArray<readonly number[]>;
  private readonly subjectPrior: number;
  private readonly rerankDepth: number;

  constructor(templates: readonly ThoughtTemplate[], options: IndexOptions) {
    this.templates = templates;
    for (const t of templates) this.byId.set(t.id, t);
    const fields = options.fields ?? DEFAULT_FIELDS;
    const docs = templates.map((t) => fields.map((f) => analyzeCached(fieldText(t, f.name))));
    this.bm25 = new Bm25Index(docs, fields, { k1: options.k1 });
    this.subjectKeys = templates.map((t) => new Set(t.subjects.map(subjectKey)));
    this.subjectPrior = options.subjectPrior ?? 0.6;
    this.rerankDepth = options.rerankDepth ?? 40;
    // Subject documents: the concatenated terms of every template serving the subject.
    const names = new Map<string, number>();
    const groupTerms: string[][] = [];
    this.templateSubjects = templates.map((t, d) =>
      t.subjects.map((s) => {
        const key = subjectKey(s);
        let g = names.get(key);
        if (g === undefined) {
          g = names.size;
          names.set(key, g);
          groupTerms.push([]);
        }
        const bucket = groupTerms[g]!;
        for (const field of docs[d]!) for (const term of field) bucket.push(term);
        return g;
      }),
    );
    this.subjectNames = [...names.keys()];
    this.subjectIndex =
      this.subjectPrior > 0 && groupTerms.length > 1
        ? new Bm25Index(groupTerms.map((g) => [g]), [{ name: 'subject', boost: 1, b: 0.75 }], { k1: 1.2 })
        : undefined;
  }

  get size(): number {
    return this.templates.length;
  }

  get termCount(): number {
    return this.bm25.termCount;
  }

  search(query: string, options: SearchOptions = {}): TemplateMatch[] {
    const top = Math.max(0, Math.floor(options.top ?? 5));
    if (top === 0 || typeof query !== 'string' || query.trim() === '') return [];
    const terms = analyze(query.length > 20000 ? query.slice(0, 20000) : query);
    let accept: ((doc: number) => boolean) | undefined;
    if (options.subjects && options.subjects.length > 0) {
      const wanted = options.subjects.map(subjectKey);
      accept = (d) => wanted.some((w) => this.subjectKeys[d]!.has(w));
    }
    const fields = this.bm25.fields;
    let hits = this.bm25.search(terms, this.subjectIndex ? Math.max(top, this.rerankDepth) : top, accept);
    if (this.subjectIndex && hits.length > 1) {
      const groups = this.subjectIndex.search(terms, this.subjectNames.length);
      const best = groups[0]?.score ?? 0;
      if (best > 0) {
        const rel = new Float64Array(this.subjectNames.length);
        for (const g of groups) rel[g.doc] = g.score / best;
        for (const h of hits) {
          let m = 0;
          for (const g of this.templateSubjects[h.doc]!) if (rel[g]! > m) m = rel[g]!;
          h.score *= 1 + this.subjectPrior * m;
        }
        hits = hits.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, top);
      }
    }
    return hits.slice(0, top).map((h) => ({
      template: this.templates[h.doc]!,
      score: Math.round(h.score * 1000) / 1000,
      matchedFields: fields.filter((_f, i) => (h.fieldMask & (1 << i)) !== 0).map((f) => f.name),
      matchedTerms: h.terms,
    }));
  }

  get(id: string): ThoughtTemplate | undefined {
    return this.byId.get(id);
  }

  all(): readonly ThoughtTemplate[] {
    return this.templates;
  }
}

// Field texts repeat across rebuilds (a user edits one file, the built-in library is re-indexed):
// their analysis is kept, bounded, so a reload costs only the new texts.
const analysisCache = new Map<string, readonly string[]>();
const ANALYSIS_CACHE_MAX = 50000;

/** Forgets cached field analyses (for benchmarks that measure a cold build). */
export function clearAnalysisCache(): void {
  analysisCache.clear();
}

function analyzeCached(text: string): readonly string[] {
  const hit = analysisCache.get(text);
  if (hit) return hit;
  const terms = analyze(text);
  if (analysisCache.size >= ANALYSIS_CACHE_MAX) analysisCache.clear();
  analysisCache.set(text, terms);
  return terms;
}

function subjectKey(s: string): string {
  return s.toLowerCase().replace(/\s*(?:&|and)\s*/g, '&').replace(/\s+/g, ' ').trim();
}

/** Builds the retrieval index over templates (later entries with the same id are not deduplicated here). */
export function createTemplateIndex(
  templates: readonly ThoughtTemplate[],
  options: IndexOptions = {},
): TemplateIndex & { readonly termCount: number } {
  return new Bm25TemplateIndex(templates, options);
}
