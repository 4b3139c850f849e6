// Markdown (CommonMark + MyST colon/backtick directives): markdown-it tokens with line maps, turned into
// a flat list of top-level block records per segment, then rules that pick out stated problems.
import MarkdownIt from 'markdown-it';
import type { DetectedProblem, ProblemKind } from './types.js';
import { DetectCancelledError, detach, newlinesIn, shiftProblem, sortByStart, type Segment } from './segments.js';
import {
  type LabelMatch,
  asciiDigits,
  asksQuestion,
  endsWithQuestion,
  hasMath,
  guessLanguage,
  hasImperative,
  introducesProblems,
  introducesSteps,
  isAdvice,
  leadsWithTask,
  isContainerHeading,
  isExampleLabel,
  isNumberOnlyLabel,
  numberedTaskTitle,
  isSolutionLabel,
  matchProblemLabel,
  posesChoiceOrBlank,
  startsWithTask,
  statesTask,
  statesTaskStrict,
  tidyStatement,
} from './lexicon.js';

type Token = MarkdownIt.Token;

export type MRecord =
  | { t: 'heading'; level: number; title: string; line: number; end: number }
  | { t: 'para'; line: number; end: number; text: string; lead: string; bold: boolean }
  | { t: 'list'; ordered: boolean; line: number; end: number; items: ListItem[]; start?: number }
  | { t: 'quote'; line: number; end: number; text: string; lead: string }
  | { t: 'directive'; name: string; line: number; end: number; text: string; title?: string; admonition?: boolean; opener?: boolean; prose?: string; items?: ListItem[] }
  /** `<details>` opened by an HTML block; `summary` is the text of its `<summary>`; `closed` when it ends in the same block. */
  | { t: 'details'; line: number; end: number; summary: string; closed: boolean; text: string }
  | { t: 'detailsEnd'; line: number; end: number }
  /** A closing tag alone in an HTML block (`</div>`, `</exercise>`). */
  | { t: 'htmlEnd'; line: number; end: number }
  | { t: 'block'; line: number; end: number; text: string }
  | { t: 'hr'; line: number; end: number };

export interface MarkdownSegData {
  records: MRecord[];
  /** The segment holds mathematical notation. */
  math: boolean;
  /** The segment marks a problem explicitly (exercise directive, "Problem 3" label, "Exercises" heading). */
  marked: boolean;
}

// ---------------------------------------------------------------------------------------------
// markdown-it with a colon-fence directive rule (`:::name{...}` / `::::{exercise}` ... `::::`).

type StateBlock = MarkdownIt.StateBlock;

/** A list item; `heads` are its later paragraphs that open with a bold number ("**3.** Seja …"), each to the next. */
type ListItem = { line: number; end: number; text: string; heads?: { line: number; end: number; text: string }[] };

/** The name after a colon fence: `{exercise}`, `exercise`, Pandoc `{.exercise …}` / `{#id .problem}`, Docusaurus `tip[Title]`. */
const COLON_OPENER = /^\{?\s*(?:#[\w:-]+\s+)?\.?([A-Za-z][\w:.-]*)\}?(.*)$/;

/** Title of a directive from its argument text: `Oppgave 1`, `title="Exercise 2"`, `[Exercise 3]`, `"Aufgabe"`. */
function directiveTitle(args: string): string {
  const a = args.trim();
  const q = /\btitle\s*=\s*"([^"]*)"|\btitle\s*=\s*'([^']*)'/.exec(a);
  if (q) return (q[1] ?? q[2] ?? '').trim();
  const b = /^\[([^\]]*)\]/.exec(a);
  if (b) return b[1]!.trim();
  return a.replace(/^[}\s]+/, '').replace(/\{[^}]*\}\s*$/, '').replace(/^"([^"]*)"$/, '$1').trim();
}

/** MkDocs / Python-Markdown admonition header: `!!! question "Title"`, `???+ exercise`, `!!!+ info`, `!!! note inline end "T"`. */
const ADMONITION = /^(?:!!!\+?|\?\?\?\+?)[ \t]*([A-Za-z][\w-]*)?((?:[ \t]+(?:inline|end))*)[ \t]*(?:"([^"]*)"|'([^']*)')?[ \t]*$/;

/** A content-tab header line: `=== "Title"`, `===+ "Title"`, `===! "Title"`. */
const TAB_HEADER = /^===[+!]?[ \t]+"[^"]*"[ \t]*$/;

