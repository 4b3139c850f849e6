import { readFileSync, readdirSync } from 'node:fs';
import { thoughtTemplateSchema } from '../src/core/templates/schema.js';
const files = readdirSync('templates').filter((f) => f.endsWith('.json') && !f.includes('schema')).map((f) => 'templates/' + f);
for (let r = 0; r < 6; r++) {
  let t0 = performance.now(); const texts = files.map((f) => readFileSync(f, 'utf8')); const a = performance.now() - t0;
  t0 = performance.now(); const data = texts.map((t) => JSON.parse(t)); const b = performance.now() - t0;
  t0 = performance.now(); let n = 0; for (const d of data) for (const t of d.templates ?? d) { thoughtTemplateSchema.safeParse(t); n++; } const c = performance.now() - t0;
  console.log(n, { read: a.toFixed(2), parse: b.toFixed(2), zod: c.toFixed(2) });
}
