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
}

export interface SearchOptions {
  /** How many results (default 5). */
  top?: number;
  /** Restrict to templates serving one of these subjects. */
  subjects?: string[];
}

/** The retrieval interface the orchestrator, server and hover use. */
export interface TemplateIndex {
  readonly size: number;
  search(query: string, options?: SearchOptions): TemplateMatch[];
  get(id: string): ThoughtTemplate | undefined;
  all(): readonly ThoughtTemplate[];
}
