// Model text → LaTeX that cannot take over the document it is written into. Model output is untrusted:
// a formula may hold \input, \write18, \catcode, \def, \end{document}, an \end{proof} that closes the
// solution early, unbalanced braces or environments, or commands the document never loaded. So every
// formula is rewritten token by token against an allowlist (src/extension/insert/texNames.ts):
//  - commands the document can typeset (kernel, amsmath / amssymb when loaded, its own \newcommand …)
//    stay; stand-ins replace common ones it lacks (\boxed → \fbox{$…$} without amsmath); anything else
//    is shown as text (\backslash\mathrm{input}) and reported;
//  - braces, \left … \right and environments are balanced (an \end without its \begin is dropped,
//    what is left open is closed); `&` and `\\` only stay inside an alignment with room for them;
//  - `#`, `%`, a stray `$`, `^^` escapes, blank lines and a missing argument can no longer break it;
//  - Unicode becomes LaTeX (≤ → \le) or, when the document could not typeset it, `?`.
// Pure; no TeX run.
import { normaliseModelText } from '../../webview/render.js';
import {
  ACCENTS, AMSMATH, AMSMATH_ENVS, AMSSYMB, ARITY, DELIMITER_NAMES, DISPLAY_ENV_AS, KERNEL_ENVS, KERNEL_MATH, NEEDS_DELIMITER,
  NOT_LATEX, TEXT_ARGUMENT, TEXT_MODE, UNICODE_MATH, UNICODE_TEXT_OK, WITHOUT_AMSMATH, WITHOUT_AMSSYMB, type Substitute,
} from './texNames.js';

/** What the target document can typeset, read from its preamble. */
export interface TexContext {
  amsmath: boolean;
  amssymb: boolean;
  /** \mathbb / \mathfrak (amsfonts or amssymb). */
  amsfonts: boolean;
  /** Commands the document defines, with their number of mandatory arguments. */
  macros: Map<string, number>;
  /** Scripts (Unicode script names) of the letters the document already uses; undefined: keep all Unicode. */
  scripts?: Set<string>;
}

/** For text that is not written into a known document (Copy as LaTeX): the common packages, all Unicode kept. */
export const DEFAULT_TEX_CONTEXT: TexContext = { amsmath: true, amssymb: true, amsfonts: true, macros: new Map() };

const SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Hangul', 'Han', 'Hiragana', 'Katakana', 'Arabic', 'Hebrew', 'Thai', 'Devanagari'] as const;
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);
function scriptOf(c: string): string | undefined {
  for (const [name, re] of SCRIPT_RES) if (re.test(c)) return name;
  return undefined;
}

function stripComments(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, '$1');
}

/** Reads packages, definitions and the scripts in use from a LaTeX document. */
export function texContext(documentText: string): TexContext {
  const text = stripComments(documentText);
  const packages = new Set<string>();
  for (const m of text.matchAll(/\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g)) {
    for (const p of m[1]!.split(',')) packages.add(p.trim());
  }
  const cls = /\\documentclass\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/.exec(text)?.[1]?.trim() ?? '';
  const fragment = !/\\documentclass/.test(text); // an \input file: its preamble is elsewhere
  const amsClass = /^ams(art|book|proc)$/.test(cls);
  const amsmath = fragment || amsClass || ['amsmath', 'mathtools', 'empheq', 'physics'].some((p) => packages.has(p));
  const amssymb = fragment || packages.has('amssymb');
  const amsfonts = amssymb || amsClass || packages.has('amsfonts');
  const macros = new Map<string, number>();
  const defRe =
    /\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|DeclareMathOperator|NewDocumentCommand|RenewDocumentCommand|DeclarePairedDelimiter)\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?(?:\s*\[(\d)\])?|\\(?:[egx]?def|let)\s*\\([A-Za-z]+)/g;
  for (const m of text.matchAll(defRe)) {
    if (m[1]) macros.set(m[1], m[2] ? Number(m[2]) : 0);
    else if (m[3]) macros.set(m[3], 0);
  }
  const scripts = new Set<string>();
  for (const c of text) if (c > '\u007f') scripts.add(scriptOf(c) ?? '');
  scripts.delete('');
  return { amsmath, amssymb, amsfonts, macros, ...(fragment ? {} : { scripts }) };
}

