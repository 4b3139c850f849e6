// Hover-to-explain for text the detector did not flag: when the user hovers their own selection in a
// Markdown / LaTeX document, show what it asks, the top matching templates (local index, no model call)
// and command links (Explain · Hint · Solve) trusted only for those three commands. Where the language
// server already marks a problem, its hover covers the place and this one stays silent (never two).
import * as vscode from 'vscode';
import type { ProblemRef } from '../../core/detect/types.js';
import { problemAt } from '../commands/problem.js';
import type { TemplateService } from '../commands/templates.js';
import { featureFlags } from '../config.js';
import { whatItAsks } from './asks.js';

export const HOVER_COMMANDS = ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve'] as const;
const MAX_SELECTION = 4000;

export function commandLink(command: (typeof HOVER_COMMANDS)[number], ref: ProblemRef): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([ref]))}`;
}

export function registerSelectionHover(templates: TemplateService): vscode.Disposable {
  const selector: vscode.DocumentSelector = [
    { language: 'markdown' },
    { language: 'latex' },
    { language: 'tex' },
  ];
  return vscode.languages.registerHoverProvider(selector, {
    async provideHover(doc, position, token) {
      if (!featureFlags(doc.uri).hover) return undefined;
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      const sel = editor?.selections.find((s) => !s.isEmpty && s.contains(position));
      if (!sel) return undefined;
      const text = doc.getText(sel);
      if (!text.trim() || text.length > MAX_SELECTION) return undefined;
      // The server's hover covers detected problems: stay silent there.
      if (await problemAt(doc, position)) return undefined;
      if (token.isCancellationRequested) return undefined;

      const ref: ProblemRef = {
        uri: doc.uri.toString(),
        range: { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } },
        text,
        kind: 'question',
        solved: false,
      };
      const md = new vscode.MarkdownString(undefined, true);
      md.supportHtml = false;
      md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      md.appendMarkdown(`**ReasonFlux** — ${vscode.l10n.t('what it asks')}: `);
      md.appendText(whatItAsks(text));
      md.appendMarkdown('\n\n');
      const index = templates.peek();
      const hits = index ? index.search(text, { top: 3 }) : [];
      if (hits.length) {
        md.appendMarkdown(`${vscode.l10n.t('Matching thought templates')}:\n\n`);
        for (const h of hits) {
          md.appendMarkdown('- ');
          md.appendText(`${h.template.name} — ${h.template.chapter} › ${h.template.section} (${h.score.toFixed(2)})`);
          md.appendMarkdown('\n');
        }
        md.appendMarkdown('\n');
      } else if (!index) {
        md.appendMarkdown(`_${vscode.l10n.t('Loading the template library…')}_\n\n`);
      }
      md.appendMarkdown(
        [
          `[${vscode.l10n.t('Explain')}](${commandLink('reasonflux.explain', ref)})`,
          `[${vscode.l10n.t('Hint')}](${commandLink('reasonflux.hint', ref)})`,
          `[${vscode.l10n.t('Solve')}](${commandLink('reasonflux.solve', ref)})`,
        ].join(' · '),
      );
      return new vscode.Hover(md, sel);
    },
  });
}
