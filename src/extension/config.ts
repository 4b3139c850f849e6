// Typed access to every `reasonflux.*` setting declared in package.json, in one place.
// Values are validated (settings.json is user-edited and may hold anything) and fall back to the
// declared defaults. In an untrusted workspace, model endpoint URLs come only from user (global)
// settings: a cloned repository must not be able to send the user's problems and key elsewhere.
import * as vscode from 'vscode';

export const SECTION = 'reasonflux';

export type DetectionSeverity = 'error' | 'warning' | 'information' | 'hint';
const SEVERITIES: readonly DetectionSeverity[] = ['error', 'warning', 'information', 'hint'];

export interface ReasonFluxSettings {
  /** reasonflux.endpoint.baseUrl — OpenAI-compatible base URL ('' = not configured). */
  endpointBaseUrl: string;
  /** reasonflux.solver.model ('' = not configured). */
  solverModel: string;
  /** reasonflux.navigator.model ('' = use the solver model). */
  navigatorModel: string;
  /** reasonflux.navigator.baseUrl ('' = use the solver endpoint). */
  navigatorBaseUrl: string;
  /** reasonflux.maxRounds — 0..20, 0 = scale with complexity. */
  maxRounds: number;
  /** reasonflux.requestTimeoutSeconds — total cap per request, at least 5. */
  requestTimeoutSeconds: number;
  /** reasonflux.firstTokenTimeoutSeconds — from sending a request to its first token, at least 1. */
  firstTokenTimeoutSeconds: number;
  /** reasonflux.idleTimeoutSeconds — longest gap between two streamed tokens, at least 1. */
  idleTimeoutSeconds: number;
  /** reasonflux.templates.workspaceFolder — relative to the workspace folder. */
  templatesWorkspaceFolder: string;
  /** reasonflux.templates.userFile ('' = none). */
  templatesUserFile: string;
  /** reasonflux.templates.usagePrior — your template statistics nudge retrieval (at most ±10 %). */
  templatesUsagePrior: boolean;
  /** reasonflux.retrieval.embeddingsModel ('' = embedding retrieval off, BM25 alone). */
  retrievalEmbeddingsModel: string;
  /** reasonflux.retrieval.embeddingsBaseUrl ('' = the solver endpoint). */
  retrievalEmbeddingsBaseUrl: string;
  /** reasonflux.detection.languages — language ids with problem detection. */
  detectionLanguages: string[];
  /** reasonflux.detection.severity. */
  detectionSeverity: DetectionSeverity;
  /** reasonflux.detection.extraEnvironments. */
  detectionExtraEnvironments: string[];
  /** reasonflux.features.* */
  features: { diagnostics: boolean; codeLens: boolean; codeActions: boolean; hover: boolean };
  /** reasonflux.latex.solutionEnvironment ('' = the document's own, else proof[Solution]). */
  latexSolutionEnvironment: string;
}

