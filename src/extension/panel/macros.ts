// KaTeX macros from a document, so problems render in the panel as they do in the document:
// \newcommand / \renewcommand / \providecommand, \DeclareMathOperator(*) and \def in a LaTeX preamble
// (or anywhere in Markdown, where people put them in a $…$ block), plus the markdown.math.macros setting.
// Pure; bounded (at most MAX_MACROS macros of MAX_BODY characters each).

export const MAX_MACROS = 200;
export const MAX_BODY = 2000;

/** Reads a balanced {…} group starting at `i` (which must be '{'); returns [content, indexAfter]. */
function readGroup(src: string, i: number): [string, number] | undefined {
  if (src[i] !== '{') return undefined;
  let depth = 0;
  for (let j = i; j < src.length && j - i <= MAX_BODY + 2; j++) {
    const c = src[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return [src.slice(i + 1, j), j + 1];
    }
  }
  return undefined;
}

function skipSpace(src: string, i: number): number {
  while (i < src.length && /\s/.test(src[i]!)) i++;
  return i;
}

/** A control sequence name at `i` (either `\name` or `{\name}`); returns [name, indexAfter]. */
function readName(src: string, i: number): [string, number] | undefined {
  i = skipSpace(src, i);
  if (src[i] === '{') {
    const g = readGroup(src, i);
    if (!g) return undefined;
    const m = /^\s*(\\[A-Za-z]+|\\.)\s*$/.exec(g[0]);
    return m ? [m[1]!, g[1]] : undefined;
  }
  const m = /^\\([A-Za-z]+|.)/.exec(src.slice(i, i + 100));
  return m ? [`\\${m[1]}`, i + m[0].length] : undefined;
}

export function extractMacros(text: string, languageId: string, settingMacros: unknown = undefined): Record<string, string> {
  const macros: Record<string, string> = {};
  let count = 0;
  const add = (name: string, body: string) => {
    if (count >= MAX_MACROS || body.length > MAX_BODY) return;
    // Only control-sequence names; never let a document redefine KaTeX's safety-relevant commands.
    if (!/^\\[A-Za-z]+$/.test(name) || /^\\(href|url|html\w*|includegraphics|def|gdef|edef|xdef|let|newcommand|renewcommand)$/.test(name)) return;
    if (!(name in macros)) count++;
    macros[name] = body;
  };
  if (settingMacros && typeof settingMacros === 'object' && !Array.isArray(settingMacros)) {
    for (const [k, v] of Object.entries(settingMacros as Record<string, unknown>)) if (typeof v === 'string') add(k, v);
  }
  let src = text;
  if (languageId === 'latex' || languageId === 'tex') {
    const begin = src.indexOf('\\begin{document}');
    if (begin >= 0) src = src.slice(0, begin);
  }
  src = src.replace(/(^|[^\\])%.*$/gm, '$1'); // drop TeX comments (Markdown rarely has bare %)
  const re = /\\(newcommand|renewcommand|providecommand|DeclareMathOperator|def)(\*?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) && count < MAX_MACROS) {
    const cmd = m[1]!;
    const star = m[2] === '*';
    let i = m.index + m[0].length;
    const nameRead = readName(src, i);
    if (!nameRead) continue;
    const [name, afterName] = nameRead;
    i = skipSpace(src, afterName);
    if (cmd === 'def') {
      // \def\name#1#2{body}: parameter text of plain #n only.
      const params = /^(#[1-9])*/.exec(src.slice(i, i + 20))![0];
      i = skipSpace(src, i + params.length);
      const g = readGroup(src, i);
      if (g) add(name, g[0]);
      re.lastIndex = g ? g[1] : i;
      continue;
    }
    if (cmd === 'DeclareMathOperator') {
      const g = readGroup(src, i);
      if (g) add(name, star ? `\\operatorname*{${g[0]}}` : `\\operatorname{${g[0]}}`);
      re.lastIndex = g ? g[1] : i;
      continue;
    }
    // \newcommand{\name}[n][default]{body} — KaTeX macros take #n directly; an optional default is dropped.
    const nArgs = /^\[\s*\d\s*\]/.exec(src.slice(i, i + 10));
    if (nArgs) i = skipSpace(src, i + nArgs[0].length);
    const opt = /^\[[^\]]{0,200}\]/.exec(src.slice(i, i + 210));
    if (opt) i = skipSpace(src, i + opt[0].length);
    const g = readGroup(src, i);
    if (g) {
      if (cmd !== 'providecommand' || !(name in macros)) add(name, g[0]);
      re.lastIndex = g[1];
    }
  }
  return macros;
}
