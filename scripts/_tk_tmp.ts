import { analyze } from '../src/core/templates/tokenize.js';
for (const q of process.argv.slice(2)) console.log(analyze(q).join(' '));