function colonFence(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  const src = state.src;
  let n = 0;
  while (pos + n < max && src.charCodeAt(pos + n) === 58) n++;
  if (n < 3) return false;
  const rest = src.slice(pos + n, max).trim();
  const m = COLON_OPENER.exec(rest);
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
    if (cm[1]!.length === n && COLON_OPENER.test(cm[2]!.trim())) break;
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
/** How far into the next line a cut's decision reads (`#{1,6}` and a blank, four characters of a paragraph start). */
const MD_PEEK = 16;

function frontMatterEnd(text: string): number {
  if (!/^---[ \t]*\r?\n/.test(text)) return 0;
  const re = /\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;
  re.lastIndex = 3;
  const m = re.exec(text);
  if (!m) return 0;
  return m.index + m[0].length;
}

/** Fence / directive / comment state of the scanner as a segment entry ("f`3", "f~4", "d3", "c"). */
function entryOf(fence: { ch: string; len: number } | undefined, dir: number | undefined): string {
  return fence ? `f${fence.ch}${fence.len}` : dir !== undefined ? `d${dir}` : 'c';
}

/**
 * A colon directive (`:::{note}`, `::: tip`) whose record only ever extends the statement around it: no
 * problem, solution or sub-problem marker, whatever its body (see blockRole). Left open, it may be cut into
 * segments like a code fence: its first part keeps the directive record, the rest are blocks.
 */
function extendOnlyDirective(rest: string): boolean {
  const m = COLON_OPENER.exec(rest);
  if (!m || /-(?:start|end)$/i.test(m[1]!)) return false;
  const title = directiveTitle(m[2] ?? '');
  if (title && matchProblemLabel(title)) return false;
  const role = blockRole(m[1]!, title, '', true);
  return !role || role.role === 'example';
}

/** markdown-it's colon-fence line (leading blanks skipped): [colons, rest] (see colonFence). */
function colonLine(line: string): [number, string] | undefined {
  const cm = /^(:{3,})\s*(.*)$/.exec(line.replace(/^[ \t]+/, '').replace(/\r$/, ''));
  return cm ? [cm[1]!.length, cm[2]!.trim()] : undefined;
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
  /** Where the analysed part of the current segment starts (after the inert stretch it starts in, if any). */
  const analysedFrom = (at: number): number => (segEntry !== undefined ? (inertEnd >= 0 ? Math.min(inertEnd, at) : at) : segStart);
  /** `pre`: the records of text[analysedFrom(at), at) when already made. */
  const finish = (at: number, frontMatter = false, cutInside = false, pre?: MRecord[]): void => {
    let records: MRecord[];
    if (frontMatter) records = [];
    else if (segEntry !== undefined) {
      const cut = analysedFrom(at);
      let head = newlinesIn(text, segStart, cut).length;
      if (cut === n && n > segStart && text.charCodeAt(n - 1) !== 10) head++;
      records = [{ t: 'block', line: 0, end: head, text: '' }];
      if (cut < at) for (const r of pre ?? analyse(detach(text.slice(cut, at)))) records.push(shiftRecord(r, head));
    } else records = pre ?? analyse(detach(text.slice(segStart, at)));
    // Math notation that runs across a cut inside a stretch ("5" | "+ 3") counts as it would uncut.
    let mathEnd = at;
    if (cutInside) {
      const m = /^\s*\S\s*\S?/.exec(text.slice(at, at + 400));
      if (m) mathEnd += m[0].length;
    }
    const seg: Segment<MarkdownSegData> = {
      length: at - segStart,
      nl: newlinesIn(text, segStart, at),
      data: { records, math: !frontMatter && hasMath(text.slice(segStart, mathEnd)), marked: marksProblems(records) },
    };
    if (segEntry !== undefined) seg.entry = segEntry;
    // What deciding this segment read past its end: the next line's first characters (whether it is a heading or
    // starts a paragraph) and, at a cut inside a stretch, the math notation running on (at most 400 characters).
    seg.reach = at - segStart + (cutInside ? 400 : 0) + MD_PEEK;
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
  /** An open top-level colon directive that only extends the statement around it: its number of colons. */
  let dir: number | undefined;
  const colons: number[] = [];
  let comment = false;
  let prevBlank = true;
  /** The open fence / comment is a top-level one (segments may be cut inside it). */
  let inert = false;
  /**
   * A markdown-it HTML block that ends at a marker, not at a blank line, open until that text: raw HTML
   * (<pre>, <script>, <style>, <textarea>) until its closing tag, `<?` until `?>`, `<!X` until `>`, CDATA
   * until `]]>`. Its lines are HTML to markdown-it (a heading there is not one), so no cut inside.
   */
  let rawHtml: string | undefined;
  /** An HTML block that ends at the next blank line (a block-level or lone tag) may be open: no cut before that. */
  let htmlBlock = false;
  if (entry !== undefined) {
    if (entry[0] === 'f') fence = { ch: entry[1]!, len: Number(entry.slice(2)) || 3 };
    else if (entry[0] === 'd') dir = Number(entry.slice(1)) || 3;
    else comment = true;
    inert = true;
  }
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    // (Not inside raw HTML either: markdown-it reads a heading there as HTML, and the scanner's state
    // at a boundary must be all a later scan resuming there needs.)
    const clean = !fence && colons.length === 0 && !comment && rawHtml === undefined && !htmlBlock && dir === undefined;
    if (clean && pos > segStart) {
      const c0 = text.charCodeAt(pos);
      const heading = c0 === 35 && /^#{1,6}(?:[ \t]|$)/.test(text.slice(pos, Math.min(eol, pos + 8)));
      const paragraphStart =
        prevBlank && pos - segStart >= LONG_SEGMENT && c0 > 32 && !/^(?:[-*+>|:`~<]|\d+[.)]|[\u0660-\u0669\u06f0-\u06f9]+[.)-])/u.test(text.slice(pos, pos + 4));
      if (heading || paragraphStart) {
        const atStop = !!stop && stop(pos);
        if (atStop || pos - segStart >= MIN_SEGMENT) {
          // This scanner follows markdown-it's blocks only roughly (an inline `<!--` in a paragraph, a fence in
          // raw HTML): a cut is made only where markdown-it itself has no block open, else the scan goes on
          // inside that block. (A stop refused here is no stop: the caller reads where the scan ended.)
          const from0 = analysedFrom(pos);
          // (A copy: the records keep pieces of it, which must not keep this version of the whole document alive.)
          const src = detach(text.slice(from0, pos));
          const tokens = markdown().parse(parseable(src), {});
          const open = openAtEnd(src, tokens);
          if (open === undefined) {
            finish(pos, false, false, recordsOf(src, tokens));
            if (atStop) return segs;
          } else {
            colons.push(...open.colons);
            const e = open.end;
            if (e && 'fence' in e) fence = e.fence;
            else if (e && e.raw === '-->') comment = true;
            else if (e) rawHtml = e.raw;
            inert = false;
          }
        }
      }
    } else if (inert && pos - segStart >= LONG_SEGMENT) {
      const here = entryOf(fence, dir);
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
    if (prevBlank) htmlBlock = false;
    let inside = false;
    if (dir !== undefined) {
      // markdown-it's end of the directive: a line of at least as many colons alone, or a sibling opener
      // with as many (which starts a directive of its own on this line).
      const cl = text.charCodeAt(pos) === 58 || /^[ \t]+:/.test(line) ? colonLine(text.slice(pos, eol)) : undefined;
      if (cl && cl[0] >= dir && cl[1] === '') {
        dir = undefined;
        if (segEntry !== undefined && inertEnd < 0) inertEnd = Math.min(n, eol + 1);
        inert = false;
        inside = true;
      } else if (cl && cl[0] === dir && COLON_OPENER.test(cl[1])) {
        dir = undefined;
        if (segEntry !== undefined && inertEnd < 0) inertEnd = pos;
        inert = false;
      } else inside = true;
    }
    if (inside) {
      // (the directive's own lines)
    } else if (comment) {
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
          } else if (COLON_OPENER.test(rest)) {
            if (colons.length && colons[colons.length - 1] === k) colons.pop();
            if (top && colons.length === 0 && extendOnlyDirective(colonLine(text.slice(pos, eol))?.[1] ?? '')) {
              dir = k;
              inert = true;
            } else colons.push(k);
          }
        } else {
          const open = line.lastIndexOf('<!--');
          if (open >= 0 && !text.slice(pos + open, eol).includes('-->')) {
            comment = true;
            inert = top && open === 0;
          } else if (rawHtml === undefined) {
            // (After any container markers and indentation: a list item's or quote's HTML block counts too.
            // Reading more lines as HTML than markdown-it does only leaves out cuts, never changes a result.)
            const hs = ts.replace(/^(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+)+/, '');
            const whole = text.slice(pos, eol).toLowerCase();
            const close = htmlBlockCloser(hs);
            if (close !== undefined && !whole.slice(whole.indexOf('<') + 2).includes(close)) rawHtml = close;
            else if (/^<\/?[a-z]/i.test(hs)) htmlBlock = true;
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

function collectText(tokens: Token[], from: number, to: number, code = true): string {
  const parts: string[] = [];
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.type === 'inline') parts.push(inlineText(t));
    else if (t.type === 'fence' || t.type === 'code_block') {
      if (code) parts.push(t.content.trimEnd());
    }
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

/** `<details …><summary …>Text</summary>` at the start of an HTML block: the summary's plain text. */
function detailsOf(html: string): { summary: string; closed: boolean; text: string } | undefined {
  if (!/^\s*<details\b[^>]*>/i.test(html)) return undefined;
  const m = /<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/i.exec(html);
  const summary = m
    ? m[1]!
        .replace(/<[^>]*>/g, ' ')
        .replace(/&nbsp;/g, ' ')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
  const opens = (html.match(/<details\b/gi) ?? []).length;
  const closes = (html.match(/<\/details\s*>/gi) ?? []).length;
  const text = htmlText(m ? html.slice(m.index + m[0].length) : html.replace(/^\s*<details\b[^>]*>/i, ''));
  return { summary, closed: closes >= opens, text };
}

/** The plain text of an HTML fragment (tags dropped, a few entities decoded). */
function htmlText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>|<\/li>|<\/div>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*/g, '\n')
    .trim();
}

const HTML_PROBLEM_WORD = /(?:^|[\s_-])(exercises?|problems?|questions?|tasks?|exercices?|ejercicios?|aufgaben?|oppgaver?|esercizi[oi]?)(?=$|[\s_-])/i;

/**
 * An HTML block that holds (or opens) a problem: a custom tag (`<exercise>`, `<problem>`) or an element whose
 * class names one (`<div class="exercise">`). `opener` when the statement follows in Markdown blocks.
 */
function htmlProblemBlock(html: string): { name: string; title: string; text: string; opener: boolean } | undefined {
  const m = /^\s*<([a-z][\w-]*)\b([^>]*)>/i.exec(html);
  if (!m) return undefined;
  const tag = m[1]!.toLowerCase();
  const attrs = m[2]!;
  let word = HTML_PROBLEM_WORD.exec(tag)?.[1];
  if (!word) {
    const cls = /\b(?:class|data-type|data-kind)\s*=\s*["']([^"']*)["']/i.exec(attrs);
    if (cls) word = HTML_PROBLEM_WORD.exec(cls[1]!)?.[1];
  }
  if (!word) return undefined;
  const name = word.toLowerCase().replace(/s$/, '').replace(/^exercice$/, 'exercise');
  const titleAttr = /\btitle\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1];
  const body = html.slice(m.index + m[0].length);
  const head = /^\s*<(?:b|strong|h[1-6]|span class=["'][^"']*title[^"']*["'])\b[^>]*>([\s\S]*?)<\//i.exec(body);
  const text = htmlText(body);
  return { name, title: (titleAttr ?? (head ? htmlText(head[1]!) : '')).trim(), text, opener: text === '' || text === htmlText(head?.[1] ?? '\u0000') };
}

const LIST_LINE = /^(?:\d{1,3}[.)]|[-*+])[ \t]+\S/;
const CODE_LINE = /[;{}]\s*$|^\s*(?:def |import |from \S+ import|#include|function |return |class |for \(|if \(|\$ )/;

/** Dedented code-block text that is a list: it opens with a list item and at least two lines are items. */
function looksLikeIndentedList(content: string): boolean {
  const lines = content.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2 || !LIST_LINE.test(lines[0]!)) return false;
  if (lines.some((l) => CODE_LINE.test(l))) return false;
  return lines.filter((l) => LIST_LINE.test(l)).length >= 2;
}

function lineOffsets(src: string): number[] {
  const out = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function sourceLines(src: string, starts: number[], from: number, to: number): string {
  return src.slice(starts[from] ?? src.length, to < starts.length ? starts[to]! - 1 : src.length);
}

/** The first line of a paragraph from which every line is an indented list line (≥ 2 of them), else -1. */
function indentedListStart(src: string, starts: number[], line: number, end: number): number {
  let first = -1;
  let items = 0;
  for (let l = line + 1; l < end; l++) {
    const raw = sourceLines(src, starts, l, l + 1);
    const m = /^(\t| {2,})(.*)$/.exec(raw);
    if (!m) {
      if (first >= 0) return -1;
      continue;
    }
    if (LIST_LINE.test(m[2]!)) {
      if (first < 0) first = l;
      items++;
    } else if (first < 0) return -1;
  }
  return items >= 2 ? first : -1;
}

/** A record moved down by `by` lines (records of a re-parsed block). */
function shiftRecord(r: MRecord, by: number): MRecord {
  const c = { ...r, line: r.line + by, end: r.end + by } as MRecord;
  if (c.t === 'list') c.items = c.items.map((it) => ({ ...it, line: it.line + by, end: it.end + by }));
  return c;
}

function stripOptions(text: string): string {
  return text.replace(/^(?:[ \t]*:[\w-]+:[^\n]*\n)+/, '').replace(/^(?:---\n[\s\S]*?\n---\n)/, '');
}

/** "Página 74.", "SGK Giải tích 12": a short caption or reference over what follows, stating nothing. */
function isCaption(text: string): boolean {
  const t = text.trim();
  return t.length <= 30 && t.split(/\s+/u).length <= 4 && !hasMath(t) && !statesTask(t);
}

/** A paragraph that opens with a bold number: "**3.** …", "__12)__ …". */
const BOLD_NUMBER = /^(?:\*\*|__)\s*\d{1,3}[.)]?\s*(?:\*\*|__)\s*\S/;

/** The text markdown-it parses, every offset kept: numbered lists that CommonMark does not know read as numbered
 *  lists — markers in Arabic-Indic or Persian digits ("١. …", "۲- …", "٣) …") and the "1.- …" of Spanish sheets become
 *  ASCII ones of the same length ("1.- " → "1.  ") — and a byte-order mark opening the file, which would hide the
 *  first block (a heading, an HTML comment), becomes a space. */
function parseable(src: string): string {
  if (src.charCodeAt(0) === 0xfeff) src = ` ${src.slice(1)}`;
  if (/^[ \t]{0,3}\d{1,3}\.-[ \t]/mu.test(src)) src = src.replace(/^([ \t]{0,3}\d{1,3}\.)-(?=[ \t])/gmu, '$1 ');
  if (!/[\u0660-\u0669\u06f0-\u06f9]/u.test(src)) return src;
  return src.replace(/^([ \t]{0,3})([\u0660-\u0669\u06f0-\u06f9]{1,3})([.)\-])(?=[ \t])/gmu, (_m, ind: string, num: string, sep: string) => ind + asciiDigits(num) + (sep === ')' ? ')' : '.'));
}

/** Top-level block records of one segment (lines relative to the segment). */
export function analyse(src: string): MRecord[] {
  return recordsOf(src, markdown().parse(parseable(src), {}));
}

/**
 * The text that ends a markdown-it HTML block opened by `head` (a line's text after its indentation) when it ends at
 * a marker, not at a blank line: raw `<pre>`/`<script>`/`<style>`/`<textarea>` at its closing tag, `<!--` at `-->`,
 * `<?` at `?>`, CDATA at `]]>`, `<!X` at `>`. Lower case; undefined for any other line.
 */
function htmlBlockCloser(head: string): string | undefined {
  const raw = /^<(pre|script|style|textarea)(?:\s|>|$)/i.exec(head);
  if (raw) return `</${raw[1]!.toLowerCase()}>`;
  if (head.startsWith('<!--')) return '-->';
  if (head.startsWith('<?')) return '?>';
  if (head.startsWith('<![CDATA[')) return ']]>';
  return /^<![a-z]/i.test(head) ? '>' : undefined;
}

/** What a block that markdown-it leaves open at the end of a text needs to end: a fence, or an HTML block's end marker. */
type OpenEnd = { fence: { ch: string; len: number } } | { raw: string };
interface OpenBlocks {
  /** Colon directives left open, outermost first: their numbers of colons. */
  colons: number[];
  end?: OpenEnd;
}

/**
 * The blocks markdown-it leaves open at the end of `src` (ending in a newline), where a later line could
 * still belong to them: colon directives with no closing line, a fence with no closing fence, an HTML
 * block of the kinds that end at a marker (raw `<pre>`…, `<!--`, `<?`, `<!X`, CDATA) with no marker yet.
 * A segment may not end there. Undefined when nothing is open.
 */
function openAtEnd(src: string, tokens: readonly Token[]): OpenBlocks | undefined {
  let lines = 0;
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) lines++;
  let srcLines: string[] | undefined;
  const lineAt = (k: number): string => (srcLines ??= src.split('\n'))[k] ?? '';
  const colons: number[] = [];
  let end: OpenEnd | undefined;
  for (const t of tokens) {
    if (!t.map || t.map[1] < lines || t.nesting === -1) continue;
    if (t.type === 'colon_open') {
      const n = /^\s*(:{3,})/.exec(lineAt(t.map[0]))?.[1]!.length ?? 3;
      const last = t.map[1] - 1 > t.map[0] ? /^\s*(:{3,})\s*$/.exec(lineAt(t.map[1] - 1)) : null;
      if (!last || last[1]!.length < n) colons.push(n);
    } else if (t.type === 'fence') {
      const ch = t.markup[0]!;
      // A closed fence ends with its closing line; an open one runs to the end of the text.
      const m = t.map[1] - 1 > t.map[0] ? /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(lineAt(t.map[1] - 1).replace(/\r$/, '')) : null;
      const closed = !!m && m[1]![0] === ch && m[1]!.length >= t.markup.length;
      if (!closed) end = { fence: { ch, len: t.markup.length } };
    } else if (t.type === 'html_block') {
      // markdown-it tests the end marker on every line of the block, the first one included. (It ends raw HTML at
      // any of the four closing tags; waiting for the block's own one only leaves out cuts.)
      const close = htmlBlockCloser(t.content.trimStart());
      if (close && !t.content.toLowerCase().includes(close)) end = { raw: close };
    }
  }
  return colons.length || end ? { colons, end } : undefined;
}

function recordsOf(src: string, tokens: Token[]): MRecord[] {
  const out: MRecord[] = [];
  let lineStarts: number[] | undefined;
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
        const content = inl?.content ?? '';
        // "Exercises:\n\t1. Find …\n\t2. Show …": indented list lines run on as a lazy paragraph continuation.
        // (Not the body of an admonition or a content tab, whose header opens the paragraph.)
        const head0 = content.startsWith('!!!') || content.startsWith('???') || content.startsWith('===') ? content.slice(0, content.indexOf('\n') < 0 ? content.length : content.indexOf('\n')) : '';
        const boxed = head0 !== '' && (ADMONITION.test(head0) || TAB_HEADER.test(head0));
        const split = end - line >= 3 && !boxed ? indentedListStart(src, lineStarts ??= lineOffsets(src), line, end) : -1;
        if (split > line) {
          const ls = lineStarts!;
          const head = sourceLines(src, ls, line, split);
          const { lead, bold } = leadOf(inl);
          out.push({ t: 'para', line, end: split, text: head.trim(), lead: lead.slice(0, 60), bold });
          const rest = sourceLines(src, ls, split, end).replace(/^(?:\t| {1,4})/gm, '');
          for (const r of analyse(rest)) out.push(shiftRecord(r, split));
          k = closeIndex(tokens, k);
          break;
        }
        const nl0 = content.indexOf('\n');
        // MkDocs Material content tabs (`=== "Problems 1-5"`): the tab's indented body is ordinary Markdown.
        if (content.startsWith('===') && TAB_HEADER.test(nl0 < 0 ? content : content.slice(0, nl0))) {
          let last = end;
          let close = closeIndex(tokens, k);
          const next = tokens[close + 1];
          if (next && next.type === 'code_block' && next.level === 0 && next.map) {
            last = next.map[1];
            close++;
          }
          const ls = (lineStarts ??= lineOffsets(src));
          const body = sourceLines(src, ls, line + 1, last).replace(/^(?:\t| {1,4})/gm, '');
          for (const r of analyse(body)) out.push(shiftRecord(r, line + 1));
          k = close;
          break;
        }
        const am = content.startsWith('!!!') || content.startsWith('???') ? ADMONITION.exec(nl0 < 0 ? content : content.slice(0, nl0)) : null;
        if (am) {
          // The body: the paragraph's further lines, then an indented (code-block) run right after it.
          let body = nl0 < 0 ? '' : content.slice(nl0 + 1);
          let last = end;
          let close = closeIndex(tokens, k);
          const next = tokens[close + 1];
          if (next && next.type === 'code_block' && next.level === 0 && next.map) {
            body = body ? `${body}\n${next.content}` : next.content;
            last = next.map[1];
            close++;
          }
          out.push({ t: 'directive', name: (am[1] ?? 'note').toLowerCase(), line, end: last, text: body, title: am[3] ?? am[4] ?? '', admonition: true });
          k = close;
          break;
        }
        const { lead, bold } = leadOf(inl);
        out.push({ t: 'para', line, end, text: inl?.content ?? '', lead, bold });
        k = closeIndex(tokens, k);
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const close = closeIndex(tokens, k);
        const items: ListItem[] = [];
        for (let j = k + 1; j < close; j++) {
          const it = tokens[j]!;
          if (it.type === 'list_item_open' && it.level === 1 && it.map) {
            const ic = closeIndex(tokens, j);
            const item: ListItem = { line: it.map[0], end: it.map[1], text: collectText(tokens, j + 1, ic) };
            // Paragraphs after the first that open with a bold number: problems set inside the item.
            const at: number[] = [];
            let first = true;
            for (let q = j + 1; q < ic; q++) {
              const pt = tokens[q]!;
              if (pt.type !== 'paragraph_open' || pt.level !== 2 || !pt.map) continue;
              if (!first && BOLD_NUMBER.test(tokens[q + 1]?.content ?? '')) at.push(q);
              first = false;
            }
            if (at.length) {
              item.heads = at.map((q, n) => {
                const to = n + 1 < at.length ? at[n + 1]! : ic;
                const endLine = n + 1 < at.length ? tokens[to]!.map![0] : it.map![1];
                return { line: tokens[q]!.map![0], end: endLine, text: collectText(tokens, q, to) };
              });
            }
            items.push(item);
            j = ic;
          }
        }
        const startAt = t.type === 'ordered_list_open' ? Number(t.attrGet('start') ?? 1) : 1;
        out.push({ t: 'list', ordered: t.type === 'ordered_list_open', line, end, items, ...(startAt > 1 ? { start: startAt } : {}) });
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
        const rec: MRecord = { t: 'directive', name: t.info, line, end, text: stripOptions(collectText(tokens, k + 1, close)), title: directiveTitle(String((t.meta as { args?: string } | null)?.args ?? '')) };
        // A question box poses its question in prose: code or a plot call in it is no statement.
        if (DIRECTIVE_KIND[t.info.toLowerCase()] === 'question') rec.prose = stripOptions(collectText(tokens, k + 1, close, false));
        // A box that holds nothing but one numbered list (`::: task` then "1. …", "2. …"): its items, for the rules.
        const first = tokens[k + 1];
        if (first && first.type === 'ordered_list_open' && closeIndex(tokens, k + 1) === close - 1) {
          const items: ListItem[] = [];
          for (let j = k + 2; j < close - 1; j++) {
            const it = tokens[j]!;
            if (it.type === 'list_item_open' && it.map && it.level === first.level + 1) {
              const ic = closeIndex(tokens, j);
              items.push({ line: it.map[0], end: it.map[1], text: collectText(tokens, j + 1, ic) });
              j = ic;
            }
          }
          rec.items = items;
        }
        out.push(rec);
        k = close;
        break;
      }
      case 'fence': {
        const m = /^\{([\w:.-]+)\}(.*)$/.exec(t.info.trim());
        if (m) out.push({ t: 'directive', name: m[1]!, line, end, text: stripOptions(t.content), title: directiveTitle(m[2]!) });
        else out.push({ t: 'block', line, end, text: t.content });
        break;
      }
      case 'html_block': {
        const d = detailsOf(t.content);
        const hp = d ? undefined : htmlProblemBlock(t.content);
        if (d) out.push({ t: 'details', line, end, summary: d.summary, closed: d.closed, text: d.text });
        else if (/^\s*<\/details\s*>\s*$/i.test(t.content)) out.push({ t: 'detailsEnd', line, end });
        else if (hp) out.push({ t: 'directive', name: hp.name, line, end, text: hp.text, title: hp.title, admonition: true, opener: hp.opener });
        else if (/^\s*<\/[a-z][\w-]*\s*>\s*$/i.test(t.content)) out.push({ t: 'htmlEnd', line, end });
        else out.push({ t: 'block', line, end, text: '' });
        break;
      }
      case 'code_block': {
        // A list indented by a tab (or 4 spaces) after a blank line is a list the author meant, not code.
        if (looksLikeIndentedList(t.content)) {
          for (const r of analyse(t.content)) out.push(shiftRecord(r, line));
          break;
        }
        out.push({ t: 'block', line, end, text: '' });
        break;
      }
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
  aufgabe: 'problem', aufgaben: 'problem', exercice: 'exercise', ejercicio: 'exercise', übung: 'exercise', oppgave: 'exercise',
  esercizio: 'exercise', esercizi: 'exercise', extension: 'exercise',
};
/** Box types that may hold a problem but are trusted only when the body poses it (a slide's question, an extension). */
const LOOSE_KIND = new Set(['question', 'quiz', 'extension']);
const SOLUTION_DIRECTIVE = /^(?:solution|answer|proof|solution-start|loesung|lösung|solucion|solución|reponse|réponse)$/;

type TextEntry = { recs: readonly object[]; text: string; language?: string; task?: boolean; strict?: boolean };
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
/**
 * The label opening a paragraph: bold ("**Problem 2.**") or plain but set off by punctuation ("Exercise 3: …",
 * "Problem 4 (5 points)"); "Exercise 1 provides more details …" is prose that mentions an exercise.
 */
function paraLabel(r: { lead: string; bold: boolean; text: string }): LabelMatch | undefined {
  const label = matchProblemLabel(r.lead);
  if (!label || r.bold || !label.numbered) return label;
  const first = r.text.split('\n', 1)[0] ?? '';
  const at = first.indexOf(label.label);
  if (at < 0) return label;
  const after = first.slice(at + label.label.length);
  return /^(?:\s*[.:：)\]—–-]|\s*\(|\s*$)/u.test(after) ? label : undefined;
}

/** Whether these records mark a problem explicitly (see MarkdownSegData.marked). */
function marksProblems(records: readonly MRecord[]): boolean {
  for (const r of records) {
    if (r.t === 'heading') {
      const t = r.title.trim();
      if (isContainerHeading(t) || matchProblemLabel(t)?.numbered) return true;
    } else if (r.t === 'directive') {
      const name = r.name.toLowerCase().replace(/^(?:prf|exercise|sphinx-exercise):(?=\w)/, '').replace(/-start$/, '');
      if (Object.hasOwn(DIRECTIVE_KIND, name) || (r.title && matchProblemLabel(r.title)?.numbered)) return true;
    } else if (r.t === 'para' && r.bold && matchProblemLabel(r.lead)?.numbered) return true;
  }
  return false;
}

/** A task sentence that ends by announcing its parts: "Tentukan hasil dari integral berikut:", "Compute the area bounded by:". */
function introducesParts(text: string): boolean {
  const t = text.replace(/^\s*\[![^\]]*\][+-]?/, '').trim();
  if (t.length > 400 || !/[:：]$/u.test(t) || isAdvice(t) || introducesSteps(t)) return false;
  // "Use the following identities:" hands the reader tools, it sets no task.
  if (/^(?:use|recall|note|remember|verwende|utilisez|utilice|usa)\b/iu.test(t)) return false;
  // "Gib folgende Gleichungen ein, um …", "Enter the following in GeoGebra:": input for a tool, not a task.
  if (/^(?:(?:gib|gebt|geben sie|tippe|tippt|trage|tragt|tragen sie)\b[^.!?:]*\bein\b|(?:enter|type|input|paste)\b|(?:saisis|saisissez|entrez|tapez|introduce|introduzca|escribe en|digite)\b)/iu.test(t)) return false;
  const sentences = t.split(/(?<=[.!?。！？])\s+/u);
  // Its verb comes first: "… and show that:" continues a statement, it does not open one.
  return leadsWithTask(sentences[sentences.length - 1] ?? t);
}

/** A list that holds the parts of one task: no item states a task of its own, most carry mathematics. */
function partsOf(r: Extract<MRecord, { t: 'list' }>): boolean {
  if (r.items.length < 2) return false;
  let math = 0;
  for (const it of r.items) {
    const body = it.text.replace(/^\s*(?:\d+[.)](?!\d)|[-*+])\s*/, '');
    if (leadsWithTask(body) || hasImperative(body) || asksQuestion(body)) return false;
    if (hasMath(body) || isBareMath(body)) math++;
  }
  return math * 2 >= r.items.length;
}

/** A textbook exercise number opening a text: "1.2 ", "3.4.1) " (two or three levels, so not a list marker). */
const EXERCISE_NUMBER_LEAD = /^\s*\d{1,3}(?:\.\d{1,3}){1,2}[.:)]?\s+\S/;

/** A paragraph that opens (after images or other inline HTML) with a bold span holding its task verb:
 *  "**Gib an**, welcher Graph …", "**Berechne** die Fläche …", "**Find** the limit …". */
function boldLedTask(text: string): boolean {
  const m = /^\s*(?:<[^>\n]*>\s*)*(?:\\\n\s*)?(?:\*\*|__)([^*_\n]{2,40})(?:\*\*|__)/u.exec(text);
  return !!m && leadsWithTask(m[1]!) && statesTask(text);
}

/** A list item that is only a formula or a number ("- $-3,2$", "- 1/4"). */
function isBareMath(text: string): boolean {
  const t = text.replace(/^\s*[-*+]\s*/, '').replace(/\$\$[\s\S]*?\$\$|\$[^$\n]*\$|\\\([\s\S]*?\\\)/g, '').replace(/[\s\d.,;:/+\-−×·()=<>]+/g, '');
  return t.length === 0 && text.trim() !== '';
}

/** A list item that is only a link (or links) to a problem elsewhere: "[UVa 374 - Big Mod](https://…)". */
function linkOnly(body: string): boolean {
  if (!/\]\(|https?:\/\/|<a\s/i.test(body)) return false;
  const rest = body
    .replace(/\[(?:[^[\]]|\[[^\]]*\])*\]\([^)]*\)/g, ' ')
    .replace(/<a\b[^>]*>[\s\S]*?<\/a>/gi, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    // "[difficulty: medium]", "(rated 1700)" next to the link
    .replace(/\[[^\]]*\]|\([^)]*\)|<[^>]*>|&\w+;/g, ' ')
    .replace(/[\s\p{P}\p{S}\d]+/gu, '');
  return rest.length < 16;
}

/** Navigation and apparatus headings: never a free-titled problem. */
const NAV_HEADING = /^(?:contents|table of contents|toc|inhalt|inhaltsverzeichnis|sommaire|table des matières|índice|indice|contenido|contenuti|содержание|оглавление|目录|目次|목차|references|bibliography|literatur|bibliographie|referencias|bibliografia|литература|参考文献|mục lục|tài liệu tham khảo|referências|sumário|bibliografie|cuprins|kaynaklar|kaynakça|içindekiler|참고문헌)\s*:?$/iu;

/** Whether a YAML front matter's `title:` is a container heading ("Problem Set 2", "Übungsblatt 3", "Exercises"). */
function frontMatterContainer(text: string): boolean {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]{0,3000}?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.length > 3100 ? text.slice(0, 3100) : text);
  const t = m && /^title:[ \t]*["']?(.*?)["']?[ \t]*$/m.exec(m[1]!);
  return !!t && isContainerHeading(t[1]!);
}

/** A box body with no statement yet: empty, or a "todo" / "TBD" note over at most a list of topics. */
function placeholder(body: string): boolean {
  const t = body.replace(/[*_`]/g, '').trim();
  if (!t) return true;
  if (!/\b(?:todo|tbd|wip|to do)\b/i.test(t)) return false;
  const rest = t.replace(/\b(?:todo|tbd|wip|to do)\b:?/gi, ' ');
  return rest.replace(/\s+/g, ' ').trim().length < 160 && !statesTask(rest);
}

/** Admonition / callout types that hold a solution or answer (MkDocs `??? success "Solution"` goes by its title). */
const SOLUTION_TYPES = /^(?:solution|solutions|answer|answers|proof|solution-start|loesung|lösung|solucion|solución|reponse|réponse|fasit|løsning|losning)$/;

type BlockRole = { role: 'problem'; kind: ProblemKind; label?: string } | { role: 'solution' } | { role: 'example' };

/**
 * What a directive, admonition or callout holds, from its type, its title and its body. `strict` (MyST /
 * Sphinx exercise directives) trusts the type alone; admonitions and callouts (`!!! question`, `> [!exercise]`,
 * `:::tip`) hold a problem when their title is a numbered problem label, or when their type or title names a
 * problem and the body states a task (a box that only cites "N°23 p202" is not a statement).
 */
function blockRole(rawName: string, title: string, body: string, strict: boolean, prose = body): BlockRole | undefined {
  const name = rawName.toLowerCase().replace(/^(?:prf|exercise|sphinx-exercise):(?=\w)/, '').replace(/-start$/, '');
  const t = title.trim();
  if (SOLUTION_TYPES.test(name) || (t && isSolutionLabel(t))) return { role: 'solution' };
  if (name === 'example' || name === 'examples' || (t && isExampleLabel(t))) return { role: 'example' };
  const label = t ? matchProblemLabel(t) : undefined;
  if (label && !isContainerHeading(t) && (label.numbered || statesTask(body))) return { role: 'problem', kind: label.kind, label: label.label };
  const kind = Object.hasOwn(DIRECTIVE_KIND, name) ? DIRECTIVE_KIND[name] : undefined;
  // An exercise box left as a placeholder ("**todo**", nothing yet) states no problem.
  if (kind && !/-start$/i.test(rawName) && placeholder(body) && !statesTask(t)) return undefined;
  // A question box (`::: {.Question}`, `:::quiz`) or an extension box is no exercise directive: like an admonition, it
  // holds a problem only when it poses one in its body (a slide's question may hold only a graph, its title the question).
  if (strict && !LOOSE_KIND.has(name)) return kind ? { role: 'problem', kind } : undefined;
  // `??? question "Why is the circle unique?"`: a question in the title answered by the box (a FAQ).
  if (/[?？]\s*$/u.test(t)) return undefined;
  if (kind && statesTask(kind === 'question' ? prose : body)) return { role: 'problem', kind };
  return undefined;
}

/** Boxes that answer the question box right before them (a lecture question and its answer, as on slides). */
const ANSWER_BOX = /^(?:idea|ideas|key-?idea|insight|intuition|explanation|reason|reasoning|observation|conclusion|takeaway|result|theorem|proposition|formula|definition|method|approach|strategy)$/;

const HEADING_TAG = {};
const RUN_TAGS: object[] = [];
/** A tag for the problem that starts at line `i` of a paragraph (see runOn). */
function runTag(i: number): object {
  while (RUN_TAGS.length <= i) RUN_TAGS.push({});
  return RUN_TAGS[i]!;
}
const HTML_TAG = {};
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
    marked: boolean;
    /** Whether the front matter's title named a collection of problems (see docContainer). */
    container: boolean;
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
  /** Final totals of the sibling groups still undecided here (filled in when each is decided). */
  finals: ({ total: number; tasks: number } | undefined)[];
  /**
   * The rules' state here, for a later run to start at this point when nothing before it changed: the open
   * (non-problem) sections, and each undecided sibling group with its counts and how many members and
   * watchers it had (its arrays only grow). Absent on a point carried over from an earlier run by a shift: its
   * sections and groups hold that run's problem objects, which the shift replaced by moved copies.
   */
  snap?: { sections: readonly object[]; groups: { key: object; g: { members: DetectedProblem[]; watchers: unknown[] }; total: number; tasks: number; nm: number; nw: number }[] };
}

