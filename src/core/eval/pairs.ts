// Preference pairs for training a navigator (the paper's training signal): for every problem with both a
// correct and an incorrect ReasonFlux trajectory, the navigator's plan of a correct one is "chosen" and
// the plan of an incorrect one "rejected", over the same plan prompt. The JSON Lines layout is the one
// TRL's DPO trainer reads: `prompt`, `chosen`, `rejected`, either conversational (messages; the trainer
// applies the model's chat template) or standard (plain strings).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvalRecord, EvalTrajectory } from './results.js';

export type PairsFormat = 'conversational' | 'standard';

type Message = { role: string; content: string };

export type PreferencePair =
  | { prompt: Message[]; chosen: Message[]; rejected: Message[] }
  | { prompt: string; chosen: string; rejected: string };

/** Most pairs taken from one problem (correct × incorrect trajectories, in order). */
export const MAX_PAIRS_PER_PROBLEM = 4;

/** What the pairs are built from: one problem's plan prompt and its graded trajectories (an eval record fits). */
export type PairSource = Pick<EvalRecord, 'mode' | 'planPrompt' | 'trajectories'>;

/** One graded run outside eval (the editor's panel runs): a problem, the navigator's plan and its grade. */
export interface GradedRun {
  problem: string;
  /** The messages the navigator planned with; runs are paired only over the same prompt. */
  planPrompt?: readonly Message[];
  /** The navigator's plan (JSON text). */
  planText?: string;
  answer: string | null;
  /** Graded against a reference, or marked by hand; undefined: not graded (not used). */
  correct?: boolean;
  calls?: number;
}

/**
 * Groups graded runs into pair sources: runs of the same problem planned over the same prompt form one
 * source with one trajectory per run (ungraded runs and runs without a plan are left out).
 */
export function pairSourcesFromRuns(runs: readonly GradedRun[]): PairSource[] {
  const groups = new Map<string, { planPrompt: Message[]; trajectories: EvalTrajectory[] }>();
  for (const r of runs) {
    if (r.correct === undefined || !r.planText || !r.planPrompt?.length) continue;
    const planPrompt = r.planPrompt.map((m) => ({ role: m.role, content: m.content }));
    const key = `${r.problem.trim()}\u0000${JSON.stringify(planPrompt)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { planPrompt, trajectories: [] }));
    g.trajectories.push({ answer: r.answer, correct: r.correct, calls: r.calls ?? 0, plan: r.planText });
  }
  return [...groups.values()].map((g) => ({ mode: 'reasonflux' as const, ...g }));
}

/** The pairs of a set of results (reasonflux records with graded trajectories and a plan prompt). */
export function preferencePairs(records: readonly PairSource[], format: PairsFormat = 'conversational'): PreferencePair[] {
  const out: PreferencePair[] = [];
  for (const r of records) {
    if (r.mode !== 'reasonflux' || !r.planPrompt?.length || !r.trajectories) continue;
    const withPlan = r.trajectories.filter((t) => t.plan);
    const good = [...new Set(withPlan.filter((t) => t.correct).map((t) => t.plan!))];
    const bad = [...new Set(withPlan.filter((t) => !t.correct).map((t) => t.plan!))].filter((p) => !good.includes(p));
    let n = 0;
    for (const chosen of good) {
      for (const rejected of bad) {
        if (n++ >= MAX_PAIRS_PER_PROBLEM) break;
        if (format === 'conversational') {
          out.push({ prompt: r.planPrompt.map((m) => ({ role: m.role, content: m.content })), chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }] });
        } else {
          out.push({ prompt: r.planPrompt.map((m) => m.content).join('\n\n'), chosen, rejected });
        }
      }
    }
  }
  return out;
}

/** Writes the pairs as JSON Lines; returns how many were written. */
export function writePreferencePairs(file: string, records: readonly PairSource[], format: PairsFormat = 'conversational'): number {
  const pairs = preferencePairs(records, format);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length ? '\n' : ''), 'utf8');
  return pairs.length;
}
