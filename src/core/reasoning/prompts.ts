// Every prompt the engine sends, in one place. Bump PROMPTS_VERSION whenever a prompt's wording or
// expected reply format changes (eval results record it, so runs stay comparable).
import type { ChatMessage } from '../llm/types.js';
import type { ThoughtTemplate } from '../templates/types.js';
import type { Plan, PlanStep } from './events.js';

export const PROMPTS_VERSION = '2026-12-06.1';

/** Longest piece of earlier work quoted back to a model (characters); older work is elided first. */
export const MAX_WORK_CHARS = 16_000;

const LANGUAGE_RULE = 'Write in the language of the problem statement (a problem posed in French gets French prose).';

const NAVIGATOR_SYSTEM = [
  'You are the navigator of ReasonFlux, a math tutor that reasons with thought templates.',
  'You analyse problems, plan a short trajectory of abstract steps, and judge the work of a solver.',
  'You never carry out the computations yourself. You always reply with one JSON object and nothing else:',
  'no code fences, no text before or after it. Use LaTeX inside JSON strings with doubled backslashes (\\\\frac).',
].join(' ');

const SOLVER_SYSTEM = [
  'You are the solver of ReasonFlux, a careful math tutor.',
  'You carry out one step of a plan at a time, showing the reasoning a student can follow, with LaTeX math ($...$).',
  LANGUAGE_RULE,
].join(' ');

const PLAN_FORMAT = `{
  "analysis": "what is asked, what is given, what makes it hard (2-4 sentences)",
  "complexity": 1-10,
  "steps": [
    { "goal": "what this step must achieve", "method": "technique or template name", "query": "keywords to find a template for this step" }
  ]
}`;

const COMPLEXITY_SCALE =
  'Complexity scale: 1-2 elementary, 3-5 high-school competition (MATH levels 3-5, AMC 10), 6-7 AMC 12 / AIME / first university courses, 8-10 olympiad or advanced university.';

function library(templates: readonly ThoughtTemplate[] | undefined): string {
  if (!templates || templates.length === 0) return '';
  const lines = templates.slice(0, 8).map((t) => `- ${t.id}: ${t.name} — ${t.description}`);
  return `\nTemplates that may help (cite a name or id in "method" when one fits):\n${lines.join('\n')}\n`;
}

/** Navigator: analyse and plan 2-6 abstract steps (JSON). */
export function planPrompt(problem: string, hints?: readonly ThoughtTemplate[]): ChatMessage[] {
  return [
    { role: 'system', content: NAVIGATOR_SYSTEM },
    {
      role: 'user',
      content: `Plan the solution of this problem.

Problem:
${problem}
${library(hints)}
Reply with a JSON object of this form:
${PLAN_FORMAT}

Rules: 2 to 6 steps for most problems (1 for a one-line computation); each goal abstract (no numbers worked out);
the last step yields the final answer. ${COMPLEXITY_SCALE} Write analysis and goals in the language of the problem;
keep the JSON keys in English.`,
    },
  ];
}

/** Follow-up after an unusable reply: the same conversation plus the error. */
export function repairPrompt(previous: ChatMessage[], reply: string, error: string, format: string): ChatMessage[] {
  return [
    ...previous,
    { role: 'assistant', content: reply.slice(0, 4000) },
    {
      role: 'user',
      content: `Your reply could not be used: ${error}\nReply again with only one JSON object of this form, nothing else:\n${format}`,
    },
  ];
}

export const PLAN_FORMAT_TEXT = PLAN_FORMAT;

export const EVALUATION_FORMAT = `{
  "verdict": "accept" | "revise" | "replan" | "finish",
  "feedback": "one or two sentences for the solver",
  "progress": 0.0-1.0
}`;

type WorkItem = { goal: string; text: string };

/**
 * Renderings of the work so far, per list of steps. The orchestrator appends to one list as steps are
 * accepted and quotes it in every later prompt (twice per step): each step is rendered once, and the
 * whole text is rebuilt only when the list changed. Steps are compared by identity, and by goal and text
 * (so a list changed in place is rendered afresh, never served stale).
 */
