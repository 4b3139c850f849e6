// Model Markdown → Markdown that stays inside the collapsible block it is inserted in. Model output is
// untrusted: a `</details>` would close the block early, `<script>` / `<img onerror>` would be raw HTML in
// the user's document, `## Problem 99` would add a heading (and a problem) to it, `![x](http://…)` would
// load a remote image in every preview, and an unclosed ``` fence or $$ would swallow the rest of the
// document. So, outside code spans and fences:
//  - `<` becomes `&lt;` (no HTML at all: tags, comments, autolinks), and inside math `<` before a
//    letter becomes `\lt ` (a tag to a renderer without math support);
//  - ATX headings and setext underlines are escaped (`\## …`), images become links (`\![…]`);
//  - fences and $$ blocks left open are closed.
// Pure; line-based with the CommonMark rules that matter here.
import { normaliseModelText } from '../../webview/render.js';

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX = /^( {0,3})(#{1,6})(?=[ \t]|$)/;
const SETEXT = /^( {0,3})(=+|-+)[ \t]*$/;

/** Escapes HTML and images on one line outside code spans; tracks $$ display math across lines. */
function escapeLine(line: string, state: { displayMath: boolean }): string {
  let out = '';
  let i = 0;
  let inlineMath: '$' | '\\(' | null = null;
  while (i < line.length) {
    const c = line[i]!;
    const inMath = state.displayMath || inlineMath !== null;
    if (c === '\\' && i + 1 < line.length) {
      const two = line.slice(i, i + 2);
      if (!inMath && (two === '\\(' || two === '\\[')) inlineMath = '\\(';
      else if (inlineMath === '\\(' && (two === '\\)' || two === '\\]')) inlineMath = null;
      out += two;
      i += 2;
      continue;
    }
    if (!inMath && c === '`') {
      // A code span: a run of backticks closed by a run of the same length on this line.
      const run = /^`+/.exec(line.slice(i))![0];
      const close = line.indexOf(run, i + run.length);
      if (close > 0 && line[close + run.length] !== '`') {
        out += line.slice(i, close + run.length);
        i = close + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    if (c === '$') {
      if (line.startsWith('$$', i)) {
        if (inlineMath === null) state.displayMath = !state.displayMath;
        out += '$$';
        i += 2;
        continue;
      }
      if (!state.displayMath) inlineMath = inlineMath === '$' ? null : inlineMath === null ? '$' : inlineMath;
      out += c;
      i++;
      continue;
    }
    if (c === '<') {
      if (inMath) out += /[A-Za-z/!?]/.test(line[i + 1] ?? '') ? '\\lt ' : '<';
      else out += '&lt;';
      i++;
      continue;
    }
    if (!inMath && c === '!' && line[i + 1] === '[') {
      out += '\\!';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The model's Markdown, made safe to insert inside a `<details>` block of a user's document. */
export function safeMarkdown(markdown: string): string {
  const lines = normaliseModelText(markdown).split('\n');
  const out: string[] = [];
  let fence: { char: string; len: number } | null = null;
  const state = { displayMath: false };
  let prevText = false; // the previous line can be a paragraph line (so `===` / `---` would underline it)
  for (const line of lines) {
    if (fence) {
      const m = FENCE.exec(line);
      if (m && m[2]![0] === fence.char && m[2]!.length >= fence.len && !m[3]!.trim()) fence = null;
      out.push(line);
      prevText = false;
      continue;
    }
    const f = FENCE.exec(line);
    if (f && !(f[2]![0] === '`' && f[3]!.includes('`')) && !state.displayMath) {
      fence = { char: f[2]![0]!, len: f[2]!.length };
      out.push(line);
      prevText = false;
      continue;
    }
    if (!line.trim() && state.displayMath) {
      // A blank line ends a paragraph, so a previewer without math sees what follows as Markdown:
      // the $$ block is closed here rather than left to swallow (or expose) what follows.
      out.push('$$');
      state.displayMath = false;
    }
    let l = line;
    // Escaped even inside $$ (a previewer without math support would see a heading).
    if (ATX.test(l)) l = l.replace(ATX, (_m, sp: string, hashes: string) => `${sp}\\${hashes}`);
    else if (prevText && SETEXT.test(l)) l = l.replace(/^( {0,3})/, '$1\\');
    l = escapeLine(l, state);
    out.push(l);
    prevText = l.trim() !== '';
  }
  if (state.displayMath) out.push('$$');
  if (fence) out.push(fence.char.repeat(fence.len));
  return out.join('\n');
}
