// Typeset math for hovers: TeX → SVG in a worker thread (dist/math-worker.js), cached, bounded in time
// and size, embedded as data:image/svg+xml images in the hover Markdown (VS Code shows data: images in
// hovers; raw HTML stays off). Whatever cannot be typeset in time or within the bounds is shown as
// readable text (segments.ts), so a hover is never blank and never raw TeX.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MAX_FORMULA_CHARS, splitMath, texToText, type Segment } from '../../core/detect/mathText.js';
import type { TypesetResult } from './typeset.js';

/** Bounds on one formula's image. */
export const MAX_SVG_BYTES = 48_000;
export const MAX_INLINE_HEIGHT_EX = 8;
export const MAX_DISPLAY_HEIGHT_EX = 20;
export const MAX_WIDTH_EX = 160;
/** Formulas typeset per hover at most (the rest are readable text). */
export const MAX_IMAGES_PER_HOVER = 24;
/** How long a hover waits for its formulas (a cold worker starts MathJax first). */
export const HOVER_MATH_WAIT_MS = 1500;
/** A job the worker has not answered by then counts as stuck: the worker is replaced. */
const STUCK_MS = 5000;
const CACHE_MAX = 1000;

type Entry = { image: string } | { text: string };

export interface MathImagesOptions {
  /** Path of the worker bundle (default: math-worker.js next to the server bundle). */
  workerPath?: string;
  log?: (msg: string) => void;
}

export class MathImages {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly jobs = new Map<number, { key: string; resolve: (e: Entry) => void; timer: NodeJS.Timeout }>();
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private unavailable = false;
  private readonly workerPath: string;

  constructor(private readonly options: MathImagesOptions = {}) {
    this.workerPath = options.workerPath ?? `${__dirname}/math-worker.js`;
  }

  /** Starts the worker ahead of the first hover (MathJax's start-up then costs the hover nothing). */
  warm(): void {
    void this.entry('x', false);
  }

  /** Markdown for text with math: formulas as images where they are typeset in time, else readable text. */
  async markdown(text: string, waitMs = HOVER_MATH_WAIT_MS): Promise<string> {
    const segments = splitMath(text);
    let images = 0;
    const parts = segments.map((s) => {
      if (s.kind === 'text') return Promise.resolve(escapeMarkdown(s.text));
      if (images++ >= MAX_IMAGES_PER_HOVER) return Promise.resolve(readable(s));
      return withTimeout(this.entry(s.tex, s.display), waitMs).then((e) => (e && 'image' in e ? imageMarkdown(s, e.image) : readable(s)));
    });
    return (await Promise.all(parts)).join('');
  }

  /** Typeset result of one formula (cached; concurrent asks share one job). */
  entry(tex: string, display: boolean): Promise<Entry> {
    const key = `${display ? 'D' : 'I'}${tex}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Least recently used goes first when the cache is full.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return Promise.resolve(hit);
    }
    const running = this.inflight.get(key);
    if (running) return running;
    const fallback: Entry = { text: texToText(tex) };
    if (tex.length > MAX_FORMULA_CHARS) return Promise.resolve(this.remember(key, fallback));
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(fallback);
    const id = this.nextId++;
    const p = new Promise<Entry>((resolve) => {
      const timer = setTimeout(() => {
        this.options.log?.(`math: typesetting took over ${STUCK_MS} ms; restarting the math worker`);
        this.restart();
      }, STUCK_MS);
      timer.unref?.();
      this.jobs.set(id, { key, resolve, timer });
      worker.postMessage({ id, tex, display });
    }).then((e) => {
      this.inflight.delete(key);
      return this.remember(key, e);
    });
    this.inflight.set(key, p);
    return p;
  }

  dispose(): void {
    this.restart();
    this.unavailable = true;
  }

  private remember(key: string, e: Entry): Entry {
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, e);
    return e;
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    if (this.unavailable) return undefined;
    if (!existsSync(this.workerPath)) {
      this.unavailable = true;
      this.options.log?.(`math: ${this.workerPath} is missing; hovers show formulas as text`);
      return undefined;
    }
    const w = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: 96 } });
    w.unref(); // never keeps the server alive
    w.on('message', (m: { id: number } & TypesetResult) => this.settle(m));
    w.on('error', (err) => {
      this.options.log?.(`math worker failed: ${err.message}`);
      this.restart();
    });
    w.on('exit', () => {
      if (this.worker === w) this.restart();
    });
    this.worker = w;
    return w;
  }

  private settle(m: { id: number } & TypesetResult): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    this.jobs.delete(m.id);
    clearTimeout(job.timer);
    job.resolve(bounded(job.key, m));
  }

  /** Ends the worker; pending formulas fall back to text (and are not retried until asked again). */
  private restart(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const [id, job] of this.jobs) {
      clearTimeout(job.timer);
      job.resolve({ text: texToText(job.key.slice(1)) });
      this.jobs.delete(id);
    }
    if (w) void w.terminate().catch(() => undefined);
  }
}

/** The worker's answer within the size bounds as an image, else readable text. */
export function bounded(key: string, r: TypesetResult): Entry {
  const display = key.startsWith('D');
  const tex = key.slice(1);
  if ('error' in r) return { text: texToText(tex) };
  const maxH = display ? MAX_DISPLAY_HEIGHT_EX : MAX_INLINE_HEIGHT_EX;
  if (r.svg.length > MAX_SVG_BYTES || r.heightEx > maxH || r.widthEx > MAX_WIDTH_EX) return { text: texToText(tex) };
  return { image: `data:image/svg+xml;base64,${Buffer.from(r.svg, 'utf8').toString('base64')}` };
}

function readable(s: Extract<Segment, { kind: 'math' }>): string {
  const t = escapeMarkdown(texToText(s.tex));
  return s.display ? `\n\n${t}\n\n` : t;
}

function imageMarkdown(s: Extract<Segment, { kind: 'math' }>, uri: string): string {
  // The alt text is the readable form (screen readers, copy): brackets and backslashes escaped.
  const alt = texToText(s.tex).slice(0, 120).replace(/[[\]\\]/g, '');
  const img = `![${alt}](${uri})`;
  return s.display ? `\n\n${img}\n\n` : img;
}

export function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|!~$])/g, '\\$1');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(undefined);
      },
    );
  });
}
