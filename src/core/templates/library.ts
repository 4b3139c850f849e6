// The template library: built-in templates (templates/ beside the bundle) merged with the user's own
// (a workspace folder and a single file); user entries win by id. Plus a watcher that reloads on change.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { createTemplateIndex, type PreAnalyzed } from './index.js';
import { loadTemplateDir, loadTemplateDirSync, loadTemplateFile, loadTemplateFileSync, type LoadResult } from './loader.js';
import { loadPrecomputed, loadPrecomputedSync, type PrecomputedLibrary } from './precomputed.js';
import type { TemplateIndex, ThoughtTemplate } from './types.js';

export interface LibraryOptions {
  /** Folder of built-in templates. Default: the `templates/` folder shipped beside the bundle. */
  builtinDir?: string;
  /** Workspace folder of user templates (e.g. `<workspace>/.reasonflux/templates`). Missing is fine. */
  workspaceDir?: string;
  /** One user-chosen template file. */
  userFile?: string;
  /**
   * The built-in library precomputed at build time (validated templates and their analysed index fields,
   * see precomputed.ts). Default: `library.json` beside the bundle (dist/), written by `npm run build`.
   * It is used only when it matches the built-in folder's files byte for byte; `false` never uses it.
   */
  precomputed?: string | false;
  /** A retrieval prior per template (IndexOptions.prior), e.g. from the user's template statistics. */
  prior?: (t: ThoughtTemplate) => number;
}

/** `library.json` beside the running bundle (dist/library.json); from source there is none by default. */
export function defaultPrecomputedFile(): string | undefined {
  return typeof __dirname === 'string' ? resolve(__dirname, 'library.json') : undefined;
}

function precomputedFile(options: LibraryOptions): string | undefined {
  if (options.precomputed === false) return undefined;
  const file = options.precomputed ?? defaultPrecomputedFile();
  return file && existsSync(file) ? file : undefined;
}

export interface LibraryResult {
  index: TemplateIndex;
  templates: ThoughtTemplate[];
  errors: string[];
}

/**
 * The built-in folder: `dist/*.js` → `../templates`; run from source (tsx) `src/core/templates` →
 * `../../../templates`. Falls back to `./templates` under the current directory.
 */
export function defaultBuiltinDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [resolve(here, '..', 'templates'), resolve(here, '..', '..', '..', 'templates'), resolve(process.cwd(), 'templates')];
  for (const c of candidates) {
    if (existsSync(resolve(c, 'template.schema.json')) || (existsSync(c) && statSync(c).isDirectory() && looksLikeProjectTemplates(c))) return c;
  }
  return candidates[0]!;
}

function looksLikeProjectTemplates(dir: string): boolean {
  return existsSync(resolve(dir, '..', 'package.json'));
}

/** Merges loaded layers in order; a later template with the same id replaces the earlier one. */
export function mergeLayers(layers: readonly LoadResult[]): { templates: ThoughtTemplate[]; errors: string[] } {
  const byId = new Map<string, ThoughtTemplate>();
  const errors: string[] = [];
  for (const layer of layers) {
    errors.push(...layer.errors);
    for (const t of layer.templates) {
      if (byId.has(t.id)) byId.delete(t.id); // keep the overriding entry at the end of the order
      byId.set(t.id, t);
    }
  }
  return { templates: [...byId.values()], errors };
}

function finish(layers: LoadResult[], preAnalyzed?: PreAnalyzed, prior?: (t: ThoughtTemplate) => number): LibraryResult {
  const { templates, errors } = mergeLayers(layers);
  return { index: createTemplateIndex(templates, { preAnalyzed, ...(prior ? { prior } : {}) }), templates, errors };
}