const workCache = new WeakMap<readonly WorkItem[], { items: WorkItem[]; goals: string[]; texts: string[]; parts: string[]; out: string }>();

function renderWork(parts: readonly string[]): string {
  let out = parts.join('\n\n');
  if (out.length > MAX_WORK_CHARS) out = '[earlier work elided]\n…' + out.slice(out.length - MAX_WORK_CHARS);
  return out;
}

function work(done: readonly WorkItem[]): string {
  if (done.length === 0) return '(nothing yet)';
  let c = workCache.get(done);
  if (!c) workCache.set(done, (c = { items: [], goals: [], texts: [], parts: [], out: '' }));
  let same = c.items.length === done.length;
  // Keep the longest unchanged prefix; render the rest.
  let n = 0;
  while (n < done.length && n < c.items.length && c.items[n] === done[n] && c.goals[n] === done[n]!.goal && c.texts[n] === done[n]!.text) n++;
  if (n < c.items.length) {
    c.items.length = c.goals.length = c.texts.length = c.parts.length = n;
    same = false;
  }
  for (let i = n; i < done.length; i++) {
    const s = done[i]!;
    c.items.push(s);
    c.goals.push(s.goal);
    c.texts.push(s.text);
    c.parts.push(`### Step ${i + 1}: ${s.goal}\n${s.text.trim()}`);
    same = false;
  }
  if (!same || !c.out) c.out = renderWork(c.parts);
  return c.out;
}

function planText(plan: Plan): string {
  return plan.steps.map((s, i) => `${i + 1}. ${s.goal} (method: ${s.method || 'free'})`).join('\n');
}

/** Navigator: judge one step's work (JSON). */
export function evaluatePrompt(input: {
  problem: string;
  plan: Plan;
  stepIndex: number;
  stepText: string;
  done: readonly { goal: string; text: string }[];
  isLast: boolean;
}): ChatMessage[] {
  const step = input.plan.steps[input.stepIndex]!;
  return [
    { role: 'system', content: NAVIGATOR_SYSTEM },
    {
      role: 'user',
      content: `Problem:
${input.problem}

Plan:
${planText(input.plan)}

Accepted work so far:
${work(input.done)}

The solver just carried out step ${input.stepIndex + 1} (${step.goal}):
${input.stepText.trim().slice(0, 8000)}

Judge this step. verdict: "accept" if it is correct and achieves its goal; "revise" if it has a fixable error (say
exactly what to fix in feedback); "replan" if the approach cannot work and the remaining steps must change;
"finish" if the problem is already fully solved${input.isLast ? ' (this was the last step: use "finish" or "accept" when its final answer is right)' : ''}.
Write the feedback in the language of the problem. Reply with a JSON object:
${EVALUATION_FORMAT}`,
    },
  ];
}

export const REPLAN_FORMAT = `{
  "analysis": "why the previous approach failed and what to do instead",
  "complexity": 1-10,
  "steps": [ { "goal": "...", "method": "...", "query": "..." } ]
}`;

/** Navigator: new remaining steps after a failed step (JSON, same shape as a plan). */
export function replanPrompt(input: {
  problem: string;
  plan: Plan;
  stepIndex: number;
  stepText: string;
  feedback: string;
  done: readonly { goal: string; text: string }[];
}): ChatMessage[] {
  const step = input.plan.steps[input.stepIndex]!;
  return [
    { role: 'system', content: NAVIGATOR_SYSTEM },
    {
      role: 'user',
      content: `Problem:
${input.problem}

Previous plan:
${planText(input.plan)}

Accepted work so far:
${work(input.done)}

Step ${input.stepIndex + 1} (${step.goal}) failed:
${input.stepText.trim().slice(0, 4000)}

Your judgement: ${input.feedback}

Plan the remaining steps again, starting from the accepted work (do not repeat it). The last step yields the final answer.
Reply with a JSON object:
${REPLAN_FORMAT}`,
    },
  ];
}

export interface StepTemplateContext {
  templates: readonly ThoughtTemplate[];
  chosen?: ThoughtTemplate;
  why?: string;
}

