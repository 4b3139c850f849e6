// results.jsonl: one line per finished problem, appended as each finishes so an interrupted run keeps
// what it finished. Reading tolerates a torn last line (a run killed mid-write).
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type EvalMode = 'reasonflux' | 'direct' | 'best-of-n' | 'self-consistency';

export const EVAL_MODES: readonly EvalMode[] = ['reasonflux', 'direct', 'best-of-n', 'self-consistency'];

/** One trajectory (reasonflux) or direct sample of a problem, graded on its own. */
export interface EvalTrajectory {
  answer: string | null;
  correct: boolean;
  calls: number;
  /** How the navigator checked the final answer (reasonflux). */
  verification?: string;
  /** The navigator's plan (JSON text; reasonflux, absent for fallback plans). */
  plan?: string;
}

export interface EvalRecord {
  id: string;
  subject?: string;
  level?: number;
  /** Reference answer. */
  answer: string;
  /** The final answer extracted from the model's work ('' when none). */
  extracted: string;
  correct: boolean;
  /** solved | no-answer | failed (cancelled runs are not recorded). */
  status: string;
  /** What went wrong (fatal model error, grader note), or null. */
  error: string | null;
  calls: number;
  tokens: number;
  promptTokens: number;
  completionTokens: number;
  seconds: number;
  rounds: number;
  roundBudget: number;
  /** The complexity the engine assessed and budgeted with (reasonflux mode), or null. */
  complexity: number | null;
  /** What the navigator said (null: it gave no number, or not reasonflux mode). Absent in older results. */
  navigatorComplexity?: number | null;
  /** 'navigator+engine' or 'engine' (the navigator gave none). */
  complexitySource?: string;
  /** How the final answer was checked: accepted | rejected | unchecked (reasonflux mode). */
  verification?: string;
  /** Trajectories / samples run for this problem. */
  samples?: number;
  /** Each trajectory / sample, graded on its own (when more than one ran, or with a plan to export). */
  trajectories?: EvalTrajectory[];
  /** The navigator's plan prompt (reasonflux, for --export-pairs). */
  planPrompt?: { role: string; content: string }[];
  templates: string[];
  mode: EvalMode;
  model: string;
  navigatorModel: string;
  /** How the grader decided (exact, numeric, symbolic, …). */
  gradeMethod: string;
  finishedAt: string;
}

export interface ReadResults {
  records: EvalRecord[];
  /** Lines that could not be read (1-based), e.g. a torn last line. */
  badLines: number[];
}

/** Reads results.jsonl; a missing file is an empty result. Later lines for the same id win. */
export function readResults(file: string): ReadResults {
  if (!existsSync(file)) return { records: [], badLines: [] };
  const byId = new Map<string, EvalRecord>();
  const badLines: number[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const r = JSON.parse(l) as EvalRecord;
      if (!r || typeof r.id !== 'string' || typeof r.correct !== 'boolean') throw new Error('not a result');
      byId.set(r.id, r);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { records: [...byId.values()], badLines };
}

/** Appends one record as one line (a single write, so lines never interleave). */
export function appendResult(file: string, record: EvalRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  // After a torn last line (a run killed mid-write) start on a fresh line.
  const lead = endsWithoutNewline(file) ? '\n' : '';
  appendFileSync(file, lead + JSON.stringify(record) + '\n', 'utf8');
}

function endsWithoutNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size === 0) return false;
    fd = openSync(file, 'r');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
