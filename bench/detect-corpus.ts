// Builds the ~1 MB .tex and .md benchmark documents from ../shared/data/math500.jsonl problems
// (generated text when the file is absent). Shared by detect.bench.ts and server.bench.ts.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

function problems(): { problems: string[]; source: string } {
  const candidates = [process.env.REASONFLUX_SHARED_DATA, resolve(__dirname, '..', '..', 'shared', 'data'), resolve(process.cwd(), '..', 'shared', 'data')];
  for (const dir of candidates) {
    if (!dir) continue;
    const f = resolve(dir, 'math500.jsonl');
    if (!existsSync(f)) continue;
    const out: string[] = [];
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const p = (JSON.parse(line) as { problem?: unknown }).problem;
        if (typeof p === 'string' && p.trim()) out.push(p.trim());
      } catch {
        /* skip bad lines */
      }
    }
    if (out.length) return { problems: out, source: f };
  }
  const gen: string[] = [];
  for (let i = 0; i < 500; i++) gen.push(`Find all real numbers $x$ such that $x^2 - ${i + 3}x + ${i + 2} = 0$. Express your answer as a list.`);
  return { problems: gen, source: 'generated text (math500.jsonl not found)' };
}

export function buildDocs(targetBytes = 1024 * 1024): { tex: string; md: string; source: string; texProblems: number; mdProblems: number } {
  const { problems: ps, source } = problems();
  const tex: string[] = ['\\documentclass{article}', '\\newtheorem{problem}{Problem}', '\\begin{document}', ''];
  let size = 0;
  let n = 0;
  while (size < targetBytes) {
    const p = ps[n % ps.length]!;
    let chunk: string;
    switch (n % 4) {
      case 0:
        chunk = `\\begin{problem}\n${p}\n\\end{problem}\n\n`;
        break;
      case 1:
        chunk = `\\begin{exercise}\n${p}\n\\end{exercise}\n\\begin{solution}\nOmitted.\n\\end{solution}\n\n`;
        break;
      case 2:
        chunk = `\\section*{Problem ${n + 1}}\n${p}\n\n`;
        break;
      default:
        chunk = `% a comment mentioning \\begin{problem}\n\\begin{enumerate}\n\\item ${p}\n\\end{enumerate}\n\n`;
    }
    tex.push(chunk);
    size += chunk.length;
    n++;
  }
  tex.push('\\end{document}\n');
  const md: string[] = ['---', 'title: Problem set', '---', '', '# Problems', ''];
  size = 0;
  let m = 0;
  while (size < targetBytes) {
    const p = ps[m % ps.length]!;
    let chunk: string;
    switch (m % 4) {
      case 0:
        chunk = `### Problem ${m + 1}\n\n${p}\n\n`;
        break;
      case 1:
        chunk = `**Problem ${m + 1}.** ${p}\n\n**Solution.** Omitted.\n\n`;
        break;
      case 2:
        chunk = `\`\`\`{exercise}\n:label: ex-${m}\n\n${p}\n\`\`\`\n\n`;
        break;
      default:
        chunk = `## Exercises ${m}\n\n1. ${p.replace(/\n/g, ' ')}\n\n`;
    }
    md.push(chunk);
    size += chunk.length;
    m++;
  }
  return { tex: tex.join('\n'), md: md.join('\n'), source, texProblems: n, mdProblems: m };
}