/** What was not kept as the model wrote it (command names, dropped \end{…}), for a notice. */
export type Neutralised = Set<string>;

/** One character of running text that LaTeX's UTF-8 input can typeset in this document, else a stand-in. */
function textChar(c: string, ctx: TexContext): string {
  if (c <= '\u007f' || UNICODE_TEXT_OK.has(c)) return c;
  if (!ctx.scripts) return c;
  const script = scriptOf(c);
  // Latin-1 and other accented Latin letters: as LaTeX accents, which every text encoding has.
  if (script === 'Latin') {
    const parts = [...c.normalize('NFD')];
    const base = parts[0]!;
    if (/^[A-Za-z]$/.test(base) && parts.length > 1 && parts.slice(1).every((p) => ACCENTS[p])) {
      return parts.slice(1).reduce((acc, p) => `\\${ACCENTS[p]}{${acc}}`, base === 'i' ? '\\i' : base);
    }
    if (ctx.scripts.has('Latin') && parts.length === 1 && 'ßæøåÆØÅœŒ'.includes(c)) return c;
  }
  if (script && script !== 'Latin' && ctx.scripts.has(script)) return c;
  return '?';
}

const TEXT_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', $: '\\$', '&': '\\&', '#': '\\#', '%': '\\%', _: '\\_',
  '^': '\\textasciicircum{}', '~': '\\textasciitilde{}', '<': '\\textless{}', '>': '\\textgreater{}', '|': '\\textbar{}',
};

/** Running text → LaTeX: specials escaped, Unicode math as $\cmd$, other Unicode as the document can typeset it. */
export function latexText(s: string, ctx: TexContext = DEFAULT_TEX_CONTEXT): string {
  let out = '';
  for (const c of normaliseModelText(s)) {
    const special = TEXT_SPECIALS[c];
    if (special) out += special;
    else if (c <= '\u007f') out += c;
    else if (UNICODE_TEXT_OK.has(c) || (ctx.scripts && scriptOf(c) !== undefined && ctx.scripts.has(scriptOf(c)!) && !UNICODE_MATH[c])) out += c;
    else if (UNICODE_MATH[c]) out += `$${UNICODE_MATH[c]}$`;
    else out += textChar(c, ctx);
  }
  return out;
}

