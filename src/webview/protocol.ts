// The one typed message contract between the trajectory panel (webview) and the extension.
// Both sides validate every message they receive with the parsers below: a message that does not
// match is dropped (and counted), never acted on. No DOM, no vscode: imported by both bundles.
import type { SolveEvent } from '../core/reasoning/events.js';
import type { CheckView, PanelState } from './state.js';
import { MAX_STEPS, MAX_TEXT } from './state.js';

/** UI strings, localised by the extension (vscode.l10n) and handed to the webview. */
export const UI_STRING_KEYS = [
  'problem', 'plan', 'analysis', 'step', 'template', 'why', 'alternatives', 'work', 'evaluation', 'replan', 'revise',
  'finalAnswer', 'calls', 'tokens', 'time', 'cancel', 'retry', 'copyLatex', 'copyMarkdown', 'insert', 'checkAnswer',
  'nextHint', 'revealSolution', 'planning', 'checking', 'running', 'solved', 'noAnswer', 'cancelled', 'failed',
  'idle', 'empty', 'right', 'notYet', 'hidden', 'chapter', 'score', 'navigator', 'solver', 'rounds', 'waiting',
  'history', 'cutOff', 'stepsDropped', 'explaining', 'explained', 'explanation', 'explainedNote', 'preparingHints', 'hint', 'allHints',
  'saveTemplate', 'grade', 'gradedCorrect', 'gradedWrong', 'reference', 'yourUse',
] as const;
export type UiStringKey = (typeof UI_STRING_KEYS)[number];
export type UiStrings = Record<UiStringKey, string>;

export type ToWebview =
  | { type: 'reset'; state: PanelState; strings: UiStrings; canInsert: boolean; usage?: Record<string, string> }
  /** The user's statistics of templates (id → one line, e.g. "used 4× · 3 solved · 2/2 correct"). */
  | { type: 'usage'; lines: Record<string, string> }
  | { type: 'event'; runId: string; event: SolveEvent }
  | { type: 'check'; result: CheckView }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

export type CopyFormat = 'latex' | 'markdown';

export type FromWebview =
  | { type: 'ready' }
  | { type: 'cancel' }
  | { type: 'retry' }
  | { type: 'copy'; format: CopyFormat }
  | { type: 'insert' }
  | { type: 'check' }
  | { type: 'next-hint' }
  | { type: 'reveal-solution' }
  | { type: 'show-history' }
  | { type: 'open-link'; href: string }
  | { type: 'save-template' }
  | { type: 'grade' }
  /** What the panel shows after a render (lets host tests assert on the real DOM, not on timing). */
  | { type: 'rendered'; runId: string; status: string; steps: number; math: number; mathSource: number; finalShown: boolean; badge?: string; usage?: string[] };

// ---------------------------------------------------------------------------------------------
// Validation helpers

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = MAX_TEXT * 2): v is string => typeof v === 'string' && v.length <= max;
const isOptStr = (v: unknown, max?: number): boolean => v === undefined || isStr(v, max);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptNum = (v: unknown): boolean => v === undefined || isNum(v);
const isIndex = (v: unknown): v is number => isNum(v) && Number.isInteger(v) && v >= 0 && v < MAX_STEPS * 4;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const oneOf = <T extends string>(v: unknown, values: readonly T[]): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);
const isArr = (v: unknown, each: (x: unknown) => boolean, max = 1000): v is unknown[] =>
  Array.isArray(v) && v.length <= max && v.every(each);

const MODES = ['solve', 'hint', 'explain'] as const;
const LLM_KINDS = ['unreachable', 'auth', 'rate-limited', 'server', 'bad-response', 'timeout', 'cancelled', 'not-found', 'incomplete', 'internal'] as const;

function isPlan(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.analysis) &&
    isNum(v.complexity) &&
    isArr(v.steps, (s) => isObj(s) && isStr(s.goal, 20_000) && isStr(s.method, 20_000) && isStr(s.query, 20_000), MAX_STEPS * 4) &&
    isOptNum(v.droppedSteps)
  );
}

function isTemplateSummary(v: unknown): boolean {
  return (
    isObj(v) && isStr(v.id, 500) && isStr(v.name, 2000) && isStr(v.chapter, 2000) && isStr(v.section, 2000) &&
    isNum(v.score) && isArr(v.matchedFields, (f) => isStr(f, 200), 50)
  );
}

