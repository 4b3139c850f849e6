// Seam between the thin activate() (src/extension/extension.ts) and the editor features
// (commands, panel, hover, insertion). Nothing here sends anything to a model: runs start only from
// an explicit command or panel button.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands/register.js';
import { SessionManager } from './commands/session.js';
import { GrowthService } from './commands/grow.js';
import { TemplateService } from './commands/templates.js';
import { SolveHistory } from './history/history.js';
import { registerSelectionHover } from './hover/selectionHover.js';
import { PANEL_VIEW_TYPE, TrajectoryPanel } from './panel/panel.js';
import { ApiKeyStore } from './secrets/keys.js';
import { SolveStatusBar } from './status/statusBar.js';
import { registerTestHooks } from './testHooks.js';
import { logTiming } from './timing.js';
import { ChatTutor, registerChat } from './chat/participant.js';

export interface FeatureDeps {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  /**
   * The running language client, or undefined when it failed to start or is still starting (the
   * features are registered before the language server answers, so commands work at once).
   */
  client?: () => LanguageClient | undefined;
}

/** Set by esbuild (scripts/bundles.mjs): true only in the build the real-host test suites run. */
declare const __REASONFLUX_TEST_HOOKS__: boolean;

/** Delay after activation before the template library starts loading in the background. */
// (The load keeps the extension host busy for about a second; starting it at once would delay a
// command given right after the window opened.)
const TEMPLATE_WARMUP_DELAY_MS = 3000;

/** Registers commands, the panel serializer, hover and insertion; everything goes to context.subscriptions. */
export function registerFeatures(deps: FeatureDeps): void {
  const { context, output } = deps;
  logTiming(output, 'registering the editor features (activation)');
  const keys = new ApiKeyStore(context.secrets);
  const history = new SolveHistory(context.globalState);
  const status = new SolveStatusBar();
  const templates = new TemplateService(context, output, keys);
  // Nothing is read until a run finishes or a statistics line is asked for.
  const grow = new GrowthService({ context, output, templates, keys, history });
  templates.usagePrior = async () => (await grow.usage()).priorOf();
  let session: SessionManager | undefined;
  const panel = new TrajectoryPanel(context, output, (msg) => session?.handle(msg));
  session = new SessionManager({ extensionPath: context.extensionPath, output, panel, keys, history, status, templates, grow });

  const chat = new ChatTutor({ output, keys, templates, session, grow });

  // The template library loads once, shared by runs, hovers and the search command. Loading starts in the
  // background shortly after activation, off the path of a first "Solve" (which opens its panel first).
  const warmUp = setTimeout(() => templates.peek(), TEMPLATE_WARMUP_DELAY_MS);
  context.subscriptions.push(
    { dispose: () => clearTimeout(warmUp) },
    templates.watch(),
    templates,
    status,
    panel,
    ...registerCommands({ output, session, panel, keys, history, templates, grow }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        const latest = history.list()[0];
        panel.restore(webviewPanel, state, latest?.state);
        if (latest?.uri && panel.state.runId === latest.state.runId) session?.adoptRestored(latest.state, latest.uri);
      },
    }),
    registerSelectionHover(templates, deps.client ?? (() => undefined), grow),
    ...registerChat(chat, context, output),
  );
  // The reasonflux.test.* commands: compiled into the host-test build only (src/extension/testHooks.ts).
  if (__REASONFLUX_TEST_HOOKS__) context.subscriptions.push(...registerTestHooks({ context, panel, status, keys, history, session: () => session, templates, chat, grow }));
}
