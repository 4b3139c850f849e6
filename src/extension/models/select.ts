// "ReasonFlux: Select Model": a preset endpoint (or a custom URL) → its /models → solver (and optionally a
// separate navigator); or a model from VS Code's Language Model API. Written to user settings.
import * as vscode from 'vscode';
import { describeEndpoint, listModels } from '../../core/llm/openai.js';
import { LlmError } from '../../core/llm/types.js';
import { SECTION, readSettings } from '../config.js';
import type { ApiKeyStore } from '../secrets/keys.js';
import { validateBaseUrl } from './validate.js';
import { listLmModels, lmModelSetting } from './vscodeLm.js';

export const PRESETS: ReadonlyArray<{ label: string; baseUrl: string; needsKey: boolean }> = [
  { label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', needsKey: true },
  { label: 'Ollama', baseUrl: 'http://localhost:11434/v1', needsKey: false },
  { label: 'vLLM', baseUrl: 'http://localhost:8000/v1', needsKey: false },
  { label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', needsKey: false },
];

type EndpointPick = vscode.QuickPickItem & { baseUrl?: string; needsKey?: boolean; kind2: 'preset' | 'custom' | 'lm' };

async function setUser(key: string, value: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * Answers given up front instead of through the quick picks (automation and the host tests; command
 * arguments come from code, never from documents). Whatever is missing is asked as usual.
 */
export interface SelectModelAnswers {
  /** Base URL of an OpenAI-compatible server (skips the endpoint pick). */
  baseUrl?: string;
  solver?: string;
  /** Navigator model; '' = same as the solver. */
  navigator?: string;
}

/** Validates a command argument as SelectModelAnswers (undefined when it is not one). */
export function parseSelectModelAnswers(v: unknown): SelectModelAnswers | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const out: SelectModelAnswers = {};
  if (typeof o.baseUrl === 'string' && validateBaseUrl(o.baseUrl) === undefined) out.baseUrl = o.baseUrl.trim().replace(/\/+$/, '');
  if (typeof o.solver === 'string' && o.solver.trim() && o.solver.length <= 200) out.solver = o.solver.trim();
  if (typeof o.navigator === 'string' && o.navigator.length <= 200) out.navigator = o.navigator.trim();
  return out;
}

export async function selectModel(keys: ApiKeyStore, promptForKey: (baseUrl: string) => Promise<boolean>, answers: SelectModelAnswers = {}): Promise<boolean> {
  const current = readSettings().endpointBaseUrl;
  if (answers.baseUrl) return pickModels(keys, promptForKey, answers.baseUrl, PRESETS.find((p) => p.baseUrl === answers.baseUrl)?.needsKey ?? false, answers);
  const items: EndpointPick[] = PRESETS.map((p) => ({
    label: p.label,
    description: p.baseUrl,
    detail: p.baseUrl === current ? vscode.l10n.t('current') : undefined,
    baseUrl: p.baseUrl,
    needsKey: p.needsKey,
    kind2: 'preset',
  }));
  items.push({ label: vscode.l10n.t('Custom URL…'), description: vscode.l10n.t('any OpenAI-compatible server'), kind2: 'custom' });
  items.push({ label: vscode.l10n.t('VS Code language models…'), description: 'vscode.lm', kind2: 'lm' });
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('ReasonFlux: Select Model — endpoint'), ignoreFocusOut: true });
  if (!pick) return false;

  if (pick.kind2 === 'lm') {
    const models = await listLmModels();
    if (!models.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('VS Code offers no language models here (install or sign in to a provider first).'));
      return false;
    }
    const m = await vscode.window.showQuickPick(
      models.map((x) => ({ label: x.name || x.id, description: `${x.vendor} · ${x.family}`, model: x })),
      { title: vscode.l10n.t('Solver model') },
    );
    if (!m) return false;
    await setUser('solver.model', lmModelSetting(m.model));
    await setUser('navigator.model', '');
    void vscode.window.showInformationMessage(vscode.l10n.t('ReasonFlux will use {0}.', m.label));
    return true;
  }

  let baseUrl = pick.baseUrl;
  if (pick.kind2 === 'custom') {
    baseUrl = await vscode.window.showInputBox({
      title: vscode.l10n.t('Base URL of an OpenAI-compatible server'),
      placeHolder: 'http://localhost:8080/v1',
      value: current,
      ignoreFocusOut: true,
      validateInput: validateBaseUrl,
    });
    if (!baseUrl) return false;
    baseUrl = baseUrl.trim().replace(/\/+$/, '');
  }
  if (!baseUrl) return false;
  return pickModels(keys, promptForKey, baseUrl, !!pick.needsKey, answers);
}

/** Lists the endpoint's models (GET /models) and asks for the solver and the navigator. */
async function pickModels(
  keys: ApiKeyStore,
  promptForKey: (baseUrl: string) => Promise<boolean>,
  baseUrl: string,
  needsKey: boolean,
  answers: SelectModelAnswers,
): Promise<boolean> {
  if (needsKey && !(await keys.get(baseUrl))) {
    if (!(await promptForKey(baseUrl))) return false;
  }

  const models = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Asking {0} for its models…', describeEndpoint(baseUrl)), cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        return await listModels(baseUrl!, await keys.get(baseUrl!), { signal: ac.signal });
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    },
  );
  let names: string[];
  if (models instanceof Error) {
    const kind = models instanceof LlmError ? models.kind : '';
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Could not list models ({0}). Type a model name instead:', kind || models.message),
      prompt: models.message,
      ignoreFocusOut: true,
    });
    if (!typed?.trim()) return false;
    names = [typed.trim()];
  } else {
    names = models.map((m) => m.id);
    if (!names.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} lists no models.', describeEndpoint(baseUrl)));
      return false;
    }
  }
  const given = answers.solver && names.includes(answers.solver) ? answers.solver : undefined;
  const solver = given ?? (names.length === 1 ? names[0]! : (await vscode.window.showQuickPick(names, { title: vscode.l10n.t('Solver model (carries out each step)'), ignoreFocusOut: true })));
  if (!solver) return false;
  const same = vscode.l10n.t('Same as the solver');
  const givenNav = answers.navigator === '' ? same : answers.navigator && names.includes(answers.navigator) ? answers.navigator : undefined;
  const nav = givenNav ?? (names.length === 1 ? same : await vscode.window.showQuickPick([same, ...names.filter((n) => n !== solver)], {
    title: vscode.l10n.t('Navigator model (plans and checks) — optional'),
    ignoreFocusOut: true,
  }));
  if (nav === undefined) return false;
  await setUser('endpoint.baseUrl', baseUrl);
  await setUser('solver.model', solver);
  await setUser('navigator.model', nav === same ? '' : nav);
  await setUser('navigator.baseUrl', '');
  void vscode.window.showInformationMessage(vscode.l10n.t('ReasonFlux will use {0} at {1}.', solver, describeEndpoint(baseUrl)));
  return true;
}
