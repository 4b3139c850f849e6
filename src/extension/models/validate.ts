// Validation of a base URL typed by the user (kept apart so the command module loads nothing heavy).
import * as vscode from 'vscode';

/** Validates a base URL typed by the user; returns an error message or undefined. */
export function validateBaseUrl(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return vscode.l10n.t('Use an http:// or https:// URL.');
    if (u.username || u.password) return vscode.l10n.t('Do not put credentials in the URL; use "ReasonFlux: Set API Key".');
    return undefined;
  } catch {
    return vscode.l10n.t('Not a URL, e.g. http://localhost:11434/v1');
  }
}
