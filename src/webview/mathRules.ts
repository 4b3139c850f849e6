// markdown-it parser rules for math: $…$, \(…\) inline; $$…$$, \[…\] display (inline or as a block).
// Parser only (tokens math_inline, math_inline_display, math_block; `markup`/`info` hold the delimiters),
// no rendering, so the LaTeX converter can use it without KaTeX. An unclosed delimiter is plain text.
import type MarkdownIt from 'markdown-it';

type Md = InstanceType<typeof MarkdownIt>;
type StateInline = MarkdownIt.StateInline;
type StateBlock = MarkdownIt.StateBlock;

const INLINE_DELIMS: Array<[string, string, boolean]> = [
  ['$$', '$$', true],
  ['\\[', '\\]', true],
  ['\\(', '\\)', false],
  ['$', '$', false],
];

/** Finds `close` from `from`, skipping backslash escapes; -1 when the span is not closed. */
function findClose(src: string, from: number, end: number, close: string): number {
  let i = from;
  while (i < end) {
    if (src.startsWith(close, i)) {
      if (close !== '$') return i;
      // A closing single dollar: not after whitespace, not before a digit (so "$5 and $10" stays text).
      const before = src[i - 1];
      const after = src[i + 1];
      if (i > from && before !== ' ' && before !== '\t' && before !== '\n' && !(after && after >= '0' && after <= '9')) return i;
    }
    i += src[i] === '\\' ? 2 : 1;
  }
  return -1;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const pos = state.pos;
  for (const [open, close, display] of INLINE_DELIMS) {
    if (!src.startsWith(open, pos)) continue;
    const start = pos + open.length;
    if (open === '$') {
      const next = src[start];
      if (next === undefined || next === ' ' || next === '\t' || next === '\n') return false;
    }
    const end = findClose(src, start, state.posMax, close);
    if (end < 0) return false; // unclosed: stays source text until the closing delimiter streams in
    const tex = src.slice(start, end);
    if (!tex.trim()) return false;
    if (!silent) {
      const token = state.push(display ? 'math_inline_display' : 'math_inline', 'math', 0);
      token.content = tex;
      token.markup = open;
      token.info = close;
    }
    state.pos = end + close.length;
    return true;
  }
  return false;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const src = state.src;
  let open: string;
  let close: string;
  if (src.startsWith('$$', pos)) [open, close] = ['$$', '$$'];
  else if (src.startsWith('\\[', pos)) [open, close] = ['\\[', '\\]'];
  else return false;
  pos += open.length;
  // Find the closing delimiter on this or a following line of the same block.
  let line = startLine;
  let from = pos;
  let closeAt = -1;
  for (;;) {
    const lineEnd = state.eMarks[line]!;
    const at = findClose(src, from, lineEnd, close);
    if (at >= 0) {
      closeAt = at;
      break;
    }
    line++;
    if (line >= endLine) return false;
    if (state.sCount[line]! < state.blkIndent) return false;
    from = state.bMarks[line]! + state.tShift[line]!;
  }
  // Text after the closing delimiter on its line: not a display block, let the paragraph handle it.
  if (src.slice(closeAt + close.length, state.eMarks[line]).trim()) return false;
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = src.slice(pos, closeAt);
  token.markup = open;
  token.info = close;
  token.map = [startLine, line + 1];
  state.line = line + 1;
  void max;
  return true;
}

/** Adds the math rules to a markdown-it instance (call once per instance). */
export function addMathRules(md: Md): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
}
