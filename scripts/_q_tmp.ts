import { loadTemplateIndexSync } from '../src/core/templates/library.js';
import { analyze } from '../src/core/templates/tokenize.js';
const { index } = loadTemplateIndexSync();
for (const q of process.argv.slice(2)) {
  console.log('Q', q.slice(0, 80), '\n  terms:', analyze(q).join(' '));
  for (const m of index.search(q, { top: 5 })) console.log('  ', m.score.toFixed(2), m.template.id, m.template.subjects.join('/'), '|', m.matchedTerms.join(' '), '|', m.matchedFields.join(','));
}
