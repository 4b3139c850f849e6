// Summary of an evaluation: accuracy overall / by subject / by level, mean calls, tokens, time, and
// rounds by level (the paper's adaptive-scaling claim: harder problems get more rounds).
import type { EvalMode, EvalRecord } from './results.js';

export interface GroupStats {
  key: string;
  problems: number;
  correct: number;
  accuracy: number;
  failed: number;
  noAnswer: number;
  meanCalls: number;
  meanTokens: number;
  meanSeconds: number;
  meanRounds: number;
  meanRoundBudget: number;
  meanComplexity: number | null;
  /** Mean trajectories / samples per problem. */
  meanSamples: number;
  /** Problems whose final answer the navigator still rejected (reported unverified). */
  rejectedFinals: number;
}

export interface EvalMeta {
  dataset: string;
  mode: EvalMode;
  model: string;
  navigatorModel: string;
  baseUrl: string;
  promptsVersion?: string;
  /** Problems selected for this run (after --limit). */
  selected: number;
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  /** Why the run stopped early (the circuit breaker), when it did. */
  stopped?: string;
}

export interface EvalSummary {
  meta: EvalMeta;
  overall: GroupStats;
  bySubject: GroupStats[];
  byLevel: GroupStats[];
}

const NONE = '—';

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function group(key: string, rs: EvalRecord[]): GroupStats {
  const correct = rs.filter((r) => r.correct).length;
  const cx = rs.map((r) => r.complexity).filter((c): c is number => typeof c === 'number');
  return {
    key,
    problems: rs.length,
    correct,
    accuracy: rs.length ? correct / rs.length : 0,
    failed: rs.filter((r) => r.status === 'failed').length,
    noAnswer: rs.filter((r) => r.status === 'no-answer').length,
    meanCalls: mean(rs.map((r) => r.calls)),
    meanTokens: mean(rs.map((r) => r.tokens)),
    meanSeconds: mean(rs.map((r) => r.seconds)),
    meanRounds: mean(rs.map((r) => r.rounds)),
    meanRoundBudget: mean(rs.map((r) => r.roundBudget)),
    meanComplexity: cx.length ? mean(cx) : null,
    meanSamples: mean(rs.map((r) => r.samples ?? 1)),
    rejectedFinals: rs.filter((r) => r.verification === 'rejected').length,
  };
}

function groupBy(records: EvalRecord[], keyOf: (r: EvalRecord) => string, order: (a: string, b: string) => number): GroupStats[] {
  const m = new Map<string, EvalRecord[]>();
  for (const r of records) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return [...m.entries()].sort(([a], [b]) => order(a, b)).map(([k, rs]) => group(k, rs));
}

