import { readFileSync } from 'node:fs';
import { createTemplateIndex, DEFAULT_FIELDS } from '../src/core/templates/index.js';
import { loadTemplateDirSync } from '../src/core/templates/loader.js';
import type { FieldSpec } from '../src/core/templates/bm25.js';
const ts = loadTemplateDirSync('templates', 'builtin').templates;
const rows = readFileSync('../shared/data/math500.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
function evalCfg(fields: readonly FieldSpec[], k1 = 1.2, diversity = 0.3) {
  const idx = createTemplateIndex(ts, { fields, k1, diversity });
  const per = new Map<string, [number, number]>();
  let hit = 0;
  for (const r of rows) {
    const h = idx.search(r.problem, { top: 3 }).some((m) => m.template.subjects.includes(r.subject));
    if (h) hit++;
    const c = per.get(r.subject) ?? [0, 0]; c[1]++; if (h) c[0]++; per.set(r.subject, c);
  }
  const mins = [...per].map(([s, [a, b]]) => [s.slice(0, 6), (100 * a / b).toFixed(0)]);
  return `${(hit / 5).toFixed(1)}  ${mins.map((m) => m.join(':')).join(' ')}`;
}
const base = DEFAULT_FIELDS.map((f) => ({ ...f }));
const variant = (name: string, patch: Partial<FieldSpec>) => base.map((f) => (f.name === name ? { ...f, ...patch } : f));
for (const d of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) for (const k1 of [1.2, 2]) console.log('div', d, 'k1', k1, evalCfg(base, k1, d));
