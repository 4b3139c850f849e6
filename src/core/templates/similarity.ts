// Near-duplicate detection for `templates validate`: two templates are flagged when their names are
// nearly the same words, or when their content (name + description + steps) shares most of its word
// 2-shingles. Both use Jaccard similarity over sets of stemmed, stop-word-free terms.
import { analyze } from './tokenize.js';
import type { ThoughtTemplate } from './types.js';

export interface DuplicatePair {
  a: ThoughtTemplate;
  b: ThoughtTemplate;
  /** Name similarity: mean of the Jaccard similarities of the name's term set and its ordered term pairs. */
  name: number;
  /** Jaccard similarity of the content shingle sets. */
  content: number;
  reason: 'name' | 'content' | 'name+content';
}

export interface DuplicateOptions {
  /** Flag when name similarity ≥ this and both names have ≥ 2 terms (default 0.8). */
  nameThreshold?: number;
  /** Flag when content similarity ≥ this (default 0.35). */
  contentThreshold?: number;
  /** Also flag when both name ≥ this.name and content ≥ this.content (default 0.65 / 0.2). */
  combined?: { name: number; content: number };
}

/**
 * Defaults chosen by measurement (bench/retrieval-quality.bench.ts prints the closest pairs): in the
 * upstream v1 library, independently written duplicates (same method, same or nearly the same name) have
 * name similarity 0.75-1 but content only 0.1-0.28; in our library distinct neighbours (ellipse vs
 * hyperbola, Ceva vs Menelaus) reach content 0.22 with name ≤ 0.6. A copied-and-renamed template has
 * content far above 0.35.
 */
export const DEFAULT_NAME_THRESHOLD = 0.8;
export const DEFAULT_CONTENT_THRESHOLD = 0.35;
export const DEFAULT_COMBINED = { name: 0.65, content: 0.2 } as const;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function shingles(terms: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < terms.length; i++) out.add(terms[i]! + ' ' + terms[i + 1]!);
  if (terms.length === 1) out.add(terms[0]!);
  return out;
}

export interface Fingerprint {
  name: Set<string>;
  /** Ordered pairs of name terms, so "sum-to-product" and "product-to-sum" stay apart. */
  nameOrder: Set<string>;
  content: Set<string>;
}

export function fingerprint(t: ThoughtTemplate): Fingerprint {
  const nameTerms = analyze(t.name, { concepts: false });
  const name = new Set(nameTerms);
  const nameOrder = shingles(nameTerms);
  const content = shingles(analyze([t.name, t.description, ...t.steps].join(' . '), { concepts: false }));
  return { name, nameOrder, content };
}

/** Name and content similarity of two fingerprints (see DuplicatePair). */
function pairSimilarity(f: Fingerprint, g: Fingerprint): { name: number; content: number } {
  const name =
    f.name.size >= 2 && g.name.size >= 2
      ? (jaccard(f.name, g.name) + jaccard(f.nameOrder, g.nameOrder)) / 2
      : f.name.size > 0 && setsEqual(f.name, g.name)
        ? 1
        : 0;
  return { name, content: jaccard(f.content, g.content) };
}

/** All pairs above either threshold, most similar first. Quadratic in the library size (fine for ~10³). */
export function findNearDuplicates(templates: readonly ThoughtTemplate[], options: DuplicateOptions = {}): DuplicatePair[] {
  const nameT = options.nameThreshold ?? DEFAULT_NAME_THRESHOLD;
  const contentT = options.contentThreshold ?? DEFAULT_CONTENT_THRESHOLD;
  const combined = options.combined ?? DEFAULT_COMBINED;
  const fps = templates.map(fingerprint);
  const out: DuplicatePair[] = [];
  for (let i = 0; i < templates.length; i++) {
    for (let j = i + 1; j < templates.length; j++) {
      if (templates[i]!.id === templates[j]!.id) continue;
      const { name, content } = pairSimilarity(fps[i]!, fps[j]!);
      const both = name >= combined.name && content >= combined.content;
      if (name >= nameT || content >= contentT || both) {
        const reason = content >= contentT ? 'content' : name >= nameT ? 'name' : 'name+content';
        out.push({ a: templates[i]!, b: templates[j]!, name, content, reason });
      }
    }
  }
  return out.sort((x, y) => Math.max(y.name, y.content) - Math.max(x.name, x.content));
}

function setsEqual(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Similarity distribution helper for choosing thresholds: the k highest scores of each kind. */
export function topSimilarities(templates: readonly ThoughtTemplate[], k = 20): { name: DuplicatePair[]; content: DuplicatePair[] } {
  const all = findNearDuplicates(templates, { nameThreshold: 0, contentThreshold: 0, combined: { name: 0, content: 0 } });
  return {
    name: [...all].sort((x, y) => y.name - x.name).slice(0, k),
    content: [...all].sort((x, y) => y.content - x.content).slice(0, k),
  };
}

export interface Resemblance {
  template: ThoughtTemplate;
  name: number;
  content: number;
  /** Above the near-duplicate thresholds of `templates validate` (name, content, or both combined). */
  duplicate: boolean;
}

/** The k library templates most similar to `t` (by the larger of name and content similarity), most similar first. */
export function closestTemplates(t: ThoughtTemplate, library: readonly ThoughtTemplate[], k = 3): Resemblance[] {
  const f = fingerprint(t);
  const out: Resemblance[] = [];
  for (const other of library) {
    if (other.id === t.id) continue;
    const { name, content } = pairSimilarity(f, fingerprint(other));
    const duplicate = name >= DEFAULT_NAME_THRESHOLD || content >= DEFAULT_CONTENT_THRESHOLD || (name >= DEFAULT_COMBINED.name && content >= DEFAULT_COMBINED.content);
    out.push({ template: other, name, content, duplicate });
  }
  return out.sort((a, b) => Math.max(b.name, b.content) - Math.max(a.name, a.content)).slice(0, k);
}