export function summarize(records: EvalRecord[], meta: EvalMeta): EvalSummary {
  return {
    meta,
    overall: group('all', records),
    bySubject: groupBy(records, (r) => r.subject ?? NONE, (a, b) => (a === NONE ? 1 : b === NONE ? -1 : a.localeCompare(b))),
    byLevel: groupBy(
      records,
      (r) => (typeof r.level === 'number' ? String(r.level) : NONE),
      (a, b) => (a === NONE ? 1 : b === NONE ? -1 : Number(a) - Number(b)),
    ),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number, d = 1) => x.toFixed(d);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The summary as Markdown tables. */
export function renderSummaryMarkdown(s: EvalSummary): string {
  const o = s.overall;
  const m = s.meta;
  const out: string[] = [];
  out.push(`# Evaluation: ${cell(m.dataset)} · ${m.mode}`);
  out.push('');
  out.push(`Model \`${cell(m.model)}\`${m.mode === 'reasonflux' ? `, navigator \`${cell(m.navigatorModel)}\`` : ''} at ${cell(m.baseUrl)}` + (m.promptsVersion ? ` · prompts ${m.promptsVersion}` : ''));
  out.push(`Started ${m.startedAt}, finished ${m.finishedAt}${m.interrupted ? ' (interrupted: resume with --resume)' : ''}.`);
  if (m.stopped) out.push(`Stopped early: ${cell(m.stopped)}`);
  out.push('');
  out.push('| problems | correct | accuracy | failed | no answer | mean calls | mean tokens | mean seconds | mean rounds | unverified finals |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${o.problems} / ${m.selected} | ${o.correct} | ${pct(o.accuracy)} | ${o.failed} | ${o.noAnswer} | ${num(o.meanCalls)} | ${num(o.meanTokens, 0)} | ${num(o.meanSeconds)} | ${num(o.meanRounds, 2)} | ${o.rejectedFinals} |`);
  out.push('');
  out.push('## By subject');
  out.push('');
  out.push('| subject | problems | correct | accuracy | mean calls | mean tokens |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const g of s.bySubject) out.push(`| ${cell(g.key)} | ${g.problems} | ${g.correct} | ${pct(g.accuracy)} | ${num(g.meanCalls)} | ${num(g.meanTokens, 0)} |`);
  out.push('');
  out.push('## By level (adaptive scaling: rounds should grow with level)');
  out.push('');
  out.push('| level | problems | accuracy | mean complexity | mean rounds | mean round budget | mean samples | mean calls | mean tokens | mean seconds |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const g of s.byLevel) {
    out.push(
      `| ${cell(g.key)} | ${g.problems} | ${pct(g.accuracy)} | ${g.meanComplexity === null ? NONE : num(g.meanComplexity)} | ${num(g.meanRounds, 2)} | ${num(g.meanRoundBudget, 2)} | ${num(g.meanSamples, 2)} | ${num(g.meanCalls)} | ${num(g.meanTokens, 0)} | ${num(g.meanSeconds)} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

/**
 * Several modes on the same problems side by side: accuracy, calls, tokens and time per mode, overall
 * and by level (calls should rise with level in reasonflux mode even when the model gives no cue).
 */
export function renderComparisonMarkdown(summaries: readonly EvalSummary[]): string {
  const out: string[] = [];
  if (summaries.length === 0) return '';
  const m = summaries[0]!.meta;
  out.push(`# Comparison: ${cell(m.dataset)} · ${summaries.map((s) => s.meta.mode).join(' vs ')}`);
  out.push('');
  out.push(`Model \`${cell(m.model)}\` at ${cell(m.baseUrl)}` + (m.promptsVersion ? ` · prompts ${m.promptsVersion}` : ''));
  out.push('');
  out.push('| mode | problems | accuracy | mean calls | mean tokens | mean seconds | mean samples | mean rounds | unverified finals |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of summaries) {
    const o = s.overall;
    out.push(`| ${s.meta.mode} | ${o.problems} | ${pct(o.accuracy)} | ${num(o.meanCalls)} | ${num(o.meanTokens, 0)} | ${num(o.meanSeconds, 2)} | ${num(o.meanSamples, 2)} | ${num(o.meanRounds, 2)} | ${o.rejectedFinals} |`);
  }
  const levels = [...new Set(summaries.flatMap((s) => s.byLevel.map((g) => g.key)))].sort((a, b) => (a === NONE ? 1 : b === NONE ? -1 : Number(a) - Number(b)));
  if (levels.length > 1 || (levels.length === 1 && levels[0] !== NONE)) {
    out.push('');
    out.push('## By level: accuracy / mean calls / mean tokens / mean seconds');
    out.push('');
    out.push(`| level | ${summaries.map((s) => s.meta.mode).join(' | ')} |`);
    out.push(`| --- | ${summaries.map(() => '---').join(' | ')} |`);
    for (const l of levels) {
      const cells = summaries.map((s) => {
        const g = s.byLevel.find((x) => x.key === l);
        return g ? `${pct(g.accuracy)} / ${num(g.meanCalls)} / ${num(g.meanTokens, 0)} / ${num(g.meanSeconds, 2)}` : NONE;
      });
      out.push(`| ${cell(l)} | ${cells.join(' | ')} |`);
    }
  }
  out.push('');
  return out.join('\n');
}