function isStats(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const k of ['calls', 'navigatorCalls', 'solverCalls', 'promptTokens', 'completionTokens', 'totalTokens', 'ms', 'modelMs', 'rounds', 'roundBudget']) {
    if (!isNum(v[k])) return false;
  }
  return isArr(v.templatesUsed, (t) => isStr(t, 500));
}

/** True when `v` is a well-formed orchestrator event. */
export function isSolveEvent(v: unknown): v is SolveEvent {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'start':
      return isStr(v.runId, 200) && isStr(v.problem) && oneOf(v.mode, MODES) && isStr(v.navigator, 1000) && isStr(v.solver, 1000);
    case 'plan':
      return isPlan(v.plan) && oneOf(v.source, ['navigator', 'repaired', 'fallback'] as const) && isNum(v.round) && isOptStr(v.note);
    case 'retrieval':
      return isIndex(v.stepIndex) && isStr(v.query) && isArr(v.templates, isTemplateSummary, 100) && isOptStr(v.chosen, 500) && isOptStr(v.why);
    case 'step-start':
      return isIndex(v.stepIndex) && isStr(v.goal) && isOptStr(v.templateId, 500) && isNum(v.attempt);
    case 'step-delta':
      return isIndex(v.stepIndex) && isStr(v.text);
    case 'step-done':
      return isIndex(v.stepIndex) && isStr(v.text) && isNum(v.attempt);
    case 'step-partial':
      return isIndex(v.stepIndex) && isStr(v.text) && isStr(v.reason, 10_000) && isBool(v.retrying);
    case 'evaluation':
      return isIndex(v.stepIndex) && oneOf(v.verdict, ['accept', 'revise', 'replan', 'finish'] as const) && isStr(v.feedback) && isOptNum(v.progress);
    case 'adjustment':
      return oneOf(v.kind, ['revise', 'replan'] as const) && isIndex(v.stepIndex) && isStr(v.reason) && (v.plan === undefined || isPlan(v.plan));
    case 'analysis-delta':
      return isStr(v.text);
    case 'final':
      return (v.answer === null || isStr(v.answer)) && isStr(v.text);
    case 'usage':
      return oneOf(v.role, ['navigator', 'solver'] as const) && isStr(v.model, 1000) && isNum(v.promptTokens) && isNum(v.completionTokens) && isNum(v.latencyMs);
    case 'error':
      return isStr(v.message) && oneOf(v.kind, LLM_KINDS) && isBool(v.fatal);
    case 'done':
      return oneOf(v.status, ['solved', 'no-answer', 'cancelled', 'failed'] as const) && isStats(v.stats);
    default:
      return false;
  }
}

function isStepView(v: unknown): boolean {
  return (
    isObj(v) && isIndex(v.index) && isStr(v.goal) && isArr(v.templates, isTemplateSummary, 100) && isStr(v.text) &&
    isBool(v.started) && isBool(v.done) && isNum(v.attempt) && isOptStr(v.partial, 10_000) &&
    isArr(v.evaluations, (e) => isObj(e) && isStr(e.verdict, 20) && isStr(e.feedback)) &&
    isArr(v.adjustments, (a) => isObj(a) && oneOf(a.kind, ['revise', 'replan'] as const) && isStr(a.reason))
  );
}

/** True when `v` is a panel state both sides can render (used for restored webview state too). */
export function isPanelState(v: unknown): v is PanelState {
  return (
    isObj(v) && v.version === 1 && oneOf(v.mode, MODES) && isStr(v.problem) &&
    oneOf(v.status, ['idle', 'running', 'paused', 'solved', 'no-answer', 'cancelled', 'failed'] as const) &&
    oneOf(v.phase, ['idle', 'planning', 'step', 'checking', 'done'] as const) &&
    isNum(v.planRounds) && isStr(v.analysis) && isArr(v.steps, isStepView, MAX_STEPS) &&
    isNum(v.hintsRevealed) && isBool(v.solutionRevealed) &&
    isObj(v.macros) && Object.values(v.macros).every((m) => isStr(m, 10_000)) &&
    (v.plan === undefined || isPlan(v.plan)) &&
    (v.final === undefined || (isObj(v.final) && (v.final.answer === null || isStr(v.final.answer)) && isStr(v.final.text))) &&
    (v.stats === undefined || isStats(v.stats)) &&
    (v.error === undefined || (isObj(v.error) && isStr(v.error.message) && isStr(v.error.kind, 50))) &&
    (v.check === undefined || isCheck(v.check)) &&
    (v.graded === undefined || (isObj(v.graded) && isBool(v.graded.correct) && isOptStr(v.graded.reference, 10_000))) &&
    isOptStr(v.runId, 200) && isOptStr(v.language, 20) && isOptStr(v.navigator, 1000) && isOptStr(v.solver, 1000) &&
    isOptNum(v.startedAt)
  );
}

