// String normalisation of final answers and their parse into a small answer structure (tuple, interval,
// set, list, matrix, equation, choice, base-n numeral, text, scalar). This runs before the compute
// engine, which mis-reads several contest forms (`^\circ` as π/2, `10,\!080` as a tuple, `(2,\infty)`
// as a tuple, `\pm` as a measurement).

/** Unit words stripped after a number ("15 cm^2", "\text{ degrees}", "5.4 cents"). */
const UNIT_WORDS = [
  'cm', 'mm', 'km', 'm', 'meters?', 'metres?', 'centimeters?', 'kilometers?', 'inch(?:es)?', 'in', 'feet', 'foot', 'ft',
  'yards?', 'miles?', 'mi', 'units?', 'square units?', 'sq\\.? ?units?', 'degrees?', 'deg', 'radians?', 'rad',
  'dollars?', 'cents?', 'minutes?', 'mins?', 'hours?', 'hrs?', 'seconds?', 'secs?', 'days?', 'weeks?', 'years?',
  'mph', 'kg', 'grams?', 'g', 'pounds?', 'lbs?', 'liters?', 'litres?', 'people', 'students', 'ways', 'points?',
  'percent', 'times', 'p\\.m\\.', 'a\\.m\\.',
];
const UNIT_RE = new RegExp(
  `(?<=[\\d}a-zA-Z)])\\s*(?:square\\s+|sq\\.?\\s+|cubic\\s+)?(?:${UNIT_WORDS.join('|')})\\.?\\s*(?:\\^\\s*\\{?\\s*[23]\\s*\\}?|²|³)?$`,
  'i',
);

/** Commands whose argument is plain text: `\text{…}` and friends. */
const TEXT_CMDS = 'text|textbf|textit|textrm|textsf|texttt|mbox|mathrm|mathbf|mathit|mathsf|mathtt|hbox|textnormal|boldsymbol|bm';

/** Index just past the group opened at `open` (s[open] is `{`), or -1 when unbalanced. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Replaces `\cmd{arg}` by `fn(arg)` for every command in `names` (braces balanced). */
function mapCommandArg(s: string, names: string, fn: (arg: string) => string): string {
  const re = new RegExp(`\\\\(?:${names})\\s*\\{`, 'g');
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const open = m.index + m[0].length - 1;
    const end = matchBrace(s, open);
    if (end < 0) break;
    out += s.slice(last, m.index) + fn(s.slice(open + 1, end - 1));
    last = end;
    re.lastIndex = end;
  }
  return out + s.slice(last);
}

/** Strips wrapping `$…$`, `\(…\)`, `\[…\]`, trailing punctuation. */
function stripWrappers(s: string): string {
  let prev = '';
  while (prev !== s) {
    prev = s;
    s = s.trim();
    s = s.replace(/^\$+([\s\S]*?)\$+$/, '$1');
    s = s.replace(/^\\\(([\s\S]*)\\\)$/, '$1').replace(/^\\\[([\s\S]*)\\\]$/, '$1');
    s = s.replace(/(?:\\?[.;]|\s|\\,|\\!|\\;|\\quad)+$/, (t) => (/^\.\d/.test(t) ? t : ''));
  }
  return s;
}

export interface Normalized {
  /** The normalised LaTeX-ish string. */
  text: string;
  /** The whole answer was `\text{…}` (or a bare word): compare as text. */
  isText: boolean;
}

/**
 * Rewrites an answer into a canonical string: unicode to LaTeX, `\dfrac` → `\frac`, no `\left`/`\right`,
 * no spacing commands, no degrees / percent / dollar signs / trailing units, thousands separators joined.
 */
