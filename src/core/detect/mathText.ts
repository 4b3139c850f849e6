// Splits statement text into prose and math ($…$, $$…$$, \(…\), \[…\]) and turns TeX into readable
// plain text for places that cannot show typeset math (alt text, the fallback when typesetting fails).
// Pure; no MathJax here (MathJax runs in the language server's math worker, src/server/math/typeset.ts).

export type Segment = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean };

/** Longest formula sent to the typesetter; longer ones are shown as readable text. */
export const MAX_FORMULA_CHARS = 1000;

/** Prose and math of `text`, in order. An unclosed delimiter is prose. `\$` is a literal dollar. */
export function splitMath(text: string): Segment[] {
  const out: Segment[] = [];
  let prose = '';
  let i = 0;
  const flush = () => {
    if (prose) out.push({ kind: 'text', text: prose });
    prose = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '$') {
      prose += '$';
      i += 2;
      continue;
    }
    let open = '';
    let close = '';
    let display = false;
    if (text.startsWith('$$', i)) [open, close, display] = ['$$', '$$', true];
    else if (c === '$') [open, close, display] = ['$', '$', false];
    else if (text.startsWith('\\(', i)) [open, close, display] = ['\\(', '\\)', false];
    else if (text.startsWith('\\[', i)) [open, close, display] = ['\\[', '\\]', true];
    if (!open) {
      prose += c;
      i++;
      continue;
    }
    const end = findClose(text, i + open.length, close);
    const tex = end < 0 ? '' : text.slice(i + open.length, end);
    // "$5 and $6" is prose: inline $…$ must not start or end with a space and must not be empty.
    if (end < 0 || !tex.trim() || (open === '$' && (/^\s/.test(tex) || /\s$/.test(tex)))) {
      prose += open;
      i += open.length;
      continue;
    }
    flush();
    out.push({ kind: 'math', tex: tex.trim(), display });
    i = end + close.length;
  }
  flush();
  return out;
}

function findClose(text: string, from: number, close: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\' && close === '$') {
      j++; // \$ inside math
      continue;
    }
    if (text.startsWith(close, j)) return j;
  }
  return -1;
}

const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻', n: 'ⁿ', i: 'ⁱ' };
const SUB: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '+': '₊', '-': '₋', n: 'ₙ', i: 'ᵢ', k: 'ₖ', m: 'ₘ', x: 'ₓ',
};
const SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', theta: 'θ', lambda: 'λ', mu: 'μ', pi: 'π',
  sigma: 'σ', tau: 'τ', phi: 'φ', varphi: 'φ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Pi: 'Π', Sigma: 'Σ',
  Omega: 'Ω', cdot: '·', times: '×', div: '÷', pm: '±', mp: '∓', le: '≤', leq: '≤', ge: '≥', geq: '≥', ne: '≠', neq: '≠',
  approx: '≈', equiv: '≡', infty: '∞', to: '→', rightarrow: '→', Rightarrow: '⇒', iff: '⇔', in: '∈', notin: '∉', subset: '⊂',
  subseteq: '⊆', cup: '∪', cap: '∩', emptyset: '∅', forall: '∀', exists: '∃', sum: 'Σ', prod: 'Π', int: '∫', partial: '∂',
  angle: '∠', circ: '°', degree: '°', triangle: '△', perp: '⊥', parallel: '∥', ldots: '…', cdots: '⋯', dots: '…',
  mid: '|', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉', langle: '⟨', rangle: '⟩', sqrt: '√', neg: '¬', land: '∧', lor: '∨',
};

/** Readable plain text for TeX: x^2 → x², \frac{a}{b} → (a)/(b), \sqrt{2} → √(2), Greek letters, relations. */
export function texToText(tex: string): string {
  let s = (tex.length > MAX_FORMULA_CHARS ? tex.slice(0, MAX_FORMULA_CHARS) + '…' : tex).replace(/\\\{/g, '\u0001').replace(/\\\}/g, '\u0002');
  const group = String.raw`\{((?:[^{}]|\{[^{}]*\})*)\}`;
  for (let n = 0; n < 4; n++) {
    s = s
      .replace(new RegExp(String.raw`\\[dt]?frac\s*${group}\s*${group}`, 'g'), (_m, a: string, b: string) => `${wrap(a)}/${wrap(b)}`)
      .replace(new RegExp(String.raw`\\sqrt\s*\[([^\]]*)\]\s*${group}`, 'g'), (_m, k: string, a: string) => `${k}√${wrap(a)}`)
      .replace(new RegExp(String.raw`\\sqrt\s*${group}`, 'g'), (_m, a: string) => `√${wrap(a)}`)
      .replace(new RegExp(String.raw`\\(?:text|mathrm|mathbf|mathit|operatorname|boxed|mathbb|textbf)\s*${group}`, 'g'), (_m, a: string) => a);
  }
  s = s
    .replace(/\\(?:begin|end)\s*\{[a-zA-Z*]*\}/g, ' ')
    .replace(/\\\\/g, '; ')
    .replace(/&/g, ' ')
    .replace(/\\(left|right|big|Big|bigg|Bigg)\b\s*/g, '')
    .replace(/\^\{?\\circ\}?/g, '°')
    .replace(/\\([a-zA-Z]+)(\s*)/g, (m, name: string, space: string) => {
      const sym = SYMBOLS[name];
      if (sym) return sym + space;
      // Functions read as words; an unknown command reads as its name.
      return ['sin', 'cos', 'tan', 'log', 'ln', 'exp', 'lim', 'max', 'min', 'gcd', 'det'].includes(name) ? `${name} ` : `${name}${space || ' '}`;
    })
    .replace(/\^\{([^{}]*)\}|\^(.)/g, (_m, g: string | undefined, c: string | undefined) => script(g ?? c ?? '', SUP, '^'))
    .replace(/_\{([^{}]*)\}|_(.)/g, (_m, g: string | undefined, c: string | undefined) => script(g ?? c ?? '', SUB, '_'))
    .replace(/\\[,;:! ]/g, ' ')
    .replace(/\\([{}$%&#_])/g, '$1')
    .replace(/[{}]/g, '')
    .replace(/\u0001/g, '{')
    .replace(/\u0002/g, '}')
    .replace(/\s*([=<>≤≥≠±×÷→])\s*/g, ' $1 ')
    .replace(/(\S)\s*-\s*(?=\S)/g, '$1 − ')
    .replace(/\s+/g, ' ')
    .trim();
  return s;
}

function wrap(a: string): string {
  const t = a.trim();
  return /^[\w.]+$/.test(t) ? t : `(${t})`;
}

function script(body: string, map: Record<string, string>, mark: string): string {
  const chars = [...body];
  if (chars.length > 0 && chars.every((c) => map[c])) return chars.map((c) => map[c]).join('');
  return chars.length === 1 ? `${mark}${body}` : `${mark}(${body})`;
}
