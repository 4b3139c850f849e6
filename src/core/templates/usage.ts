// Per-user template statistics: how often a template was retrieved, chosen for a step, in a solved run,
// and in a run graded correct. Kept in one small JSON file of the user's (never sent anywhere). Retrieval
// may use them as a prior: a template that often led to correct answers gains a little, one that often
// led to wrong ones loses a little (PRIOR_RANGE at most, and only after a few graded runs).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SolveEvent } from '../reasoning/events.js';
import type { ThoughtTemplate } from './types.js';

export interface TemplateUsage {
  /** Runs in which it was among a step's retrieved templates. */
  retrieved: number;
  /** Runs in which it was the chosen template of a step. */
  chosen: number;
  /** Of those, runs that ended solved (with an answer). */
  solved: number;
  /** Of the chosen runs, those graded (answer checked against a reference) and those graded correct. */
  graded: number;
  correct: number;
}

/** Bump when the file layout changes. */
export const USAGE_FORMAT = 1;
/** The prior's factor lies in [1 - PRIOR_RANGE, 1 + PRIOR_RANGE]. */
export const PRIOR_RANGE = 0.1;
/** Graded runs after which the prior has its full weight. */
const PRIOR_FULL_AFTER = 5;

function empty(): TemplateUsage {
  return { retrieved: 0, chosen: 0, solved: 0, graded: 0, correct: 0 };
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

export class TemplateUsageStore {
  private constructor(
    readonly file: string | undefined,
    private readonly byId: Map<string, TemplateUsage>,
  ) {}

  /** An empty store kept in memory only. */
  static inMemory(): TemplateUsageStore {
    return new TemplateUsageStore(undefined, new Map());
  }

  /**
   * The store of `file`: empty when the file does not exist. A corrupt file is not overwritten: it throws
   * one line saying so (move it away to start again).
   */
  static async load(file: string): Promise<TemplateUsageStore> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new TemplateUsageStore(file, new Map());
      throw new Error(`cannot read template statistics ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let data: { format?: unknown; templates?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      throw new Error(`template statistics ${file} are not valid JSON — move the file away to start new statistics`);
    }
    if (data?.format !== USAGE_FORMAT || !data.templates || typeof data.templates !== 'object') {
      throw new Error(`template statistics ${file} are not in the expected format — move the file away to start new statistics`);
    }
    const byId = new Map<string, TemplateUsage>();
    for (const [id, v] of Object.entries(data.templates as Record<string, Record<string, unknown>>)) {
      if (!v || typeof v !== 'object') continue;
      byId.set(id, { retrieved: count(v.retrieved), chosen: count(v.chosen), solved: count(v.solved), graded: count(v.graded), correct: count(v.correct) });
    }
    return new TemplateUsageStore(file, byId);
  }

  get(id: string): TemplateUsage | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Counts one run from its events. `correct`: the graded outcome when the answer was checked against a
   * reference (eval, "Check my answer"); leave it out when unknown.
   */
  recordRun(events: readonly SolveEvent[], outcome: { correct?: boolean } = {}): void {
    const retrieved = new Set<string>();
    const chosen = new Set<string>();
    let solved = false;
    for (const e of events) {
      if (e.type === 'retrieval') {
        for (const t of e.templates ?? []) if (t && typeof t.id === 'string') retrieved.add(t.id);
        if (typeof e.chosen === 'string') chosen.add(e.chosen);
      } else if (e.type === 'done') solved = e.status === 'solved';
    }
    this.record({ retrieved, chosen, solved, ...outcome });
  }

  /**
   * Counts one run from what it retrieved and chose (the editor keeps a run's panel state, not its
   * events). Each id counts once per run, however many steps retrieved or chose it.
   */
  record(run: { retrieved: Iterable<string>; chosen: Iterable<string>; solved: boolean; correct?: boolean }): void {
    const chosen = new Set(run.chosen);
    for (const id of new Set(run.retrieved)) this.at(id).retrieved++;
    for (const id of chosen) {
      const u = this.at(id);
      u.chosen++;
      if (run.solved) u.solved++;
    }
    if (run.correct !== undefined) this.recordGrade(chosen, run.correct);
  }

  /**
   * A run counted before is graded afterwards (or graded again): its chosen templates gain a graded run,
   * correct or not. `previous`: the grade it had, when it is graded again (then only `correct` moves).
   */
  recordGrade(chosen: Iterable<string>, correct: boolean, previous?: boolean): void {
    for (const id of new Set(chosen)) {
      const u = this.at(id);
      if (previous === undefined) {
        u.graded++;
        if (correct) u.correct++;
      } else if (previous !== correct) {
        u.correct = Math.max(0, Math.min(u.graded, u.correct + (correct ? 1 : -1)));
      }
    }
  }

  private at(id: string): TemplateUsage {
    let u = this.byId.get(id);
    if (!u) this.byId.set(id, (u = empty()));
    return u;
  }

  /**
   * The retrieval prior of a template: 1 without graded runs; otherwise 1 ± PRIOR_RANGE by its smoothed
   * success rate (correct + 1) / (graded + 2), reaching full weight after PRIOR_FULL_AFTER graded runs.
   */
  prior(id: string): number {
    const u = this.byId.get(id);
    if (!u || u.graded === 0) return 1;
    const rate = (u.correct + 1) / (u.graded + 2);
    return 1 + 2 * PRIOR_RANGE * (rate - 0.5) * Math.min(1, u.graded / PRIOR_FULL_AFTER);
  }

  /** For createTemplateIndex({ prior }). */
  priorOf(): (t: ThoughtTemplate) => number {
    return (t) => this.prior(t.id);
  }

  /** One line for people, e.g. "retrieved 5× · chosen 3× · correct 2 of 3 graded". */
  describe(id: string): string | undefined {
    const u = this.byId.get(id);
    if (!u) return undefined;
    const parts = [`retrieved ${u.retrieved}×`, `chosen ${u.chosen}×`];
    if (u.chosen) parts.push(`solved ${u.solved} of ${u.chosen}`);
    if (u.graded) parts.push(`correct ${u.correct} of ${u.graded} graded`);
    return parts.join(' · ');
  }

  /**
   * The short form for cards and hovers, e.g. "used 4× · 3 solved · 2/2 correct" ("used": chosen for a
   * step; a template only ever retrieved says "retrieved 3×, not used yet").
   */
  brief(id: string): string | undefined {
    const u = this.byId.get(id);
    if (!u || (!u.retrieved && !u.chosen)) return undefined;
    if (!u.chosen) return `retrieved ${u.retrieved}×, not used yet`;
    const parts = [`used ${u.chosen}×`, `${u.solved} solved`];
    if (u.graded) parts.push(`${u.correct}/${u.graded} correct`);
    return parts.join(' · ');
  }

  async save(): Promise<void> {
    if (!this.file) return;
    const templates = Object.fromEntries([...this.byId].sort(([a], [b]) => a.localeCompare(b)));
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ format: USAGE_FORMAT, templates }, null, 1) + '\n');
    await rename(tmp, this.file);
  }
}
