// What the editor keeps of each finished panel or chat run to grow the library and train a navigator:
// the templates it retrieved and chose, the navigator's plan and plan prompt (for preference pairs) and,
// once the user grades it, whether it was correct. One small JSON file in the extension's global storage
// (never sent anywhere). Also: a solved panel state as a distillation trajectory. No vscode import here
// (unit-tested in Node).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { GradedRun } from '../../core/eval/pairs.js';
import type { Trajectory } from '../../core/templates/distill.js';
import type { PanelState } from '../../webview/state.js';

type Message = { role: string; content: string };

export interface RunGrade {
  correct: boolean;
  /** The reference answer it was checked against; absent when marked by hand. */
  reference?: string;
}

export interface RunRecord {
  runId: string;
  problem: string;
  at: number;
  status: string;
  answer: string | null;
  retrieved: string[];
  chosen: string[];
  calls: number;
  planText?: string;
  planPrompt?: Message[];
  graded?: RunGrade;
}

/** Files in the extension's global storage: the template statistics (also read by the language server's
 *  hovers) and the run records. */
export const USAGE_FILE = 'template-usage.json';
export const RUNS_FILE = 'runs.json';

/** Runs kept at most (the oldest go first). */
export const MAX_RUNS = 200;
const FORMAT = 1;

/** Templates a panel state retrieved and chose (each once). */
export function templatesOf(state: PanelState): { retrieved: string[]; chosen: string[] } {
  const retrieved = new Set<string>();
  const chosen = new Set<string>();
  for (const s of state.steps) {
    for (const t of s.templates) retrieved.add(t.id);
    if (s.chosen) chosen.add(s.chosen);
  }
  return { retrieved: [...retrieved], chosen: [...chosen] };
}

/** The record of a finished run from its panel state and what the orchestrator returned. */
export function recordOf(state: PanelState, result: { planText?: string; planPrompt?: readonly Message[] } = {}, at = Date.now()): RunRecord | undefined {
  if (!state.runId || !state.problem.trim() || state.mode !== 'solve') return undefined;
  return {
    runId: state.runId,
    problem: state.problem,
    at,
    status: state.status,
    answer: state.final?.answer ?? null,
    ...templatesOf(state),
    calls: state.stats?.calls ?? 0,
    ...(result.planText ? { planText: result.planText } : {}),
    ...(result.planPrompt?.length ? { planPrompt: result.planPrompt.map((m) => ({ role: m.role, content: m.content })) } : {}),
  };
}

/** As a graded run for the pair builder (core/eval/pairs.ts). */
export function gradedRunOf(r: RunRecord): GradedRun {
  return {
    problem: r.problem,
    answer: r.answer,
    calls: r.calls,
    ...(r.planText ? { planText: r.planText } : {}),
    ...(r.planPrompt ? { planPrompt: r.planPrompt } : {}),
    ...(r.graded ? { correct: r.graded.correct } : {}),
  };
}

export type TrajectoryProblem = 'not-solve' | 'not-solved' | 'no-steps';

/**
 * The trajectory a solved panel run distils into (the same shape `reasonflux templates distill` reads
 * from an event log): the problem, the plan, the finished steps with their templates, the answer.
 */
export function trajectoryFromState(state: PanelState): Trajectory | { error: TrajectoryProblem } {
  if (state.mode !== 'solve') return { error: 'not-solve' };
  const answer = state.final?.answer?.trim();
  if (state.status !== 'solved' || !answer || !state.problem.trim()) return { error: 'not-solved' };
  const steps = state.steps
    .filter((s) => s.done && !s.partial && s.text.trim())
    .map((s) => ({ goal: s.goal || `Step ${s.index + 1}`, ...(s.chosen ? { templateId: s.chosen } : {}), text: s.text.trim() }));
  if (!steps.length) return { error: 'no-steps' };
  return { ...(state.runId ? { runId: state.runId } : {}), problem: state.problem.trim(), plan: state.plan ?? null, steps, answer };
}

/**
 * Where Save as Template stores a template: the workspace's templates folder when a folder is open and
 * trusted; else the user's own template file (in Restricted Mode only the one set in the user settings —
 * a workspace may not choose which file gets written); else why not ('untrusted': trust the workspace or
 * set the user file; 'no-folder': open a folder or set the user file).
 */
export function saveTarget(o: { trusted: boolean; folder?: string; workspaceFolder: string; userFile: string; userFileGlobal: string }): { file: string } | { error: 'untrusted' | 'no-folder' } {
  if (o.folder && o.trusted) return { file: join(isAbsolute(o.workspaceFolder) ? o.workspaceFolder : join(o.folder, o.workspaceFolder), 'distilled.json') };
  const userFile = (o.trusted ? o.userFile : o.userFileGlobal).trim();
  if (userFile) return { file: userFile };
  return { error: o.folder ? 'untrusted' : 'no-folder' };
}

function isRecord(v: unknown): v is RunRecord {
  const r = v as RunRecord;
  return (
    !!r && typeof r === 'object' && typeof r.runId === 'string' && typeof r.problem === 'string' && typeof r.at === 'number' &&
    typeof r.status === 'string' && (r.answer === null || typeof r.answer === 'string') && Array.isArray(r.retrieved) && Array.isArray(r.chosen) &&
    (r.graded === undefined || (typeof r.graded === 'object' && typeof r.graded.correct === 'boolean'))
  );
}

/** The runs file. A corrupt file is never overwritten: loading it throws one line saying so. */
export class RunStore {
  private constructor(
    readonly file: string,
    private runs: RunRecord[],
  ) {}

  static async load(file: string): Promise<RunStore> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new RunStore(file, []);
      throw new Error(`cannot read the run records ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let data: { format?: unknown; runs?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      throw new Error(`the run records ${file} are not valid JSON — move the file away to start again`);
    }
    if (data?.format !== FORMAT || !Array.isArray(data.runs)) throw new Error(`the run records ${file} are not in the expected format — move the file away to start again`);
    return new RunStore(file, data.runs.filter(isRecord));
  }

  list(): readonly RunRecord[] {
    return this.runs;
  }

  get(runId: string): RunRecord | undefined {
    return this.runs.find((r) => r.runId === runId);
  }

  /** Adds or replaces a run (newest first, at most MAX_RUNS). */
  put(record: RunRecord): void {
    this.runs = [record, ...this.runs.filter((r) => r.runId !== record.runId)].slice(0, MAX_RUNS);
  }

  async save(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ format: FORMAT, runs: this.runs }) + '\n');
    await rename(tmp, this.file);
  }
}
