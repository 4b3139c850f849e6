// Six fixture templates and a small in-test TemplateIndex (substring scoring), so the orchestrator tests
// do not depend on the real library or index.
import type { SolveEvent } from '../../../src/core/reasoning/events.js';
import type { SolveResult } from '../../../src/core/reasoning/orchestrator.js';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server.js';
import type { SearchOptions, TemplateIndex, TemplateMatch, ThoughtTemplate } from '../../../src/core/templates/types.js';

function t(p: Partial<ThoughtTemplate> & Pick<ThoughtTemplate, 'id' | 'name' | 'tags' | 'description'>): ThoughtTemplate {
  return {
    chapter: 'Algebra',
    section: 'Equations',
    subjects: ['Algebra'],
    whenToUse: ['when the problem fits'],
    steps: ['Set up the relation', 'Solve it'],
    pitfalls: [],
    difficulty: { min: 2, max: 5 },
    example: { problem: 'Example problem', solution: ['Example step'], answer: '1' },
    origin: 'builtin',
    ...p,
  };
}

export const FIXTURE_TEMPLATES: ThoughtTemplate[] = [
  t({
    id: 'alg.linear-equation',
    name: 'Solve a linear equation',
    tags: ['linear', 'equation', 'isolate'],
    description: 'Isolate the unknown in a linear equation by inverse operations.',
    steps: ['Collect the terms with the unknown on one side', 'Divide by the coefficient of the unknown'],
    example: { problem: 'Solve 3x + 2 = 11.', solution: ['3x = 9', 'x = 3'], answer: '3' },
  }),
  t({
    id: 'alg.quadratic-formula',
    name: 'Quadratic formula',
    tags: ['quadratic', 'roots', 'discriminant'],
    description: 'Find the roots of ax^2+bx+c=0 with the quadratic formula.',
    steps: ['Identify a, b, c', 'Compute the discriminant', 'Apply the formula', 'Simplify the roots'],
    example: { problem: 'Solve x^2 - 5x + 6 = 0.', solution: ['D = 1', 'x = (5 ± 1)/2'], answer: '2, 3' },
  }),
  t({
    id: 'alg.vieta',
    name: "Vieta's formulas",
    tags: ['vieta', 'sum of roots', 'product of roots', 'quadratic'],
    description: 'Relate the sum and product of the roots to the coefficients.',
    steps: ['Write the polynomial in standard form', 'Read off sum and product of roots'],
  }),
  t({
    id: 'nt.modular-arithmetic',
    name: 'Modular arithmetic',
    chapter: 'Number Theory',
    section: 'Congruences',
    subjects: ['Number Theory'],
    tags: ['remainder', 'modulo', 'congruence'],
    description: 'Compute remainders by reducing modulo n at every step.',
    steps: ['Reduce each factor modulo n', 'Combine the residues', 'Reduce the result'],
  }),
  t({
    id: 'cp.counting-complement',
    name: 'Complementary counting',
    chapter: 'Counting & Probability',
    section: 'Counting',
    subjects: ['Counting & Probability'],
    tags: ['counting', 'complement', 'at least one'],
    description: 'Count what you do not want and subtract from the total.',
    steps: ['Count all outcomes', 'Count the unwanted outcomes', 'Subtract'],
  }),
  t({
    id: 'geo.pythagoras',
    name: 'Pythagorean theorem',
    chapter: 'Geometry',
    section: 'Triangles',
    subjects: ['Geometry'],
    tags: ['right triangle', 'hypotenuse', 'pythagoras'],
    description: 'Relate the sides of a right triangle: a^2 + b^2 = c^2.',
    steps: ['Identify the legs and hypotenuse', 'Apply a^2 + b^2 = c^2', 'Solve for the unknown side'],
  }),
];

/** A naive index: scores by how many query words occur in a template's name, tags and description. */
export function fixtureIndex(templates: ThoughtTemplate[] = FIXTURE_TEMPLATES): TemplateIndex & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    size: templates.length,
    search(query: string, options?: SearchOptions): TemplateMatch[] {
      queries.push(query);
      const words = query.toLowerCase().split(/[^a-z0-9^]+/).filter((w) => w.length > 2);
      const out: TemplateMatch[] = [];
      for (const tpl of templates) {
        const fields: Record<string, string> = { name: tpl.name, tags: tpl.tags.join(' '), description: tpl.description };
        let score = 0;
        const matchedFields = new Set<string>();
        const matchedTerms = new Set<string>();
        for (const w of words) {
          for (const [f, v] of Object.entries(fields)) {
            if (v.toLowerCase().includes(w)) {
              score += f === 'name' ? 3 : f === 'tags' ? 2 : 1;
              matchedFields.add(f);
              matchedTerms.add(w);
            }
          }
        }
        if (score > 0) out.push({ template: tpl, score, matchedFields: [...matchedFields], matchedTerms: [...matchedTerms] });
      }
      return out.sort((a, b) => b.score - a.score).slice(0, options?.top ?? 5);
    },
    get: (id: string) => templates.find((x) => x.id === id),
    all: () => templates,
  };
}

export const EMPTY_INDEX: TemplateIndex = { size: 0, search: () => [], get: () => undefined, all: () => [] };

/** What kind of prompt a recorded chat request is (from the prompts' wording). */
export function kindOf(body: any): 'plan' | 'repair' | 'evaluate' | 'replan' | 'step' | 'final' | 'explain' | 'direct' | 'select' | 'unknown' {
  const msgs: { role: string; content: string }[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = msgs[msgs.length - 1]?.content ?? '';
  const first = msgs[0]?.content ?? '';
  if (last.startsWith('Your reply could not be used')) return 'repair';
  if (last.startsWith('Plan the solution')) return 'plan';
  if (last.includes('Judge this step')) return 'evaluate';
  if (last.includes('Plan the remaining steps again')) return 'replan';
  if (/\nNow step \d+:/.test(last)) return 'step';
  if (last.includes('State the final answer of this solution')) return 'final';
  if (last.startsWith('Explain this problem')) return 'explain';
  if (last.includes('Independent solutions reached different final answers')) return 'select';
  if (first.startsWith('You are a careful mathematician')) return 'direct';
  return 'unknown';
}

/** Drains a solve's event generator: every event and the result. */
export async function run(gen: AsyncGenerator<SolveEvent, SolveResult>): Promise<{ events: SolveEvent[]; result: SolveResult }> {
  const events: SolveEvent[] = [];
  let r = await gen.next();
  while (!r.done) {
    events.push(r.value);
    r = await gen.next();
  }
  return { events, result: r.value };
}

/** A scripted server that answers each prompt kind from a table (arrays are consumed in order, the last one repeats). */
export async function routed(table: Partial<Record<ReturnType<typeof kindOf>, ScriptedReply | ScriptedReply[]>>): Promise<ScriptedOpenAiServer> {
  const used: Record<string, number> = {};
  return startScriptedOpenAiServer((body) => {
    const k = kindOf(body);
    const entry = table[k];
    if (!entry) return { status: 500, error: { error: { message: `test has no reply for ${k}` } } };
    if (!Array.isArray(entry)) return entry;
    const n = used[k] ?? 0;
    used[k] = n + 1;
    return entry[Math.min(n, entry.length - 1)]!;
  });
}
