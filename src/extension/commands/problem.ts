// Which problem a command acts on: a ProblemRef argument (code lens / code action / hover link), else the
// selection, else the problem under the cursor (the language server's code lenses carry ProblemRefs),
// else an input box.
import * as vscode from 'vscode';
import type { ProblemKind, ProblemRef } from '../../core/detect/types.js';
import { countOccurrences } from '../insert/locate.js';

/** A problem and, when it comes from a document, where it was when the run started. */
export interface ProblemSource {
  text: string;
  language?: string;
  label?: string;
  document?: {
    uri: string;
    languageId: string;
    /** Offsets and exact text of the problem's span at the start of the run (to find it again later). */
    start: number;
    end: number;
    original: string;
    /** How often `original` was in the document then (at most 2): with copies, insertion asks where. */
    occurrences?: number;
  };
}

const KINDS: readonly ProblemKind[] = ['problem', 'exercise', 'question', 'item'];
const MAX_PROBLEM_CHARS = 20_000;

function isPos(v: unknown): v is { line: number; character: number } {
  const p = v as { line?: unknown; character?: unknown } | null;
  return !!p && typeof p === 'object' && Number.isInteger(p.line) && Number.isInteger(p.character) && (p.line as number) >= 0 && (p.character as number) >= 0;
}

/** Validates a command argument (it may come from a hover link, i.e. from document-controlled text). */
export function isProblemRef(v: unknown): v is ProblemRef {
  const r = v as Partial<ProblemRef> | null;
  return (
    !!r && typeof r === 'object' && typeof r.uri === 'string' && typeof r.text === 'string' && r.text.length <= MAX_PROBLEM_CHARS &&
    !!r.range && isPos(r.range.start) && isPos(r.range.end) && KINDS.includes(r.kind as ProblemKind) && typeof r.solved === 'boolean' &&
    (r.label === undefined || typeof r.label === 'string') && (r.language === undefined || typeof r.language === 'string')
  );
}

function fromDocument(doc: vscode.TextDocument, range: vscode.Range, text: string, extra: Partial<ProblemSource> = {}): ProblemSource {
  const start = doc.offsetAt(range.start);
  const end = doc.offsetAt(range.end);
  const original = doc.getText(range);
  return {
    text: text.trim(),
    ...extra,
    document: { uri: doc.uri.toString(), languageId: doc.languageId, start, end, original, occurrences: countOccurrences(doc.getText(), original) },
  };
}

async function fromRef(ref: ProblemRef): Promise<ProblemSource | undefined> {
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(ref.uri, true));
  } catch {
    return ref.text.trim() ? { text: ref.text.trim(), language: ref.language, label: ref.label } : undefined;
  }
  const range = doc.validateRange(new vscode.Range(ref.range.start.line, ref.range.start.character, ref.range.end.line, ref.range.end.character));
  return fromDocument(doc, range, ref.text || doc.getText(range), { ...(ref.language ? { language: ref.language } : {}), ...(ref.label ? { label: ref.label } : {}) });
}

/** The ProblemRef of the server's code lens whose problem contains `position`, if any. */
export async function problemAt(doc: vscode.TextDocument, position: vscode.Position): Promise<ProblemRef | undefined> {
  let lenses: vscode.CodeLens[] | undefined;
  try {
    lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 50);
  } catch {
    return undefined;
  }
  for (const lens of lenses ?? []) {
    const arg = lens.command?.arguments?.[0];
    if (!lens.command?.command.startsWith('reasonflux.') || !isProblemRef(arg) || arg.uri !== doc.uri.toString()) continue;
    const r = new vscode.Range(arg.range.start.line, arg.range.start.character, arg.range.end.line, arg.range.end.character);
    if (r.contains(position) || (position.line >= r.start.line && position.line <= r.end.line)) return arg;
  }
  return undefined;
}

/** The editor's selection, else the detected problem under its cursor (no input box). */
export async function problemInEditor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): Promise<ProblemSource | undefined> {
  if (!editor) return undefined;
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const text = editor.document.getText(sel);
    if (text.trim()) return fromDocument(editor.document, sel, text.slice(0, MAX_PROBLEM_CHARS));
  }
  const ref = await problemAt(editor.document, sel.active);
  return ref ? fromRef(ref) : undefined;
}

/** A problem from a document range (a chat reference to a selection or a file location). */
export function problemFromRange(doc: vscode.TextDocument, range: vscode.Range): ProblemSource | undefined {
  const text = doc.getText(range);
  return text.trim() ? fromDocument(doc, range, text.slice(0, MAX_PROBLEM_CHARS)) : undefined;
}

export async function resolveProblem(arg: unknown, title: string): Promise<ProblemSource | undefined> {
  if (isProblemRef(arg)) return fromRef(arg);
  if (typeof arg === 'string' && arg.trim()) return { text: arg.trim().slice(0, MAX_PROBLEM_CHARS) };
  const inEditor = await problemInEditor();
  if (inEditor) return inEditor;
  const typed = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Type or paste a math problem (LaTeX math with $…$ is fine).'),
    ignoreFocusOut: true,
  });
  return typed?.trim() ? { text: typed.trim().slice(0, MAX_PROBLEM_CHARS) } : undefined;
}
