// Final-answer extraction from a model response: the last \boxed{…} (nested braces) or \fbox{…},
// else an "answer is …" sentence, else the last display/inline math on the final line.

/** Contents of every `\boxed{…}` / `\fbox{…}` in order (braces balanced, escaped braces kept). */
export function findBoxed(text: string): string[] {
  const out: string[] = [];
  const re = /\\(?:boxed|fbox)\s*(\{)?/g;
  let closing: Map<number, number> | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const i = m.index + m[0].length;
    if (!m[1]) {
      // `\boxed 5` form: the next token only.
      const tok = /^\s*([^\s$\\]+|\\[a-zA-Z]+)/.exec(text.slice(i, i + 200));
      if (tok) out.push(tok[1]!);
      continue;
    }
    // Matching braces are computed once for the whole text, so unclosed boxes cost O(1) each
    // (a hostile reply of thousands of `\boxed{` stays linear).
    closing ??= matchingBraces(text);
    const end = closing.get(i - 1);
    if (end !== undefined) {
      out.push(text.slice(i, end).trim());
      re.lastIndex = end + 1;
    }
  }
  return out;
}

/** Position of the `}` closing each `{` (escaped braces `\{` `\}` skipped); unclosed ones absent. */
function matchingBraces(text: string): Map<number, number> {
  const map = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') stack.push(i);
    else if (c === '}') {
      const open = stack.pop();
      if (open !== undefined) map.set(open, i);
    }
  }
  return map;
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
