// Builds the navigator and solver ChatModels from the settings (read through config.ts, which applies
// the untrusted-workspace rule) and the key in SecretStorage. A solver setting "vscode-lm:<id>" selects
// a model from VS Code's Language Model API instead of an HTTP endpoint.
import * as vscode from 'vscode';
import type { ChatModel } from '../../core/llm/types.js';
import { readSettings } from '../config.js';
import type { ApiKeyStore } from '../secrets/keys.js';
import { VSCODE_LM_PREFIX, createLmModel } from './vscodeLm.js';

/** No model is configured (or the configured VS Code model is gone). */
export class NoModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoModelError';
  }
}

export interface ResolvedModels {
  navigator: ChatModel;
  solver: ChatModel;
  maxRounds: number;
}

interface Limits {
  timeoutMs: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
}

async function build(name: string, baseUrl: string, keys: ApiKeyStore, limits: Limits): Promise<ChatModel> {
  if (name.startsWith(VSCODE_LM_PREFIX)) {
    const id = name.slice(VSCODE_LM_PREFIX.length);
    const found = vscode.lm ? await vscode.lm.selectChatModels({ id }) : [];
    if (!found[0]) throw new NoModelError(vscode.l10n.t('The VS Code language model "{0}" is not available.', id));
    return createLmModel(found[0]);
  }
  if (!baseUrl) throw new NoModelError(vscode.l10n.t('No model endpoint is set.'));
  const { createOpenAiModel } = await import('../../core/llm/openai.js');
  return createOpenAiModel({ baseUrl, model: name, apiKey: await keys.get(baseUrl), ...limits });
}

/** The configured models, or a NoModelError saying what is missing. Makes no network request. */
export async function resolveModels(keys: ApiKeyStore, scope?: vscode.ConfigurationScope): Promise<ResolvedModels> {
  const s = readSettings(scope);
  if (!s.solverModel) throw new NoModelError(vscode.l10n.t('No solver model is selected.'));
  const limits: Limits = {
    timeoutMs: s.requestTimeoutSeconds * 1000,
    firstTokenTimeoutMs: s.firstTokenTimeoutSeconds * 1000,
    idleTimeoutMs: s.idleTimeoutSeconds * 1000,
  };
  const solver = await build(s.solverModel, s.endpointBaseUrl, keys, limits);
  const navName = s.navigatorModel || s.solverModel;
  const navBase = s.navigatorBaseUrl || s.endpointBaseUrl;
  const navigator = navName === s.solverModel && navBase === s.endpointBaseUrl ? solver : await build(navName, navBase, keys, limits);
  return { navigator, solver, maxRounds: s.maxRounds };
}
