// Where and what to insert for a solved problem. Pure (offsets and strings); the vscode side turns the
// result into one WorkspaceEdit insertion — never a replacement.
import type { SolutionEnvironment } from './envs.js';
import { begin, end } from './envs.js';
import type { Span } from './locate.js';
import { safeMarkdown } from './markdownSafety.js';

export interface InsertPlan {
  /** Offset in the document where `text` is inserted. */
  offset: number;
  text: string;
}

const PROBLEM_ENV = /^(problem|exercise|question|exer|prob|task|challenge|homework|ex)\*?$/i;

function lineEnd(doc: string, from: number): number {
  const nl = doc.indexOf('\n', from);
  return nl < 0 ? doc.length : nl;
}

/** The end of the problem: past a closing \end{problem}-like environment right after its statement. */
export function latexProblemEnd(doc: string, problem: Span): number {
  const after = doc.slice(problem.end, problem.end + 400);
  const m = /^\s*\\end\{([A-Za-z]+\*?)\}/.exec(after);
  if (m && PROBLEM_ENV.test(m[1]!)) return problem.end + m[0].length;
  return problem.end;
}

/** What insertion needs of a detected problem (src/core/detect's DetectedProblem). */
export interface DetectedBlock {
  startOffset: number;
  endOffset: number;
  /** End of the statement plus any solution that already follows it. */
  blockEndOffset: number;
}

/**
 * Where the whole block of the problem at `problem` ends — past a solution that already follows it —
 * from the detector's view of the document; undefined when no detected problem overlaps the span.
 * The detected problem that overlaps the span most wins.
 */
export function blockEnd(doc: string, problem: Span, detected: readonly DetectedBlock[]): number | undefined {
  let best: DetectedBlock | undefined;
  let bestOverlap = 0;
  for (const p of detected) {
    const overlap = Math.min(problem.end, p.endOffset) - Math.max(problem.start, p.startOffset);
    if (overlap > bestOverlap) {
      best = p;
      bestOverlap = overlap;
    }
  }
  if (!best) return undefined;
  const end = Math.max(best.endOffset, best.blockEndOffset);
  return end >= 0 && end <= doc.length ? end : undefined;
}

/**
 * `after`: where the problem's block ends when a solution already follows it (blockEnd); the new
 * solution goes after that one, never before it and never over it.
 */
export function planLatexInsertion(doc: string, problem: Span, env: SolutionEnvironment, bodyLatex: string, after?: number): InsertPlan {
  const at = Math.max(latexProblemEnd(doc, problem), after ?? 0);
  const block = `${begin(env)}\n${bodyLatex.trim()}\n${end(env)}`;
  const eol = lineEnd(doc, at);
  if (!doc.slice(at, eol).trim()) return { offset: eol, text: `\n${block}` };
  return { offset: at, text: `\n${block}\n` };
}

function escapeHtmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `markdown` is the model's: it is made safe here (markdownSafety.ts), so nothing in it leaves the block. */
export function planMarkdownInsertion(doc: string, problem: Span, markdown: string, summary: string, after?: number): InsertPlan {
  const eol = lineEnd(doc, Math.max(problem.start, problem.end - 1, (after ?? 0) - 1));
  let text = `\n\n<details>\n<summary>${escapeHtmlText(summary)}</summary>\n\n${safeMarkdown(markdown.trim()).trim()}\n\n</details>`;
  const rest = doc.slice(eol);
  if (rest.length > 1 && !rest.startsWith('\n\n')) text += '\n';
  return { offset: eol, text };
}
