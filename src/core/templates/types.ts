import type { z } from 'zod';
import type { thoughtTemplateSchema } from './schema.js';

export type TemplateData = z.output<typeof thoughtTemplateSchema>;

/** Where a template came from. User entries win over built-in ones with the same id. */
export type TemplateOrigin = 'builtin' | 'workspace' | 'user-file' | 'imported';

export interface ThoughtTemplate extends TemplateData {
  origin: TemplateOrigin;
  /** File the template was read from, when known. */
  file?: string;
}

/** One retrieval hit. `matchedFields` names the fields whose terms matched the query. */
export interface TemplateMatch {
  template: ThoughtTemplate;
  score: number;
  matchedFields: string[];
  matchedTerms: string[];
  /**
   * A general, catch-all template (`scope: "general"`, e.g. organised casework, coordinate bash): ranked
   * below specific templates that match too, so it shows as a fallback.
   */
  general?: boolean;
}

export interface SearchOptions {
  /** How many results (default 5). */
  top?: number;
  /** Restrict to templates serving one of these subjects. */
  subjects?: string[];
  /**
   * Text the query comes from, e.g. the problem behind a plan step's query: its terms count too, with
   * `contextWeight` (default DEFAULT_CONTEXT_WEIGHT) times the weight of the query's own terms.
   */
  context?: string;
  contextWeight?: number;
  /**
   * The query is a plan step's (a navigator step's method + goal, see stepSearchRequest): the BM25
   * candidates are reordered by the step reranker (rerank.ts). Absent for problem-only searches (hover,
   * problem hints), which stay plain BM25.
   */
  planStep?: boolean;
}

/** The retrieval interface the orchestrator, server and hover use. */
export interface TemplateIndex {
  readonly size: number;
  search(query: string, options?: SearchOptions): TemplateMatch[];
  get(id: string): ThoughtTemplate | undefined;
  all(): readonly ThoughtTemplate[];
  /**
   * Optional (indexes that call a model, e.g. embedding retrieval): make the coming searches for these
   * queries ready. Never rejects; a search that was not prepared still answers (from BM25 alone).
   */
  prepare?(queries: ReadonlyArray<{ query: string; context?: string }>, signal?: AbortSignal): Promise<void>;
}
