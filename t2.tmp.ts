import { markdownToLatex } from './src/extension/insert/latex.ts';
import { texContext } from './src/extension/insert/texSafety.ts';
const ctx = texContext('\\documentclass{exam}\\usepackage{amsmath}');
for (const c of ['Close it early: $x \\end{proof} y$ and $\\end{solution}$ and $$\\end{document}$$ and $\\end{problem}\\begin{document}$', '$\\hspace{1000cm}$ $\\boxed{}$ $\\limits x$ $\\left x \\right$ $\\middle| $ $\\big x$ $\\tag{1} x$ $\\label{a}$ $\\color{red} x$']) console.log(markdownToLatex(c, ctx));
