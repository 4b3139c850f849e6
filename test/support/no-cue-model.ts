// A scripted model that gives NO difficulty cue, served by the scripted OpenAI-compatible server (a test
// double for a paid API, on 127.0.0.1): the same 3-step plan for every problem (no complexity unless
// `complexity` is set), every step accepted. Its answers are either always 42 (`answers` absent) or, for
// the benchmark, the reference answer with probability `pCorrect` per sample and a wrong one otherwise —
// decided by a seeded generator, the same at every level. With `answers`, the navigator asks for a
// revision of a wrong final answer with probability `pCatch`, and picks the right candidate when choosing
// among samples with probability `pPick`.
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from './scripted-openai-server.js';
import { kindOf } from '../unit/reasoning/fixtures.js';

export interface NoCueOptions {
  complexity?: number;
  /** Reference answer by problem text (the benchmark's noisy model); absent: always 42. */
  answers?: Map<string, string>;
  pCorrect?: number;
  pCatch?: number;
  pPick?: number;
  seed?: number;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAN_STEPS = [
  { goal: 'Set up the problem', method: '', query: 'set up' },
  { goal: 'Carry out the computation', method: '', query: 'compute' },
  { goal: 'State the answer', method: '', query: 'answer' },
];

export function noCueServer(o: NoCueOptions = {}): Promise<ScriptedOpenAiServer> {
  const plan = JSON.stringify({ analysis: 'Work through the problem.', ...(o.complexity !== undefined ? { complexity: o.complexity } : {}), steps: PLAN_STEPS });
  const rand = mulberry(o.seed ?? 1);
  const reference = (text: string) => {
    if (!o.answers) return undefined;
    for (const [problem, answer] of o.answers) if (text.includes(problem)) return answer;
    return undefined;
  };
  const sample = (ref: string | undefined) => (ref === undefined ? '42' : rand() < (o.pCorrect ?? 0.6) ? ref : `${ref}+1`);
  return startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    const last = String(body?.messages?.at(-1)?.content ?? '');
    if (k === 'plan') return { content: plan };
    if (k === 'evaluate') {
      const ref = reference(last);
      const judged = /The solver just carried out step \d+ \([^)]*\):\n([\s\S]*?)\n\nJudge this step/.exec(last)?.[1] ?? '';
      const wrong = ref !== undefined && /\\boxed\{/.test(judged) && !judged.includes(`\\boxed{${ref}}`);
      const verdict = wrong && rand() < (o.pCatch ?? 0.5) ? 'revise' : 'accept';
      return { content: JSON.stringify({ verdict, feedback: verdict === 'revise' ? 'Recheck the final computation.' : 'Fine.', progress: 0.5 }) };
    }
    if (k === 'step') return { content: last.includes('This is the last step') ? `Therefore the answer is $\\boxed{${sample(reference(last))}}$.` : 'This step is done.' };
    if (k === 'direct') {
      return { content: `So $\\boxed{${sample(reference(last))}}$.` };
    }
    if (k === 'select') {
      const ref = reference(last);
      const cands = [...last.matchAll(/### Candidate (\d+) \(final answer: ([^)]*)\)/g)].map((m) => ({ n: Number(m[1]), a: m[2]! }));
      const right = cands.find((c) => c.a === ref);
      return { content: JSON.stringify({ best: right && rand() < (o.pPick ?? 0.7) ? right.n : 1, why: 'checked' }) };
    }
    return { status: 400, error: { error: { message: `unexpected ${k}` } } };
  });
}
