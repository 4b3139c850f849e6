import { loadTemplateDirSync } from '../src/core/templates/loader.js';
import { clearAnalysisCache, createTemplateIndex } from '../src/core/templates/index.js';
const ts = loadTemplateDirSync('templates', 'builtin').templates;
for (let i = 0; i < 30; i++) { clearAnalysisCache(); createTemplateIndex(ts); }