/** Verbatim lines: nothing can end the verbatim (or the solution environment) early; unknown Unicode → `?`. */
export function latexVerbatim(s: string, ctx: TexContext = DEFAULT_TEX_CONTEXT): string {
  let out = '';
  for (const c of normaliseModelText(s)) {
    const t = c <= '\u007f' ? c : textChar(c, ctx);
    out += c > '\u007f' && t.startsWith('\\') ? '?' : t; // no accent commands inside verbatim
  }
  return out.replace(/\\end(\s*)\{/g, '\\end $1{');
}

type Kind = 'root' | 'brace' | 'text' | 'tmath' | 'left' | 'env' | 'arg';

interface Frame {
  kind: Kind;
  /** Emitted when the frame closes. */
  close: string;
  /** Text mode (inside \text{…}) rather than math. */
  text: boolean;
  /** Source environment name (for matching \end). */
  env?: string;
  /** Columns an alignment environment allows (0: no rows either). */
  cols: number;
  col: number;
  /** Mandatory arguments the last command at this level still expects, and its stand-in wrappers. */
  pending: number;
  sub?: Substitute | undefined;
  subIndex: number;
  nextText: boolean;
  /** Script state of the current atom: a ^ or _ waiting for its argument, and which scripts it has. */
  script: '^' | '_' | null;
  hasSup: boolean;
  hasSub: boolean;
  /** Past the nesting bound: the group / \left / environment is not written (TeX allows 255 levels). */
  ghost?: boolean;
}

function frame(kind: Kind, close: string, text: boolean, extra: Partial<Frame> = {}): Frame {
  return { kind, close, text, cols: 0, col: 0, pending: 0, subIndex: 0, nextText: false, script: null, hasSup: false, hasSub: false, ...extra };
}

const DELIM_CHARS = '()[]|/.<>';
const MATH_SYMBOLS_OK = new Set([',', ';', ':', '!', ' ', '{', '}', '|', '%', '#', '&', '$', '_', '>']);
const TEXT_SYMBOLS_OK = new Set([',', ' ', '{', '}', '%', '#', '&', '$', '_', '-', '/', "'", '"', '^', '~', '=', '.', '@', '`']);
const BIG_NUMBER = 10;
/** Deepest nesting written; deeper groups keep their content but not their braces. */
export const MAX_TEX_NESTING = 40;
/** Commands dropped with their arguments. */
const DROP: Record<string, number> = { tag: 1, label: 1, notag: 0, nonumber: 0, eqref: 1, ref: 1 };

class MathWriter {
  private out: string[] = [];
  private stack: Frame[];
  private i = 0;
  readonly neutralised: Neutralised = new Set();

  constructor(
    private readonly src: string,
    private readonly ctx: TexContext,
  ) {
    this.stack = [frame('root', '', false)];
  }

  private deep(): boolean {
    return this.stack.length > MAX_TEX_NESTING;
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }
  private emit(s: string): void {
    this.out.push(s);
  }

  /** Emits stand-ins for mandatory arguments still missing at `f`. */
  private flushPending(f: Frame): void {
    while (f.pending > 0) {
      const idx = f.subIndex++;
      this.emit(`${f.sub?.open?.[idx] ?? '{'}${f.sub?.close?.[idx] ?? '}'}`);
      f.pending--;
    }
    f.sub = undefined;
  }

  /** A token (not a group) at the current level: consumes a pending argument, updates the script state. */
  private unit(s: string): void {
    const f = this.top;
    if (f.pending > 0) {
      const idx = f.subIndex++;
      f.pending--;
      this.emit(`${f.sub?.open?.[idx] ?? ''}${s}${f.sub?.close?.[idx] ?? ''}`);
      if (f.pending === 0) f.sub = undefined;
    } else this.emit(s);
    this.atomDone(f);
  }

  private atomDone(f: Frame): void {
    if (f.script === '^') f.hasSup = true;
    else if (f.script === '_') f.hasSub = true;
    else f.hasSup = f.hasSub = false;
    f.script = null;
  }

  private push(fr: Frame): void {
    this.stack.push(fr);
  }

  /** Closes the top frame. */
  private pop(): void {
    const f = this.stack.pop()!;
    this.flushPending(f);
    if (f.script) this.emit('{}');
    this.emit(f.close);
    if (this.stack.length && f.kind !== 'left') {
      // A group is one argument / atom of its parent (a \left…\right pair too, but it consumes none).
      this.atomDone(this.top);
    }
  }

  private openGroup(): void {
    const f = this.top;
    let open = '{';
    let close = '}';
    let kind: Kind = 'brace';
    let text = f.text;
    if (f.pending > 0) {
      const idx = f.subIndex++;
      f.pending--;
      if (f.sub?.open?.[idx] !== undefined) {
        open = f.sub.open[idx]!;
        close = f.sub.close?.[idx] ?? '}';
        kind = 'arg';
        // \fbox{$…$}: the argument is math again.
        text = open.endsWith('$') ? false : text;
      }
      if (f.nextText) {
        kind = 'text';
        text = true;
        f.nextText = false;
      }
      if (f.pending === 0) f.sub = undefined;
    } else if (f.nextText) {
      f.nextText = false;
    }
    if (this.deep()) {
      this.neutralised.add('nesting');
      this.push(frame(kind === 'text' ? 'text' : 'brace', '', text, { ghost: true }));
      return;
    }
    this.emit(open);
    this.push(frame(kind, close, text));
  }

  private closeGroup(): void {
    const k = this.top.kind;
    if (k === 'brace' || k === 'text' || k === 'arg') this.pop();
    else this.neutralised.add('}');
  }

  /** The next non-space position. */
  private peek(from = this.i): number {
    let j = from;
    while (j < this.src.length && /\s/.test(this.src[j]!)) j++;
    return j;
  }

  /** Reads a delimiter after \left, \right …; undefined when none follows. */
  private readDelimiter(): string | undefined {
    const j = this.peek();
    const c = this.src[j];
    if (c === undefined) return undefined;
    if (DELIM_CHARS.includes(c)) {
      this.i = j + 1;
      return c;
    }
    if (c === '\\') {
      const sym = this.src[j + 1];
      if (sym === '{' || sym === '}' || sym === '|') {
        this.i = j + 2;
        return `\\${sym}`;
      }
      const m = /^[A-Za-z]+/.exec(this.src.slice(j + 1));
      if (m && DELIMITER_NAMES.has(m[0])) {
        this.i = j + 1 + m[0].length;
        const amsOnly = /^(l|r)(vert|Vert)$/.test(m[0]);
        if (amsOnly && !this.ctx.amsmath) return WITHOUT_AMSMATH[m[0]]!.to;
        return `\\${m[0]} `;
      }
    }
    const mapped = UNICODE_MATH[c];
    if (mapped && DELIMITER_NAMES.has(mapped.slice(1))) {
      this.i = j + 1;
      return `${mapped} `;
    }
    return undefined;
  }

  /** Index of the nearest frame of one of `kinds`, not looking past a boundary kind; -1 if none. */
  private find(kinds: Kind[], boundary: Kind[], env?: string): number {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const f = this.stack[k]!;
      if (kinds.includes(f.kind) && (env === undefined || f.env === env)) return k;
      if (boundary.includes(f.kind)) return -1;
    }
    return -1;
  }

  private closeDownTo(index: number): void {
    while (this.stack.length - 1 > index) this.pop();
  }

  private neutraliseCommand(name: string): void {
    this.neutralised.add(`\\${name}`);
    if (this.top.text) this.unit(`\\textbackslash{}${name}`);
    else this.unit(`\\backslash\\mathrm{${name}}`);
  }

  private mathEnv(name: string): { open: string; close: string; cols: number } | undefined {
    const ams = this.ctx.amsmath;
    const asInner = DISPLAY_ENV_AS[name];
    if (asInner === '') return { open: '', close: '', cols: 0 };
    const env = asInner ?? name;
    if (env in KERNEL_ENVS) return this.arrayEnv(env, 'array');
    if (!(env in AMSMATH_ENVS)) return undefined;
    if (ams) {
      if (env === 'alignedat' || env === 'subarray') return this.arrayEnv(env, env);
      return { open: `\\begin{${env}}`, close: `\\end{${env}}`, cols: AMSMATH_ENVS[env]! };
    }
    // Without amsmath: arrays that the kernel can typeset.
    const wrap: Record<string, [string, string]> = {
      pmatrix: ['\\left(', '\\right)'], bmatrix: ['\\left[', '\\right]'], Bmatrix: ['\\left\\{', '\\right\\}'],
      vmatrix: ['\\left|', '\\right|'], Vmatrix: ['\\left\\|', '\\right\\|'], cases: ['\\left\\{', '\\right.'],
    };
    const spec = env === 'cases' ? 'll' : env === 'gathered' || env === 'subarray' ? 'c' : /aligned|split/.test(env) ? 'rlrlrlrlrl' : 'cccccccccc';
    if (env === 'alignedat') this.skipArgument();
    const [l, r] = wrap[env] ?? ['', ''];
    return { open: `${l}\\begin{array}{${spec}}`, close: `\\end{array}${r}`, cols: spec.length };
  }

  /** array / subarray / alignedat: the environment with a checked argument (the column spec runs code otherwise). */
  private arrayEnv(name: string, as: string): { open: string; close: string; cols: number } {
    // The argument, whatever it holds (a spec with @{…} or >{…} runs code in every row: replaced below).
    let arg: string | undefined;
    if (this.src[this.peek()] === '{') {
      const from = this.peek();
      this.skipGroup();
      arg = this.src.slice(from + 1, this.i - 1).trim();
    }
    let cols: number;
    if (name === 'alignedat') {
      if (!arg || !/^\d{1,2}$/.test(arg)) arg = '5';
      cols = 2 * Number(arg);
    } else if (name === 'subarray') {
      if (arg !== 'l' && arg !== 'c') arg = 'c';
      cols = 1;
    } else {
      if (!arg || !/^[lcr|\s]+$/.test(arg)) arg = 'c'.repeat(BIG_NUMBER);
      cols = arg.replace(/[^lcr]/g, '').length;
    }
    return { open: `\\begin{${as}}{${arg}}`, close: `\\end{${as}}`, cols };
  }

  /** The last non-space token written. */
  private lastToken(): string {
    for (let k = this.out.length - 1; k >= 0; k--) if (this.out[k]!.trim()) return this.out[k]!;
    return '';
  }

  /** Skips one balanced {…} group (or one token) of the source. */
  private skipGroup(): void {
    let j = this.peek();
    if (this.src[j] !== '{') {
      if (j < this.src.length) this.i = j + (this.src[j] === '\\' ? 2 : 1);
      return;
    }
    let depth = 0;
    for (; j < this.src.length; j++) {
      const ch = this.src[j];
      if (ch === '\\') j++;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
    }
    this.i = Math.min(j + 1, this.src.length);
  }

  private skipArgument(): void {
    const m = /^\s*\{[^{}]*\}/.exec(this.src.slice(this.i));
    if (m) this.i += m[0].length;
  }

  private substitute(name: string): Substitute | undefined {
    if (this.ctx.macros.has(name)) return undefined;
    const notLatex = NOT_LATEX[name];
    if (notLatex && !KERNEL_MATH.has(name)) return notLatex(this.ctx.amssymb || this.ctx.amsfonts);
    if (!this.ctx.amsmath && WITHOUT_AMSMATH[name]) return WITHOUT_AMSMATH[name];
    if (!this.ctx.amssymb && WITHOUT_AMSSYMB[name] && !(this.ctx.amsfonts && (name === 'mathbb' || name === 'mathfrak'))) return WITHOUT_AMSSYMB[name];
    return undefined;
  }

  private allowed(name: string): boolean {
    if (this.ctx.macros.has(name) || KERNEL_MATH.has(name)) return true;
    if (this.ctx.amsmath && AMSMATH.has(name)) return true;
    if (this.ctx.amssymb && AMSSYMB.has(name)) return true;
    return this.ctx.amsfonts && (name === 'mathbb' || name === 'mathfrak');
  }

  private command(name: string): void {
    const f = this.top;
    if (f.text) {
      if (TEXT_MODE.has(name)) {
        this.unit(`\\${name}`);
        this.top.pending = ARITY[name] ?? 0;
      } else this.neutraliseCommand(name);
      return;
    }
    if (name === 'begin' || name === 'end') return this.environment(name);
    if (name in DROP) {
      // Equation numbers and labels mean nothing inside an inserted solution (and \tag fails in most places).
      for (let n = DROP[name]!; n > 0; n--) this.skipGroup();
      return;
    }
    if ((name === 'limits' || name === 'nolimits') && !/^\\(sum|prod|coprod|int|oint|iint|iiint|iiiint|big[a-z]+|lim|liminf|limsup|max|min|sup|inf|det|gcd|Pr|operatorname)\s*$/.test(this.lastToken())) {
      this.neutralised.add(`\\${name}`); // "Limit controls must follow a math operator"
      return;
    }
    if (NEEDS_DELIMITER.has(name)) return this.delimited(name);
    const sub = this.substitute(name);
    if (!sub && !this.allowed(name)) return this.neutraliseCommand(name);
    this.unit(sub ? sub.to : `\\${name}`);
    const arity = this.ctx.macros.get(name) ?? ARITY[name] ?? 0;
    const g = this.top;
    g.pending = arity;
    g.sub = sub?.open ? sub : undefined;
    g.subIndex = 0;
    g.nextText = TEXT_ARGUMENT.has(name);
    if (name === 'sqrt') {
      const m = /^\s*\[([^[\]{}$%#&\\]*)\]/.exec(this.src.slice(this.i));
      if (m) {
        this.emit(`[${m[1]}]`);
        this.i += m[0].length;
      }
    }
  }

  private delimited(name: string): void {
    if (name === 'left') {
      const d = this.readDelimiter() ?? '.';
      if (this.deep()) {
        this.neutralised.add('nesting');
        if (d !== '.') this.unit(d);
        this.push(frame('left', '', false, { ghost: true }));
        return;
      }
      this.unit(`\\left${d}`);
      this.push(frame('left', '\\right.', false));
      return;
    }
    if (name === 'right') {
      const at = this.find(['left'], ['env', 'tmath', 'root', 'text', 'arg']);
      const d = this.readDelimiter();
      if (at < 0) {
        this.neutralised.add('\\right');
        if (d && d !== '.') this.unit(d);
        return;
      }
      this.closeDownTo(at);
      const left = this.stack.pop()!;
      if (left.ghost) {
        if (d && d !== '.') this.unit(d);
      } else this.emit(`\\right${d ?? '.'}`);
      return;
    }
    const d = this.readDelimiter();
    if (!d) {
      this.neutralised.add(`\\${name}`);
      return;
    }
    if (name === 'middle' && this.top.kind !== 'left') {
      this.neutralised.add('\\middle');
      this.unit(d);
      return;
    }
    this.unit(`\\${name}${d}`);
  }

  private environment(which: 'begin' | 'end'): void {
    const m = /^\s*\{([A-Za-z]+\*?)\}/.exec(this.src.slice(this.i));
    if (!m) return this.neutraliseCommand(which);
    this.i += m[0].length;
    const name = m[1]!;
    if (which === 'begin') {
      const env = this.deep() ? undefined : this.mathEnv(name);
      if (!env) this.neutralised.add(`\\begin{${name}}`);
      this.unit(env?.open ?? '');
      this.push(frame('env', env?.close ?? '', false, { env: name, cols: env?.cols ?? 0 }));
      return;
    }
    const at = this.find(['env'], ['tmath', 'root', 'text', 'arg'], name);
    if (at < 0) {
      this.neutralised.add(`\\end{${name}}`);
      return;
    }
    this.closeDownTo(at);
    this.pop();
  }

  private alignment(kind: '&' | '\\\\'): void {
    const f = this.top;
    const ok = f.kind === 'env' && (kind === '&' ? f.col + 1 < f.cols : f.cols > 0);
    if (!ok) {
      this.neutralised.add(kind);
      this.emit(kind === '&' ? '\\quad ' : '\\quad ');
      return;
    }
    this.flushPending(f);
    if (f.script) this.emit('{}');
    f.script = null;
    f.hasSup = f.hasSub = false;
    f.col = kind === '&' ? f.col + 1 : 0;
    this.emit(kind === '&' ? '&' : '\\\\');
  }

  private script(c: '^' | '_'): void {
    const f = this.top;
    if (f.script) this.emit('{}'); // x^^ or x^_: the first script gets an empty argument
    if ((c === '^' && f.hasSup) || (c === '_' && f.hasSub)) {
      this.emit('{}');
      f.hasSup = f.hasSub = false;
    }
    const j = this.peek(this.i);
    const next = this.src[j];
    this.emit(c);
    if (next === undefined || next === '}' || next === '&' || next === '$' || next === '^' || next === '_' || this.src.startsWith('\\\\', j) || /^\\(right|end|middle)\b/.test(this.src.slice(j))) {
      this.emit('{}');
      if (c === '^') f.hasSup = true;
      else f.hasSub = true;
      f.script = null;
      return;
    }
    f.script = c;
  }

  run(): string {
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i]!;
      const f = this.top;
      if (c === '\\') {
        const m = /^[A-Za-z]+/.exec(s.slice(this.i + 1, this.i + 41));
        if (m) {
          this.i += 1 + m[0].length;
          this.command(m[0]);
          continue;
        }
        const sym = s[this.i + 1];
        this.i += 2;
        if (sym === undefined) continue;
        if (sym === '\\') {
          if (f.text) this.emit(' ');
          else {
            this.alignment('\\\\');
            // \\[2pt]: the optional space goes with it (or with the \quad that replaced it).
            const opt = /^\s*\[[-+0-9.\s]*(pt|em|ex|mm|cm|in|mu)?\]/.exec(s.slice(this.i));
            if (opt) {
              if (this.out[this.out.length - 1] === '\\\\') this.emit(opt[0].trim());
              this.i += opt[0].length;
            }
          }
          continue;
        }
        if (sym === '(' || sym === ')' || sym === '[' || sym === ']') {
          this.neutralised.add(`\\${sym}`);
          continue;
        }
        if ((f.text ? TEXT_SYMBOLS_OK : MATH_SYMBOLS_OK).has(sym)) this.unit(`\\${sym}`);
        else this.neutralised.add(`\\${sym}`);
        continue;
      }
      this.i++;
      if (c === '{') this.openGroup();
      else if (c === '}') this.closeGroup();
      else if (/\s/.test(c)) this.emit(c === '\n' ? '\n' : ' ');
      else if (f.text) this.textChar(c);
      else this.mathChar(c);
    }
    this.closeDownTo(0);
    this.flushPending(this.top);
    if (this.top.script) this.emit('{}');
    return this.out.join('');
  }

  private textChar(c: string): void {
    if (c === '$') {
      this.emit('$');
      this.push(frame('tmath', '$', false));
      return;
    }
    this.unit(latexText(c, this.ctx));
  }

  private mathChar(c: string): void {
    switch (c) {
      case '$': {
        const at = this.find(['tmath'], ['root', 'arg']);
        if (at < 0) {
          this.unit('\\$');
          return;
        }
        this.closeDownTo(at);
        this.pop();
        return;
      }
      case '&':
        return this.alignment('&');
      case '#':
        return this.unit('\\#');
      case '%':
        return this.unit('\\%');
      case '^':
      case '_':
        return this.script(c);
      case "'": {
        const f = this.top;
        if (f.hasSup) {
          this.emit('{}');
          f.hasSup = f.hasSub = false;
        }
        this.emit("'");
        return;
      }
      default:
        break;
    }
    if (c <= '\u007f') return this.unit(c);
    const mapped = UNICODE_MATH[c];
    if (mapped) return this.unit(/[A-Za-z]$/.test(mapped) ? `${mapped} ` : mapped);
    this.unit(`\\mbox{${textChar(c, this.ctx)}}`);
  }
}

/**
 * A formula of model output → LaTeX math that the document can typeset and that keeps to its own
 * delimiters. `neutralised` collects what was changed on purpose.
 */
export function sanitiseMath(tex: string, ctx: TexContext = DEFAULT_TEX_CONTEXT, neutralised?: Neutralised): string {
  // ^^5c is a backslash to TeX; blank lines end a paragraph (and math) early.
  const src = normaliseModelText(tex).replace(/\^\^/g, () => {
    neutralised?.add('^^');
    return '^{\\wedge}';
  }).replace(/\n[ \t]*(?=\n)/g, '').replace(/\n{2,}/g, '\n');
  const w = new MathWriter(src, ctx);
  const out = w.run();
  for (const n of w.neutralised) neutralised?.add(n);
  return out;
}