export function normalizeAnswer(input: string): Normalized {
  let s = String(input ?? '');
  // Unicode forms models and students type.
  s = s
    .replace(/[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g, '-')
    .replace(/[\u00D7\u2715\u2716]/g, '\\times ')
    .replace(/[\u00B7\u22C5\u2219]/g, '\\cdot ')
    .replace(/\u00F7/g, '\\div ')
    .replace(/\u221A\s*(\d+(?:\.\d+)?)/g, '\\sqrt{$1}')
    .replace(/\u221A\s*\(([^()]*)\)/g, '\\sqrt{$1}')
    .replace(/\u221A/g, '\\sqrt ')
    .replace(/[\u03C0\u03D6]/g, '\\pi ')
    .replace(/\u221E/g, '\\infty ')
    .replace(/\u2264/g, '\\le ')
    .replace(/\u2265/g, '\\ge ')
    .replace(/\u222A/g, '\\cup ')
    .replace(/\u2208/g, '\\in ')
    .replace(/\u2229/g, '\\cap ')
    .replace(/\u00B1/g, '\\pm ')
    .replace(/\u2213/g, '\\mp ')
    .replace(/\u00B0/g, '^\\circ')
    .replace(/\u00B2/g, '^2')
    .replace(/\u00B3/g, '^3')
    .replace(/[\u00A0\u2000-\u200B\u202F\u205F\u3000]/g, ' ');
  s = stripWrappers(s);
  // A whole-answer box: \boxed{…} / \fbox{…}.
  for (let k = 0; k < 3; k++) {
    const box = /^\\(?:boxed|fbox)\s*\{/.exec(s);
    if (!box || matchBrace(s, box[0].length - 1) !== s.length) break;
    s = stripWrappers(s.slice(box[0].length, -1));
  }
  // Whole-answer text: \text{Evelyn}, \textbf{(C)}.
  const wholeText = new RegExp(`^\\\\(?:${TEXT_CMDS})\\s*\\{([^{}]*)\\}$`).exec(s.trim());
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)\b/g, '');
  s = s.replace(/\\[dtc]frac\b/g, '\\frac');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)\s*(\\[{}]|[()[\]|.])?/g, (_m, d: string | undefined) =>
    d === '.' || d === undefined ? '' : d,
  );
  s = s.replace(/\\(?:left|right)\s*\\(?:lbrace|rbrace|langle|rangle|lvert|rvert)/g, (m) => m.replace(/\\(?:left|right)\s*/, ''));
  s = s.replace(/\\lbrace\b/g, '\\{').replace(/\\rbrace\b/g, '\\}');
  s = s.replace(/\\le(?:q|qslant)\b/g, '\\le').replace(/\\ge(?:q|qslant)\b/g, '\\ge').replace(/\\neq\b/g, '\\ne');
  // Thousands separators: 10,\!080 · 10{,}080 · 10\,080 (always 3-digit groups).
  for (let k = 0; k < 6; k++) {
    s = s.replace(/(\d)\s*(?:,\s*\\!|\{,\}|\\,|,\\,|\\!,)\s*(?=\d{3}(?!\d))/g, '$1');
  }
  // Degrees, percent, dollars.
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ\b|\\circ\b|\\degree\b|\^\s*\{\s*\\text\{\s*o\s*\}\s*\}/g, '');
  s = s.replace(/\\%|%/g, '').replace(/\\\$|\$/g, '');
  s = s.replace(/\\(?:dollar|textdollar)\b/g, '');
  // Trailing units in text commands, e.g. "\frac{270}7\text{ degrees}", "864 \mbox{ inches}^2".
  s = s.replace(
    new RegExp(`(?<=\\S)\\s*\\\\(?:${TEXT_CMDS})\\s*\\{\\s*(?:[a-zA-Z]+\\.?\\s*)+\\}\\s*(?:\\^\\s*\\{?\\s*[23]\\s*\\}?)?\\s*$`),
    (m) => (/\\(?:text|mbox|mathrm|textrm|hbox|textnormal)/.test(m) ? '' : m),
  );
  // Spacing commands.
  s = s.replace(/\\(?:quad|qquad|enspace|thinspace|medspace|thickspace|negthinspace)\b/g, ' ');
  s = s.replace(/(?<!\\)\\[,!;: ]/g, ' ').replace(/~/g, ' ');
  // Remaining text commands keep their content.
  s = mapCommandArg(s, TEXT_CMDS, (a) => a);
  s = s.replace(/\\operatorname\s*\{\s*([a-zA-Z]+)\s*\}/g, '\\$1');
  s = s.replace(/\s+/g, ' ').trim();
  // Plain trailing unit words after a number.
  for (let k = 0; k < 2; k++) {
    const t = s.replace(UNIT_RE, '').trim();
    if (t && /[\d}]/.test(t) && t !== s) s = t;
  }
  s = stripWrappers(s);
  const word = /^[A-Za-z][A-Za-z' -]*[A-Za-z]$/.test(s) && !/^[A-Za-z]$/.test(s);
  return { text: s, isText: !!wholeText || (word && !/\s[-+]\s/.test(s) && /[a-z]{2,}/i.test(s) && isWordy(s)) };
}

/** A bare word answer ("ellipse", "Monday") rather than a product of symbols ("pq", "ABC"). */
function isWordy(s: string): boolean {
  const letters = s.replace(/[^A-Za-z]/g, '');
  if (letters.length < 3) return false;
  // All-caps short strings are products of points/variables (ABC); words have lower-case vowels.
  return /[aeiouy]/.test(letters) && /[a-z]/.test(letters);
}

