// The ReasonFlux language server: finds stated problems in Markdown / LaTeX documents and offers
// diagnostics, code actions, code lenses, document symbols and hovers on them. Wired to a connection
// by `startServer` (src/server/server.ts does that for `node dist/server.js --stdio | --node-ipc`).
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  SymbolKind,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join } from 'node:path';
import { ProblemDetector, formatOf, looksBinary } from '../core/detect/index.js';
import type { DetectedProblem, DocumentFormat, ProblemRef } from '../core/detect/types.js';
import type { TemplateIndex } from '../core/templates/types.js';
import type { TemplateUsageStore } from '../core/templates/usage.js';
import { stat } from 'node:fs/promises';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './settings.js';
import { DOCUMENT_STATUS_NOTIFICATION, NOTICE_CODES, type DocumentStatus } from './protocol.js';
import { MathImages, escapeMarkdown } from './math/images.js';
import { closeMatches, matchedWords } from '../core/templates/display.js';

export const SOURCE = 'ReasonFlux';
/** The template index (~0.3 s of work) is loaded after this long without document events. */
const WARM_IDLE_MS = 1500;
export const COMMANDS = {
  solve: 'reasonflux.solve',
  hint: 'reasonflux.hint',
  explain: 'reasonflux.explain',
  insertSolution: 'reasonflux.insertSolution',
} as const;
/** Custom request: process memory and open documents (used by the benchmark and for diagnosis). */
export const STATS_REQUEST = 'reasonflux/stats';
/** Custom request: { text } → { markdown } with its math typeset as images (the editor's selection hover). */
export const MATH_MARKDOWN_REQUEST = 'reasonflux/mathMarkdown';
/** Custom request: the problems of one open document ({ uri }) as ProblemRef[]. */
export const PROBLEMS_REQUEST = 'reasonflux/problems';
export { DOCUMENT_STATUS_NOTIFICATION, NOTICE_CODES, type DocumentStatus } from './protocol.js';

export interface ServerOptions {
  /** Milliseconds to wait after the last edit before re-detecting (default 120). */
  debounceMs?: number;
  /** Characters of a document that are examined at most (default 3,000,000). */
  maxChars?: number;
  /** Problems published as diagnostics per document at most (default 2000); the rest are still found
   *  and answer hover, code lenses, code actions and symbols, and a notice says the list is capped. */
  maxProblems?: number;
  /** Problems found per document at most (default 100,000). */
  maxDetected?: number;
  /** Supplies the template index for hovers; default: the library (src/core/templates/library.ts). */
  loadTemplates?: (settings: ServerSettings, rootPath: string | undefined) => Promise<TemplateIndex | undefined>;
  /** Worker bundle that typesets hover math (default: math-worker.js next to the server bundle). */
  mathWorker?: string;
}

interface DocState {
  doc: TextDocument;
  format: DocumentFormat;
  detector: ProblemDetector;
  problems: DetectedProblem[];
  pending: { start: number; end: number; insert: string }[] | 'full';
  timer?: NodeJS.Timeout;
  /** Version the published problems belong to. */
  detectedVersion: number;
  truncated: boolean;
  /** Diagnostics last sent for this document (a re-detection that changes nothing sends nothing). */
  published?: Diagnostic[];
  /** Status last sent (DOCUMENT_STATUS_NOTIFICATION). */
  status?: DocumentStatus;
}

const KIND_TITLE: Record<string, string> = { problem: 'Problem', exercise: 'Exercise', question: 'Question', item: 'Task' };

function summary(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1).trimEnd() + '…' : t;
}

// Statement strings are reused by the detector across edits, so their summaries are looked up, not rebuilt.
let summaryCache = new Map<string, string>();
function cachedSummary(text: string, max: number): string {
  const key = max === 90 ? text : `${max}\u0000${text}`;
  let v = summaryCache.get(key);
  if (v === undefined) {
    v = summary(text, max);
    if (summaryCache.size > 20000) summaryCache = new Map();
    summaryCache.set(key, v);
  }
  return v;
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.range.start.line !== y.range.start.line ||
      x.range.start.character !== y.range.start.character ||
      x.range.end.line !== y.range.end.line ||
      x.range.end.character !== y.range.end.character ||
      x.severity !== y.severity ||
      x.code !== y.code ||
      x.message !== y.message
    ) {
      return false;
    }
  }
  return true;
}

