// Problem statements found in Markdown / LaTeX documents. Shared by the detector, the language
// server, the CLI and the extension (command arguments).

export type ProblemKind = 'problem' | 'exercise' | 'question' | 'item';

export type DocumentFormat = 'latex' | 'markdown';

export interface DetectedProblem {
  /** 0-based line of the opening markup (or first text line). */
  startLine: number;
  /** 0-based last line of the statement (inclusive), before any solution. */
  endLine: number;
  /** Character offsets into the document: [start, end). `end` is the end of the statement. */
  startOffset: number;
  endOffset: number;
  /** End offset of the whole block including a following solution, when one follows. */
  blockEndOffset: number;
  kind: ProblemKind;
  /** The statement as plain-ish text (markup of the enclosing environment removed, math kept). */
  text: string;
  /** A solution / proof / answer already follows the statement. */
  solved: boolean;
  /** The problem's own label if it has one ("Problem 3", "Exercise 2.1"). */
  label?: string;
  /** Language of the statement (ISO 639-1) when it could be told, e.g. "en", "ko", "zh". */
  language?: string;
}

/** Argument passed from code actions, code lenses and hovers to the extension's commands. */
export interface ProblemRef {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
  kind: ProblemKind;
  solved: boolean;
  label?: string;
  language?: string;
}
