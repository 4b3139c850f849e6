// Markdown (CommonMark + MyST colon/backtick directives): markdown-it tokens with line maps, turned into
// a flat list of top-level block records per segment, then rules that pick out stated problems.
import MarkdownIt from 'markdown-it';
import type { DetectedProblem, ProblemKind } from './types.js';
import { DetectCancelledError, detach, newlinesIn, shiftProblem, type Segment } from './segments.js';
import {
  asksQuestion,
  endsWithQuestion,
  hasMath,
  guessLanguage,
  introducesProblems,
  isContainerHeading,
  isExampleLabel,
  isNumberOnlyLabel,
  isSolutionLabel,
  matchProblemLabel,
  startsWithTask,
  statesTask,
  tidyStatement,
} from './lexicon.js';

type Token = MarkdownIt.Token;

export type MRecord =
  | { t: 'heading'; level: number; title: string; line: number; end: number }
  | { t: 'para'; line: number; end: number; text: string; lead: string; bold: boolean }
  | { t: 'list'; ordered: boolean; line: number; end: number; items: { line: number; end: number; text: string }[] }
  | { t: 'quote'; line: number; end: number; text: string; lead: string }
  | { t: 'directive'; name: string; line: number; end: number; text: string }
  | { t: 'block'; line: number; end: number; text: string }
  | { t: 'hr'; line: number; end: number };

export interface MarkdownSegData {
  records: MRecord[];
  /** The segment holds mathematical notation. */
  math: boolean;
}

// ---------------------------------------------------------------------------------------------
// markdown-it with a colon-fence directive rule (`:::name{...}` / `::::{exercise}` ... `::::`).

type StateBlock = MarkdownIt.StateBlock;

