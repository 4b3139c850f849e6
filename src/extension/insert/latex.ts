// The model's Markdown + math → LaTeX, through markdown-it tokens (not regexes over the text):
// lists → enumerate / itemize, *emphasis* → \emph, **strong** → \textbf, `code` → \texttt,
// display math → \[ … \], inline math kept as $…$ (or \(…\)), text specials escaped, math untouched.
// Pure; raw HTML in the model's output is treated as text (escaped), never passed through. Text, math
// and verbatim go through texSafety.ts, so nothing the model wrote can run or close the document's
// structure (given the target document's TexContext: its packages and its own macros).
import MarkdownIt from 'markdown-it';
import { addMathRules } from '../../webview/mathRules.js';
import { DEFAULT_TEX_CONTEXT, latexText, latexVerbatim, sanitiseMath, type Neutralised, type TexContext } from './texSafety.js';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

let md: InstanceType<typeof MarkdownIt> | undefined;
function parser(): InstanceType<typeof MarkdownIt> {
  if (!md) {
    md = new MarkdownIt({ html: false, linkify: false, typographer: false });
    addMathRules(md);
  }
  return md;
}

/** Escapes LaTeX's special characters in running text. */
export function escapeLatexText(s: string, ctx: TexContext = DEFAULT_TEX_CONTEXT): string {
  return latexText(s, ctx);
}

interface Conv {
  ctx: TexContext;
  neutralised: Neutralised;
}

function inlineToLatex(tokens: Token[], cv: Conv): string {
  const text = (x: string) => escapeLatexText(x, cv.ctx);
  const math = (x: string) => sanitiseMath(x, cv.ctx, cv.neutralised);
  let out = '';
  const hrefs: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
        out += text(t.content);
        break;
      case 'softbreak':
        out += '\n';
        break;
      case 'hardbreak':
        out += '\\\\\n';
        break;
      case 'em_open':
        out += '\\emph{';
        break;
      case 'strong_open':
        out += '\\textbf{';
        break;
      case 's_open':
        out += '{'; // ~~struck~~: \sout needs the ulem package; the text stays, plain
        break;
      case 'em_close':
      case 'strong_close':
      case 's_close':
        out += '}';
        break;
      case 'code_inline':
        out += `\\texttt{${text(t.content)}}`;
        break;
      case 'math_inline': {
        // Nothing left (e.g. only an \end{document}): no formula at all — `$$` would open display math.
        const m = math(t.content);
        if (m.trim()) out += t.markup === '\\(' ? `\\(${m}\\)` : `$${m}$`;
        break;
      }
      case 'math_inline_display': {
        const m = math(t.content);
        if (m.trim()) out += `\n\\[${m}\\]\n`;
        break;
      }
      case 'link_open':
        hrefs.push(String(t.attrGet('href') ?? ''));
        break;
      case 'link_close': {
        const href = hrefs.pop();
        if (href) out += ` (\\texttt{${text(href)}})`;
        break;
      }
      case 'image':
        out += text(t.children ? t.children.map((c) => c.content).join('') : t.content);
        break;
      case 'html_inline':
        out += text(t.content);
        break;
      default:
        if (t.content) out += text(t.content);
    }
  }
  return out.replace(/[ \t]+\n\\\[/g, '\n\\[').replace(/\\\]\n[ \t]+/g, '\\]\n');
}

/**
 * Converts Markdown (with $…$ / $$…$$ / \(…\) / \[…\] math) to LaTeX body text that the document
 * described by `ctx` can typeset. `neutralised` collects what was changed for safety.
 */
