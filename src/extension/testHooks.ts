// Commands for the real-VS-Code test suites only (test/integration/editor): what the panel holds, panel
// actions without clicks, whether a stored key matches, the log folder, the template library's load
// event, the chat participant's handler. They are compiled in only by
// `node esbuild.mjs --test-hooks` (scripts/bundles.mjs, run by scripts/host/test-host.ts); every other
// build — and so every packaged extension — has none of them, so no other extension can call them.
import * as vscode from 'vscode';
import type { SessionManager } from './commands/session.js';
import type { Span } from './insert/locate.js';
import type { TrajectoryPanel } from './panel/panel.js';
import type { ApiKeyStore } from './secrets/keys.js';
import type { SolveHistory } from './history/history.js';
import type { SolveStatusBar } from './status/statusBar.js';
import { parseFromWebview } from '../webview/protocol.js';
import type { ChatRequestLike, ChatTutor } from './chat/participant.js';
import { recordingStream, type RecordedPart } from './chat/record.js';
import type { TemplateService } from './commands/templates.js';
import type { GrowthService } from './commands/grow.js';

/** What the panel holds and shows. */
export const PANEL_STATE_COMMAND = 'reasonflux.test.panelState';
/** Performs a panel action (same validation and handler as the webview's buttons). */
export const PANEL_ACTION_COMMAND = 'reasonflux.test.panelAction';
/** (baseUrl, candidate) → whether the stored API key equals candidate (the key itself never leaves). */
export const API_KEY_MATCHES_COMMAND = 'reasonflux.test.apiKeyMatches';
/** The extension's log folder (context.logUri). */
export const LOG_DIR_COMMAND = 'reasonflux.test.logDir';
/** (name) → settles once the editor's template library holds a template of that name (waits on its load event). */
export const TEMPLATES_LOADED_COMMAND = 'reasonflux.test.templatesLoaded';
/** Starts a template reload and returns whether a hover could still search a library the moment it started. */
export const TEMPLATES_DURING_RELOAD_COMMAND = 'reasonflux.test.templatesDuringReload';
/** ({ prompt, command, model? }) → runs the chat participant's handler; returns what it streamed. */
export const CHAT_COMMAND = 'reasonflux.test.chat';

/** The template statistics file, the run records' graded runs and the panel's statistics lines. */
export const GROWTH_COMMAND = 'reasonflux.test.growth';

/** What the detection status bar item shows (text, tooltip, uri) while it is shown (test/integration/detection-status). */
export const DETECTION_STATUS_COMMAND = 'reasonflux.test.detectionStatus';

/** Registered by activate(): the language client owns the detection status item. */
export function registerClientTestHooks(client: { readonly detectionShown: unknown }): vscode.Disposable[] {
  return [vscode.commands.registerCommand(DETECTION_STATUS_COMMAND, () => client.detectionShown)];
}

export interface TestHookDeps {
  context: vscode.ExtensionContext;
  panel: TrajectoryPanel;
  status: SolveStatusBar;
  keys: ApiKeyStore;
  history: SolveHistory;
  session: () => SessionManager | undefined;
  templates: TemplateService;
  chat: ChatTutor;
  grow: GrowthService;
}

export function registerTestHooks(d: TestHookDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(PANEL_STATE_COMMAND, () => ({
      state: d.panel.state,
      open: d.panel.isOpen,
      ready: d.panel.isReady,
      rendered: d.panel.lastRender,
      rejectedMessages: d.panel.rejectedMessages,
      openMs: d.panel.lastOpenMs,
      statusBar: d.status.text,
      // What the stored history holds (the sink checks of issue 12: no key in it).
      history: d.history.list(),
      usage: d.panel.usage,
    })),
    vscode.commands.registerCommand(GROWTH_COMMAND, async () => ({ usageFile: d.grow.usageFile, ...(await d.grow.gradedCounts()) })),
    vscode.commands.registerCommand(API_KEY_MATCHES_COMMAND, async (baseUrl: unknown, candidate: unknown) =>
      typeof baseUrl === 'string' && typeof candidate === 'string' && (await d.keys.get(baseUrl)) === candidate,
    ),
    vscode.commands.registerCommand(TEMPLATES_LOADED_COMMAND, async (name: unknown) =>
      typeof name === 'string' ? (await d.templates.whenLoaded(name)).templates.length : 0,
    ),
    vscode.commands.registerCommand(TEMPLATES_DURING_RELOAD_COMMAND, async () => {
      const reloading = d.templates.reload();
      const available = d.templates.peek() !== undefined;
      await reloading;
      return available;
    }),
    // The chat handler with a recording stream (a host without a chat view cannot give a real one).
    vscode.commands.registerCommand(CHAT_COMMAND, async (req: unknown) => {
      const r = (req ?? {}) as { prompt?: unknown; command?: unknown; model?: { sendRequest?: unknown } };
      if (typeof r.prompt !== 'string') throw new Error('reasonflux.test.chat needs { prompt }');
      const parts: RecordedPart[] = [];
      const request: ChatRequestLike = { prompt: r.prompt, command: typeof r.command === 'string' ? r.command : undefined };
      // The model "picked in the chat" (a LanguageModelChat the test supplies).
      if (r.model && typeof r.model.sendRequest === 'function') request.model = r.model as vscode.LanguageModelChat;
      const cts = new vscode.CancellationTokenSource();
      try {
        const result = await d.chat.handle(request, recordingStream(parts), cts.token);
        return { parts, result };
      } finally {
        cts.dispose();
      }
    }),
    // The host writes the output channel's file next to the extension's log folder.
    vscode.commands.registerCommand(LOG_DIR_COMMAND, () => d.context.logUri.fsPath),
    vscode.commands.registerCommand(PANEL_ACTION_COMMAND, async (raw: unknown, answer?: unknown) => {
      const msg = parseFromWebview(raw);
      if (!msg) throw new Error('not a panel message');
      const session = d.session();
      if (msg.type === 'insert') {
        if (typeof answer !== 'string') return session?.insert();
        // `answer`: the line (1-based) to choose when insertion asks where, or "none" to dismiss the
        // question; the lines offered are returned with the outcome.
        const offered: number[] = [];
        const outcome = await session?.insert(async (doc, candidates: readonly Span[]) => {
          offered.push(...candidates.map((c) => doc.positionAt(c.start).line + 1));
          return candidates.find((c) => String(doc.positionAt(c.start).line + 1) === answer);
        });
        return { outcome, offered };
      }
      // "Check my answer" with the answer given (instead of typed into the input box).
      if (msg.type === 'check' && typeof answer === 'string') return session?.check(answer);
      return session?.handle(msg);
    }),
  ];
}