function colonFence(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  const src = state.src;
  let n = 0;
  while (pos + n < max && src.charCodeAt(pos + n) === 58) n++;
  if (n < 3) return false;
  const rest = src.slice(pos + n, max).trim();
  const m = /^\{?([A-Za-z][\w:.-]*)\}?(.*)$/.exec(rest);
  if (!m) return false;
  if (silent) return true;
  let next = startLine + 1;
  let closed = false;
  for (; next < endLine; next++) {
    if (state.sCount[next]! < state.blkIndent && state.isEmpty(next) === false) break;
    const p = state.bMarks[next]! + state.tShift[next]!;
    const line = src.slice(p, state.eMarks[next]!);
    const cm = /^(:{3,})\s*(.*)$/.exec(line);
    if (!cm) continue;
    if (cm[1]!.length >= n && cm[2]!.trim() === '') {
      closed = true;
      break;
    }
    // A sibling directive with as many colons closes this one implicitly.
    if (cm[1]!.length === n && /^\{?[A-Za-z]/.test(cm[2]!)) break;
  }
  const open = state.push('colon_open', 'div', 1);
  open.info = m[1]!;
  open.meta = { args: m[2] };
  open.map = [startLine, closed ? next + 1 : next];
  const oldParent = state.parentType;
  const oldMax = state.lineMax;
  state.parentType = 'blockquote';
  state.lineMax = next;
  state.md.block.tokenize(state, startLine + 1, next);
  state.parentType = oldParent;
  state.lineMax = oldMax;
  const close = state.push('colon_close', 'div', -1);
  close.map = [startLine, closed ? next + 1 : next];
  state.line = closed ? next + 1 : next;
  return true;
}

type MarkdownItInstance = InstanceType<typeof MarkdownIt>;
let mdInstance: MarkdownItInstance | undefined;
function markdown(): MarkdownItInstance {
  if (!mdInstance) {
    mdInstance = new MarkdownIt({ html: true, linkify: false, typographer: false });
    mdInstance.block.ruler.before('fence', 'colon_fence', colonFence, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  }
  return mdInstance;
}

/** markdown-it alone (for the benchmark's side-by-side figure). */
export function markdownItParse(text: string): number {
  return markdown().parse(text, {}).length;
}

// ---------------------------------------------------------------------------------------------
// Segmentation: cut before ATX headings outside fences/directives/comments (and, in long runs
// without headings, before unindented paragraphs that follow a blank line).

const MIN_SEGMENT = 1024;
const LONG_SEGMENT = 8192;

function frontMatterEnd(text: string): number {
  if (!/^---[ \t]*\r?\n/.test(text)) return 0;
  const re = /\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;
  re.lastIndex = 3;
  const m = re.exec(text);
  if (!m) return 0;
  return m.index + m[0].length;
}

/** A record moved `k` lines down (records of a segment's text after an inert head). */
function shiftRecord(r: MRecord, k: number): MRecord {
  r.line += k;
  r.end += k;
  if (r.t === 'list') for (const it of r.items) {
    it.line += k;
    it.end += k;
  }
  return r;
}

/** Fence / comment state of the scanner as a segment entry ("f`3", "f~4", "c"). */
function entryOf(fence: { ch: string; len: number } | undefined): string {
  return fence ? `f${fence.ch}${fence.len}` : 'c';
}

export function scanMarkdown(
  text: string,
  from: number,
  stop: ((pos: number, entry?: string) => boolean) | undefined,
  cancel?: () => boolean,
  entry?: string,
): Segment<MarkdownSegData>[] {
  const segs: Segment<MarkdownSegData>[] = [];
  const n = text.length;
  let segStart = from;
  let count = 0;
  // Inside a long code fence or HTML comment that opened at the top level (column 0, after a blank line,
  // outside directives and raw HTML), where markdown-it and this scanner agree on where it ends, segments
  // are also cut at line starts: `segEntry` is the state the current segment starts in, `inertEnd` where
  // that stretch ends inside it. Its lines become one 'block' record, as the whole fence or comment
  // would (the rules only extend a statement over a block), and the text after it is analysed on its own.
  let segEntry: string | undefined = entry;
  let inertEnd = -1;
  const finish = (at: number, frontMatter = false, cutInside = false): void => {
    let records: MRecord[];
    if (frontMatter) records = [];
    else if (segEntry !== undefined) {
      const cut = inertEnd >= 0 ? Math.min(inertEnd, at) : at;
      let head = newlinesIn(text, segStart, cut).length;
      if (cut === n && n > segStart && text.charCodeAt(n - 1) !== 10) head++;
      records = [{ t: 'block', line: 0, end: head, text: '' }];
      if (cut < at) for (const r of analyse(text.slice(cut, at))) records.push(shiftRecord(r, head));
    } else records = analyse(text.slice(segStart, at));
    // Math notation that runs across a cut inside a stretch ("5" | "+ 3") counts as it would uncut.
    let mathEnd = at;
    if (cutInside) {
      const m = /^\s*\S\s*\S?/.exec(text.slice(at, at + 400));
      if (m) mathEnd += m[0].length;
    }
    const seg: Segment<MarkdownSegData> = {
      length: at - segStart,
      nl: newlinesIn(text, segStart, at),
      data: { records, math: !frontMatter && hasMath(text.slice(segStart, mathEnd)) },
    };
    if (segEntry !== undefined) seg.entry = segEntry;
    segs.push(seg);
    segStart = at;
    segEntry = undefined;
    inertEnd = -1;
    if (cancel && ++count % 16 === 0 && cancel()) throw new DetectCancelledError();
  };
  let pos = from;
  if (from === 0 && entry === undefined) {
    const fm = frontMatterEnd(text);
    if (fm > 0) {
      pos = fm;
      finish(fm, true);
    }
  }
  let fence: { ch: string; len: number } | undefined;
  const colons: number[] = [];
  let comment = false;
  let prevBlank = true;
  /** The open fence / comment is a top-level one (segments may be cut inside it). */
  let inert = false;
  /** markdown-it raw HTML block (<pre>, <script>, <style>, <textarea>) open until this closing tag. */
  let rawHtml: string | undefined;
  if (entry !== undefined) {
    if (entry[0] === 'f') fence = { ch: entry[1]!, len: Number(entry.slice(2)) || 3 };
    else comment = true;
    inert = true;
  }
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    // (Not inside raw HTML either: markdown-it reads a heading there as HTML, and the scanner's state
    // at a boundary must be all a later scan resuming there needs.)
    const clean = !fence && colons.length === 0 && !comment && rawHtml === undefined;
    if (clean && pos > segStart) {
      const c0 = text.charCodeAt(pos);
      const heading = c0 === 35 && /^#{1,6}(?:[ \t]|$)/.test(text.slice(pos, Math.min(eol, pos + 8)));
      const paragraphStart =
        prevBlank && pos - segStart >= LONG_SEGMENT && c0 > 32 && !/^(?:[-*+>|:`~<]|\d+[.)])/.test(text.slice(pos, pos + 4));
      if (heading || paragraphStart) {
        if (stop && stop(pos)) {
          finish(pos);
          return segs;
        }
        if (pos - segStart >= MIN_SEGMENT) finish(pos);
      }
    } else if (inert && pos - segStart >= LONG_SEGMENT) {
      const here = entryOf(fence);
      if (stop && stop(pos, here)) {
        finish(pos, false, true);
        return segs;
      }
      finish(pos, false, true);
      segEntry = here;
    }
    const line = text.slice(pos, Math.min(eol, pos + 200));
    const ts = line.trimStart();
    const wasBlank = prevBlank;
    prevBlank = ts.trim() === '';
    if (comment) {
      if (text.slice(pos, eol).includes('-->')) {
        comment = false;
        if (inert && segEntry !== undefined && inertEnd < 0) inertEnd = Math.min(n, eol + 1);
        inert = false;
      }
    } else if (fence) {
      if (inert) {
        // markdown-it's closing fence: at most three spaces of indentation, nothing after but blanks.
        const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text.slice(pos, eol).replace(/\r$/, ''));
        if (m && m[1]![0] === fence.ch && m[1]!.length >= fence.len) {
          fence = undefined;
          if (segEntry !== undefined && inertEnd < 0) inertEnd = Math.min(n, eol + 1);
          inert = false;
        }
      } else {
        const m = /^(`{3,}|~{3,})\s*$/.exec(ts);
        if (m && m[1]![0] === fence.ch && m[1]!.length >= fence.len) fence = undefined;
      }
    } else {
      const top = wasBlank && colons.length === 0 && rawHtml === undefined && ts.length === line.length;
      if (rawHtml !== undefined && text.slice(pos, eol).toLowerCase().includes(rawHtml)) rawHtml = undefined;
      const f = /^(`{3,}|~{3,})/.exec(ts);
      if (f && !(f[1]![0] === '`' && ts.slice(f[1]!.length).includes('`'))) {
        fence = { ch: f[1]![0]!, len: f[1]!.length };
        // Not a directive fence (```{exercise}): its text is a statement, not inert.
        inert = top && !ts.slice(f[1]!.length).trim().startsWith('{');
      } else {
        const c = /^(:{3,})(.*)$/.exec(ts);
        if (c) {
          const k = c[1]!.length;
          const rest = c[2]!.trim();
          if (rest === '') {
            if (colons.length && k >= colons[colons.length - 1]!) colons.pop();
          } else if (/^\{?[A-Za-z]/.test(rest)) {
            if (colons.length && colons[colons.length - 1] === k) colons.pop();
            colons.push(k);
          }
        } else {
          const open = line.lastIndexOf('<!--');
          if (open >= 0 && !text.slice(pos + open, eol).includes('-->')) {
            comment = true;
            inert = top && open === 0;
          } else if (rawHtml === undefined && line.length - ts.length <= 3) {
            const h = /^<(pre|script|style|textarea)(?:\s|>|$)/i.exec(ts);
            if (h && !text.slice(pos, eol).toLowerCase().includes(`</${h[1]!.toLowerCase()}>`)) rawHtml = `</${h[1]!.toLowerCase()}>`;
          }
        }
      }
    }
    pos = eol + 1;
  }
  if (segStart < n || segs.length === 0) finish(n);
  return segs;
}

function inlineText(tok: Token): string {
  return tok.content;
}

function collectText(tokens: Token[], from: number, to: number): string {
  const parts: string[] = [];
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.type === 'inline') parts.push(inlineText(t));
    else if (t.type === 'fence' || t.type === 'code_block') parts.push(t.content.trimEnd());
    else if (t.type === 'list_item_open') parts.push(t.info ? `${t.info}${t.markup}` : t.markup);
  }
  return parts.join('\n');
}

