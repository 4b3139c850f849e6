// The thought-template library for the editor: loaded lazily on first use (built-in + workspace folder +
// user file), reloaded on request. Search and reload commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LibraryResult } from '../../core/templates/library.js';
import type { TemplateIndex, ThoughtTemplate } from '../../core/templates/types.js';
import { readSettings } from '../config.js';

export class TemplateService implements vscode.Disposable {
  private loading: Promise<LibraryResult> | undefined;
  private loaded: LibraryResult | undefined;
  /** The library before the reload under way: what hovers and searches use until the new one is ready. */
  private previous: LibraryResult | undefined;
  /** The embedding-retrieval index over a loaded library, for one embedder (see solveIndex). */
  private hybrid: { library: LibraryResult; embedder: string; index: Promise<TemplateIndex> } | undefined;
  private readonly loadedEmitter = new vscode.EventEmitter<LibraryResult>();
  /** Fires after every completed load or reload (the test hooks wait on it instead of polling). */
  readonly onDidLoad = this.loadedEmitter.event;
  /** The user's template statistics as a retrieval prior (reasonflux.templates.usagePrior); set by features.ts. */
  usagePrior: (() => Promise<(t: ThoughtTemplate) => number>) | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    /** API keys by endpoint (SecretStorage), for the embedding endpoint. */
    private readonly keys?: { get(baseUrl: string): Promise<string | undefined> },
  ) {}

  /**
   * The index a solve uses: with embedding retrieval when reasonflux.retrieval.embeddingsModel is set
   * (vectors cached in the extension's global storage), else the BM25 index. Falls back to BM25 with a
   * line in the output channel when the endpoint has no embeddings.
   */
  async solveIndex(): Promise<TemplateIndex> {
    const library = await this.library();
    const s = readSettings();
    const model = s.retrievalEmbeddingsModel;
    const baseUrl = s.retrievalEmbeddingsBaseUrl || s.endpointBaseUrl;
    if (!model || !baseUrl) return library.index;
    const embedder = `${baseUrl}#${model}`;
    if (this.hybrid?.library !== library || this.hybrid.embedder !== embedder) {
      const build = async (): Promise<TemplateIndex> => {
        const { createHybridIndex, openAiEmbedder } = await import('../../core/templates/embeddings.js');
        const apiKey = await this.keys?.get(baseUrl);
        const r = await createHybridIndex(library.index, openAiEmbedder({ baseUrl, model, ...(apiKey ? { apiKey } : {}) }), {
          cacheDir: path.join(this.context.globalStorageUri.fsPath, 'embeddings'),
          onNote: (n) => this.output.warn(`templates: ${n}`),
        });
        (r.hybrid ? this.output.info : this.output.warn).call(this.output, `templates: ${r.note}`);
        return r.index;
      };
      this.hybrid = { library, embedder, index: build() };
    }
    return this.hybrid.index;
  }

  private options() {
    const s = readSettings();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const ws = s.templatesWorkspaceFolder;
    return {
      builtinDir: path.join(this.context.extensionPath, 'templates'),
      ...(folder && ws ? { workspaceDir: path.isAbsolute(ws) ? ws : path.join(folder, ws) } : {}),
      ...(s.templatesUserFile ? { userFile: s.templatesUserFile } : {}),
    };
  }

  /** The statistics prior when reasonflux.templates.usagePrior is on (a change of it reloads the library). */
  private async prior(): Promise<((t: ThoughtTemplate) => number) | undefined> {
    if (!readSettings().templatesUsagePrior || !this.usagePrior) return undefined;
    try {
      return await this.usagePrior();
    } catch (err) {
      this.output.warn(`templates: no statistics prior (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  }

  /** The index, loading it once. */
  async index(): Promise<TemplateIndex> {
    return (await this.library()).index;
  }

  /** Synchronously available index (undefined until the first load finished); starts loading. */
  peek(): TemplateIndex | undefined {
    if (!this.loaded) void this.library().catch(() => undefined);
    return (this.loaded ?? this.previous)?.index;
  }

  async library(): Promise<LibraryResult> {
    if (this.loaded) return this.loaded;
    const loading = (this.loading ??= Promise.all([import('../../core/templates/library.js'), this.prior()]).then(([{ loadTemplateIndex }, prior]) =>
      loadTemplateIndex({ ...this.options(), ...(prior ? { prior } : {}) }),
    ).then((r) => {
      // A reload started meanwhile supersedes this result.
      if (this.loading !== loading) return r;
      this.loaded = r;
      this.previous = undefined;
      this.loadedEmitter.fire(r);
      for (const e of r.errors.slice(0, 20)) this.output.warn(`templates: ${e}`);
      this.output.info(`templates: ${r.templates.length} loaded`);
      return r;
    }, (err: unknown) => {
      if (this.loading === loading) this.loading = undefined; // a later use tries again
      throw err;
    }));
    return loading;
  }

  /** Settles with the library once a load holds a template named `name` (now, or at a later reload). */
  whenLoaded(name: string): Promise<LibraryResult> {
    const has = (r: LibraryResult | undefined) => !!r?.templates.some((t) => t.name === name);
    if (has(this.loaded)) return Promise.resolve(this.loaded!);
    return new Promise((resolve) => {
      const sub = this.onDidLoad((r) => {
        if (!has(r)) return;
        sub.dispose();
        resolve(r);
      });
    });
  }

  dispose(): void {
    this.loadedEmitter.dispose();
  }

  async reload(): Promise<LibraryResult> {
    // (A hover during the reload shows the library as it was, not "Loading…"; a failed reload keeps it.)
    this.previous = this.loaded ?? this.previous;
    this.loaded = undefined;
    this.loading = undefined;
    return this.library();
  }

  /** Reloads the library when the user's templates change: files in the workspace templates folder, the
   *  user file, or the reasonflux.templates.* settings. Validation errors go to the output channel. */
  watch(debounceMs = 300): vscode.Disposable {
    let watchers: vscode.Disposable[] = [];
    let timer: NodeJS.Timeout | undefined;
    const schedule = (why: string) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        // Only reload what was loaded; an unused library stays unloaded.
        if (!this.loaded && !this.loading) return;
        this.output.info(`templates: reloading (${why})`);
        this.reload().then(
          (r) => {
            if (r.errors.length) void vscode.window.showWarningMessage(vscode.l10n.t('ReasonFlux: {0} problems in your thought templates (see the ReasonFlux output).', r.errors.length));
          },
          (err: unknown) => this.output.error(`templates: reload failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }, debounceMs);
    };
    const rewatch = () => {
      for (const w of watchers) w.dispose();
      watchers = [];
      const o = this.options();
      const patterns: vscode.RelativePattern[] = [];
      if (o.workspaceDir) patterns.push(new vscode.RelativePattern(vscode.Uri.file(o.workspaceDir), '**/*.json'));
      if (o.userFile) patterns.push(new vscode.RelativePattern(vscode.Uri.file(path.dirname(o.userFile)), path.basename(o.userFile)));
      for (const pattern of patterns) {
        const w = vscode.workspace.createFileSystemWatcher(pattern);
        const on = (uri: vscode.Uri) => schedule(vscode.workspace.asRelativePath(uri));
        watchers.push(w, w.onDidCreate(on), w.onDidChange(on), w.onDidDelete(on));
      }
    };
    rewatch();
    const config = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('reasonflux.templates')) return;
      rewatch();
      schedule('settings changed');
    });
    return {
      dispose: () => {
        if (timer) clearTimeout(timer);
        config.dispose();
        for (const w of watchers) w.dispose();
      },
    };
  }
}

