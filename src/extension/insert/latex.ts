// The model's Markdown + math → LaTeX, through markdown-it tokens (not regexes over the text):
// lists → enumerate / itemize, *emphasis* → \emph, **strong** → \textbf, `code` → \texttt,
// display math → \[ … \], inline math kept as $…$ (or \(…\)), text specials escaped, math untouched.
// Pure; raw HTML in the model's output is treated as text (escaped), never passed through.
import MarkdownIt from 'markdown-it';
import { addMathRules } from '../../webview/mathRules.js';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

let md: InstanceType<typeof MarkdownIt> | undefined;
function parser(): InstanceType<typeof MarkdownIt> {
  if (!md) {
    md = new MarkdownIt({ html: false, linkify: false, typographer: false });
    addMathRules(md);
  }
  return md;
}

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

/** Escapes LaTeX's special characters in running text. */
export function escapeLatexText(s: string): string {
  return s.replace(/[\\{}$&#%_^~<>]/g, (c) => SPECIALS[c]!);
}

function inlineToLatex(tokens: Token[]): string {
  let out = '';
  const hrefs: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
        out += escapeLatexText(t.content);
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
        out += '\\sout{';
        break;
      case 'em_close':
      case 'strong_close':
      case 's_close':
        out += '}';
        break;
      case 'code_inline':
        out += `\\texttt{${escapeLatexText(t.content)}}`;
        break;
      case 'math_inline':
        out += t.markup === '\\(' ? `\\(${t.content}\\)` : `$${t.content}$`;
        break;
      case 'math_inline_display':
        out += `\n\\[${t.content}\\]\n`;
        break;
      case 'link_open':
        hrefs.push(String(t.attrGet('href') ?? ''));
        break;
      case 'link_close': {
        const href = hrefs.pop();
        if (href) out += ` (\\texttt{${escapeLatexText(href)}})`;
        break;
      }
      case 'image':
        out += escapeLatexText(t.children ? t.children.map((c) => c.content).join('') : t.content);
        break;
      case 'html_inline':
        out += escapeLatexText(t.content);
        break;
      default:
        if (t.content) out += escapeLatexText(t.content);
    }
  }
  return out.replace(/[ \t]+\n\\\[/g, '\n\\[').replace(/\\\]\n[ \t]+/g, '\\]\n');
}

/** Converts Markdown (with $…$ / $$…$$ / \(…\) / \[…\] math) to LaTeX body text. */
export function markdownToLatex(markdown: string): string {
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
        if (para) para.push(inlineToLatex(t.children ?? []));
        else emit(inlineToLatex(t.children ?? []));
        break;
      case 'heading_open': {
        const inline = tokens[i + 1];
        emit(`\\paragraph{${inlineToLatex(inline?.children ?? [])}}`);
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
        lines.push(`${indent()}\\[`, ...t.content.trim().split('\n').map((l) => indent() + l), `${indent()}\\]`);
        blank();
        break;
      case 'fence':
      case 'code_block':
        if (pendingItem) emit('');
        lines.push('\\begin{verbatim}', ...t.content.replace(/\n$/, '').replace(/\\end\{verbatim\}/g, '\\end {verbatim}').split('\n'), '\\end{verbatim}');
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
        emit(escapeLatexText(t.content.trimEnd()));
        blank();
        break;
      default:
        break; // tables and other constructs: their inline children are handled above
    }
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
