// The editor commands. Titles and categories live in package.json (localised through package.nls*.json).
import * as vscode from 'vscode';
import { logTiming } from '../timing.js';
import type { SolveMode } from '../../core/reasoning/events.js';
import { readSettings } from '../config.js';
import type { SolveHistory } from '../history/history.js';
import { describeError } from '../log.js';
import type { TrajectoryPanel } from '../panel/panel.js';
import { endpointLabel, type ApiKeyStore } from '../secrets/keys.js';
import { validateBaseUrl } from '../models/validate.js';
import { resolveProblem } from './problem.js';
import type { ExportOptions, GradeOptions, GrowthService, SaveTemplateOptions } from './grow.js';
import type { SessionManager } from './session.js';
import { reloadTemplatesCommand, searchTemplatesCommand, type TemplateService } from './templates.js';

export interface CommandDeps {
  output: vscode.LogOutputChannel;
  session: SessionManager;
  panel: TrajectoryPanel;
  keys: ApiKeyStore;
  history: SolveHistory;
  templates: TemplateService;
  grow: GrowthService;
}

/** The typed fields of an optional object argument (automation, tests); anything else is ignored. */
function pick<T>(arg: unknown, fields: Record<keyof T, 'string' | 'boolean'>): T {
  const out: Record<string, unknown> = {};
  if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
    for (const [k, type] of Object.entries(fields)) {
      const v = (arg as Record<string, unknown>)[k];
      if (typeof v === type) out[k] = v;
    }
  }
  return out as T;
}

/** Asks for a key and stores it for `baseUrl`; true when one was stored. */
export async function promptForKey(keys: ApiKeyStore, baseUrl: string): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('API key for {0}', endpointLabel(baseUrl)),
    prompt: vscode.l10n.t('Stored in VS Code\'s secret storage, never in settings.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (!key?.trim()) return false;
  await keys.set(baseUrl, key.trim());
  return true;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const guard =
    <A extends unknown[]>(name: string, fn: (...args: A) => unknown) =>
    async (...args: A) => {
      try {
        return await fn(...args);
      } catch (err) {
        d.output.error(`${name}: ${describeError(err)}`);
        void vscode.window.showErrorMessage(`ReasonFlux: ${describeError(err)}`);
        return undefined;
      }
    };

  const runMode = (mode: SolveMode, title: string) =>
    guard(`reasonflux.${mode}`, async (arg?: unknown) => {
      logTiming(d.output, `command reasonflux.${mode} started`);
      const source = await resolveProblem(arg, title);
      if (!source) return;
      await d.session.start(mode, source);
    });

  const reg = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, guard(id, fn as (...a: unknown[]) => unknown));

  return [
    vscode.commands.registerCommand('reasonflux.solve', runMode('solve', vscode.l10n.t('Solve with ReasonFlux'))),
    vscode.commands.registerCommand('reasonflux.hint', runMode('hint', vscode.l10n.t('Give Me a Hint'))),
    vscode.commands.registerCommand('reasonflux.explain', runMode('explain', vscode.l10n.t('Explain This Problem'))),
    reg('reasonflux.cancel', () => d.session.cancel()),
    reg('reasonflux.showPanel', () => d.panel.show(false)),
    reg('reasonflux.insertSolution', () => d.session.insert()),
    reg('reasonflux.showHistory', async (runId?: unknown) => {
      const entries = d.history.list();
      if (!entries.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No ReasonFlux runs yet.'));
        return;
      }
      // A run id as argument (automation, tests) reopens that run without the quick pick.
      const direct = typeof runId === 'string' ? entries.find((e) => e.state.runId === runId) : undefined;
      const pick = direct ? { entry: direct } : await vscode.window.showQuickPick(
        entries.map((e) => ({
          label: e.state.problem.replace(/\s+/g, ' ').slice(0, 80),
          description: `${e.state.mode} · ${e.state.status}${e.state.final?.answer ? ` · ${e.state.final.answer}` : ''}`,
          detail: `${new Date(e.at).toLocaleString()}${e.uri ? ` · ${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}` : ''}`,
          entry: e,
        })),
        { title: vscode.l10n.t('ReasonFlux history'), matchOnDescription: true },
      );
      if (!pick) return;
      // Reopened runs can be inserted again only by their text (the offsets are stale): find it anew.
      const e = pick.entry;
      d.session.reopen(e.state, e.uri ? { text: e.state.problem, document: { uri: e.uri, languageId: '', start: 0, end: 0, original: e.state.problem } } : undefined);
    }),
    reg('reasonflux.selectModel', async (answers?: unknown) => {
      const { parseSelectModelAnswers, selectModel } = await import('../models/select.js');
      return selectModel(d.keys, (url) => promptForKey(d.keys, url), parseSelectModelAnswers(answers));
    }),
    // Optional argument { baseUrl?, key? } (automation, tests): what the input boxes would ask.
    reg('reasonflux.setApiKey', async (arg?: unknown) => {
      const given = arg && typeof arg === 'object' ? (arg as { baseUrl?: unknown; key?: unknown }) : {};
      if (typeof given.baseUrl === 'string' && typeof given.key === 'string' && given.key.trim() && validateBaseUrl(given.baseUrl) === undefined) {
        await d.keys.set(given.baseUrl, given.key.trim());
        d.output.info(`API key stored for ${endpointLabel(given.baseUrl)}`);
        return true;
      }
      let baseUrl = readSettings().endpointBaseUrl;
      if (!baseUrl) {
        baseUrl =
          (await vscode.window.showInputBox({
            title: vscode.l10n.t('Which endpoint is the key for?'),
            placeHolder: 'https://api.openai.com/v1',
            validateInput: validateBaseUrl,
            ignoreFocusOut: true,
          })) ?? '';
      }
      if (!baseUrl.trim()) return;
      if (await promptForKey(d.keys, baseUrl)) {
        d.output.info(`API key stored for ${endpointLabel(baseUrl)}`);
        void vscode.window.showInformationMessage(vscode.l10n.t('API key stored for {0}.', endpointLabel(baseUrl)));
        return true;
      }
      return false;
    }),
    reg('reasonflux.searchTemplates', () => searchTemplatesCommand(d.templates)),
    reg('reasonflux.reloadTemplates', () => reloadTemplatesCommand(d.templates)),
    // Optional arguments (automation, tests) answer what the dialogs would ask.
    reg('reasonflux.saveAsTemplate', (arg?: unknown) => d.session.saveAsTemplate(pick<SaveTemplateOptions>(arg, { confirmDuplicate: 'boolean', openFile: 'boolean' }))),
    reg('reasonflux.gradeRun', (arg?: unknown) => d.session.gradeRun(pick<GradeOptions>(arg, { reference: 'string', correct: 'boolean' }))),
    reg('reasonflux.exportPreferencePairs', (arg?: unknown) => {
      const o = pick<ExportOptions>(arg, { file: 'string', format: 'string' });
      if (o.format !== undefined && o.format !== 'conversational' && o.format !== 'standard') delete o.format;
      return d.grow.exportPairs(o);
    }),
  ];
}
