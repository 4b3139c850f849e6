// The library grows (Buffer-of-Thoughts style distillation): a solved trajectory — the events of a run, as
// `reasonflux solve --json` prints them — becomes a thought template. The navigator drafts it; the project
// fills in the id and the worked example from the run, validates it with the zod schema (one repair round),
// says which library templates it resembles and whether it is a near-duplicate, and stores it in the user's
// template folder, where retrieval finds it on the next load.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { ChatMessage, ChatModel } from '../llm/types.js';
import type { Plan, SolveEvent } from '../reasoning/events.js';
import { extractJsonObject } from '../reasoning/json.js';
import * as P from '../reasoning/prompts.js';
import { thoughtTemplateSchema } from './schema.js';
import { closestTemplates, type Resemblance } from './similarity.js';
import type { TemplateData, TemplateIndex } from './types.js';

export interface Trajectory {
  runId?: string;
  problem: string;
  plan: Plan | null;
  steps: Array<{ goal: string; templateId?: string; text: string }>;
  answer: string;
}

export class DistillError extends Error {}

/** Most characters of one step's work kept in the worked example. */
const MAX_EXAMPLE_STEP_CHARS = 1200;
/** File in the user's template folder that distilled templates are added to. */
export const DISTILLED_FILE = 'distilled.json';

/**
 * The trajectory of a solved run from its event log (one JSON event per line). Throws DistillError with
 * one line saying what is wrong: not an event log, no problem, not solved, no steps.
 */
export function trajectoryFromEvents(text: string, source = 'the run'): Trajectory {
  const events: SolveEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new DistillError(`${source}: line ${i + 1} is not JSON — expected the event log of "reasonflux solve --json"`);
    }
    if (e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string') events.push(e as SolveEvent);
  }
  const start = events.find((e): e is Extract<SolveEvent, { type: 'start' }> => e.type === 'start');
  if (!start || typeof start.problem !== 'string' || !start.problem.trim()) throw new DistillError(`${source}: no "start" event with the problem — expected the event log of "reasonflux solve --json"`);
  const done = [...events].reverse().find((e): e is Extract<SolveEvent, { type: 'done' }> => e.type === 'done');
  const final = [...events].reverse().find((e): e is Extract<SolveEvent, { type: 'final' }> => e.type === 'final');
  if (!done || done.status !== 'solved' || !final || typeof final.answer !== 'string' || !final.answer.trim()) {
    throw new DistillError(`${source}: the run did not end solved with an answer (status ${done?.status ?? 'unknown'}) — only solved runs can be distilled`);
  }
  let plan: Plan | null = null;
  const goals = new Map<number, { goal: string; templateId?: string }>();
  const texts = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'plan') plan = e.plan;
    else if (e.type === 'adjustment' && e.plan) plan = e.plan;
    else if (e.type === 'step-start') goals.set(e.stepIndex, { goal: e.goal, ...(e.templateId ? { templateId: e.templateId } : {}) });
    else if (e.type === 'step-done' && typeof e.text === 'string') texts.set(e.stepIndex, e.text); // the last attempt wins
  }
  const steps = [...texts.keys()]
    .sort((a, b) => a - b)
    .map((i) => ({ goal: goals.get(i)?.goal ?? `Step ${i + 1}`, ...(goals.get(i)?.templateId ? { templateId: goals.get(i)!.templateId } : {}), text: texts.get(i)!.trim() }))
    .filter((s) => s.text);
  if (steps.length === 0) throw new DistillError(`${source}: the run has no finished steps to learn from`);
  return { ...(start.runId ? { runId: start.runId } : {}), problem: start.problem.trim(), plan, steps, answer: final.answer.trim() };
}

export interface DistillOptions {
  signal?: AbortSignal;
  /** Templates shown to the navigator as "already in the library" (default 5). */
  similar?: number;
}

export interface DistillResult {
  template: TemplateData;
  /** Library templates it resembles most, most similar first. */
  resembles: Resemblance[];
  /** The first of `resembles` that is a near-duplicate, if any. */
  duplicate?: Resemblance;
  /** Navigator calls made (1, or 2 with a repair). */
  calls: number;
}

async function complete(model: ChatModel, messages: ChatMessage[], signal?: AbortSignal): Promise<string> {
  let text = '';
  for await (const chunk of model.stream({ messages, json: true, temperature: 0.2, ...(signal ? { signal } : {}) })) {
    if (chunk.type === 'delta' && typeof chunk.text === 'string') text += chunk.text;
  }
  return text;
}