/** Text for case/space-insensitive comparison. */
export function textKey(s: string): string {
  let t = mapCommandArg(String(s), TEXT_CMDS, (a) => a);
  t = t.replace(/[\\{}$]/g, '').toLowerCase();
  return t.replace(/[^a-z0-9]/g, '');
}

/** Splits at top-level occurrences of `sep` (outside (), [], {}); brackets may be mismatched (intervals). */
export function splitTop(s: string, sep: string | RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
        continue;
      }
      if (depth === 0 && typeof sep !== 'string') {
        const m = sep.exec(s.slice(i));
        if (m && m.index === 0) {
          parts.push(s.slice(last, i));
          last = i + m[0].length;
          i = last - 1;
          continue;
        }
      }
      // Skip the command name.
      let j = i + 1;
      while (j < s.length && /[a-zA-Z]/.test(s[j]!)) j++;
      i = j === i + 1 ? i + 1 : j - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && typeof sep === 'string' && s.startsWith(sep, i)) {
      parts.push(s.slice(last, i));
      last = i + sep.length;
      i = last - 1;
    }
  }
  parts.push(s.slice(last));
  return parts.map((p) => p.trim());
}

export type AnswerNode =
  | { kind: 'scalar'; expr: string }
  | { kind: 'text'; value: string }
  | { kind: 'choice'; letter: string }
  | { kind: 'base'; digits: string; base: number }
  | { kind: 'equation'; lhs: string; rhs: string }
  | { kind: 'list'; items: AnswerNode[] }
  | { kind: 'set'; items: AnswerNode[] }
  | { kind: 'seq'; open: '(' | '['; close: ')' | ']'; items: AnswerNode[] }
  | { kind: 'union'; parts: AnswerNode[] }
  | { kind: 'matrix'; rows: AnswerNode[][] };

const CHOICE_RE = /^\(\s*([A-Ea-e])\s*\)(?:\s|$)|^([A-E])\s*\)(?:\s|$)|^([A-E])$/;

/** The letter of a multiple-choice answer ("(C)", "\text{(C)}", "C", "(C) 12"), or null. */
export function choiceLetter(raw: string): string | null {
  const s = normalizeAnswer(raw).text.replace(/^\\textbf\s*/, '');
  const m = CHOICE_RE.exec(s.trim());
  if (!m) return null;
  return (m[1] ?? m[2] ?? m[3] ?? '').toUpperCase() || null;
}

/** Does the outer bracket at position 0 close exactly at the last character? */
function outerSpans(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
        if (depth === 0 && i < s.length - 1) return false;
      }
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0 && i < s.length - 1) return false;
    }
  }
  return depth === 0;
}

const MAX_DEPTH = 6;

/** Parses a normalised answer string into its structure. Never throws. */
export function parseAnswer(text: string, depth = 0): AnswerNode {
  const s = text.trim();
  if (depth > MAX_DEPTH) return { kind: 'scalar', expr: s };
  // Matrices and vectors.
  const mat = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (mat) {
    const rows = mat[2]!
      .split(/\\\\/)
      .map((r) => r.trim())
      .filter((r) => r.length > 0)
      .map((r) => r.split('&').map((c) => parseAnswer(c, depth + 1)));
    return { kind: 'matrix', rows };
  }
  // Element-of prefix: "x \in [-2,7]".
  const inM = /^[a-zA-Z](?:_\{?\w+\}?)?\s*\\in\s*([\s\S]+)$/.exec(s);
  if (inM) return parseAnswer(inM[1]!, depth + 1);
  // Unions of intervals.
  const unionParts = splitTop(s, /^\\cup\b/);
  if (unionParts.length > 1) return { kind: 'union', parts: unionParts.map((p) => parseAnswer(p, depth + 1)) };
  // Sets.
  if (s.startsWith('\\{') && s.endsWith('\\}') && outerSpans(s)) {
    const inner = s.slice(2, -2).trim();
    const items = inner ? splitTop(inner, ',').map((p) => parseAnswer(p, depth + 1)) : [];
    return { kind: 'set', items };
  }
  // Tuples and intervals.
  if (/^[([]/.test(s) && /[)\]]$/.test(s) && outerSpans(s)) {
    const inner = s.slice(1, -1);
    const items = splitTop(inner, ',');
    if (items.length > 1) {
      return {
        kind: 'seq',
        open: s[0] as '(' | '[',
        close: s[s.length - 1] as ')' | ']',
        items: items.map((p) => parseAnswer(p, depth + 1)),
      };
    }
  }
  // Bare lists "1, 2, 3" (after thousands separators were joined). "10,080" is a number.
  const commas = splitTop(s, ',');
  if (commas.length > 1) {
    if (commas.every((p, i) => (i === 0 ? /^-?\d{1,3}$/.test(p) : /^\d{3}(?:\.\d+)?$/.test(p))) && !/,\s/.test(s)) {
      return { kind: 'scalar', expr: commas.join('') };
    }
    const items = commas.filter((p) => p.length > 0).flatMap((p) => splitAnd(p)).map((p) => parseAnswer(p, depth + 1));
    return { kind: 'list', items };
  }
  const ands = splitAnd(s);
  if (ands.length > 1) {
    // "x < 0 or x > 3": a union of intervals.
    const ivs = ands.map(inequalityInterval);
    if (ivs.every((v): v is AnswerNode => v !== undefined)) return { kind: 'union', parts: ivs };
    return { kind: 'list', items: ands.map((p) => parseAnswer(p, depth + 1)) };
  }
  const iv = inequalityInterval(s);
  if (iv) return iv;
  // Equations (not \le, \ge, \ne).
  const eq = splitTop(s, '=');
  if (eq.length > 1 && eq.every((p) => p.length > 0)) {
    return { kind: 'equation', lhs: eq[0]!, rhs: eq[eq.length - 1]! };
  }
  // Base-n numerals: 2516_8, 4210_{5}.
  const base = /^([0-9A-Za-z]+)_\{?\s*(\d{1,2})\s*\}?$/.exec(s);
  if (base && /\d/.test(base[1]!)) return { kind: 'base', digits: base[1]!.toUpperCase(), base: Number(base[2]) };
  return { kind: 'scalar', expr: s };
}