export async function searchTemplatesCommand(templates: TemplateService): Promise<void> {
  const index = await templates.index();
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  qp.title = vscode.l10n.t('Search thought templates ({0})', index.size);
  qp.placeholder = vscode.l10n.t('Describe the step, e.g. "count lattice paths" or "sum of a geometric series"');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const show = (q: string) => {
    const hits = q.trim() ? index.search(q, { top: 20 }).map((h) => ({ t: h.template, score: h.score })) : index.all().slice(0, 50).map((t) => ({ t, score: 0 }));
    qp.items = hits.map(({ t, score }) => ({
      id: t.id,
      label: t.name,
      description: `${t.chapter} › ${t.section}${score ? ` · ${score.toFixed(2)}` : ''}`,
      detail: t.description,
      alwaysShow: true,
    }));
  };
  qp.onDidChangeValue(show);
  show('');
  const picked = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.id));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return;
  const t = index.get(picked);
  if (!t) return;
  const { origin: _o, file: _f, ...data } = t;
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(data, null, 2) });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function reloadTemplatesCommand(templates: TemplateService): Promise<void> {
  const r = await templates.reload();
  const msg = vscode.l10n.t('ReasonFlux: {0} thought templates loaded.', r.templates.length);
  if (r.errors.length) {
    void vscode.window.showWarningMessage(`${msg} ${vscode.l10n.t('{0} problems (see the ReasonFlux output).', r.errors.length)}`);
  } else {
    void vscode.window.showInformationMessage(msg);
  }
}