/** Key of the sibling group of top-level free-titled sections (shared across runs: resume points refer to it). */
const ROOT = {};

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

/** The last resume point of the previous run at a segment that, with all before it, is unchanged (not the first). */
function resumeBefore(segs: readonly Segment<MarkdownSegData>[], prev: NonNullable<MarkdownReuse['prev']>): { si: number; pt: Required<ResumePoint> } | undefined {
  let h = 0;
  const n = Math.min(segs.length, prev.segs.length);
  while (h < n && segs[h] === prev.segs[h]) h++;
  for (let k = h - 1; k > 0; k--) {
    const pt = prev.points.get(segs[k]!);
    if (pt?.snap) return { si: k, pt: pt as Required<ResumePoint> };
  }
  return undefined;
}

/** Whether `p` (by identity) is in `sorted` (ordered by start offset). */
function holds(sorted: readonly DetectedProblem[], p: DetectedProblem): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.startOffset < p.startOffset) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < sorted.length && sorted[k]!.startOffset === p.startOffset; k++) if (sorted[k] === p) return true;
  return false;
}

export function markdownProblems(
  text: string,
  segs: readonly Segment<MarkdownSegData>[],
  starts: readonly number[],
  lines: readonly number[],
  options: MarkdownRuleOptions = {},
): DetectedProblem[] {
  const max = options.maxProblems ?? 20000;
  let out: DetectedProblem[] = [];
  type Section = { level: number; role: 'container' | 'example' | 'solution' | 'problem' | 'plain'; problem?: DetectedProblem; inner: boolean; needsTask: boolean; open: boolean; parts: string[]; recs: object[]; body: number; num?: string; free?: boolean; parentKey?: object; solvedHere?: boolean; underContainer?: boolean; dataBelow?: boolean; dataBlocks?: number };
  const sections: Section[] = [];
  let open: { p: DetectedProblem; parts: string[]; recs: object[]; needsTask?: boolean; html?: boolean } | undefined;
  /** A problem opened by an HTML element (`<div class="exercise">`, `<details><summary>Problem 2</summary>`). */
  const openHtml = (pos: Pos, r: { line: number; end: number }, kind: ProblemKind, label: LabelMatch | undefined, recs: object[]): void => {
    finishOpen();
    claimSections();
    const sx = openSection();
    if (sx) sx.open = false;
    const p = make(pos, r.line, r.end, kind, [...recs, HTML_TAG], () => '', label?.label);
    out.push(p);
    last = p;
    open = { p, parts: [], recs: [...recs, HTML_TAG], needsTask: !(label && label.numbered), html: true };
  };
  /** Depth of `<details>` blocks inside an inserted/ written solution (their content is not a statement). */
  let solDepth = 0;
  /** Inside a MyST `{solution-start}` … `{solution-end}` pair. */
  let inSolutionPair = false;
  /** The previous list's "under a container / introduced" flag, while only solutions and blocks follow it. */
  let listCarry: boolean | undefined;
  /** A numbered list of problems that an unindented paragraph interrupted ("2. … \n\n Is it possible …? \n 3. …"):
   *  the paragraph still belongs to the last item, and a list resuming at the next number continues the problems. */
  let runOn: { p: DetectedProblem; next: number } | undefined;
  /** The last list-item problem, while only lists follow it (a bullet list of bare formulas is its data). */
  let lastItem: DetectedProblem | undefined;
  let solOf: DetectedProblem | undefined;
  let last: DetectedProblem | undefined;
  let prevPara = '';
  /** The record just before: a task sentence ending in ":" ("Tentukan hasil dari integral berikut:", "> Hitunglah …:")
   *  whose following list holds that task's parts (see `partsOf`). */
  let pendingIntro: { r: Extract<MRecord, { t: 'para' | 'quote' }>; pos: Pos } | undefined;
  /** An unnumbered question box just made a problem (see ANSWER_BOX): only until the next record. */
  let questionBox: DetectedProblem | undefined;
  const inRole = (role: Section['role']): boolean => sections.some((s) => s.role === role);
  let mathSeen: boolean | undefined;
  /** Whether the document uses math notation anywhere (numbered task lists in a non-math README are steps, not problems). */
  const docMath = (): boolean => (mathSeen ??= segs.some((g) => g.data.math));
  let containerSeen: boolean | undefined;
  /** The document's front-matter title names a collection of problems ("title: Problem Set 2"). */
  const docContainer = (): boolean => (containerSeen ??= frontMatterContainer(text));
  let markedSeen: boolean | undefined;
  /** Whether the document marks its problems explicitly somewhere: then a bare numbered list elsewhere is prose
   *  (the steps of an algorithm, a plan), not a list of problems. */
  const docMarked = (): boolean => (markedSeen ??= segs.some((g) => g.data.marked));
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
    open = undefined;
    if (o.needsTask) {
      if (t.task === undefined) t.task = statesTask(t.text);
      if (!t.task) {
        const at = out.lastIndexOf(o.p);
        if (at >= 0) out.splice(at, 1);
        if (last === o.p) last = undefined;
        return;
      }
    }
    o.p.text = t.text;
    if (t.language) o.p.language = t.language;
    else delete o.p.language;
  };
  /** A solution block (directive, admonition, callout, `<details>`) right after a problem: it is solved and its statement ends. */
  const solutionHere = (pos: Pos, end: number): void => {
    const sec = openSection();
    const target = open ? open.p : sec && sec.open ? sec.problem : last;
    if (target) {
      target.solved = true;
      target.blockEndOffset = Math.max(target.blockEndOffset, pos.endOff(end));
    }
    if (sec && sec.open) {
      sec.open = false;
      if (sec.free) sec.solvedHere = true;
    }
    finishOpen();
    solOf = target;
  };
  // Free-titled sections ("## Vytékání oleje") are problems when their siblings agree: among the sections under
  // one parent, at least two and three quarters state a task. Undecided until the parent closes.
  type Group = { total: number; tasks: number; members: DetectedProblem[]; watchers: { point: ResumePoint; i: number }[] };
  const groups = new Map<object, Group>();
  const drop = (p: DetectedProblem): void => {
    const at = out.lastIndexOf(p);
    if (at >= 0) out.splice(at, 1);
    if (last === p) last = undefined;
  };
  /** A free-titled section that turns out to be a title over other problems. */
  const dropFree = (sx: Section): void => {
    if (sx.problem) drop(sx.problem);
    sx.problem = undefined;
    sx.role = 'plain';
    sx.open = false;
  };
  const decide = (key: object, final?: { total: number; tasks: number }): void => {
    const g = groups.get(key);
    if (!g) return;
    groups.delete(key);
    const tot = final ?? { total: g.total, tasks: g.tasks };
    for (const w of g.watchers) w.point.finals[w.i] = tot;
    // Under a problem-set title (front matter) half the siblings agreeing is enough.
    const agree = docContainer() ? tot.tasks * 2 >= tot.total : tot.tasks * 4 >= tot.total * 3;
    if (!(tot.tasks >= 2 && agree)) for (const m of g.members) drop(m);
  };
  const finishSection = (s: Section): void => {
    decide(s);
    if (s.role !== 'problem' || !s.problem) return;
    const p = s.problem;
    const t = cachedText(s.recs, () => s.parts.join('\n\n') || p.label || '');
    if (s.free) {
      // "# Grafische Ableitung finden" over "**Gib an**, welcher Graph …": a section whose text opens with a bold task
      // verb (the operator of a school task) states one problem, also without siblings to agree.
      const firstPara = s.recs.find((x) => (x as MRecord).t === 'para') as Extract<MRecord, { t: 'para' }> | undefined;
      if (!s.inner && firstPara && t.text.length <= 4000 && once(firstPara, 'boldLed', () => boldLedTask(firstPara.text))) {
        p.text = t.text;
        if (t.language) p.language = t.language;
        else delete p.language;
        return;
      }
      // A statement is short and says its task early; a long section that poses and works a task is a lesson.
      if (t.strict === undefined) t.strict = statesTaskStrict(t.text.slice(0, 900));
      // …and it is an exercise, not a lesson that asks and answers: a solution follows, it sits under an
      // "Exercises" heading, or it is short and ends with its task.
      const lastPart = s.parts[s.parts.length - 1] ?? '';
      const task =
        t.text.length <= (s.underContainer ? 4000 : 1500) &&
        t.strict &&
        (!!s.solvedHere || !!s.underContainer || (t.text.length <= 700 && statesTaskStrict(lastPart.length > 600 ? lastPart.slice(-600) : lastPart)));
      const key = s.parentKey ?? ROOT;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { total: 0, tasks: 0, members: [], watchers: [] }));
      g.total++;
      if (!task || s.inner) {
        drop(p);
        return;
      }
      g.tasks++;
      g.members.push(p);
      p.text = t.text;
      if (t.language) p.language = t.language;
      else delete p.language;
      return;
    }
    if (t.task === undefined) t.task = statesTask(t.text);
    let keep = !s.inner && (!s.needsTask || t.task) && !!t.text;
    // "##### 2. Вычислить пределы" over a list of formulas: the title is the task when the body is only its data
    // (lists, formulas, images) — not the prose of a lesson, nor nothing at all (a step of a method).
    if (keep && s.dataBelow) {
      let data = s.dataBlocks ?? 0;
      let prose = 0;
      for (let i = 1; i < s.recs.length; i++) {
        const x = s.recs[i] as MRecord;
        if (x.t === 'list' || (x.t === 'para' && isBareMath(x.text))) data++;
        else if (x.t === 'para' || x.t === 'quote') prose++;
      }
      keep = data > 0 && prose === 0;
    }
    if (!keep) {
      drop(p);
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
      if (s.free) {
        dropFree(s);
        continue;
      }
      if (s.body === 0) s.inner = true;
      else s.open = false;
    }
  };

  /** The problems a list states: every item under a container, else the numbered items that state tasks. */
  const listProblems = (r: Extract<MRecord, { t: 'list' }>, pos: Pos, container: boolean): DetectedProblem[] => {
    const facts = once(r, 'items', () =>
      r.items.map((it) => {
        const body = it.text.replace(/^\s*(?:\d+[.)](?!\d)|[-*+])\s*/, '');
        const first = body.split('\n', 1)[0] ?? '';
        return {
          body,
          empty: body.trim() === '',
          links: linkOnly(body),
          // A question placed late in the item, a multiple-choice stem or a blank to fill in also opens a task.
          lead: !isAdvice(body) && (leadsWithTask(body) || asksQuestion(first) || asksQuestion(body) || posesChoiceOrBlank(body) || hasImperative(body)),
          advice: isAdvice(body),
          // "- 1.2 najděte …", "- 3.4.1 Find …": an item that opens with a textbook exercise number and its task.
          numbered: EXERCISE_NUMBER_LEAD.test(body) && leadsWithTask(body),
          // "- Página 74.", "- SGK Giải tích 12": a caption or reference, not a statement.
          caption: isCaption(body),
          first,
        };
      }),
    );
    // Siblings agree: when most items of a numbered list open with a task, an item whose task comes later
    // ("In the following code … Compare …") is one of them too.
    const leads = facts.filter((f) => f.lead).length;
    const agree = r.ordered && leads >= 2 && leads * 2 >= facts.length;
    // A numbered list where only a few items open with a verb is a plan or a procedure, not a task list.
    const majority = leads * 2 >= facts.length;
    const got: DetectedProblem[] = [];
    for (let ii = 0; ii < r.items.length; ii++) {
      const it = r.items[ii]!;
      const f = facts[ii]!;
      // "- Página 79." with "**3.** Seja …" paragraphs indented under it: the item is a caption over those problems.
      if (it.heads && isCaption(f.first)) {
        it.heads.forEach((h, n) => got.push(make(pos, h.line, h.end, 'problem', [it, runTag(n)], () => h.text)));
        continue;
      }
      if (f.empty || f.links || f.advice || (container && f.caption)) continue;
      const task = container || (f.numbered && (docMath() || hasMath(f.body))) || (r.ordered && !docMarked() && majority && (f.lead || (agree && (statesTask(f.body) || (leads * 4 >= facts.length * 3 && hasMath(f.body))))) && (docMath() || hasMath(f.body)));
      if (!task) continue;
      got.push(make(pos, it.line, it.end, 'item', [it], () => f.body));
    }
    return got;
  };

  const reuse = options.reuse;
  const prev = reuse?.prev;
  const math = docMath();
  const points = new Map<Segment<MarkdownSegData>, ResumePoint>();
  // Segments from `sameFrom` on are the very objects of the previous run (an edit keeps the tail).
  let sameFrom = segs.length;
  // The previous run is reused only when what the whole document decides is unchanged and it did not stop at the cap.
  const reusable = !!prev && prev.math === math && prev.marked === docMarked() && prev.container === docContainer() && !prev.capped;
  if (reusable) {
    let a = segs.length - 1;
    let b = prev.segs.length - 1;
    while (a >= 0 && b >= 0 && segs[a] === prev.segs[b]) {
      a--;
      b--;
    }
    sameFrom = a + 1;
  }
  let tail: DetectedProblem[] | undefined;
  // Start at the last resume point of the unchanged beginning: its state is restored from the previous run
  // (the problems before it, the open sections and the undecided sibling groups), and its segment runs again.
  let firstSeg = 0;
  {
    const resume = reusable ? resumeBefore(segs, prev!) : undefined;
    if (resume) {
      const { si, pt } = resume;
      const before = prev!.out.slice(0, pt.idx);
      const missing: DetectedProblem[] = [];
      for (const sg of pt.snap.groups) {
        // Members dropped by a later decision of their group were in the output here.
        for (let k = 0; k < sg.nm; k++) {
          const m = sg.g.members[k]!;
          if (!holds(before, m)) missing.push(m);
        }
        groups.set(sg.key, { total: sg.total, tasks: sg.tasks, members: sg.g.members.slice(0, sg.nm), watchers: sg.g.watchers.slice(0, sg.nw) as Group['watchers'] });
      }
      if (missing.length) {
        before.push(...missing);
        before.sort((a, b) => a.startOffset - b.startOffset);
      }
      if (before.length < max) {
        out = before;
        for (const x of pt.snap.sections) sections.push(x as Section);
        for (let k = 0; k < si; k++) {
          const old = prev!.points.get(segs[k]!);
          if (old) points.set(segs[k]!, old);
        }
        firstSeg = si;
      } else groups.clear();
    }
  }

  for (let si = firstSeg; si < segs.length && out.length < max; si++) {
    const seg = segs[si]!;
    const segStart = starts[si]!;
    const nl = seg.nl;
    const first = seg.data.records[0];
    if (reuse && solDepth === 0 && !inSolutionPair && first && first.t === 'heading' && !once(first, 'solutionHeading', () => isSolutionLabel(first.title.trim()))) {
      // What the heading does first anyway: end the open statement and the sections it closes.
      finishOpen();
      while (sections.length && sections[sections.length - 1]!.level >= first.level) finishSection(sections.pop()!);
      if (sections.every((x) => x.role !== 'problem')) {
        let sig = '';
        for (const x of sections) sig += `${x.level}:${x.role},`;
        const pending: object[] = [];
        for (const key of [ROOT, ...sections]) {
          const g = groups.get(key);
          if (g) {
            pending.push(key);
            sig += `|${g.total}/${g.tasks}`;
          } else sig += '|-';
        }
        const snap: ResumePoint['snap'] = { sections: sections.slice(), groups: [] };
        for (const key of pending) {
          const g = groups.get(key)!;
          snap.groups.push({ key, g, total: g.total, tasks: g.tasks, nm: g.members.length, nw: g.watchers.length });
        }
        const here: ResumePoint = { idx: out.length, sig, start: segStart, line: lines[si]!, finals: pending.map(() => undefined), snap };
        const old = si >= sameFrom ? prev!.points.get(seg) : undefined;
        if (old && old.sig === sig && old.finals.every((f) => f !== undefined) && out.length + (prev!.out.length - old.idx) < max) {
          // The rest is as before, so each undecided group ends as it did then.
          pending.forEach((key, i) => decide(key, old.finals[i]));
          const dOff = segStart - old.start;
          const dLine = lines[si]! - old.line;
          tail = [];
          for (let k = old.idx; k < prev!.out.length; k++) tail.push(shiftProblem(prev!.out[k]!, dOff, dLine));
          for (let k = si; k < segs.length; k++) {
            const pt = prev!.points.get(segs[k]!);
            if (pt) {
              const moved: ResumePoint = { idx: pt.idx, sig: pt.sig, start: pt.start + dOff, line: pt.line + dLine, finals: pt.finals.slice() };
              if (pt.snap && dOff === 0 && dLine === 0) moved.snap = pt.snap;
              points.set(segs[k]!, moved);
            }
          }
          break;
        }
        pending.forEach((key, i) => groups.get(key)!.watchers.push({ point: here, i }));
        points.set(seg, here);
      }
    }
    const pos = new Pos(text, segStart, nl, seg.length, lines[si]!);
    for (const r of seg.data.records) {
      if (out.length >= max) break;
      const intro = pendingIntro;
      pendingIntro = undefined;
      const asked = questionBox;
      questionBox = undefined;
      // An unclosed solution (while typing) ends at the next numbered problem heading instead of hiding the rest.
      if (solDepth > 0 && r.t === 'heading' && once(r, 'recover', () => !!matchProblemLabel(r.title.trim())?.numbered)) solDepth = 0;
      if (inSolutionPair) {
        if (r.t === 'directive' && /^(?:solution-end|exercise-start|exercise|prf:exercise)$/i.test(r.name)) inSolutionPair = false;
        else if (r.t === 'heading' && once(r, 'recover', () => !!matchProblemLabel(r.title.trim())?.numbered)) inSolutionPair = false;
        if (inSolutionPair) continue;
        if (/^solution-end$/i.test((r as { name?: string }).name ?? '')) continue;
      }
      if (solDepth > 0) {
        if (r.t === 'details' && !r.closed) solDepth++;
        else if (r.t === 'detailsEnd' && --solDepth === 0 && solOf) solOf.blockEndOffset = Math.max(solOf.blockEndOffset, pos.endOff(r.end));
        continue;
      }
      const sec = openSection();
      switch (r.t) {
        case 'heading': {
          runOn = undefined;
          listCarry = undefined;
          lastItem = undefined;
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
              numberedTask: numberedTaskTitle(title),
            };
          });
          const title = h.title;
          const { solution, label } = h;
          // A free-titled section with a sub-heading is a title over what follows, not a problem itself.
          for (const x of sections) if (x.free && x.role === 'problem') dropFree(x);
          const outer = openSection();
          // "### EX4Q(a)" / "### 4.1" under "## EX4": a sub-part of the enclosing problem, not a new one.
          const subpart =
            !!label && label.numbered && !!outer && outer.level < r.level && !!outer.num && !!label.number &&
            label.number.toLowerCase().startsWith(outer.num.toLowerCase()) && /^[^0-9]/.test(label.number.slice(outer.num.length));
          const explicit = !!label && label.numbered && !h.container && !subpart;
          if (explicit && outer) claimSections();
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
          else if (label && !h.container && !inRole('example') && !inRole('solution')) {
            section.role = 'problem';
            section.open = true;
            // "## Exercise: Trigonometric identities": a titled label is a problem when its body states a task.
            section.needsTask = !label.numbered && !!label.rest;
            if (label.number) section.num = label.number;
            if (label.rest) section.parts.push(label.rest);
            section.problem = make(pos, r.line, r.end, label.kind, [r, HEADING_TAG], () => label.rest, label.label);
          } else if (h.numberOnly && !inRole('example') && !inRole('solution')) {
            section.role = 'problem';
            section.open = true;
            section.needsTask = true;
            section.problem = make(pos, r.line, r.end, 'problem', [r, HEADING_TAG], () => '', title.replace(/[.:)]\s*$/, ''));
          } else if (h.numberedTask && !h.container && !inRole('example') && !inRole('solution')) {
            // "#### 1.1 If a cube has volume 27, find its edge": a numbered heading that is itself the statement.
            const stated = h.numberedTask;
            section.role = 'problem';
            section.open = true;
            section.num = stated.number;
            if (stated.dataBelow) section.dataBelow = true;
            section.parts.push(stated.rest);
            section.problem = make(pos, r.line, r.end, 'problem', [r, HEADING_TAG], () => stated.rest, stated.number);
          } else if (h.container) section.role = 'container';
          else if (!solution && !h.example && title && !NAV_HEADING.test(title) && !inRole('example') && !inRole('solution') && docMath() && !docMarked()) {
            // A free title ("## Populace včel"): a problem when its body states a task and its siblings agree.
            section.role = 'problem';
            section.open = true;
            section.needsTask = true;
            section.free = true;
            section.parentKey = sections[sections.length - 1] ?? ROOT;
            section.underContainer = inRole('container') || docContainer();
            section.problem = make(pos, r.line, r.end, 'problem', [r, HEADING_TAG], () => '');
          }
          if (section.problem) {
            out.push(section.problem);
            last = section.problem;
          } else if (!solution) last = undefined;
          sections.push(section);
          prevPara = '';
          break;
        }
        case 'para': {
          const { label, solution, numberOnly, stem } = once(r, 'para', () => ({
            label: paraLabel(r),
            solution: isSolutionLabel(r.bold ? r.lead : r.text.slice(0, 40)),
            numberOnly: (r.bold && isNumberOnlyLabel(r.lead)) || (r.text.length < 16 && isNumberOnlyLabel(r.text)),
            // "**1. $\int x\,dx = ?$**": the number and the whole stem in one bold span (exported question sheets).
            stem: r.bold && /^\s*\d{1,3}[.)]\s+\S/.test(r.lead) ? /^\s*(\d{1,3})/.exec(r.lead)![1] : undefined,
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
          listCarry = undefined;
          lastItem = undefined;
          if (inRole('example') || inRole('solution')) break;
          if (label && (r.bold || label.numbered) && !(r.bold && sec && !sec.free && !label.numbered)) {
            if (open && open.html && open.parts.length === 0) {
              // <div class="exercise"> then "**Exercise 2.** …": one problem, opened by the element.
              const o = open;
              const body = once(r, 'body', () => r.text.replace(/^\s*(?:\*\*|__)[\s\S]*?(?:\*\*|__)\s*/, '').trim());
              o.p.kind = label.kind;
              o.p.label = label.label;
              o.needsTask = false;
              extend(o.p, pos, r.end);
              o.parts.push(body);
              o.recs.push(r);
              break;
            }
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
          if (stem && (!sec || sec.free) && (!open || open.recs[1] === LABEL_TAG)) {
            finishOpen();
            // Under a free title, the title only names the sheet.
            if (sec) dropFree(sec);
            const body = once(r, 'body', () => r.text.replace(/^\s*(?:\*\*|__)\s*\d{1,3}[.)]\s*/, '').replace(/\*\*|__/, '').trim());
            const p = make(pos, r.line, r.end, 'problem', [r, LABEL_TAG], () => body, stem);
            out.push(p);
            last = p;
            open = { p, parts: [body], recs: [r, LABEL_TAG], needsTask: !inRole('container') };
            break;
          }
          if (numberOnly && !sec && (!open || open.recs[1] === LABEL_TAG)) {
            finishOpen();
            const body = once(r, 'body', () => r.text.replace(/^\s*\*\*[^*]*\*\*\s*/, '').replace(/^\s*(?:【[^】]*】|［[^］]*］|\[\s*\d+\s*\])\s*/, '').trim());
            const lab = (r.bold ? r.lead : r.text).replace(/[.:)]\s*$/, '').trim();
            const p = make(pos, r.line, r.end, 'problem', [r, LABEL_TAG], () => body, lab);
            out.push(p);
            last = p;
            open = { p, parts: [body], recs: [r, LABEL_TAG], needsTask: !inRole('container') };
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
          } else if (runOn) {
            // "3. …" right after such a paragraph cannot start a list (CommonMark): it runs on in the paragraph.
            const ls = r.text.split('\n');
            let from = 0;
            let cur = runOn.p;
            const flush = (to: number): void => {
              if (to <= from) return;
              extend(cur, pos, r.line + to);
              cur.text = tidyStatement(cur === runOn!.p && from === 0 ? `${cur.text}\n\n${ls.slice(from, to).join('\n')}` : ls.slice(from, to).join('\n'));
            };
            for (let li = 0; li < ls.length; li++) {
              const m = /^\s*(\d{1,3})[.)]\s+\S/.exec(ls[li]!);
              if (!m || Number(m[1]) !== runOn.next || li + r.line >= r.end) continue;
              flush(li);
              const body = ls[li]!.replace(/^\s*\d{1,3}[.)]\s+/, '');
              cur = make(pos, r.line + li, r.line + li + 1, 'item', [r, runTag(li)], () => body);
              out.push(cur);
              last = cur;
              from = li;
              runOn = { p: cur, next: runOn.next + 1 };
            }
            flush(ls.length);
            runOn.p = cur;
            break;
          } else if (r.text.length > 30 && r.text.trim().length > 30) last = undefined;
          prevPara = r.text;
          if (once(r, 'intro', () => introducesParts(r.text))) pendingIntro = { r, pos };
          break;
        }
        case 'list': {
          // A task sentence ending in ":" and the list after it are one problem, the items its parts. Under a free
          // title the title only names it.
          if (intro && intro.pos === pos && !open && (!sec || (sec.free && !docContainer())) && !inRole('example') && !inRole('solution') && once(r, 'parts', () => partsOf(r))) {
            if (sec) dropFree(sec);
            const ir = intro.r;
            const p = make(pos, ir.line, r.end, 'problem', [ir, r], () => `${ir.text}\n${r.items.map((it) => it.text).join('\n')}`);
            out.push(p);
            last = p;
            prevPara = '';
            break;
          }
          // Under a free title, a list is a list of problems unless the section set up one problem first (a paragraph
          // of setup before the list): then its items are that problem's parts.
          // In a document titled as a problem set, its free-titled sections are the problems and their lists parts.
          // An instruction that announces the items below ("Resuelve los siguientes límites …") sets up no single problem.
          const setUp = !!sec && sec.free && !inRole('container') && (docContainer() || sec.parts.some((x) => x.trim().length > 40));
          const announced = prevPara !== '' && introducesProblems(prevPara);
          if (!open && sec && sec.free && (!setUp || (announced && !docContainer())) && !inRole('example') && !inRole('solution')) {
            const cont = inRole('container') || announced;
            const items = !cont && prevPara !== '' && introducesSteps(prevPara) ? [] : listProblems(r, pos, cont);
            if (items.length > 0) {
              dropFree(sec);
              for (const p of items) out.push(p);
              last = items[items.length - 1];
              runOn = r.ordered ? { p: last!, next: (r.start ?? 1) + r.items.length } : undefined;
              prevPara = '';
              break;
            }
          }
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
          // "2. Order these numbers:" then a bullet list of bare formulas: the data of that task, not new problems.
          if (!r.ordered && lastItem && once(r, 'bare', () => r.items.every((it) => isBareMath(it.text)))) {
            extend(lastItem, pos, r.end);
            break;
          }
          // A numbered list that resumes at "2." after a solution block continues the list before it.
          const resumed = r.ordered && !!r.start && listCarry !== undefined;
          const continues = r.ordered && !!runOn && r.start === runOn.next;
          const container = inRole('container') || (prevPara !== '' && introducesProblems(prevPara)) || (resumed && listCarry === true) || continues;
          const items = !container && prevPara !== '' && introducesSteps(prevPara) ? [] : listProblems(r, pos, container);
          listCarry = container;
          lastItem = items.length > 0 && r.ordered ? items[items.length - 1] : undefined;
          runOn = lastItem ? { p: lastItem, next: (r.start ?? 1) + r.items.length } : undefined;
          for (const p of items) out.push(p);
          if (items.length > 0) last = items[items.length - 1];
          prevPara = '';
          break;
        }
        case 'quote': {
          listCarry = undefined;
          lastItem = undefined;
          // Obsidian / GitHub callouts: "> [!exercise] Title", "> [!question]+ …", "> [!NOTE]".
          const callout = once(r, 'callout', () => {
            const m = /^\s*\[!([\w-]+)\][+-]?[ \t]*([^\n]*)/.exec(r.text);
            if (!m) return undefined;
            const nl = r.text.indexOf('\n');
            return { role: blockRole(m[1]!, m[2]!.trim(), nl < 0 ? '' : r.text.slice(nl + 1), false) };
          });
          if (callout) {
            const role = callout.role;
            if (role && role.role === 'problem' && !inRole('example') && !inRole('solution')) {
              finishOpen();
              if (sec) {
                claimSections();
                sec.open = false;
              }
              const p = make(pos, r.line, r.end, role.kind, [r], () => r.text.replace(/^\s*\[![^\]]*\][+-]?[^\n]*\n?/, ''), role.label);
              out.push(p);
              last = p;
            } else if (role && role.role === 'solution') solutionHere(pos, r.end);
            else if (!role && (open || (sec && sec.open))) {
              const target = open ?? sec!;
              extend(open ? open.p : sec!.problem!, pos, r.end);
              if (!open) sec!.body++;
              target.parts.push(r.text);
              target.recs.push(r);
            }
            break;
          }
          // "> **Problem 5.** ..." is a problem of its own even right after another problem or section.
          const quoted = once(r, 'qlabel', () => {
            const l = matchProblemLabel(r.lead);
            return !!l && l.numbered && !isContainerHeading(r.lead);
          });
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
          if (!q && !quoted && once(r, 'intro', () => introducesParts(r.text))) pendingIntro = { r, pos };
          // A question posed in a blockquote under a free title: the quote is the problem, the title only names it.
          const freeOverQuote = !open && !!sec && !!sec.free && !!q && !inRole('example') && !inRole('solution');
          if (freeOverQuote) dropFree(sec!);
          if (freeOverQuote) {
            // fall through to the quote as a problem
          } else if (quoted && (open || sec) && !inRole('example') && !inRole('solution')) {
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
          if (!q) break;
          const body = once(r, 'body', () => (q.label ? r.text.replace(/^\s*(?:\*\*|__)[^\n]*?(?:\*\*|__)\s*/, '').trim() || r.text : r.text));
          const p = make(pos, r.line, r.end, q.kind, [r], () => body, q.label);
          out.push(p);
          last = p;
          break;
        }
        case 'directive': {
          if (r.opener) {
            if (inRole('example') || inRole('solution')) break;
            const label = r.title ? once(r, 'label', () => matchProblemLabel(r.title!)) : undefined;
            const name = r.name.toLowerCase();
            openHtml(pos, r, label?.kind ?? (Object.hasOwn(DIRECTIVE_KIND, name) ? DIRECTIVE_KIND[name]! : 'problem'), label, [r]);
            break;
          }
          const role = once(r, 'role', () => blockRole(r.name, r.title ?? '', r.text, !r.admonition, r.prose));
          // A question box answered at once by the box after it ("Question" then "Idea"): asked in a lecture, not set.
          if (asked && !role && ANSWER_BOX.test(r.name.toLowerCase())) drop(asked);
          // An untitled box whose body is only a numbered list of long, separate tasks holds that many problems.
          const many = role && role.role === 'problem' && !r.title && r.items && r.items.length >= 3 &&
            once(r, 'many', () => r.items!.every((it) => it.text.length >= 60 && statesTask(it.text)));
          if (many && !inRole('example') && !inRole('solution')) {
            finishOpen();
            claimSections();
            if (sec) sec.open = false;
            r.items!.forEach((it, n) => out.push((last = make(pos, it.line, it.end, 'item', [r, runTag(n)], () => it.text))));
            break;
          }
          if (role && role.role === 'problem' && !inRole('example') && !inRole('solution')) {
            finishOpen();
            claimSections();
            if (sec) sec.open = false;
            const p = make(pos, r.line, r.end, role.kind, [r], () => r.text, role.label);
            out.push(p);
            last = p;
            if (role.kind === 'question' && !role.label) questionBox = p;
            // `{exercise-start}` … `{exercise-end}`: the statement is the Markdown between the two fences.
            if (/-start$/i.test(r.name)) open = { p, parts: r.text.trim() ? [r.text] : [], recs: [r], html: true };
            break;
          }
          if (role && role.role === 'solution') {
            solutionHere(pos, r.end);
            if (/^solution-start$/i.test(r.name)) inSolutionPair = true;
            break;
          }
          if (/^exercise-end$/i.test(r.name)) {
            if (open && open.html) {
              extend(open.p, pos, r.end);
              finishOpen();
            }
            break;
          }
          if (open) extend(open.p, pos, r.end);
          else if (sec) {
            extend(sec.problem!, pos, r.end);
            sec.body++;
          }
          break;
        }
        case 'details': {
          if (once(r, 'solution', () => !!r.summary && isSolutionLabel(r.summary))) {
            // An inserted (or hand-written) collapsible solution ends the problem above it and solves it.
            solutionHere(pos, r.end);
            if (!r.closed) solDepth = 1;
            break;
          }
          const lab = once(r, 'label', () => (r.summary ? matchProblemLabel(r.summary) : undefined));
          if (lab && !inRole('example') && !inRole('solution') && (lab.numbered || !r.closed || statesTask(r.text))) {
            // <details><summary>Problem 2</summary> … : the summary names the problem.
            if (r.closed) {
              finishOpen();
              claimSections();
              if (sec) sec.open = false;
              const p = make(pos, r.line, r.end, lab.kind, [r], () => r.text, lab.label);
              out.push(p);
              last = p;
            } else openHtml(pos, r, lab.kind, lab, [r]);
            break;
          }
          if (open) extend(open.p, pos, r.end);
          else if (sec) extend(sec.problem!, pos, r.end);
          break;
        }
        case 'detailsEnd':
        case 'htmlEnd': {
          if (open) {
            extend(open.p, pos, r.end);
            if (open.html) finishOpen();
          } else if (sec && sec.open) extend(sec.problem!, pos, r.end);
          break;
        }
        case 'block': {
          if (open) extend(open.p, pos, r.end);
          else if (sec) {
            extend(sec.problem!, pos, r.end);
            if (sec.dataBelow) sec.dataBlocks = (sec.dataBlocks ?? 0) + 1;
          }
          break;
        }
        case 'hr':
          finishOpen();
          break;
      }
    }
  }
  // The pass stopped at the cap: what it left out lies past it, even if later decisions drop some problems below
  // the cap again; such an output is never reused (a later run resuming in it would not see past that cut).
  const stoppedAtMax = out.length >= max;
  finishOpen();
  while (sections.length) finishSection(sections.pop()!);
  decide(ROOT);
  sortByStart(out);
  if (tail) out = out.concat(tail);
  // Where each resume point's problems begin in the final output (later decisions may drop earlier problems):
  // one pass, the points being in document order (prefix, this run, tail) like the output.
  let at = 0;
  let lastStart = -1;
  for (const pt of points.values()) {
    if (pt.start < lastStart) at = 0;
    lastStart = pt.start;
    while (at < out.length && out[at]!.startOffset < pt.start) at++;
    pt.idx = at;
  }
  if (reuse) reuse.prev = { segs: segs.slice(), out: out.slice(), math, marked: docMarked(), container: docContainer(), capped: stoppedAtMax || out.length >= max, points };
  return answersOnly(out);
}

