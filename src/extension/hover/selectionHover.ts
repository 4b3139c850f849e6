// Hover-to-explain for text the detector did not flag: when the user hovers their own selection in a
// Markdown / LaTeX document, show what it asks, the top matching templates (local index, no model call)
// and command links (Explain · Hint · Solve) trusted only for those three commands. Where the language
// server already marks a problem, its hover covers the place and this one stays silent (never two).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { splitMath, texToText } from '../../core/detect/mathText.js';
import type { ProblemRef } from '../../core/detect/types.js';
import { closeMatches, matchedWords } from '../../core/templates/display.js';
import { colourMathImages, mathColour } from '../client.js';
import { problemAt } from '../commands/problem.js';
import { usageLine, type GrowthService } from '../commands/grow.js';
import type { TemplateService } from '../commands/templates.js';
import { featureFlags } from '../config.js';
import { whatItAsks } from './asks.js';

export const HOVER_COMMANDS = ['reasonflux.explain', 'reasonflux.hint', 'reasonflux.solve'] as const;
const MAX_SELECTION = 4000;

export function commandLink(command: (typeof HOVER_COMMANDS)[number], ref: ProblemRef): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([ref]))}`;
}

/** The language server's request that typesets math for hovers (src/server/service.ts). */
const MATH_MARKDOWN_REQUEST = 'reasonflux/mathMarkdown';

/** Markdown for `text` with its math typeset by the language server, else as readable text. */
async function mathMarkdown(text: string, client: LanguageClient | undefined): Promise<string> {
  if (client && /[$\\]/.test(text)) {
    try {
      const r = await client.sendRequest<{ markdown?: unknown }>(MATH_MARKDOWN_REQUEST, { text });
      if (typeof r?.markdown === 'string' && r.markdown) return colourMathImages(r.markdown, mathColour(vscode.window.activeColorTheme.kind));
    } catch {
      // the server is gone or busy: readable text below
    }
  }
  const md = new vscode.MarkdownString();
  for (const seg of splitMath(text)) md.appendText(seg.kind === 'text' ? seg.text : texToText(seg.tex));
  return md.value;
}

export function registerSelectionHover(templates: TemplateService, client: () => LanguageClient | undefined, grow?: GrowthService): vscode.Disposable {
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
      md.appendMarkdown(await mathMarkdown(whatItAsks(text), client()));
      if (token.isCancellationRequested) return undefined;
      md.appendMarkdown('\n\n');
      const index = templates.peek();
      const hits = index ? closeMatches(index.search(text, { top: 3 })) : [];
      if (hits.length) {
        const best = hits[0]!;
        const words = matchedWords(text, best.matchedTerms, `${best.template.name} ${best.template.tags.join(' ')}`);
        // The user's own statistics of each template (global storage; no model call).
        const usage = await grow?.usage().catch(() => undefined);
        md.appendMarkdown(`${vscode.l10n.t('Thought templates')}: `);
        hits.forEach((h, i) => {
          if (i > 0) md.appendMarkdown(' · ');
          md.appendMarkdown('**');
          md.appendText(h.template.name);
          md.appendMarkdown('** _(');
          const line = usageLine(usage?.get(h.template.id));
          md.appendText(line ? `${h.template.chapter} · ${vscode.l10n.t('your use')}: ${line}` : h.template.chapter);
          md.appendMarkdown(')_');
        });
        if (words.length) md.appendText(` — ${vscode.l10n.t('matched {0}', words.join(', '))}`);
        md.appendMarkdown('\n\n');
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
