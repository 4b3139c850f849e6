import { detectProblems } from './src/core/detect/index.ts';
import { readFileSync } from 'node:fs';
const doc = readFileSync('test/fixtures/insert/plain-article.tex', 'utf8');
const body = '\\begin{enumerate}\n\\item Factor: $x^2 - 5x + 6 = (x-2)(x-3)$.\n\\item Hence $x$.\n\\end{enumerate}';
for (const env of [['\\begin{trivlist}\n\\item[\\hskip\\labelsep\\textbf{Solution.}]', '\\end{trivlist}'], ['\\par\\noindent\\textbf{Solution.}', '\\par'], ['\\textbf{Solution.}', ''], ['\\begin{proof}[Solution]', '\\end{proof}'], ['\\paragraph{Solution.}', '']]) {
  const at = doc.indexOf('\\end{problem}') + 13;
  const t = doc.slice(0, at) + '\n' + env[0] + '\n' + body + '\n' + env[1] + doc.slice(at);
  const ps = detectProblems(t, 'latex');
  console.log(JSON.stringify(env[0]), ps.length, ps[0]?.solved);
}
