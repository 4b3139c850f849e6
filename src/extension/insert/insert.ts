// Inserts a solution after its problem: one WorkspaceEdit (one undo step), found again by its text if
// the document changed, nothing written if it is gone, the user asked where when it cannot be found
// unambiguously (never guessed). Never replaces existing text. What the model wrote is made safe for the
// document first (texSafety.ts / markdownSafety.ts).
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/state.js';
import { stateToMarkdown } from '../../webview/state.js';
import type { ProblemSource } from '../commands/problem.js';
import { latexSolutionEnvironment } from '../config.js';
import { detectProblems } from '../../core/detect/index.js';
import { blockEnd, planLatexInsertion, planMarkdownInsertion, type InsertPlan } from './compose.js';
import { findSolutionEnvironment } from './envs.js';
import { markdownToLatex } from './latex.js';
import { locateProblem, type Span } from './locate.js';
import { texContext } from './texSafety.js';

export type InsertOutcome = 'inserted' | 'gone' | 'no-document' | 'no-solution' | 'failed' | 'cancelled';

/** Asks which of several places holds the problem; undefined: the user chose none. */
export type ChoosePlace = (doc: vscode.TextDocument, candidates: readonly Span[]) => Promise<Span | undefined>;

export function isLatexDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'latex' || doc.languageId === 'tex' || /\.(tex|ltx|sty)$/i.test(doc.uri.path);
}

export interface PlannedInsertion extends InsertPlan {
  /** LaTeX commands of the model's math written as text instead (\input, \write …), for a notice. */
  neutralised: string[];
}

/** The text to insert at `span` of a document (pure apart from reading the setting). */
export function planInsertion(doc: vscode.TextDocument, span: Span, state: PanelState): PlannedInsertion {
  const text = doc.getText();
  const markdown = stateToMarkdown(state);
  const latex = isLatexDocument(doc);
  // A solution already below the problem: the new one goes after it (the detector knows the block).
  let after: number | undefined;
  try {
    after = blockEnd(text, span, detectProblems(text, latex ? 'latex' : 'markdown'));
  } catch {
    after = undefined; // detection is a refinement; without it the solution goes right after the statement
  }
  if (latex) {
    const env = findSolutionEnvironment(text, latexSolutionEnvironment(doc.uri));
    const neutralised = new Set<string>();
    const body = markdownToLatex(markdown, texContext(text), neutralised);
    return { ...planLatexInsertion(text, span, env, body, after), neutralised: [...neutralised].filter((n) => /^\\[A-Za-z]/.test(n)) };
  }
  return { ...planMarkdownInsertion(text, span, markdown, vscode.l10n.t('Solution (ReasonFlux)'), after), neutralised: [] };
}

/** The QuickPick: each place with its line number and the line's text. */
export const askWhichPlace: ChoosePlace = async (doc, candidates) => {
  const items = candidates.map((span) => {
    const pos = doc.positionAt(span.start);
    return { label: vscode.l10n.t('Line {0}', pos.line + 1), description: doc.lineAt(pos.line).text.trim().slice(0, 100), span };
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('The problem is in {0} more than once, or was edited: where should the solution go?', vscode.workspace.asRelativePath(doc.uri)),
    placeHolder: vscode.l10n.t('Choose the problem the solution belongs to (Escape: insert nothing)'),
    ignoreFocusOut: true,
  });
  return pick?.span;
};

export async function insertSolution(source: ProblemSource | undefined, state: PanelState, choose: ChoosePlace = askWhichPlace): Promise<InsertOutcome> {
  if (!source?.document) {
    void vscode.window.showWarningMessage(vscode.l10n.t('This problem did not come from a document, so there is nowhere to insert its solution. Use "Copy as LaTeX" or "Copy as Markdown".'));
    return 'no-document';
  }
  if (!state.steps.some((s) => s.text.trim()) && !state.final) {
    void vscode.window.showWarningMessage(vscode.l10n.t('There is no solution to insert yet.'));
    return 'no-solution';
  }
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(source.document.uri, true));
  } catch {
    void vscode.window.showWarningMessage(vscode.l10n.t('The document of this problem cannot be opened any more; nothing was inserted.'));
    return 'no-document';
  }
  const where = source.document;
  const found = locateProblem(doc.getText(), where.original, { start: where.start, end: where.end }, where.occurrences);
  if (!found) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The problem is no longer in {0}; nothing was inserted.', vscode.workspace.asRelativePath(doc.uri)));
    return 'gone';
  }
  const version = doc.version;
  let span: Span | undefined = 'span' in found ? found.span : await choose(doc, found.candidates);
  if (!span) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No place was chosen; nothing was inserted.'));
    return 'cancelled';
  }
  if (doc.version !== version) {
    // Edited while the user was choosing: the chosen offsets may point elsewhere now.
    const again = locateProblem(doc.getText(), where.original, span, 1);
    span = again && 'span' in again ? again.span : undefined;
    if (!span) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The document changed while choosing; nothing was inserted.'));
      return 'cancelled';
    }
  }
  const plan = planInsertion(doc, span, state);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, doc.positionAt(plan.offset), plan.text);
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The solution could not be inserted (the editor refused the edit).'));
    return 'failed';
  }
  if (plan.neutralised.length) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Some LaTeX in the answer was written as text, not run, so the document stays safe: {0}', plan.neutralised.slice(0, 8).join(' ')),
    );
  }
  return 'inserted';
}