const OP = '(<|>|\\\\le(?![a-zA-Z])|\\\\ge(?![a-zA-Z]))';
const VAR = '([a-zA-Z]|\\\\(?:theta|alpha|beta|lambda|mu|phi))';
const DOUBLE_INEQ = new RegExp(`^([^<>=]+?)\\s*${OP}\\s*${VAR}\\s*${OP}\\s*([^<>=]+)$`);
const VAR_FIRST = new RegExp(`^${VAR}\\s*${OP}\\s*([^<>=]+)$`);
const VAR_LAST = new RegExp(`^([^<>=]+?)\\s*${OP}\\s*${VAR}$`);

/** "a < x \le b", "x > a", "x \le b" as an interval; undefined for anything else. */
export function inequalityInterval(text: string): AnswerNode | undefined {
  const s = text.replace(/\\lt\b/g, '<').replace(/\\gt\b/g, '>').trim();
  const less = (op: string) => op === '<' || op === '\\le';
  const strict = (op: string) => op === '<' || op === '>';
  const seq = (lo: string, loOpen: boolean, hi: string, hiOpen: boolean): AnswerNode => ({
    kind: 'seq',
    open: loOpen ? '(' : '[',
    close: hiOpen ? ')' : ']',
    items: [{ kind: 'scalar', expr: lo.trim() }, { kind: 'scalar', expr: hi.trim() }],
  });
  let m = DOUBLE_INEQ.exec(s);
  if (m) {
    const [, a, op1, , op2, b] = m as unknown as [string, string, string, string, string, string];
    if (less(op1) !== less(op2)) return undefined;
    return less(op1) ? seq(a, strict(op1), b, strict(op2)) : seq(b, strict(op2), a, strict(op1));
  }
  m = VAR_FIRST.exec(s);
  if (m) {
    const [, , op, v] = m as unknown as [string, string, string, string];
    return less(op) ? seq('-\\infty', true, v, strict(op)) : seq(v, strict(op), '\\infty', true);
  }
  m = VAR_LAST.exec(s);
  if (m) {
    const [, v, op] = m as unknown as [string, string, string];
    return less(op) ? seq(v, strict(op), '\\infty', true) : seq('-\\infty', true, v, strict(op));
  }
  return undefined;
}

function splitAnd(s: string): string[] {
  const parts = s.split(/\s+(?:and|or)\s+/i).map((p) => p.trim());
  return parts.length > 1 && parts.every((p) => p.length > 0) ? parts : [s];
}

/** Expands `\pm` / `\mp` into the two signed variants (all occurrences together). */
export function expandPlusMinus(expr: string): string[] {
  if (!/\\(?:pm|mp)\b/.test(expr)) return [expr];
  const plus = expr.replace(/\\pm\b/g, '+').replace(/\\mp\b/g, '-');
  const minus = expr.replace(/\\pm\b/g, '-').replace(/\\mp\b/g, '+');
  return [plus, minus].map((e) => e.replace(/^\s*\+/, '').trim());
}