function leadOf(tok: Token | undefined): { lead: string; bold: boolean } {
  if (!tok || tok.type !== 'inline') return { lead: '', bold: false };
  const all = tok.children ?? [];
  let first = 0;
  while (first < all.length && all[first]!.type === 'text' && all[first]!.content.trim() === '') first++;
  const ch = all.slice(first);
  if (ch[0]?.type === 'strong_open') {
    const parts: string[] = [];
    for (let k = 1; k < ch.length && ch[k]!.type !== 'strong_close'; k++) parts.push(ch[k]!.content);
    return { lead: parts.join(''), bold: true };
  }
  const firstLine = tok.content.split('\n', 1)[0] ?? '';
  return { lead: firstLine.slice(0, 60), bold: false };
}

function closeIndex(tokens: Token[], open: number): number {
  const level = tokens[open]!.level;
  for (let k = open + 1; k < tokens.length; k++) if (tokens[k]!.level === level && tokens[k]!.nesting === -1) return k;
  return tokens.length - 1;
}

function stripOptions(text: string): string {
  return text.replace(/^(?:[ \t]*:[\w-]+:[^\n]*\n)+/, '').replace(/^(?:---\n[\s\S]*?\n---\n)/, '');
}

/** Top-level block records of one segment (lines relative to the segment). */
export function analyse(src: string): MRecord[] {
  const tokens = markdown().parse(src, {});
  const out: MRecord[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.level !== 0 || !t.map) continue;
    const [line, end] = t.map;
    switch (t.type) {
      case 'heading_open': {
        out.push({ t: 'heading', level: Number(t.tag.slice(1)) || 1, title: tokens[k + 1]?.content ?? '', line, end });
        k = closeIndex(tokens, k);
        break;
      }
      case 'paragraph_open': {
        const inl = tokens[k + 1];
        const { lead, bold } = leadOf(inl);
        out.push({ t: 'para', line, end, text: inl?.content ?? '', lead, bold });
        k = closeIndex(tokens, k);
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const close = closeIndex(tokens, k);
        const items: { line: number; end: number; text: string }[] = [];
        for (let j = k + 1; j < close; j++) {
          const it = tokens[j]!;
          if (it.type === 'list_item_open' && it.level === 1 && it.map) {
            const ic = closeIndex(tokens, j);
            items.push({ line: it.map[0], end: it.map[1], text: collectText(tokens, j + 1, ic) });
            j = ic;
          }
        }
        out.push({ t: 'list', ordered: t.type === 'ordered_list_open', line, end, items });
        k = close;
        break;
      }
      case 'blockquote_open': {
        const close = closeIndex(tokens, k);
        let lead = '';
        for (let j = k + 1; j < close; j++) {
          if (tokens[j]!.type === 'inline') {
            lead = leadOf(tokens[j]).lead;
            break;
          }
        }
        out.push({ t: 'quote', line, end, text: collectText(tokens, k + 1, close), lead });
        k = close;
        break;
      }
      case 'colon_open': {
        const close = closeIndex(tokens, k);
        out.push({ t: 'directive', name: t.info, line, end, text: stripOptions(collectText(tokens, k + 1, close)) });
        k = close;
        break;
      }
      case 'fence': {
        const m = /^\{([\w:.-]+)\}/.exec(t.info.trim());
        if (m) out.push({ t: 'directive', name: m[1]!, line, end, text: stripOptions(t.content) });
        else out.push({ t: 'block', line, end, text: t.content });
        break;
      }
      case 'code_block':
      case 'html_block':
      case 'table_open': {
        if (t.nesting === 1) k = closeIndex(tokens, k);
        out.push({ t: 'block', line, end, text: '' });
        break;
      }
      case 'hr':
        out.push({ t: 'hr', line, end });
        break;
      default:
        if (t.nesting === 1) k = closeIndex(tokens, k);
    }
  }
  // Keep only what the rules need, detached from the parsed source.
  for (const r of out) {
    if ('text' in r && r.text) (r as { text: string }).text = detach(r.text.length > 6000 ? r.text.slice(0, 6000) : r.text);
    if (r.t === 'list') for (const it of r.items) it.text = detach(it.text.length > 6000 ? it.text.slice(0, 6000) : it.text);
    if (r.t === 'heading') r.title = detach(r.title);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rules

const DIRECTIVE_KIND: Record<string, ProblemKind> = {
  exercise: 'exercise', exercises: 'exercise', challenge: 'exercise', practice: 'exercise', 'try-it': 'exercise',
  tryit: 'exercise', problem: 'problem', task: 'problem', homework: 'problem', question: 'question', quiz: 'question',
  aufgabe: 'problem', exercice: 'exercise', ejercicio: 'exercise', übung: 'exercise',
};
const SOLUTION_DIRECTIVE = /^(?:solution|answer|proof|solution-start|loesung|lösung|solucion|solución|reponse|réponse)$/;

type TextEntry = { recs: readonly object[]; text: string; language?: string; task?: boolean };
/** Derived data kept on our own (immutable while their segment is reused) record objects. */
type Cached = { __t?: TextEntry[]; __f?: Record<string, unknown> };
/** Statement text of the records `recs`, computed once per distinct list of records. */
function cachedText(recs: readonly object[], build: () => string): TextEntry {
  const key = recs[0] as Cached;
  const list = key.__t;
  if (list) {
    for (const e of list) {
      if (e.recs.length !== recs.length) continue;
      let same = true;
      for (let i = 1; i < recs.length; i++) {
        if (e.recs[i] !== recs[i]) {
          same = false;
          break;
        }
      }
      if (same) return e;
    }
  }
  const text = detach(tidyStatement(build()));
  const entry: TextEntry = { recs: recs.slice(), text };
  const lang = guessLanguage(text);
  if (lang) entry.language = lang;
  const l = list ?? [];
  l.unshift(entry);
  if (l.length > 4) l.length = 4;
  key.__t = l;
  return entry;
}
/** A fact derived from one record, computed once. */
function once<T>(rec: object, key: string, fn: () => T): T {
  const r = rec as Cached;
  const f = r.__f ?? (r.__f = {});
  if (key in f) return f[key] as T;
  const v = fn();
  f[key] = v;
  return v;
}
const HEADING_TAG = {};
const LABEL_TAG = {};

export interface MarkdownRuleOptions {
  maxProblems?: number;
  /**
   * Carried from one run to the next by the incremental detector: where the previous run's output could
   * be resumed. A segment that starts with a (non-solution) heading closing every open problem section
   * makes everything after it depend only on the enclosing sections' levels and roles, so when it and all
   * later segments are unchanged, the previous run's problems from there on are reused (shifted).
   */
  reuse?: MarkdownReuse;
}

export interface MarkdownReuse {
  prev?: {
    segs: readonly Segment<MarkdownSegData>[];
    out: readonly DetectedProblem[];
    math: boolean;
    capped: boolean;
    points: Map<Segment<MarkdownSegData>, ResumePoint>;
  };
}
interface ResumePoint {
  /** Index in that run's (sorted, final) output of the first problem from this segment on. */
  idx: number;
  sig: string;
  start: number;
  line: number;
}

/** Positions inside one segment (a class, not per-segment closures: the assembly pass runs on every edit). */
class Pos {
  constructor(
    private readonly text: string,
    private readonly segStart: number,
    private readonly nl: readonly number[],
    private readonly segLength: number,
    readonly base: number,
  ) {}
  /** Offset of the start of relative line `rel`. */
  off(rel: number): number {
    const nl = this.nl;
    return this.segStart + (rel <= 0 ? 0 : rel - 1 < nl.length ? nl[rel - 1]! + 1 : this.segLength);
  }
  /** Offset of the end (before the newline / CR) of relative line `relEnd - 1`. */
  endOff(relEnd: number): number {
    const lineIdx = relEnd - 1;
    const nl = this.nl;
    let e = this.segStart + (lineIdx < nl.length ? nl[lineIdx]! : this.segLength);
    if (e > this.segStart && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }
}

export function markdownProblems(
  text: string,
  segs: readonly Segment<MarkdownSegData>[],
  starts: readonly number[],
  lines: readonly number[],
  options: MarkdownRuleOptions = {},
): DetectedProblem[] {
  const max = options.maxProblems ?? 20000;
  const out: DetectedProblem[] = [];
  type Section = { level: number; role: 'container' | 'example' | 'solution' | 'problem' | 'plain'; problem?: DetectedProblem; inner: boolean; needsTask: boolean; open: boolean; parts: string[]; recs: object[]; body: number };
  const sections: Section[] = [];
  let open: { p: DetectedProblem; parts: string[]; recs: object[] } | undefined;
  let last: DetectedProblem | undefined;
  let prevPara = '';
  const inRole = (role: Section['role']): boolean => sections.some((s) => s.role === role);
  let mathSeen: boolean | undefined;
  /** Whether the document uses math notation anywhere (numbered task lists in a non-math README are steps, not problems). */
  const docMath = (): boolean => (mathSeen ??= segs.some((g) => g.data.math));
  const openSection = (): Section | undefined => {
    for (let k = sections.length - 1; k >= 0; k--) if (sections[k]!.role === 'problem' && sections[k]!.open) return sections[k];
    return undefined;
  };
  const make = (pos: Pos, line: number, end: number, kind: ProblemKind, recs: readonly object[], build: () => string, label?: string): DetectedProblem => {
    const t = cachedText(recs, build);
    const p: DetectedProblem = {
      startLine: pos.base + line,
      endLine: pos.base + Math.max(line, end - 1),
      startOffset: pos.off(line),
      endOffset: pos.endOff(end),
      blockEndOffset: pos.endOff(end),
      kind,
      text: t.text,
      solved: false,
    };
    if (label) p.label = label;
    if (t.language) p.language = t.language;
    return p;
  };
  const extend = (p: DetectedProblem, pos: Pos, end: number): void => {
    p.endLine = pos.base + end - 1;
    p.endOffset = pos.endOff(end);
    p.blockEndOffset = p.endOffset;
  };
  const finishOpen = (): void => {
    if (!open) return;
    const o = open;
    const t = cachedText(o.recs, () => o.parts.join('\n\n'));
    o.p.text = t.text;
    if (t.language) o.p.language = t.language;
    else delete o.p.language;
    open = undefined;
  };
  const finishSection = (s: Section): void => {
    if (s.role !== 'problem' || !s.problem) return;
    const p = s.problem;
    const t = cachedText(s.recs, () => s.parts.join('\n\n') || p.label || '');
    if (t.task === undefined) t.task = statesTask(t.text);
    const keep = !s.inner && (!s.needsTask || t.task) && !!t.text;
    if (!keep) {
      const at = out.lastIndexOf(p);
      if (at >= 0) out.splice(at, 1);
      return;
    }
    p.text = t.text;
    if (t.language) p.language = t.language;
    else delete p.language;
  };
  /** A new explicit problem inside an open heading-problem section: an empty section was only a title
   *  over problems (not a problem itself); otherwise the section's statement ends here. */
  const claimSections = (): void => {
    for (const s of sections) {
      if (s.role !== 'problem') continue;
      if (s.body === 0) s.inner = true;
      else s.open = false;
    }
  };

  const reuse = options.reuse;
  const prev = reuse?.prev;
  const math = docMath();
  const points = new Map<Segment<MarkdownSegData>, ResumePoint>();
  // Segments from `sameFrom` on are the very objects of the previous run (an edit keeps the tail).
  let sameFrom = segs.length;
  if (prev && prev.math === math && !prev.capped) {
    let a = segs.length - 1;
    let b = prev.segs.length - 1;
    while (a >= 0 && b >= 0 && segs[a] === prev.segs[b]) {
      a--;
      b--;
    }
    sameFrom = a + 1;
  }
  let tail: DetectedProblem[] | undefined;

  for (let si = 0; si < segs.length && out.length < max; si++) {
    const seg = segs[si]!;
    const segStart = starts[si]!;
    const nl = seg.nl;
    const first = seg.data.records[0];
    if (reuse && first && first.t === 'heading' && !once(first, 'solutionHeading', () => isSolutionLabel(first.title.trim()))) {
      // What the heading does first anyway: end the open statement and the sections it closes.
      finishOpen();
      while (sections.length && sections[sections.length - 1]!.level >= first.level) finishSection(sections.pop()!);
      if (sections.every((x) => x.role !== 'problem')) {
        let sig = '';
        for (const x of sections) sig += `${x.level}:${x.role},`;
        const here: ResumePoint = { idx: out.length, sig, start: segStart, line: lines[si]! };
        const old = si >= sameFrom ? prev!.points.get(seg) : undefined;
        if (old && old.sig === sig && out.length + (prev!.out.length - old.idx) < max) {
          const dOff = segStart - old.start;
          const dLine = lines[si]! - old.line;
          tail = [];
          for (let k = old.idx; k < prev!.out.length; k++) tail.push(shiftProblem(prev!.out[k]!, dOff, dLine));
          for (let k = si; k < segs.length; k++) {
            const pt = prev!.points.get(segs[k]!);
            if (pt) points.set(segs[k]!, { idx: pt.idx - old.idx + here.idx, sig: pt.sig, start: pt.start + dOff, line: pt.line + dLine });
          }
          break;
        }
        points.set(seg, here);
      }
    }
    const pos = new Pos(text, segStart, nl, seg.length, lines[si]!);
    for (const r of seg.data.records) {
      if (out.length >= max) break;
      const sec = openSection();
      switch (r.t) {
        case 'heading': {
          finishOpen();
          while (sections.length && sections[sections.length - 1]!.level >= r.level) finishSection(sections.pop()!);
          const h = once(r, 'heading', () => {
            const title = r.title.trim();
            return {
              title,
              solution: isSolutionLabel(title),
              label: matchProblemLabel(title),
              container: isContainerHeading(title),
              example: isExampleLabel(title),
              numberOnly: isNumberOnlyLabel(title),
            };
          });
          const title = h.title;
          const { solution, label } = h;
          const explicit = !!label && label.numbered && !h.container;
          if (explicit && openSection()) claimSections();
          const enclosing = openSection();
          if (enclosing && solution) {
            enclosing.open = false;
            enclosing.problem!.solved = true;
          } else if (enclosing && enclosing.open) {
            enclosing.parts.push(title);
            enclosing.recs.push(r);
            enclosing.body++;
            extend(enclosing.problem!, pos, r.end);
          }
          if (solution && last) last.solved = true;
          const section: Section = { level: r.level, role: 'plain', inner: false, needsTask: false, open: false, parts: [], recs: [r], body: 0 };
          if (solution) section.role = 'solution';
          else if (h.example) section.role = 'example';
          else if (enclosing) section.role = 'plain';
          else if (label && (label.numbered || !label.rest) && !h.container && !inRole('example') && !inRole('solution')) {
            section.role = 'problem';
            section.open = true;
            if (label.rest) section.parts.push(label.rest);
            section.problem = make(pos, r.line, r.end, label.kind, [r, HEADING_TAG], () => label.rest, label.label);
          } else if (h.numberOnly && !inRole('example') && !inRole('solution')) {
            section.role = 'problem';
            section.open = true;
            section.needsTask = true;
            section.problem = make(pos, r.line, r.end, 'problem', [r, HEADING_TAG], () => '', title.replace(/[.:)]\s*$/, ''));
          } else if (h.container) section.role = 'container';
          if (section.problem) {
            out.push(section.problem);
            last = section.problem;
          } else if (!solution) last = undefined;
          sections.push(section);
          prevPara = '';
          break;
        }
        case 'para': {
          const { label, solution, numberOnly } = once(r, 'para', () => ({
            label: matchProblemLabel(r.lead),
            solution: isSolutionLabel(r.bold ? r.lead : r.text.slice(0, 40)),
            numberOnly: r.bold && isNumberOnlyLabel(r.lead),
          }));
          if (solution) {
            if (open) open.p.solved = true;
            else if (sec) {
              sec.problem!.solved = true;
              sec.open = false;
            } else if (last) last.solved = true;
            finishOpen();
            prevPara = '';
            break;
          }
          if (inRole('example') || inRole('solution')) break;
          if (label && (r.bold || label.numbered) && !(r.bold && sec && !label.numbered)) {
            finishOpen();
            const body = once(r, 'body', () =>
              r.bold
                ? r.text.replace(/^\s*(?:\*\*|__)[\s\S]*?(?:\*\*|__)\s*/, '').trim()
                : r.text.slice(r.text.indexOf(label.label) + label.label.length).replace(/^[\s.:：)*_]+/, '').trim(),
            );
            const p = make(pos, r.line, r.end, label.kind, [r], () => body, label.label);
            // "**Problem 2.**" paragraphs under a heading: the heading was only a title (or its statement ends).
            if (sec) claimSections();
            out.push(p);
            last = p;
            open = { p, parts: [body], recs: [r] };
            break;
          }
          if (numberOnly && inRole('container') && !open && !sec) {
            const body = once(r, 'body', () => r.text.replace(/^\s*\*\*[^*]*\*\*\s*/, '').trim());
            const p = make(pos, r.line, r.end, 'problem', [r, LABEL_TAG], () => body, r.lead.replace(/[.:)]\s*$/, ''));
            out.push(p);
            last = p;
            open = { p, parts: [body], recs: [r, LABEL_TAG] };
            break;
          }
          if (open) {
            extend(open.p, pos, r.end);
            open.parts.push(r.text);
            open.recs.push(r);
          } else if (sec) {
            extend(sec.problem!, pos, r.end);
            sec.body++;
            sec.parts.push(r.text);
            sec.recs.push(r);
          } else if (r.text.length > 30 && r.text.trim().length > 30) last = undefined;
          prevPara = r.text;
          break;
        }
        case 'list': {
          if (open || sec) {
            const joined = once(r, 'joined', () => r.items.map((i) => i.text).join('\n'));
            const target = open ?? sec!;
            extend(open ? open.p : sec!.problem!, pos, r.end);
            if (!open) sec!.body++;
            target.parts.push(joined);
            target.recs.push(r);
            break;
          }
          if (inRole('example') || inRole('solution')) break;
          const container = inRole('container') || (prevPara !== '' && introducesProblems(prevPara));
          for (const it of r.items) {
            const body = once(it, 'body', () => it.text.replace(/^\s*(?:\d+[.)]|[-*+])\s*/, ''));
            if (!once(it, 'nonEmpty', () => body.trim() !== '')) continue;
            const task =
              container ||
              (r.ordered &&
                once(it, 'task', () => startsWithTask(body) || asksQuestion(body.split('\n', 1)[0] ?? '')) &&
                (docMath() || once(it, 'math', () => hasMath(body))));
            if (!task) continue;
            const p = make(pos, it.line, it.end, 'item', [it], () => body);
            out.push(p);
            last = p;
          }
          prevPara = '';
          break;
        }
        case 'quote': {
          // "> **Problem 5.** ..." is a problem of its own even right after another problem or section.
          const quoted = once(r, 'qlabel', () => {
            const l = matchProblemLabel(r.lead);
            return !!l && l.numbered && !isContainerHeading(r.lead);
          });
          if (quoted && (open || sec) && !inRole('example') && !inRole('solution')) {
            finishOpen();
            if (sec) {
              claimSections();
              sec.open = false;
            }
          } else if (open || sec) {
            const target = open ?? sec!;
            extend(open ? open.p : sec!.problem!, pos, r.end);
            if (!open) sec!.body++;
            target.parts.push(r.text);
            target.recs.push(r);
            break;
          }
          if (inRole('example') || inRole('solution')) break;
          const q = once(r, 'quote', () => {
            const plain = r.text.replace(/\$\$[\s\S]*?\$\$|\$[^$\n]*\$/g, ' ').trim();
            if (plain.replace(/[\s\p{P}]/gu, '').length < 8) return undefined;
            const label = matchProblemLabel(r.lead);
            let kind: ProblemKind | undefined;
            if (label && label.numbered) kind = label.kind;
            else if (endsWithQuestion(plain)) kind = 'question';
            else if (startsWithTask(plain) && hasMath(r.text)) kind = 'problem';
            return kind ? { kind, label: label?.label } : undefined;
          });
          if (!q) break;
          const body = once(r, 'body', () => (q.label ? r.text.replace(/^\s*(?:\*\*|__)[^\n]*?(?:\*\*|__)\s*/, '').trim() || r.text : r.text));
          const p = make(pos, r.line, r.end, q.kind, [r], () => body, q.label);
          out.push(p);
          last = p;
          break;
        }
        case 'directive': {
          const name = once(r, 'name', () => r.name.toLowerCase().replace(/^(?:prf|exercise|sphinx-exercise):(?=\w)/, '').replace(/-start$/, ''));
          const kind = Object.hasOwn(DIRECTIVE_KIND, name) ? DIRECTIVE_KIND[name] : undefined;
          if (kind) {
            finishOpen();
            claimSections();
            if (sec) sec.open = false;
            const p = make(pos, r.line, r.end, kind, [r], () => r.text);
            out.push(p);
            last = p;
            break;
          }
          if (SOLUTION_DIRECTIVE.test(name)) {
            if (open) open.p.solved = true;
            else if (last) {
              last.solved = true;
              last.blockEndOffset = pos.endOff(r.end);
            }
            finishOpen();
            break;
          }
          if (open) extend(open.p, pos, r.end);
          else if (sec) {
            extend(sec.problem!, pos, r.end);
            sec.body++;
          }
          break;
        }
        case 'block': {
          if (open) extend(open.p, pos, r.end);
          else if (sec) extend(sec.problem!, pos, r.end);
          break;
        }
        case 'hr':
          finishOpen();
          break;
      }
    }
  }
  finishOpen();
  while (sections.length) finishSection(sections.pop()!);
  out.sort((a, b) => a.startOffset - b.startOffset);
  if (tail) for (const p of tail) out.push(p);
  if (reuse) reuse.prev = { segs: segs.slice(), out: out.slice(), math, capped: out.length >= max, points };
  return out;
}