/** Loads and merges the library and builds the retrieval index. Never throws for bad files. */
export async function loadTemplateIndex(options: LibraryOptions = {}): Promise<LibraryResult> {
  const builtinDir = options.builtinDir ?? defaultBuiltinDir();
  const preFile = precomputedFile(options);
  const pre: PrecomputedLibrary | undefined = preFile ? await loadPrecomputed(preFile, builtinDir) : undefined;
  const layers = [pre ? pre.layer : await loadTemplateDir(builtinDir, 'builtin')];
  if (options.workspaceDir) layers.push(await loadTemplateDir(options.workspaceDir, 'workspace', true));
  if (options.userFile) layers.push(await loadTemplateFile(options.userFile, 'user-file'));
  return finish(layers, pre?.preAnalyzed, options.prior);
}

/** Synchronous variant (e.g. for the language server's start-up). */
export function loadTemplateIndexSync(options: LibraryOptions = {}): LibraryResult {
  const builtinDir = options.builtinDir ?? defaultBuiltinDir();
  const preFile = precomputedFile(options);
  const pre = preFile ? loadPrecomputedSync(preFile, builtinDir) : undefined;
  const layers = [pre ? pre.layer : loadTemplateDirSync(builtinDir, 'builtin')];
  if (options.workspaceDir) layers.push(loadTemplateDirSync(options.workspaceDir, 'workspace', true));
  if (options.userFile) layers.push(loadTemplateFileSync(options.userFile, 'user-file'));
  return finish(layers, pre?.preAnalyzed, options.prior);
}

export interface WatchOptions extends LibraryOptions {
  /** Called with the reloaded library after a change settles. */
  onReload: (result: LibraryResult) => void;
  /** Called when watching or reloading fails (the watcher stays alive when it can). */
  onError?: (err: Error) => void;
  /** Quiet time before reloading (default 200 ms). */
  debounceMs?: number;
}

export interface Disposable {
  dispose(): void;
}

/**
 * Watches the workspace folder and the user file (through its folder, since editors often replace files
 * on save) and reloads the whole library after changes settle. A workspace folder that does not exist yet
 * is picked up when its parent shows it. Returns a disposable that stops everything.
 */
export function watchLibrary(options: WatchOptions): Disposable {
  const debounceMs = options.debounceMs ?? 200;
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  let generation = 0;

  const report = (err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err)));

  const reload = () => {
    const mine = ++generation;
    loadTemplateIndex(options).then(
      (r) => {
        if (!disposed && mine === generation) options.onReload(r);
      },
      report,
    );
  };
  const schedule = () => {
    if (disposed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      ensureWatchers();
      reload();
    }, debounceMs);
  };

  const watchPath = (path: string, filter?: (name: string | null) => boolean) => {
    if (watchers.has(path) || !existsSync(path)) return;
    try {
      const w = watch(path, { persistent: false }, (_event, name) => {
        if (!filter || filter(name ? String(name) : null)) schedule();
      });
      w.on('error', (err) => {
        watchers.delete(path);
        w.close();
        report(err);
      });
      watchers.set(path, w);
    } catch (err) {
      report(err);
    }
  };

  const ensureWatchers = () => {
    if (disposed) return;
    // A watched folder that was deleted (the user removed .reasonflux, or a tool replaced it) leaves a
    // watcher on a gone inode that never fires again: drop it, so the folder is watched anew below.
    for (const [path, w] of watchers) {
      if (!existsSync(path)) {
        w.close();
        watchers.delete(path);
      }
    }
    const ws = options.workspaceDir;
    if (ws) {
      if (existsSync(ws)) {
        watchPath(ws, (n) => n === null || n.endsWith('.json'));
      } else {
        // Wait for the folder to appear: watch the nearest existing ancestor.
        let parent = dirname(ws);
        while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
        const child = relative(parent, ws).split(sep)[0];
        watchPath(parent, (n) => n === null || n === child);
      }
    }
    if (options.userFile) {
      const name = basename(options.userFile);
      watchPath(dirname(options.userFile), (n) => n === null || n === name);
    }
  };

  ensureWatchers();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
