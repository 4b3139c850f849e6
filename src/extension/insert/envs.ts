// Which environment a LaTeX document uses for solutions: the setting, else the document's own usage,
// else its declarations, else the exam class's `solution`, else \begin{proof}[Solution] — unless the
// document is a whole one (\documentclass) that cannot typeset proof (no amsthm, no definition of its
// own): then the kernel's trivlist labelled Solution, so the document still compiles. Pure.

export interface SolutionEnvironment {
  name: string;
  /** Text after \begin{name}, e.g. "[Solution]" for proof. */
  argument: string;
  /** Where the choice came from (for messages and tests). */
  source: 'setting' | 'usage' | 'declaration' | 'exam-class' | 'default';
}

const CANDIDATES = ['solution', 'sol', 'soln', 'solu', 'answer', 'proof', 'solutionbox', 'solutionorbox'];
const NAME = /^[A-Za-z@]+\*?$/;

function stripComments(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, '$1');
}

export function begin(env: SolutionEnvironment): string {
  return `\\begin{${env.name}}${env.argument}`;
}
export function end(env: SolutionEnvironment): string {
  return `\\end{${env.name}}`;
}

export function findSolutionEnvironment(documentText: string, setting = ''): SolutionEnvironment {
  const s = setting.trim().replace(/^\\begin\{|\}$/g, '');
  if (s) {
    // The setting may carry an argument: "proof[Solution]" or "solution".
    const m = /^([A-Za-z@]+\*?)\s*(\[[^\]]*\]|\{[^}]*\})?$/.exec(s);
    if (m && NAME.test(m[1]!)) return { name: m[1]!, argument: m[2] ?? '', source: 'setting' };
  }
  const text = stripComments(documentText);

  // 1. Usage: the most frequent solution-like environment in the body (with the argument it is used with).
  const counts = new Map<string, { n: number; argument: string }>();
  const useRe = /\\begin\{([A-Za-z@]+\*?)\}(\[[^\]\n]{0,60}\])?/g;
  let m: RegExpExecArray | null;
  while ((m = useRe.exec(text))) {
    const name = m[1]!;
    const arg = m[2] ?? '';
    const base = name.replace(/\*$/, '').toLowerCase();
    if (!CANDIDATES.includes(base)) continue;
    // proof counts only when labelled as a solution (a plain proof is a theorem's proof).
    if (base === 'proof' && !/solution|answer|풀이|해답|解/i.test(arg)) continue;
    const c = counts.get(name) ?? { n: 0, argument: arg };
    c.n++;
    counts.set(name, c);
  }
  let best: [string, { n: number; argument: string }] | undefined;
  for (const e of counts) if (!best || e[1].n > best[1].n) best = e;
  if (best) return { name: best[0], argument: best[1].argument, source: 'usage' };

  // 2. Declarations: \newtheorem{solution}, \newenvironment{solution}, \NewDocumentEnvironment{solution} …
  const declRe = /\\(?:newtheorem\*?|newenvironment|renewenvironment|NewDocumentEnvironment|DeclareDocumentEnvironment|newtcolorbox|declaretheorem(?:\[[^\]]*\])?)\s*\{([A-Za-z@]+\*?)\}/g;
  while ((m = declRe.exec(text))) {
    if (CANDIDATES.includes(m[1]!.replace(/\*$/, '').toLowerCase()) && m[1] !== 'proof') return { name: m[1]!, argument: '', source: 'declaration' };
  }

  // 3. The exam class defines `solution`.
  if (/\\documentclass\s*(\[[^\]]*\])?\s*\{exam\}/.test(text)) return { name: 'solution', argument: '', source: 'exam-class' };

  // 4. proof, when the document can typeset it (amsthm, ntheorem, an AMS class, its own definition or
  //    use) or is a fragment whose preamble is elsewhere …
  if (!/\\documentclass/.test(text) || /\\begin\s*\{proof\}|\\(?:usepackage|RequirePackage)\s*(\[[^\]]*\])?\s*\{[^}]*\b(amsthm|ntheorem|thmtools)\b[^}]*\}|\\documentclass\s*(\[[^\]]*\])?\s*\{ams(art|book|proc)\}|\\(?:new|renew|provide)environment\*?\s*\{proof\}|\\newtheorem\*?\s*\{proof\}/.test(text)) {
    return { name: 'proof', argument: '[Solution]', source: 'default' };
  }
  // … else the kernel's trivlist with a bold label, so the document still compiles.
  return { name: 'trivlist', argument: '\n\\item[\\hskip\\labelsep\\textbf{Solution.}]', source: 'default' };
}