function renderTemplateBlock(t: ThoughtTemplate, full: boolean): string {
  const lines = [`Template ${t.id} — ${t.name} (${t.chapter} / ${t.section})`, t.description];
  lines.push('Steps:', ...t.steps.map((s, i) => `  ${i + 1}. ${s}`));
  if (full) {
    if (t.pitfalls.length) lines.push('Pitfalls:', ...t.pitfalls.map((p) => `  - ${p}`));
    lines.push(`Worked example — problem: ${t.example.problem}`, ...t.example.solution.map((s) => `  ${s}`), `  Answer: ${t.example.answer}`);
  }
  return lines.join('\n');
}

/**
 * Renderings per template object (short and full): a template is rendered again for every step it is a
 * candidate for, and templates are not changed after loading (a reload makes new objects, so a new entry).
 */
const renderings = new WeakMap<ThoughtTemplate, { short?: string; full?: string }>();

export function templateBlock(t: ThoughtTemplate, full: boolean): string {
  let r = renderings.get(t);
  if (!r) renderings.set(t, (r = {}));
  return full ? (r.full ??= renderTemplateBlock(t, true)) : (r.short ??= renderTemplateBlock(t, false));
}

/** Solver: carry out one step with its templates and the work so far (streamed prose). */
export function stepPrompt(input: {
  problem: string;
  plan: Plan | null;
  stepIndex: number;
  step: PlanStep;
  isLast: boolean;
  templates: StepTemplateContext;
  done: readonly { goal: string; text: string }[];
  feedback?: string;
  previousAttempt?: string;
}): ChatMessage[] {
  const { templates } = input;
  let tpl: string;
  if (templates.templates.length === 0) tpl = 'No template matched this step: reason from first principles.';
  else {
    const chosen = templates.chosen ?? templates.templates[0]!;
    const others = templates.templates.filter((t) => t.id !== chosen.id);
    tpl = `Chosen template (${templates.why ?? 'best match'}):\n${templateBlock(chosen, true)}`;
    if (others.length) tpl += `\n\nOther candidates (use one instead if it fits better):\n${others.map((t) => templateBlock(t, false)).join('\n\n')}`;
  }
  const plan = input.plan ? `Plan:\n${planText(input.plan)}\n\n` : '';
  const revision = input.feedback
    ? `\nYour previous attempt at this step:\n${(input.previousAttempt ?? '').trim().slice(0, 4000)}\n\nThe navigator asks for a revision: ${input.feedback}\nWrite the corrected step in full.\n`
    : '';
  const ending = input.isLast
    ? 'This is the last step: finish the solution and end with the final answer in \\boxed{...} (the answer only inside the box, simplified).'
    : 'Carry out only this step; do not solve the rest of the problem yet. End with the result of this step.';
  return [
    { role: 'system', content: SOLVER_SYSTEM },
    {
      role: 'user',
      content: `Problem:
${input.problem}

${plan}Work so far:
${work(input.done)}

Now step ${input.stepIndex + 1}: ${input.step.goal}
Intended method: ${input.step.method || 'your choice'}

${tpl}
${revision}
${ending} Follow the template where it applies, adapting it to this problem; do not restate the template.`,
    },
  ];
}

/** Solver: one short call when the last step gave no boxed answer. */
export function finalAnswerPrompt(problem: string, solution: string): ChatMessage[] {
  return [
    { role: 'system', content: SOLVER_SYSTEM },
    {
      role: 'user',
      content: `Problem:
${problem}

Solution:
${solution.trim().slice(-MAX_WORK_CHARS)}

State the final answer of this solution in one sentence, with the answer (simplified, answer only) in \\boxed{...}.`,
    },
  ];
}

export const SELECTION_FORMAT = `{
  "best": 1,
  "why": "one sentence"
}`;

/**
 * Navigator as verifier: several candidate solutions with different final answers; pick the one that is
 * right (JSON). Used by `--samples N --select verify` and the best-of-n baseline.
 */
