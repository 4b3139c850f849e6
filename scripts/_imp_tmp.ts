import { readFileSync } from 'node:fs';
import { importReasonFluxV1Text } from '../src/core/templates/importer.js';
const r = importReasonFluxV1Text(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8'));
console.log(r.templates.length, r.warnings.length);
const c = new Map<string, number>();
for (const w of r.warnings) { const k = w.replace(/^.*?": /, ''); c.set(k, (c.get(k) ?? 0) + 1); }
console.log([...c].sort((a, b) => b[1] - a[1]).slice(0, 20));
const kinds = new Map<string, number>(); for (const t of r.templates) kinds.set(String(t.kind), (kinds.get(String(t.kind)) ?? 0) + 1); console.log(kinds);
for (const i of [0, 57, 200, 333]) console.log(JSON.stringify(r.templates[i]!.example, null, 1).slice(0, 700), r.templates[i]!.steps.length);
const nos = r.warnings.filter((w) => w.includes('no separate solution')).slice(0, 75);
const raw = JSON.parse(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8'));
const byName = new Map<string, string>();
for (const ch of Object.values(raw) as any[]) for (const l of Object.values(ch) as any[]) for (const t of l) byName.set(t.template_name, t.example_application);
const seen = new Set<string>();
for (const w of nos) { const n = /"(.*)": example/.exec(w)![1]!; const ex = String(byName.get(n)); const heads = ex.replace(/\\+n/g, '\n').split('\n').map(l=>l.trim()).filter(l => /^[^0-9-].{0,40}[:：]/.test(l)).map(l=>l.slice(0, 40)); const key = heads.slice(0,3).join(' | '); if (!seen.has(key)) { seen.add(key); console.log(key); } }
