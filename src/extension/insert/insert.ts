// Inserts a solution after its problem: one WorkspaceEdit (one undo step), found again by its text if
// the document changed, nothing written if it is gone. Never replaces existing text.
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/state.js';
import { stateToMarkdown } from '../../webview/state.js';
import type { ProblemSource } from '../commands/problem.js';
import { latexSolutionEnvironment } from '../config.js';
import { detectProblems } from '../../core/detect/index.js';
import { blockEnd, planLatexInsertion, planMarkdownInsertion, type InsertPlan } from './compose.js';
import { findSolutionEnvironment } from './envs.js';
import { markdownToLatex } from './latex.js';
import { relocate } from './locate.js';

export type InsertOutcome = 'inserted' | 'gone' | 'no-document' | 'no-solution' | 'failed';

export function isLatexDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'latex' || doc.languageId === 'tex' || /\.(tex|ltx|sty)$/i.test(doc.uri.path);
}

/** The text to insert for a document's contents (pure apart from reading the setting). */
export function planInsertion(doc: vscode.TextDocument, source: NonNullable<ProblemSource['document']>, state: PanelState): InsertPlan | undefined {
  const text = doc.getText();
  const span = relocate(text, source.original, { start: source.start, end: source.end });
  if (!span) return undefined;
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
    return planLatexInsertion(text, span, env, markdownToLatex(markdown), after);
  }
  return planMarkdownInsertion(text, span, markdown, vscode.l10n.t('Solution (ReasonFlux)'), after);
}

export async function insertSolution(source: ProblemSource | undefined, state: PanelState): Promise<InsertOutcome> {
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
  const plan = planInsertion(doc, source.document, state);
  if (!plan) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The problem is no longer in {0}; nothing was inserted.', vscode.workspace.asRelativePath(doc.uri)));
    return 'gone';
  }
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, doc.positionAt(plan.offset), plan.text);
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The solution could not be inserted (the editor refused the edit).'));
    return 'failed';
  }
  return 'inserted';
}
