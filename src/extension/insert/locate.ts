// Finds a problem in a document again after edits: at its old place if its text is still there, else
// by its text (exact, then ignoring whitespace differences) when that is unambiguous; otherwise the
// candidates, for the user to choose from. Pure: offsets in, offsets out.

export interface Span {
  start: number;
  end: number;
}

/** Collapses runs of whitespace; returns the collapsed text and, per collapsed index, the original index. */
function collapse(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (!inSpace && out.length) {
        out += ' ';
        map.push(i);
      }
      inSpace = true;
    } else {
      out += c;
      map.push(i);
      inSpace = false;
    }
  }
  if (out.endsWith(' ')) {
    out = out.slice(0, -1);
    map.pop();
  }
  return { text: out, map };
}

function allIndexes(hay: string, needle: string, limit = 1000): number[] {
  const out: number[] = [];
  if (!needle) return out;
  for (let i = hay.indexOf(needle); i >= 0 && out.length < limit; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** Where a problem is now: one place, several places to choose from (never guessed), or gone (undefined). */
export type Located = { span: Span } | { candidates: Span[] } | undefined;

/**
 * Where `original` (the problem's text as it was when the run started, at `was`) is now in `text`.
 * `occurrences`: how often that text was in the document then. The problem is found without asking when
 * its text is still at its old place, or when it is in the document exactly once now and was once then
 * (it moved). Otherwise — the old place was edited and a copy is elsewhere, or there are several
 * copies — every place is a candidate for the user to choose from; the nearest is not taken on trust.
 */
export function locateProblem(text: string, original: string, was: Span, occurrences?: number): Located {
  if (!original.trim()) return undefined;
  if (was.end > was.start && text.slice(was.start, was.end) === original) return { span: { ...was } };
  const decide = (spans: Span[]): Located => {
    if (spans.length === 0) return undefined;
    if (spans.length === 1 && (occurrences ?? 1) <= 1) return { span: spans[0]! };
    return { candidates: spans };
  };
  const exact = allIndexes(text, original);
  if (exact.length) return decide(exact.map((i) => ({ start: i, end: i + original.length })));
  const hay = collapse(text);
  const needle = collapse(original).text;
  if (!needle) return undefined;
  return decide(allIndexes(hay.text, needle).map((hit) => ({ start: hay.map[hit]!, end: hay.map[hit + needle.length - 1]! + 1 })));
}

/** How often `original` occurs in `text` (counting stops at `limit`). */
export function countOccurrences(text: string, original: string, limit = 2): number {
  return allIndexes(text, original, limit).length;
}