/** Lower-case words joined by "-" (template id rules), at most 6 words. */
export function slug(name: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, 6);
  return words.join('-') || 'template';
}

/** An id `user.<slug>` not used in the library (a number appended when needed). */
export function freeId(name: string, library: TemplateIndex): string {
  const base = `user.${slug(name)}`;
  if (!library.get(base)) return base;
  for (let n = 2; ; n++) if (!library.get(`${base}-${n}`)) return `${base}-${n}`;
}

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 6)
    .map((i) => `${i.path.join('.') || '(template)'}: ${i.message}`)
    .join('; ');
}

/** The draft as a template: the navigator's fields plus the project's id and the run's worked example. */
function toTemplate(obj: Record<string, unknown>, traj: Trajectory, library: TemplateIndex): z.ZodSafeParseResult<TemplateData> {
  const name = typeof obj.name === 'string' ? obj.name : '';
  const draft = {
    ...obj,
    id: freeId(name || traj.problem.slice(0, 40), library),
    example: {
      problem: traj.problem,
      solution: traj.steps.map((s) => (s.text.length > MAX_EXAMPLE_STEP_CHARS ? s.text.slice(0, MAX_EXAMPLE_STEP_CHARS) + ' …' : s.text)),
      answer: traj.answer,
    },
  };
  delete (draft as Record<string, unknown>).scope; // a distilled method is specific to its family of problems
  return thoughtTemplateSchema.safeParse(draft);
}

/**
 * Asks the navigator to draft a template from the trajectory, validates it (one repair round with the
 * validation errors) and compares it with the library. Throws DistillError when no valid draft comes.
 */
export async function distillTemplate(traj: Trajectory, navigator: ChatModel, library: TemplateIndex, options: DistillOptions = {}): Promise<DistillResult> {
  const similar = library.search(traj.problem, { top: options.similar ?? 5 }).map((m) => m.template);
  const messages = P.distillPrompt({ problem: traj.problem, steps: traj.steps, answer: traj.answer, similar });
  let reply = await complete(navigator, messages, options.signal);
  let calls = 1;
  let parsed = (() => {
    const obj = extractJsonObject(reply);
    return obj ? toTemplate(obj, traj, library) : undefined;
  })();
  if (!parsed?.success) {
    const why = parsed ? issues(parsed.error) : 'no JSON object in the reply';
    reply = await complete(navigator, P.repairPrompt(messages, reply, why, P.DISTILL_FORMAT), options.signal);
    calls++;
    const obj = extractJsonObject(reply);
    parsed = obj ? toTemplate(obj, traj, library) : undefined;
    if (!parsed?.success) throw new DistillError(`the navigator gave no valid template twice (${parsed ? issues(parsed.error) : 'no JSON object in the reply'})`);
  }
  const template = parsed.data;
  const resembles = closestTemplates({ ...template, origin: 'workspace' }, library.all(), 3);
  const duplicate = resembles.find((r) => r.duplicate);
  return { template, resembles, ...(duplicate ? { duplicate } : {}), calls };
}

/**
 * Adds the template to `<dir>/distilled.json` (created with its $schema when missing; an entry with the
 * same id is replaced). Returns the file. A file that is not a template file is not overwritten.
 */
export async function saveDistilled(dir: string, template: TemplateData, schemaUrl?: string): Promise<string> {
  return saveDistilledFile(join(dir, DISTILLED_FILE), template, schemaUrl);
}

/** As saveDistilled, into a given template file (the editor's reasonflux.templates.userFile). */
export async function saveDistilledFile(file: string, template: TemplateData, schemaUrl?: string): Promise<string> {
  let data: { $schema?: string; templates: unknown[] } = { ...(schemaUrl ? { $schema: schemaUrl } : {}), templates: [] };
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new DistillError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DistillError(`${file} is not valid JSON — fix or move it first (nothing was written)`);
    }
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { templates?: unknown }).templates)) {
      throw new DistillError(`${file} is not a template file ({"templates": [...]}) — fix or move it first (nothing was written)`);
    }
    data = parsed as typeof data;
  }
  data.templates = [...data.templates.filter((t) => !(t && typeof t === 'object' && (t as { id?: unknown }).id === template.id)), template];
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data, null, 2) + '\n');
  await rename(tmp, file);
  return file;
}

/** A one-line description of a resemblance, e.g. `nt.fermat-little-theorem (name 0.42, content 0.18)`. */
export function describeResemblance(r: Resemblance): string {
  return `${r.template.id} "${r.template.name}" (name ${r.name.toFixed(2)}, content ${r.content.toFixed(2)})`;
}

