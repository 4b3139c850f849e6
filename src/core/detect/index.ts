// Public API of the problem detector: one-shot `detectProblems` and the incremental `ProblemDetector`
// used by the language server (re-scans only the segments an edit touches).
import type { DetectedProblem, DocumentFormat } from './types.js';
import { DetectCancelledError, SegmentedText, type Segment } from './segments.js';
import { latexProblems, scanLatex, type LatexReuse, type LatexSegData } from './latex.js';
import { markdownProblems, scanMarkdown, type MarkdownReuse, type MarkdownSegData } from './markdown.js';

export type { DetectedProblem, DocumentFormat, ProblemKind, ProblemRef } from './types.js';
export { DetectCancelledError } from './segments.js';

export interface DetectOptions {
  /** Extra LaTeX environment names that hold problems (setting reasonflux.detection.extraEnvironments). */
  extraEnvironments?: readonly string[];
  /** At most this many problems are reported (default 5000). */
  maxProblems?: number;
  /** Only the first `maxChars` characters are examined (default 8,000,000). */
  maxChars?: number;
  /** Polled between segments; when it returns true, detection stops with DetectCancelledError. */
  isCancelled?: () => boolean;
}

export const DEFAULT_MAX_PROBLEMS = 5000;
export const DEFAULT_MAX_CHARS = 8_000_000;

/** Text that is not a document: NUL bytes or mostly replacement/control characters near the start. */
export function looksBinary(text: string): boolean {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  if (head.includes('\u0000')) return true;
  let bad = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) bad++;
  }
  return head.length > 0 && bad / head.length > 0.1;
}

/** Format from a file name or an LSP language id; undefined when neither LaTeX nor Markdown. */
export function formatOf(nameOrLanguageId: string): DocumentFormat | undefined {
  const s = nameOrLanguageId.toLowerCase();
  if (/(?:^|\.)(?:tex|latex|ltx|sty|cls|dtx)$/.test(s) || s === 'latex' || s === 'tex' || s === 'context' || s === 'plaintex') return 'latex';
  if (/(?:^|\.)(?:md|markdown|mdx|myst|qmd|rmd|mkd)$/.test(s) || s === 'markdown' || s === 'quarto' || s === 'rmd') return 'markdown';
  return undefined;
}

type AnySeg = Segment<LatexSegData> | Segment<MarkdownSegData>;

/** Incremental detector for one document. */
export class ProblemDetector {
  private readonly doc: SegmentedText<LatexSegData | MarkdownSegData>;
  private problems: DetectedProblem[] = [];
  private truncated = false;
  private fullLength = 0;
  /** What the Markdown rules keep between runs to resume after the edited segments. */
  private mdReuse: MarkdownReuse = {};
  /** The same for the LaTeX rules. */
  private texReuse: LatexReuse = {};

  constructor(
    readonly format: DocumentFormat,
    private options: DetectOptions = {},
  ) {
    const scan = format === 'latex' ? scanLatex : scanMarkdown;
    this.doc = new SegmentedText<LatexSegData | MarkdownSegData>(scan as never);
  }

  /** Whether the last run only looked at the first `maxChars` characters. */
  get wasTruncated(): boolean {
    return this.truncated;
  }

  get current(): readonly DetectedProblem[] {
    return this.problems;
  }

  setOptions(options: DetectOptions): void {
    this.options = options;
    this.mdReuse = {};
    this.texReuse = {};
  }

  /** Full (re)scan of a new text. */
  reset(text: string, isCancelled?: () => boolean): DetectedProblem[] {
    this.fullLength = text.length;
    const limit = this.options.maxChars ?? DEFAULT_MAX_CHARS;
    this.truncated = text.length > limit;
    const body = looksBinary(text) ? '' : this.truncated ? text.slice(0, limit) : text;
    this.mdReuse = {};
    this.texReuse = {};
    this.doc.reset(body, isCancelled ?? this.options.isCancelled);
    return this.assemble(true);
  }