function isCheck(v: unknown): v is CheckView {
  return isObj(v) && oneOf(v.verdict, ['right', 'not-yet', 'unknown'] as const) && isStr(v.message, 10_000);
}

/** At most 500 template lines of at most 300 characters. */
function isUsageLines(v: unknown): v is Record<string, string> {
  return isObj(v) && Object.keys(v).length <= 500 && Object.entries(v).every(([k, x]) => k.length <= 500 && isStr(x, 300));
}

function isStrings(v: unknown): v is UiStrings {
  return isObj(v) && UI_STRING_KEYS.every((k) => isStr(v[k], 500));
}

/** Parses a message sent to the webview; undefined when it does not match the contract. */
export function parseToWebview(v: unknown): ToWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'reset':
      return isPanelState(v.state) && isStrings(v.strings) && isBool(v.canInsert) && (v.usage === undefined || isUsageLines(v.usage)) ? (v as ToWebview) : undefined;
    case 'usage':
      return isUsageLines(v.lines) ? (v as ToWebview) : undefined;
    case 'event':
      return isStr(v.runId, 200) && isSolveEvent(v.event) ? (v as ToWebview) : undefined;
    case 'check':
      return isCheck(v.result) ? (v as ToWebview) : undefined;
    case 'notice':
      return oneOf(v.level, ['info', 'error'] as const) && isStr(v.text, 10_000) ? (v as ToWebview) : undefined;
    default:
      return undefined;
  }
}

/** Only http(s) links, at most 2 kB, no credentials in them, may be offered for opening. */
export function isSafeExternalLink(href: unknown): href is string {
  if (typeof href !== 'string' || href.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
}

/** Parses a message sent by the webview; undefined when it does not match the contract. */
export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  const only = (...allowed: string[]) => keys.every((k) => k === 'type' || allowed.includes(k));
  switch (v.type) {
    case 'ready':
    case 'cancel':
    case 'retry':
    case 'insert':
    case 'check':
    case 'next-hint':
    case 'reveal-solution':
    case 'show-history':
    case 'save-template':
    case 'grade':
      return only() ? ({ type: v.type } as FromWebview) : undefined;
    case 'copy':
      return only('format') && oneOf(v.format, ['latex', 'markdown'] as const) ? { type: 'copy', format: v.format } : undefined;
    case 'open-link':
      return only('href') && isSafeExternalLink(v.href) ? { type: 'open-link', href: v.href } : undefined;
    case 'rendered': {
      const count = (x: unknown) => isNum(x) && Number.isInteger(x) && x >= 0 && x < 1e7;
      return only('runId', 'status', 'steps', 'math', 'mathSource', 'finalShown', 'badge', 'usage') && isStr(v.runId, 200) && isStr(v.status, 20) &&
        count(v.steps) && count(v.math) && count(v.mathSource) && isBool(v.finalShown) && isOptStr(v.badge, 200) &&
        (v.usage === undefined || isArr(v.usage, (x) => isStr(x, 300), 500))
        ? {
            type: 'rendered', runId: v.runId, status: v.status, steps: v.steps as number, math: v.math as number, mathSource: v.mathSource as number,
            finalShown: v.finalShown, ...(typeof v.badge === 'string' ? { badge: v.badge } : {}), ...(Array.isArray(v.usage) ? { usage: v.usage as string[] } : {}),
          }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** Element id of the first message embedded in the panel's HTML (inert JSON; validated like any message). */
export const INITIAL_MESSAGE_ID = 'reasonflux-initial';
