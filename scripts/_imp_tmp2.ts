import { readFileSync } from 'node:fs';
import { importReasonFluxV1Text } from '../src/core/templates/importer.js';
const r = importReasonFluxV1Text(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8'));
const raw = JSON.parse(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8'));
const byName = new Map<string, unknown>();
for (const ch of Object.values(raw) as any[]) for (const l of Object.values(ch) as any[]) for (const t of l) byName.set(t.template_name, t.example_application);
for (const w of r.warnings.filter((w) => w.includes('no problem statement'))) { const n = /"(.*)": example/.exec(w)![1]!; console.log(JSON.stringify(byName.get(n)).slice(0, 160)); }
