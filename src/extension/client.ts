// The language client: starts dist/server.js over IPC for the languages in
// reasonflux.detection.languages, keeps the server's settings in sync, and marks the server's hover
// Markdown trusted for the extension's own tutoring commands only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DEFAULT_LANGUAGES, SECTION, readSettings } from './config.js';
import { describeError } from './log.js';
import { DOCUMENT_STATUS_NOTIFICATION, parseDocumentStatus } from '../server/protocol.js';
import { DetectionStatusBar } from './status/detectionStatus.js';
import { USAGE_FILE } from './history/runs.js';

export const CLIENT_ID = 'reasonflux';
export const CLIENT_NAME = 'ReasonFlux Language Server';
export const SERVER_MODULE = 'dist/server.js';

/** Commands a server hover may link to; any other `command:` link in a hover stays inert. */
export const TRUSTED_HOVER_COMMANDS: readonly string[] = ['reasonflux.solve', 'reasonflux.hint', 'reasonflux.explain'];

/** How long to wait for the server's `initialize` answer before giving up on it. */
const START_TIMEOUT_MS = 30_000;

export type ClientState = 'starting' | 'running' | 'failed' | 'stopped';

/** Saved files and unsaved editors of the given language ids. */
export function documentSelectorFor(languages: readonly string[]): DocumentSelector {
  const ids = languages.length > 0 ? languages : DEFAULT_LANGUAGES;
  return ids.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);
}

/**
 * Makes every MarkdownString of a hover trusted for TRUSTED_HOVER_COMMANDS only (never fully
 * trusted, no raw HTML). Returns the same hover object.
 */
export function trustHoverCommands<T extends vscode.Hover | null | undefined>(hover: T): T {
  if (!hover) return hover;
  const colour = mathColour(vscode.window.activeColorTheme.kind);
  for (const content of hover.contents) {
    if (content instanceof vscode.MarkdownString) {
      content.isTrusted = { enabledCommands: [...TRUSTED_HOVER_COMMANDS] };
      content.supportHtml = false;
      content.value = colourMathImages(content.value, colour);
    }
  }
  return hover;
}

/** Ink for typeset math in hovers: an <img> does not inherit the theme's text colour. */
export function mathColour(kind: vscode.ColorThemeKind): string {
  switch (kind) {
    case vscode.ColorThemeKind.Dark:
      return '#d4d4d4';
    case vscode.ColorThemeKind.HighContrast:
      return '#ffffff';
    case vscode.ColorThemeKind.HighContrastLight:
      return '#000000';
    default:
      return '#1f1f1f';
  }
}

const SVG_IMAGE = /\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]{1,200000})\)/g;

/** The server's math images (SVG drawn in currentColor) recoloured for the theme. */
export function colourMathImages(markdown: string, colour: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(colour)) return markdown;
  return markdown.replace(SVG_IMAGE, (m, b64: string) => {
    const svg = Buffer.from(b64, 'base64').toString('utf8');
    if (!svg.startsWith('<svg')) return m;
    return `](data:image/svg+xml;base64,${Buffer.from(svg.replace(/currentColor/g, colour), 'utf8').toString('base64')})`;
  });
}

class StartTimeout extends Error {
  constructor(ms: number) {
    super(`the language server did not answer within ${Math.round(ms / 1000)} s`);
    this.name = 'StartTimeout';
  }
}