/** Every setting key (without the section prefix) this module reads; kept equal to package.json. */
export const SETTING_KEYS = [
  'endpoint.baseUrl',
  'solver.model',
  'navigator.model',
  'navigator.baseUrl',
  'maxRounds',
  'requestTimeoutSeconds',
  'firstTokenTimeoutSeconds',
  'idleTimeoutSeconds',
  'templates.workspaceFolder',
  'templates.userFile',
  'templates.usagePrior',
  'retrieval.embeddingsModel',
  'retrieval.embeddingsBaseUrl',
  'detection.languages',
  'detection.severity',
  'detection.extraEnvironments',
  'features.diagnostics',
  'features.codeLens',
  'features.codeActions',
  'features.hover',
  'latex.solutionEnvironment',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Settings that, in an untrusted workspace, are read from user settings only. */
export const RESTRICTED_IN_UNTRUSTED: readonly SettingKey[] = ['endpoint.baseUrl', 'navigator.baseUrl', 'retrieval.embeddingsBaseUrl'];

export const DEFAULT_LANGUAGES = ['markdown', 'latex', 'tex'];

/** The subset of WorkspaceConfiguration.inspect() results used here. */
export interface InspectedValue<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of a restricted setting: the merged value when the workspace is trusted, otherwise the
 * user (global) value or the default — never a workspace or folder value.
 */
export function restrictedValue<T>(merged: T | undefined, inspected: InspectedValue<T> | undefined, trusted: boolean): T | undefined {
  if (trusted) return merged;
  return inspected?.globalValue ?? inspected?.defaultValue;
}

function asString(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v.trim() : fallback;
}

function asBool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function asNumber(v: unknown, fallback: number, min: number, max: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  const n = integer ? Math.trunc(v) : v;
  return Math.min(max, Math.max(min, n));
}

function asStringList(v: unknown, fallback: string[]): string[] {
  if (!Array.isArray(v)) return [...fallback];
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string') continue;
    const s = item.trim();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Reads one restricted setting honouring workspace trust. */
function readRestricted(cfg: vscode.WorkspaceConfiguration, key: SettingKey, trusted: boolean): string {
  const merged = cfg.get<unknown>(key);
  const inspected = cfg.inspect<unknown>(key);
  return asString(restrictedValue(merged, inspected, trusted), '');
}

/** A validated snapshot of all settings. `scope`: a document or folder for resource-scoped values. */
export function readSettings(scope?: vscode.ConfigurationScope, trusted: boolean = vscode.workspace.isTrusted): ReasonFluxSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const severity = cfg.get<unknown>('detection.severity');
  return {
    endpointBaseUrl: readRestricted(cfg, 'endpoint.baseUrl', trusted),
    solverModel: asString(cfg.get('solver.model'), ''),
    navigatorModel: asString(cfg.get('navigator.model'), ''),
    navigatorBaseUrl: readRestricted(cfg, 'navigator.baseUrl', trusted),
    maxRounds: asNumber(cfg.get('maxRounds'), 0, 0, 20, true),
    requestTimeoutSeconds: asNumber(cfg.get('requestTimeoutSeconds'), 1800, 5, 24 * 3600, false),
    firstTokenTimeoutSeconds: asNumber(cfg.get('firstTokenTimeoutSeconds'), 120, 1, 24 * 3600, false),
    idleTimeoutSeconds: asNumber(cfg.get('idleTimeoutSeconds'), 60, 1, 24 * 3600, false),
    templatesWorkspaceFolder: asString(cfg.get('templates.workspaceFolder'), '.reasonflux/templates') || '.reasonflux/templates',
    templatesUserFile: asString(cfg.get('templates.userFile'), ''),
    templatesUsagePrior: asBool(cfg.get('templates.usagePrior'), false),
    retrievalEmbeddingsModel: asString(cfg.get('retrieval.embeddingsModel'), '').trim(),
    retrievalEmbeddingsBaseUrl: readRestricted(cfg, 'retrieval.embeddingsBaseUrl', trusted),
    detectionLanguages: asStringList(cfg.get('detection.languages'), DEFAULT_LANGUAGES),
    detectionSeverity: SEVERITIES.includes(severity as DetectionSeverity) ? (severity as DetectionSeverity) : 'information',
    detectionExtraEnvironments: asStringList(cfg.get('detection.extraEnvironments'), []),
    features: {
      diagnostics: asBool(cfg.get('features.diagnostics'), true),
      codeLens: asBool(cfg.get('features.codeLens'), true),
      codeActions: asBool(cfg.get('features.codeActions'), true),
      hover: asBool(cfg.get('features.hover'), true),
    },
    latexSolutionEnvironment: asString(cfg.get('latex.solutionEnvironment'), ''),
  };
}

// Single-value getters for callers that need one setting.
export const endpointBaseUrl = (scope?: vscode.ConfigurationScope): string => readSettings(scope).endpointBaseUrl;
export const solverModel = (scope?: vscode.ConfigurationScope): string => readSettings(scope).solverModel;
export const navigatorModel = (scope?: vscode.ConfigurationScope): string => readSettings(scope).navigatorModel;
export const navigatorBaseUrl = (scope?: vscode.ConfigurationScope): string => readSettings(scope).navigatorBaseUrl;
export const maxRounds = (scope?: vscode.ConfigurationScope): number => readSettings(scope).maxRounds;
export const requestTimeoutSeconds = (scope?: vscode.ConfigurationScope): number => readSettings(scope).requestTimeoutSeconds;
export const firstTokenTimeoutSeconds = (scope?: vscode.ConfigurationScope): number => readSettings(scope).firstTokenTimeoutSeconds;
export const idleTimeoutSeconds = (scope?: vscode.ConfigurationScope): number => readSettings(scope).idleTimeoutSeconds;
export const templatesWorkspaceFolder = (scope?: vscode.ConfigurationScope): string => readSettings(scope).templatesWorkspaceFolder;
export const templatesUserFile = (scope?: vscode.ConfigurationScope): string => readSettings(scope).templatesUserFile;
export const detectionLanguages = (scope?: vscode.ConfigurationScope): string[] => readSettings(scope).detectionLanguages;
export const detectionSeverity = (scope?: vscode.ConfigurationScope): DetectionSeverity => readSettings(scope).detectionSeverity;
export const detectionExtraEnvironments = (scope?: vscode.ConfigurationScope): string[] => readSettings(scope).detectionExtraEnvironments;
export const featureFlags = (scope?: vscode.ConfigurationScope): ReasonFluxSettings['features'] => readSettings(scope).features;
export const latexSolutionEnvironment = (scope?: vscode.ConfigurationScope): string => readSettings(scope).latexSolutionEnvironment;

/** True when a configuration change touches any reasonflux.* setting (or the given key). */
/** Whether VS Code's chat typesets TeX (the host's `chat.math.enabled`, in releases that have it). */
export function hostChatRendersMath(): boolean {
  return vscode.workspace.getConfiguration('chat').get<boolean>('math.enabled') === true;
}

export function affects(e: vscode.ConfigurationChangeEvent, key?: SettingKey): boolean {
  return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
}