/** Where the user's templates live: the workspace folder (relative to the first root) and the user file. */
function userLibrary(settings: ServerSettings, rootPath: string | undefined): { workspaceDir?: string; userFile?: string } {
  const ws = settings.templatesWorkspaceFolder;
  const workspaceDir = ws && rootPath ? (isAbsolute(ws) ? ws : join(rootPath, ws)) : undefined;
  return { ...(workspaceDir ? { workspaceDir } : {}), ...(settings.templatesUserFile ? { userFile: settings.templatesUserFile } : {}) };
}

async function defaultTemplates(settings: ServerSettings, rootPath: string | undefined): Promise<TemplateIndex | undefined> {
  const { loadTemplateIndex } = await import('../core/templates/library.js');
  const result = await loadTemplateIndex(userLibrary(settings, rootPath));
  return result.index;
}

/** The first problem (in document order) whose lines hold `line` (a linear pass: well under a millisecond
 *  even for 100,000 problems, and exact whatever the order and overlap of the statements). */
export function problemAtLine(ps: readonly DetectedProblem[], line: number): DetectedProblem | undefined {
  return ps.find((p) => line >= p.startLine && line <= p.endLine);
}

function problemStartingAt(ps: readonly DetectedProblem[], offset: number): DetectedProblem | undefined {
  let lo = 0;
  let hi = ps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ps[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  const p = ps[lo];
  // Problems come in document order; should they not, a linear look-up still finds it.
  return p && p.startOffset === offset ? p : ps.find((q) => q.startOffset === offset);
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 120;
  const maxChars = options.maxChars ?? 3_000_000;
  const maxProblems = options.maxProblems ?? 2000;
  const maxDetected = Math.max(maxProblems, options.maxDetected ?? 100_000);
  const docs = new Map<string, DocState>();
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfig = false;
  let rootPath: string | undefined;
  /** The user's template statistics (initializationOptions.usageFile: the editor's global storage), read for hovers. */
  let usageFile: string | undefined;
  let usageCache: { mtimeMs: number; size: number; store: TemplateUsageStore } | undefined;
  /** The statistics as the file holds them now (re-read when it changed); undefined without a file. */
  const usageStore = async (): Promise<TemplateUsageStore | undefined> => {
    if (!usageFile) return undefined;
    try {
      const st = await stat(usageFile);
      // Same time and size: unchanged — unless it changed just now, when a coarse file-system clock could
      // hide a second write within the same tick (the racy-timestamp rule): then read it again.
      if (usageCache?.mtimeMs === st.mtimeMs && usageCache.size === st.size && Date.now() - st.mtimeMs > 2000) return usageCache.store;
      const { TemplateUsageStore } = await import('../core/templates/usage.js');
      usageCache = { mtimeMs: st.mtimeMs, size: st.size, store: await TemplateUsageStore.load(usageFile) };
      return usageCache.store;
    } catch {
      return undefined; // no statistics yet, or a file we cannot read: the hover goes without them
    }
  };
  let templates: Promise<TemplateIndex | undefined> | undefined;
  const loadTemplates = options.loadTemplates ?? defaultTemplates;
  const math = new MathImages({ ...(options.mathWorker ? { workerPath: options.mathWorker } : {}), log: (m) => connection.console.log(m) });

  const log = (msg: string): void => connection.console.log(msg);
  const logError = (where: string, err: unknown): void =>
    connection.console.error(`${where}: ${err instanceof Error ? err.message : String(err)}`);

  const detectOptions = () => ({ extraEnvironments: settings.extraEnvironments, maxChars, maxProblems: maxDetected });

  const enabledFor = (doc: TextDocument): DocumentFormat | undefined => {
    const lang = doc.languageId.toLowerCase();
    const byLang = formatOf(lang);
    const format = byLang ?? formatOf(doc.uri.replace(/[?#].*$/, ''));
    if (!format) return undefined;
    const langs = settings.languages.map((l) => l.toLowerCase());
    if (langs.includes(lang)) return format;
    // An id the settings do not name and that is not itself LaTeX/Markdown (e.g. "plaintext"): go by the file name
    // when the settings enable that format at all.
    if (!byLang && langs.some((l) => formatOf(l) === format)) return format;
    return undefined;
  };

  const refOf = (uri: string, doc: TextDocument, p: DetectedProblem): ProblemRef => {
    const ref: ProblemRef = {
      uri,
      range: { start: doc.positionAt(p.startOffset), end: doc.positionAt(p.endOffset) },
      text: p.text,
      kind: p.kind,
      solved: p.solved,
    };
    if (p.label) ref.label = p.label;
    if (p.language) ref.language = p.language;
    return ref;
  };

  const firstLineRange = (doc: TextDocument, p: DetectedProblem): Range => {
    const start = doc.positionAt(p.startOffset);
    const lineEnd = doc.offsetAt({ line: start.line + 1, character: 0 });
    const text = doc.getText();
    let endOff = Math.min(p.endOffset, lineEnd, text.length);
    while (endOff > p.startOffset) {
      const c = text.charCodeAt(endOff - 1);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0x3000) endOff--;
      else break;
    }
    return { start, end: doc.positionAt(Math.max(endOff, p.startOffset)) };
  };

  const statusOf = (state: DocState): DocumentStatus => {
    const total = state.doc.getText().length;
    const listed = settings.features.diagnostics ? Math.min(state.problems.length, maxProblems) : 0;
    const st: DocumentStatus = {
      uri: state.doc.uri,
      version: state.doc.version,
      problems: state.problems.length,
      listed,
      capped: settings.features.diagnostics && state.problems.length > maxProblems,
      truncated: state.truncated,
      examinedChars: state.truncated ? Math.min(total, maxChars) : total,
      totalChars: total,
    };
    if (state.truncated) st.examinedLines = state.doc.positionAt(Math.min(total, maxChars)).line + 1;
    return st;
  };

  const count = (n: number): string => n.toLocaleString('en-US');

  /** Diagnostics that say what is not listed or not examined (shown in the Problems panel like the others). */
  const noticesOf = (state: DocState, st: DocumentStatus): Diagnostic[] => {
    const out: Diagnostic[] = [];
    if (st.capped) {
      // On the first problem that is not listed, so the notice sits where the list stops.
      const p = state.problems[maxProblems]!;
      out.push({
        range: firstLineRange(state.doc, p),
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        code: NOTICE_CODES.capped,
        message:
          `${count(st.problems)} problems in this file; only the first ${count(st.listed)} are listed as diagnostics. ` +
          'Hover, code lenses, code actions and the outline work on all of them.',
      });
    }
    if (st.truncated) {
      const at = state.doc.positionAt(st.examinedChars);
      out.push({
        range: { start: { line: at.line, character: 0 }, end: at },
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: NOTICE_CODES.truncated,
        message:
          // No total in the text: typing past the limit changes it, and the diagnostics would be re-sent each time.
          `Only the first ${count(st.examinedChars)} characters of this file were examined (up to line ${count(st.examinedLines ?? at.line + 1)}); ` +
          'problems after that are not found. Split the file to have them found.',
      });
    }
    return out;
  };

  const diagnosticsOf = (state: DocState, st: DocumentStatus): Diagnostic[] => {
    if (!settings.features.diagnostics) return [];
    const listed = state.problems.length > maxProblems ? state.problems.slice(0, maxProblems) : state.problems;
    const diagnostics = listed.map((p) => {
      const what = p.label ?? KIND_TITLE[p.kind] ?? 'Problem';
      const d: Diagnostic = {
        range: firstLineRange(state.doc, p),
        severity: p.solved ? DiagnosticSeverity.Hint : settings.severity,
        source: SOURCE,
        code: p.solved ? 'problem.solved' : 'problem.unsolved',
        // The statement itself is in the hover (typeset) and the outline: the message, which VS Code shows
        // above the hover, only names the problem, so the hover does not say things twice.
        message: p.solved ? `${what}: already solved` : `${what}: unsolved — ReasonFlux can solve it, give a hint or explain it`,
        // Small on purpose (a large document has thousands); code actions rebuild the full ProblemRef.
        data: p.label ? { kind: p.kind, solved: p.solved, label: p.label } : { kind: p.kind, solved: p.solved },
      };
      return d;
    });
    for (const n of noticesOf(state, st)) diagnostics.push(n);
    return diagnostics;
  };

  const sameStatus = (a: DocumentStatus | undefined, b: DocumentStatus): boolean =>
    !!a &&
    a.problems === b.problems &&
    a.listed === b.listed &&
    a.capped === b.capped &&
    a.truncated === b.truncated &&
    // The lengths matter only while the file is partly examined (else every keystroke would send a status).
    (!b.truncated || (a.examinedChars === b.examinedChars && a.totalChars === b.totalChars));

  /** Tells the client a document no longer has a status (closed, or its language was turned off). */
  const clearStatus = (uri: string, version: number): void => {
    const st: DocumentStatus = { uri, version, problems: 0, listed: 0, capped: false, truncated: false, examinedChars: 0, totalChars: 0 };
    void connection.sendNotification(DOCUMENT_STATUS_NOTIFICATION, st);
  };

  const publish = (state: DocState): void => {
    const st = statusOf(state);
    const diagnostics = diagnosticsOf(state, st);
    // Unchanged diagnostics (the usual case while typing inside a statement far from others) are not re-sent.
    if (!state.published || !sameDiagnostics(state.published, diagnostics)) {
      state.published = diagnostics;
      void connection.sendDiagnostics({ uri: state.doc.uri, version: state.doc.version, diagnostics });
    }
    if (!sameStatus(state.status, st)) {
      if (st.truncated && !state.status?.truncated) log(`${state.doc.uri}: only the first ${maxChars} characters were examined`);
      state.status = st;
      void connection.sendNotification(DOCUMENT_STATUS_NOTIFICATION, st);
    }
  };

  /** The template index, loaded once in the background (hover needs it; diagnostics never wait for it). */
  const templateIndex = (): Promise<TemplateIndex | undefined> => {
    if (!templates) {
      templates = loadTemplates(settings, rootPath).catch((err) => {
        logError('loading thought templates', err);
        return undefined;
      });
      watchTemplates();
    }
    return templates;
  };
  /** Reloads the user's templates when their files change (fs watching, so any LSP client gets it).
   *  Only the default loader is watched; an injected one (tests, embedders) manages itself. */
  let watcher: { dispose(): void } | undefined;
  let watchGeneration = 0;
  const watchTemplates = (): void => {
    watcher?.dispose();
    watcher = undefined;
    const mine = ++watchGeneration;
    const lib = userLibrary(settings, rootPath);
    if (options.loadTemplates || (!lib.workspaceDir && !lib.userFile)) return;
    void import('../core/templates/library.js').then(({ watchLibrary }) => {
      if (mine !== watchGeneration) return;
      watcher = watchLibrary({
        ...lib,
        onReload: (r) => {
          templates = Promise.resolve(r.index);
          log(`thought templates reloaded: ${r.templates.length}${r.errors.length ? `, ${r.errors.length} problems` : ''}`);
          for (const e of r.errors.slice(0, 20)) logError('thought templates', e);
        },
        onError: (err) => logError('watching thought templates', err),
      });
    });
  };
  let warmTimer: NodeJS.Timeout | undefined;
  let warmPending = false;
  /** Loads the index once the server has been idle for a moment (document events postpone it), so the
   *  first diagnostics of the documents opened at start-up never wait behind it. */
  const warmTemplates = (): void => {
    warmPending = true;
    if (warmTimer) clearTimeout(warmTimer);
    warmTimer = setTimeout(() => {
      warmTimer = undefined;
      warmPending = false;
      if (settings.features.hover) {
        void templateIndex();
        math.warm();
      }
    }, WARM_IDLE_MS);
    warmTimer.unref?.();
  };
  const postponeWarm = (): void => {
    if (warmPending && !templates) warmTemplates();
  };

  const detectNow = (state: DocState): void => {
    const text = state.doc.getText();
    try {
      if (state.pending === 'full') state.problems = state.detector.reset(text);
      else if (state.pending.length > 0) state.problems = state.detector.editMany(state.pending, text);
      state.truncated = state.detector.wasTruncated;
    } catch (err) {
      logError(`detection failed for ${state.doc.uri}`, err);
      state.problems = [];
      state.detector = new ProblemDetector(state.format, detectOptions());
    }
    state.pending = [];
    state.detectedVersion = state.doc.version;
    publish(state);
  };

  const schedule = (state: DocState, delay: number): void => {
    if (state.timer) clearTimeout(state.timer);
    // Stale work is dropped: a newer edit replaces the timer, and only the newest text is detected.
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (docs.get(state.doc.uri) !== state) return;
      detectNow(state);
    }, delay);
  };

  /** Brings a document's problems up to date now (requests that need them do not wait for the debounce). */
  const current = (uri: string): DocState | undefined => {
    const state = docs.get(uri);
    if (!state) return undefined;
    if (state.detectedVersion !== state.doc.version || state.pending === 'full' || state.pending.length > 0) {
      if (state.timer) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
      detectNow(state);
    }
    return state;
  };

  const reopenAll = (): void => {
    for (const [uri, state] of [...docs]) {
      const format = enabledFor(state.doc);
      if (!format) {
        if (state.timer) clearTimeout(state.timer);
        docs.delete(uri);
        void connection.sendDiagnostics({ uri, diagnostics: [] });
        clearStatus(uri, state.doc.version);
        continue;
      }
      state.detector = new ProblemDetector(format, detectOptions());
      state.format = format;
      state.pending = 'full';
      detectNow(state);
    }
  };

  const refreshSettings = async (pushed?: unknown): Promise<void> => {
    try {
      if (pushed !== undefined && pushed !== null && !canPullConfig) settings = parseSettings(pushed, settings);
      else if (canPullConfig) {
        const section: unknown = await connection.workspace.getConfiguration('reasonflux');
        settings = parseSettings(section ?? {}, DEFAULT_SETTINGS);
      }
    } catch (err) {
      logError('reading settings', err);
    }
    templates = undefined;
    watchGeneration++;
    watcher?.dispose();
    watcher = undefined;
    reopenAll();
    warmTemplates();
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    canPullConfig = !!params.capabilities.workspace?.configuration;
    if (params.initializationOptions !== undefined) settings = parseSettings(params.initializationOptions, DEFAULT_SETTINGS);
    const uf = (params.initializationOptions as { usageFile?: unknown } | null | undefined)?.usageFile;
    if (typeof uf === 'string' && isAbsolute(uf)) usageFile = uf;
    const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (root && root.startsWith('file:')) {
      try {
        rootPath = fileURLToPath(root);
      } catch {
        rootPath = undefined;
      }
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Empty] },
        codeLensProvider: { resolveProvider: true },
        documentSymbolProvider: true,
        hoverProvider: true,
      },
      serverInfo: { name: 'reasonflux-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    warmTemplates();
    if (canPullConfig) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'reasonflux' }).catch(() => undefined);
      void refreshSettings();
    }
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as Record<string, unknown> | null | undefined) ?? undefined;
    void refreshSettings(pushed);
  });

  connection.onDidOpenTextDocument((params) => {
    postponeWarm();
    try {
      const { uri, languageId, version, text } = params.textDocument;
      const doc = TextDocument.create(uri, languageId, version, text);
      const format = enabledFor(doc);
      if (!format) return;
      const state: DocState = {
        doc,
        format,
        detector: new ProblemDetector(format, detectOptions()),
        problems: [],
        pending: 'full',
        detectedVersion: -1,
        truncated: false,
      };
      docs.set(uri, state);
      if (looksBinary(text)) log(`${uri}: looks binary; no problems are detected in it`);
      detectNow(state);
    } catch (err) {
      logError('didOpen', err);
    }
  });

  connection.onDidChangeTextDocument((params) => {
    postponeWarm();
    const state = docs.get(params.textDocument.uri);
    if (!state) return;
    try {
      let doc = state.doc;
      for (const change of params.contentChanges) {
        if ('range' in change && change.range) {
          const start = doc.offsetAt(change.range.start);
          const end = doc.offsetAt(change.range.end);
          if (state.pending !== 'full') {
            state.pending.push({ start, end, insert: change.text });
            if (state.pending.length > 500) state.pending = 'full';
          }
        } else state.pending = 'full';
        doc = TextDocument.update(doc, [change], params.textDocument.version ?? doc.version + 1);
      }
      state.doc = doc;
      schedule(state, debounceMs);
    } catch (err) {
      logError('didChange', err);
      state.pending = 'full';
      schedule(state, debounceMs);
    }
  });

  connection.onDidCloseTextDocument((params) => {
    const state = docs.get(params.textDocument.uri);
    if (state?.timer) clearTimeout(state.timer);
    docs.delete(params.textDocument.uri);
    void connection.sendDiagnostics({ uri: params.textDocument.uri, diagnostics: [] });
    if (state) clearStatus(params.textDocument.uri, state.doc.version);
  });

  const overlapping = (state: DocState, range: Range): DetectedProblem[] => {
    const from = state.doc.offsetAt(range.start);
    const to = state.doc.offsetAt(range.end);
    return state.problems.filter((p) => {
      const startLine = p.startLine;
      const endLine = p.endLine;
      return (from <= p.endOffset && to >= p.startOffset) || (range.start.line >= startLine && range.start.line <= endLine);
    });
  };

  connection.onCodeAction((params, token) => {
    if (!settings.features.codeActions || token.isCancellationRequested) return [];
    const state = current(params.textDocument.uri);
    if (!state) return [];
    const actions: CodeAction[] = [];
    for (const p of overlapping(state, params.range).slice(0, 5)) {
      const ref = refOf(state.doc.uri, state.doc, p);
      const diagnostics = params.context.diagnostics.filter(
        (d) => d.source === SOURCE && typeof d.code === 'string' && d.code.startsWith('problem.') && d.range.start.line === ref.range.start.line,
      );
      const mk = (title: string, command: string, preferred = false): CodeAction => ({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        isPreferred: preferred,
        command: { title, command, arguments: [ref] },
      });
      actions.push(
        mk('Solve with ReasonFlux', COMMANDS.solve, true),
        mk('Give me a hint', COMMANDS.hint),
        mk('Explain this problem', COMMANDS.explain),
        mk('Insert solution below', COMMANDS.insertSolution),
      );
    }
    return actions;
  });

  const lensesOf = (ref: ProblemRef, solved: boolean): CodeLens[] => {
    const range = { start: ref.range.start, end: ref.range.start };
    return [
      { range, command: { title: solved ? 'Solve again' : 'Solve', command: COMMANDS.solve, arguments: [ref] } },
      { range, command: { title: 'Hint', command: COMMANDS.hint, arguments: [ref] } },
      { range, command: { title: 'Explain', command: COMMANDS.explain, arguments: [ref] } },
    ];
  };
  const LENS_ORDER = ['solve', 'hint', 'explain'] as const;
  type LensData = { uri: string; version: number; offset: number; which: (typeof LENS_ORDER)[number] };

  connection.onCodeLens((params, token) => {
    if (!settings.features.codeLens || token.isCancellationRequested) return [];
    const state = current(params.textDocument.uri);
    if (!state) return [];
    const lenses: CodeLens[] = [];
    const ps = state.problems;
    for (let i = 0; i < ps.length; i++) {
      if (token.isCancellationRequested) return [];
      const p = ps[i]!;
      if (i < maxProblems) {
        for (const l of lensesOf(refOf(state.doc.uri, state.doc, p), p.solved)) lenses.push(l);
        continue;
      }
      // Past the diagnostics cap the lenses are resolved when the client shows them (a document with
      // thousands of problems would otherwise send every statement three times).
      const start = state.doc.positionAt(p.startOffset);
      const range = { start, end: start };
      for (const which of LENS_ORDER) {
        const data: LensData = { uri: state.doc.uri, version: state.doc.version, offset: p.startOffset, which };
        lenses.push({ range, data });
      }
    }
    return lenses;
  });

  connection.onCodeLensResolve((lens) => {
    const data = lens.data as Partial<LensData> | undefined;
    if (!data || typeof data.uri !== 'string' || typeof data.offset !== 'number') return lens;
    const state = current(data.uri);
    if (!state) return lens;
    // The problem that starts at that offset; after an edit (the client asks for new lenses anyway), the
    // one whose lines hold the lens's line, else the lens stays without a command.
    const p =
      state.doc.version === data.version ? problemStartingAt(state.problems, data.offset) : problemAtLine(state.problems, lens.range.start.line);
    if (!p) return lens;
    const all = lensesOf(refOf(state.doc.uri, state.doc, p), p.solved);
    const k = Math.max(0, LENS_ORDER.indexOf(data.which ?? 'solve'));
    return { range: lens.range, command: all[k]!.command! };
  });

  connection.onDocumentSymbol((params, token) => {
    const state = current(params.textDocument.uri);
    if (!state || token.isCancellationRequested) return [];
    let n = 0;
    return state.problems.map((p): DocumentSymbol => {
      n++;
      const range = { start: state.doc.positionAt(p.startOffset), end: state.doc.positionAt(Math.max(p.startOffset, p.endOffset)) };
      return {
        name: `${p.label ?? `${KIND_TITLE[p.kind] ?? 'Problem'} ${n}`}: ${cachedSummary(p.text, 60) || '(empty)'}`,
        detail: p.solved ? 'solved' : 'unsolved',
        kind: SymbolKind.Event,
        range,
        selectionRange: firstLineRange(state.doc, p),
      };
    });
  });

  const commandLink = (title: string, command: string, ref: ProblemRef): string =>
    `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([ref]))} "${title}")`;

  connection.onHover(async (params, token): Promise<Hover | null> => {
    if (!settings.features.hover) return null;
    const state = current(params.textDocument.uri);
    if (!state || token.isCancellationRequested) return null;
    const p = problemAtLine(state.problems, params.position.line);
    if (!p) return null;
    const ref = refOf(state.doc.uri, state.doc, p);
    // One block: the statement typeset (math as images, never raw TeX), the templates that match, the
    // actions. The diagnostic VS Code shows above it only names the problem.
    const statement = summary(p.text, 600);
    const [body, templatesBlock] = await Promise.all([
      statement ? math.markdown(statement) : Promise.resolve('_(no statement text)_'),
      templateLines(p.text, token),
    ]);
    if (token.isCancellationRequested) return null;
    const title = p.label ?? KIND_TITLE[p.kind] ?? 'Problem';
    const lines: string[] = [`**${escapeMarkdown(title)}**${p.solved ? ' _(solved)_' : ''} — ${body}`];
    if (templatesBlock) lines.push('', templatesBlock);
    lines.push('', [commandLink('Explain', COMMANDS.explain, ref), commandLink('Hint', COMMANDS.hint, ref), commandLink('Solve', COMMANDS.solve, ref)].join(' · '));
    return {
      contents: { kind: 'markdown', value: lines.join('\n') },
      range: firstLineRange(state.doc, p),
    };
  });

  /** "Thought templates: **name** (matched terms) · …" for the templates that match well, or undefined. */
  const templateLines = async (text: string, token: { isCancellationRequested: boolean }): Promise<string | undefined> => {
    try {
      const index = await Promise.race([templateIndex(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
      if (token.isCancellationRequested || !index) return undefined;
      const matches = text ? closeMatches(index.search(text, { top: 3 })) : [];
      if (matches.length === 0) return '_No matching thought template._';
      const [names, usage] = await Promise.all([Promise.all(matches.map((m) => math.markdown(m.template.name))), usageStore()]);
      const best = matches[0]!.template;
      const terms = matchedWords(text, matches[0]!.matchedTerms, `${best.name} ${best.tags.join(' ')}`);
      const list = matches
        .map((m, i) => {
          const use = usage?.brief(m.template.id);
          return `**${names[i]}** _(${escapeMarkdown(m.template.chapter)}${use ? ` · your use: ${escapeMarkdown(use)}` : ''})_`;
        })
        .join(' · ');
      return `Thought templates: ${list}${terms.length ? ` — matched ${escapeMarkdown(terms.join(', '))}` : ''}`;
    } catch (err) {
      logError('template search', err);
      return undefined;
    }
  };

  connection.onRequest(STATS_REQUEST, (params: { gc?: unknown } | undefined) => {
    // With `node --expose-gc`, {gc: true} collects first so successive readings compare live memory.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (params?.gc === true && typeof gc === 'function') gc();
    const mem = process.memoryUsage();
    let problems = 0;
    for (const s of docs.values()) problems += s.problems.length;
    return { heapUsed: mem.heapUsed, rss: mem.rss, documents: docs.size, problems };
  });

  connection.onRequest(MATH_MARKDOWN_REQUEST, async (params: { text?: unknown }) => {
    if (typeof params?.text !== 'string' || params.text.length > 4000) return { markdown: '' };
    return { markdown: await math.markdown(params.text) };
  });

  connection.onRequest(PROBLEMS_REQUEST, (params: { uri?: unknown }) => {
    if (typeof params?.uri !== 'string') return [];
    const state = current(params.uri);
    if (!state) return [];
    return state.problems.map((p) => refOf(state.doc.uri, state.doc, p));
  });

  connection.onShutdown(() => {
    if (warmTimer) clearTimeout(warmTimer);
    math.dispose();
    watchGeneration++;
    watcher?.dispose();
    for (const s of docs.values()) if (s.timer) clearTimeout(s.timer);
    docs.clear();
  });

  connection.listen();
}