export function markdownToLatex(markdown: string, ctx: TexContext = DEFAULT_TEX_CONTEXT, neutralised: Neutralised = new Set()): string {
  const cv: Conv = { ctx, neutralised };
  const tokens = parser().parse(markdown.replace(/\r\n?/g, '\n'), {});
  const lines: string[] = [];
  let para: string[] | null = null;
  const listStack: Array<'itemize' | 'enumerate'> = [];
  const indent = () => '  '.repeat(listStack.length);
  let pendingItem = false;

  const emit = (text: string) => {
    const prefix = pendingItem ? `${indent().slice(2)}\\item ` : indent();
    pendingItem = false;
    text.split('\n').forEach((l, i) => lines.push(i === 0 ? prefix + l : l.length ? indent() + l : l));
  };
  const blank = () => {
    if (listStack.length === 0 && lines.length && lines[lines.length - 1] !== '') lines.push('');
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'paragraph_open':
        para = [];
        break;
      case 'paragraph_close':
        if (para) emit(para.join(''));
        para = null;
        if (!t.hidden) blank();
        break;
      case 'inline':
        if (para) para.push(inlineToLatex(t.children ?? [], cv));
        else emit(inlineToLatex(t.children ?? [], cv));
        break;
      case 'heading_open': {
        const inline = tokens[i + 1];
        emit(`\\paragraph{${inlineToLatex(inline?.children ?? [], cv)}}`);
        i += 2; // inline + heading_close
        blank();
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const env = t.type === 'bullet_list_open' ? 'itemize' : 'enumerate';
        if (pendingItem) emit('');
        lines.push(`${indent()}\\begin{${env}}`);
        listStack.push(env);
        break;
      }
      case 'bullet_list_close':
      case 'ordered_list_close': {
        const env = listStack.pop();
        lines.push(`${indent()}\\end{${env}}`);
        blank();
        break;
      }
      case 'list_item_open':
        pendingItem = true;
        break;
      case 'list_item_close':
        if (pendingItem) emit('');
        pendingItem = false;
        break;
      case 'math_block':
        if (pendingItem) emit('');
        {
          const m = sanitiseMath(t.content.trim(), ctx, neutralised);
          if (m.trim()) lines.push(`${indent()}\\[`, ...m.split('\n').map((l) => indent() + l), `${indent()}\\]`);
        }
        blank();
        break;
      case 'fence':
      case 'code_block':
        if (pendingItem) emit('');
        lines.push('\\begin{verbatim}', ...latexVerbatim(t.content.replace(/\n$/, ''), ctx).split('\n'), '\\end{verbatim}');
        blank();
        break;
      case 'blockquote_open':
        lines.push(`${indent()}\\begin{quote}`);
        break;
      case 'blockquote_close':
        if (lines[lines.length - 1] === '') lines.pop();
        lines.push(`${indent()}\\end{quote}`);
        blank();
        break;
      case 'hr':
        lines.push(`${indent()}\\medskip`);
        blank();
        break;
      case 'html_block':
        emit(escapeLatexText(t.content.trimEnd(), ctx));
        blank();
        break;
      default:
        break; // tables and other constructs: their inline children are handled above
    }
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return breakLongLines(lines).join('\n');
}

/** TeX reads a line into a fixed buffer (200,000 characters in TeX Live): longer lines must not reach it. */
export const MAX_LATEX_LINE = 2000;

/**
 * Breaks lines longer than MAX_LATEX_LINE: at a space, else with `%` + newline (no space in the output),
 * never inside a control word or after a backslash. Verbatim lines cannot be broken: they are cut.
 */
function breakLongLines(lines: string[]): string[] {
  const out: string[] = [];
  let verbatim = false;
  for (const line of lines) {
    if (line === '\\begin{verbatim}') verbatim = true;
    else if (line === '\\end{verbatim}') verbatim = false;
    if (line.length <= MAX_LATEX_LINE) out.push(line);
    else if (verbatim) out.push(`${line.slice(0, MAX_LATEX_LINE)} [...]`);
    else out.push(...splitLine(line));
  }
  return out;
}

function splitLine(line: string): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > MAX_LATEX_LINE) {
    let cut = rest.lastIndexOf(' ', MAX_LATEX_LINE);
    if (cut > MAX_LATEX_LINE / 2) {
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
      continue;
    }
    // No space: before a command, else after a group, else any point that is not inside \word and not
    // right after a backslash.
    cut = MAX_LATEX_LINE;
    const low = MAX_LATEX_LINE / 2;
    while (cut > low && !(rest[cut] === '\\' && safeCut(rest, cut))) cut--;
    if (cut <= low) for (cut = MAX_LATEX_LINE; cut > low && !(rest[cut - 1] === '}' && safeCut(rest, cut)); ) cut--;
    if (cut <= low) for (cut = MAX_LATEX_LINE; cut > 1 && !safeCut(rest, cut); ) cut--;
    parts.push(`${rest.slice(0, cut)}%`);
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

function safeCut(s: string, at: number): boolean {
  if (s[at - 1] === '\\') return false;
  let j = at - 1;
  while (j >= 0 && /[A-Za-z]/.test(s[j]!)) j--;
  // Letters right before the cut that follow a backslash form a control word; so do letters after it.
  if (j < at - 1 && j >= 0 && s[j] === '\\' && (j === 0 || s[j - 1] !== '\\')) return false;
  return true;
}
