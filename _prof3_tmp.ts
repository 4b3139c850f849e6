import { createOpenAiModel } from '/work/main/src/core/llm/openai.js';
import { solveProblem } from '/work/main/src/core/reasoning/orchestrator.js';
import * as J from '/work/main/src/core/reasoning/json.js';
import { loadTemplateIndex } from '/work/main/src/core/templates/library.js';
import { startScriptedOpenAiServer } from '/work/main/test/support/scripted-openai-server.js';
import { kindOf } from '/work/main/test/unit/reasoning/fixtures.js';
const PLAN = JSON.stringify({ analysis: 'A', complexity: 4, steps: [{ goal: 'Identify the coefficients', method: 'alg.quadratic-formula', query: 'quadratic coefficients roots' },{ goal: 'Find the roots', method: 'Quadratic formula', query: 'quadratic formula discriminant roots' },{ goal: 'Sum', method: "Vieta's formulas", query: 'sum of roots vieta' }] });
const STEP = 'We have $a = 1$, $b = -5$, $c = 6$. The discriminant is $25 - 24 = 1$. '.repeat(6);
(async () => {
  const { index } = await loadTemplateIndex();
  let searchMs = 0, searches = 0;
  const idx = { ...index, size: index.size, search: (q: string, o: any) => { const t = performance.now(); const r = index.search(q, o); searchMs += performance.now() - t; searches++; return r; }, get: (id: string) => index.get(id), all: () => index.all() };
  let n = 0;
  const server = await startScriptedOpenAiServer((body) => { const k = kindOf(body); if (k === 'plan') return { content: PLAN }; if (k === 'evaluate') return { content: '{"verdict":"accept","feedback":"ok"}' }; n++; return { content: n % 3 === 0 ? STEP + '$\\boxed{5}$' : STEP, chunkSize: 16 }; });
  let oh = 0;
  for (let r = 0; r < 60; r++) {
    if (r === 10) { searchMs = 0; searches = 0; oh = 0; }
    const inner = createOpenAiModel({ baseUrl: server.baseUrl, model: 'b' });
    const g = solveProblem('Find all real x such that x^2 - 5x + 6 = 0', { navigator: inner, solver: inner, index: idx });
    for (let x = await g.next(); ; x = await g.next()) { if (x.done) { oh += x.value.stats.ms - x.value.stats.modelMs; break; } }
  }
  console.log('per run: overhead', (oh / 50).toFixed(3), 'search', (searchMs / 50).toFixed(3), 'ms in', searches / 50, 'searches');
  await server.close();
})();
