// Final-answer extraction from a model response: the last \boxed{…} (nested braces) or \fbox{…},
// else an "answer is …" sentence, else the last display/inline math on the final line.

/** Contents of every `\boxed{…}` / `\fbox{…}` in order (braces balanced, escaped braces kept). */
export function findBoxed(text: string): string[] {
  const out: string[] = [];
  const re = /\\(?:boxed|fbox)\s*(\{)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let i = m.index + m[0].length;
    if (!m[1]) {
      // `\boxed 5` form: the next token only.
      const tok = /^\s*([^\s$\\]+|\\[a-zA-Z]+)/.exec(text.slice(i));
      if (tok) out.push(tok[1]!);
      continue;
    }
    let depth = 1;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth === 0) {
      out.push(text.slice(start, i - 1).trim());
      re.lastIndex = i;
    }
  }
  return out;
}

const ANSWER_IS = [
  /(?:final answer|the answer)\s*(?:is|:|=)\s*[:]?\s*(\$\$?)([\s\S]+?)\1/gi,
  /(?:final answer|the answer)\s*(?:is|:|=)\s*[:]?\s*\\\(([\s\S]+?)\\\)/gi,
  /(?:final answer|the answer)\s*(?:is|:|=)\s*[:]?\s*\**\s*([^\n$]+?)\s*\**\s*(?:\.\s|\.?$|\n)/gim,
];

/** The final answer of a response, or null when none can be found. */
export function extractFinalAnswer(text: string): string | null {
  const boxed = findBoxed(text);
  if (boxed.length > 0) return boxed[boxed.length - 1]!;
  for (const re of ANSWER_IS) {
    let last: string | null = null;
    for (const m of text.matchAll(re)) last = (m[2] ?? m[1] ?? '').trim();
    if (last) return last.replace(/[.\s]+$/, '');
  }
  return null;
}