  /**
   * Applies one edit: text[start, end) of the previous text (offsets) replaced by `insert`.
   * Falls back to a full scan when the document is binary or the text does not match.
   */
  edit(start: number, end: number, insert: string, newText: string, isCancelled?: () => boolean): DetectedProblem[] {
    return this.editMany([{ start, end, insert }], newText, isCancelled);
  }

  /**
   * Applies several edits in order (each in the coordinates of the text left by the previous one), then
   * re-detects once. `newText` is the text after the last edit; a mismatch falls back to a full scan.
   * In a document longer than `maxChars` only the examined beginning is kept: edits past it change
   * nothing, and the examined part is re-cut to the limit from `newText`.
   */
  editMany(edits: readonly { start: number; end: number; insert: string }[], newText: string, isCancelled?: () => boolean): DetectedProblem[] {
    const cancel = isCancelled ?? this.options.isCancelled;
    const limit = this.options.maxChars ?? DEFAULT_MAX_CHARS;
    // The examined text is the first min(length, limit) characters of the document (empty when binary).
    if (this.doc.text.length !== Math.min(this.fullLength, limit) || edits.some((e) => looksBinary(e.insert))) {
      return this.reset(newText, cancel);
    }
    let changed = false;
    let full = this.fullLength;
    // One edit of a document examined whole that stays within the limit: the text after it is `newText`.
    const whole = edits.length === 1 && this.fullLength <= limit && newText.length <= limit ? newText : undefined;
    for (const e of edits) {
      const body = this.doc.text.length;
      full += e.insert.length - (Math.min(e.end, full) - Math.min(e.start, full));
      // The examined text is a prefix of the document: an edit after it leaves it as it is.
      if (e.start > body || (e.start === body && body >= limit)) continue;
      this.doc.edit(e.start, Math.min(e.end, body), e.insert, cancel, whole);
      changed = true;
    }
    if (full !== newText.length) return this.reset(newText, cancel);
    this.fullLength = newText.length;
    const want = Math.min(newText.length, limit);
    const have = this.doc.text.length;
    if (have > want) {
      this.doc.edit(want, have, '', cancel);
      changed = true;
    } else if (have < want) {
      this.doc.edit(have, have, newText.slice(have, want), cancel);
      changed = true;
    }
    this.truncated = newText.length > limit;
    if (this.doc.text.length !== want) return this.reset(newText, cancel);
    return changed ? this.assemble() : this.problems;
  }

  /** Recomputes the problems from the cached segments (no re-scan). */
  refresh(): DetectedProblem[] {
    return this.assemble();
  }

  /** `fresh`: a full scan, whose statement texts may be built lazily (nothing is cached yet). */
  private assemble(fresh = false): DetectedProblem[] {
    const { starts, lines } = this.doc.layout();
    const segs = this.doc.segs as AnySeg[];
    const maxProblems = this.options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
    this.problems =
      this.format === 'latex'
        ? latexProblems(this.doc.text, segs as Segment<LatexSegData>[], starts, lines, {
            extraEnvironments: this.options.extraEnvironments ?? [],
            maxProblems,
            lazyText: fresh,
            reuse: this.texReuse,
          })
        : markdownProblems(this.doc.text, segs as Segment<MarkdownSegData>[], starts, lines, { maxProblems, reuse: this.mdReuse });
    if (this.problems.length > maxProblems) this.problems.length = maxProblems;
    return this.problems;
  }
}

/** All problems stated in `text`. Never throws on malformed input (only DetectCancelledError when cancelled). */
export function detectProblems(text: string, format: DocumentFormat, options: DetectOptions = {}): DetectedProblem[] {
  return new ProblemDetector(format, options).reset(text);
}

export function isCancellation(err: unknown): boolean {
  return err instanceof DetectCancelledError;
}