/** Owns the LanguageClient: start (failure logged and shown once, never thrown), restart, stop. */
export class LanguageClientController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private stateValue: ClientState = 'stopped';
  private failureShown = false;
  /** Says in the status bar when the active file's problems are not all listed or not all examined. */
  private readonly detection = new DetectionStatusBar();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get state(): ClientState {
    return this.stateValue;
  }

  /** What the detection status item shows, while it is shown. */
  get detectionShown(): { text: string; tooltip: string; uri: string } | undefined {
    return this.detection.current;
  }

  /** The client when it is running, else undefined. */
  get running(): LanguageClient | undefined {
    return this.stateValue === 'running' ? this.client : undefined;
  }

  /** Creates and starts the client. Resolves to it when the server answered, undefined when it failed. */
  async start(): Promise<LanguageClient | undefined> {
    const serverModule = this.context.asAbsolutePath(SERVER_MODULE);
    if (!fs.existsSync(serverModule)) {
      this.fail(new Error(`${SERVER_MODULE} is missing from the extension (build it with npm run build)`));
      return undefined;
    }
    if (!this.client) this.client = this.create(serverModule);
    return this.startClient(this.client);
  }

  /** Applies a new language list: the document selector is fixed per start, so the client restarts. */
  async restartForLanguages(): Promise<void> {
    const client = this.client;
    if (!client) {
      await this.start();
      return;
    }
    const languages = readSettings().detectionLanguages;
    this.output.info(`restarting the language server for languages: ${languages.join(', ')}`);
    try {
      if (client.needsStop()) await client.stop(5_000);
    } catch (err) {
      this.output.warn(`stopping the language server: ${describeError(err)}`);
    }
    this.detection.clear();
    client.clientOptions.documentSelector = documentSelectorFor(languages);
    await this.startClient(client);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.stateValue = 'stopped';
    this.detection.clear();
    if (!client) return;
    try {
      if (client.needsStop()) await client.stop(5_000);
    } catch (err) {
      this.output.warn(`stopping the language server: ${describeError(err)}`);
    }
  }

  dispose(): void {
    void this.stop().finally(() => this.detection.dispose());
  }

  private create(serverModule: string): LanguageClient {
    const languages = readSettings().detectionLanguages;
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6009'] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelectorFor(languages),
      // Pushes workspace/didChangeConfiguration with the whole reasonflux section on every change;
      // the server may also pull it with workspace/configuration.
      synchronize: { configurationSection: SECTION },
      // The user's template statistics (kept by the editor in its global storage) for the hovers.
      initializationOptions: { usageFile: path.join(this.context.globalStorageUri.fsPath, USAGE_FILE) },
      outputChannel: this.output,
      middleware: {
        provideHover: async (document, position, token, next) => trustHoverCommands(await next(document, position, token)),
      },
    };
    this.output.info(`language server: ${SERVER_MODULE} over IPC for ${languages.join(', ')}`);
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    // Registered once: the client keeps its notification handlers across restarts.
    client.onNotification(DOCUMENT_STATUS_NOTIFICATION, (raw: unknown) => {
      const st = parseDocumentStatus(raw);
      if (!st) return;
      const wasTruncated = this.detection.get(st.uri)?.truncated === true;
      this.detection.set(st);
      if (st.truncated && !wasTruncated) this.output.warn(`${st.uri}: only the first ${st.examinedChars} of ${st.totalChars} characters were examined for problems`);
    });
    return client;
  }

  private async startClient(client: LanguageClient): Promise<LanguageClient | undefined> {
    this.stateValue = 'starting';
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StartTimeout(START_TIMEOUT_MS)), START_TIMEOUT_MS);
        }),
      ]);
      this.stateValue = 'running';
      this.output.info(`language server running (${Date.now() - t0} ms)`);
      return client;
    } catch (err) {
      if (err instanceof StartTimeout) {
        // Do not leave a half-started server process behind.
        client.stop(2_000).catch(() => undefined);
      }
      this.fail(err);
      return undefined;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private fail(err: unknown): void {
    this.stateValue = 'failed';
    const why = describeError(err);
    this.output.error(`language server failed to start: ${why}`);
    if (this.failureShown) return;
    this.failureShown = true;
    void vscode.window
      .showErrorMessage(
        `ReasonFlux: the problem detector (language server) did not start: ${why}. Commands still work; see the ReasonFlux output for details.`,
        'Show Output',
      )
      .then((choice) => {
        if (choice === 'Show Output') this.output.show(true);
      });
  }
}
