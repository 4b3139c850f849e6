import { readFileSync } from 'node:fs';
import { importReasonFluxV1Text } from '../src/core/templates/importer.js';
import { topSimilarities } from '../src/core/templates/similarity.js';
const r = importReasonFluxV1Text(readFileSync('../shared/data/reasonflux-v1-template-library.json', 'utf8'));
const t0 = performance.now();
const s = topSimilarities(r.templates, 15);
console.log('ms', performance.now() - t0);
for (const p of s.name) console.log('N', p.name.toFixed(2), p.content.toFixed(2), '|', p.a.name, '|', p.b.name);
for (const p of s.content) console.log('C', p.name.toFixed(2), p.content.toFixed(2), '|', p.a.name, '|', p.b.name);