/**
 * "## Aufgabe 1", "**Problem 2.**" … over hints or answers only: when fewer than a third of a document's numbered
 * problem labels head a statement that states a task (or a bare formula), they are a hint or answer sheet.
 * Applied to the whole output of every run (fresh and incremental alike).
 */
function answersOnly(out: DetectedProblem[]): DetectedProblem[] {
  let n = 0;
  let tasks = 0;
  for (const p of out) {
    if (p.kind === 'item' || !p.label || !matchProblemLabel(p.label)?.numbered) continue;
    n++;
    // Collapsed blocks (Hugo `{{< details >}}`, `<details>`) hold hints, not the statement.
    const t = p.text.replace(/\{\{[<%]\s*details\b[\s\S]*?\{\{[<%]\s*\/\s*details\s*[>%]\}\}|<details\b[\s\S]*?<\/details>/gi, ' ');
    if (statesTask(t) || bareFormula(t)) tasks++;
    if (tasks * 3 >= n && n >= 6) return out;
  }
  if (n < 2 || tasks * 3 >= n) return out;
  return out.filter((p) => p.kind === 'item' || !p.label || !matchProblemLabel(p.label)?.numbered);
}

/** A statement that is a formula and (almost) nothing else: "$\\int_0^1 x^2\\,dx$". */
function bareFormula(t: string): boolean {
  if (t.length > 300 || !hasMath(t)) return false;
  const words = t.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\[[\s\S]*?\\\]|\\\([\s\S]*?\\\)/g, ' ').match(/\p{L}{2,}/gu);
  return !words || words.length <= 3;
}