export function selectPrompt(problem: string, candidates: readonly { answer: string; text: string }[]): ChatMessage[] {
  const per = Math.max(800, Math.floor(MAX_WORK_CHARS / Math.max(1, candidates.length)));
  const blocks = candidates.map((c, i) => `### Candidate ${i + 1} (final answer: ${c.answer})\n${c.text.trim().slice(-per)}`);
  return [
    { role: 'system', content: NAVIGATOR_SYSTEM },
    {
      role: 'user',
      content: `Problem:
${problem}

Independent solutions reached different final answers:

${blocks.join('\n\n')}

Check each candidate's reasoning against the problem and decide which final answer is correct. "best" is the
number of that candidate (1-${candidates.length}). Reply with a JSON object:
${SELECTION_FORMAT}`,
    },
  ];
}

/** Baseline: plain chain-of-thought, no templates, no navigator (for the eval comparison). */
export function directPrompt(problem: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You are a careful mathematician. Solve the problem step by step, then give the final answer in \\boxed{...}. ${LANGUAGE_RULE}`,
    },
    { role: 'user', content: problem },
  ];
}

/** Navigator: explain the problem for a student — analysis only, never the solution or the answer. */
export function explainPrompt(problem: string, templates: readonly ThoughtTemplate[]): ChatMessage[] {
  const tpl = templates.length
    ? `\nMethods from the template library that are likely relevant:\n${templates.map((t) => `- ${t.name}: ${t.description}`).join('\n')}\n`
    : '';
  return [
    {
      role: 'system',
      content: `You are ReasonFlux, a math tutor. You explain problems to students without solving them. ${LANGUAGE_RULE}`,
    },
    {
      role: 'user',
      content: `Explain this problem to a student:
${problem}
${tpl}
Say what is asked, what is given, which concepts and methods apply and why, and where the difficulty lies.
Do NOT solve it: no computation of the result, no final answer, no \\boxed{}. Use LaTeX math ($...$). Keep it under 250 words.`,
    },
  ];
}

/** Reply format of distillPrompt: a thought template without its id and worked example (the project adds both). */
export const DISTILL_FORMAT = `{
  "name": "short name of the method",
  "chapter": "chapter of the library, e.g. Number Theory",
  "section": "section within the chapter, e.g. Congruences",
  "subjects": ["one to three subjects, e.g. Number Theory"],
  "tags": ["keywords and the method's usual names"],
  "description": "what the method is, in one or two sentences",
  "whenToUse": ["a recognisable signal in a problem that the method applies"],
  "steps": ["abstract, reusable step (no numbers of this problem)", "…"],
  "pitfalls": ["a common mistake"],
  "difficulty": { "min": 1-10, "max": 1-10 }
}`;

/**
 * Navigator: distil a solved trajectory into a reusable thought template (Buffer-of-Thoughts style). The
 * library's closest templates are listed so the draft says what is new rather than repeating one of them.
 */
export function distillPrompt(input: {
  problem: string;
  steps: ReadonlyArray<{ goal: string; text: string }>;
  answer: string;
  similar: readonly ThoughtTemplate[];
}): ChatMessage[] {
  const work = input.steps.map((s, i) => `Step ${i + 1} (${s.goal}):\n${s.text}`).join('\n\n');
  const similar = input.similar.length
    ? `\nThe library already has these templates; do not repeat one of them — name what this method adds:\n${input.similar.map((t) => `- ${t.id}: ${t.name} — ${t.description}`).join('\n')}\n`
    : '';
  return [
    { role: 'system', content: NAVIGATOR_SYSTEM },
    {
      role: 'user',
      content: `Distil the method of this solved problem into a reusable thought template.

Problem:
${input.problem}

Solution:
${renderWork([work])}

Answer: ${input.answer}
${similar}
Reply with a JSON object of this form:
${DISTILL_FORMAT}

Rules: the template must fit a whole family of problems, not only this one: the steps are abstract (no numbers of
this problem), 2 to 8 of them; whenToUse lists signals a student can spot in a problem statement; tags include the
method's usual names. ${COMPLEXITY_SCALE}`,
    },
  ];
}
