// Finds a problem in a document again after edits: at its old place if its text is still there, else
// by its text (exact, then ignoring whitespace differences), preferring the occurrence nearest the old
// place. Pure: offsets in, offsets out.

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

function nearest(hits: number[], around: number): number | undefined {
  let best: number | undefined;
  for (const h of hits) if (best === undefined || Math.abs(h - around) < Math.abs(best - around)) best = h;
  return best;
}

function allIndexes(hay: string, needle: string, limit = 1000): number[] {
  const out: number[] = [];
  if (!needle) return out;
  for (let i = hay.indexOf(needle); i >= 0 && out.length < limit; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/**
 * Where `original` (the problem's text as it was when the run started, at `was`) is now in `text`.
 * Undefined when it is gone.
 */
export function relocate(text: string, original: string, was: Span): Span | undefined {
  if (!original.trim()) return undefined;
  if (text.slice(was.start, was.end) === original) return { ...was };
  const exact = nearest(allIndexes(text, original), was.start);
  if (exact !== undefined) return { start: exact, end: exact + original.length };
  const hay = collapse(text);
  const needle = collapse(original).text;
  if (!needle) return undefined;
  const approxWas = hay.map.findIndex((i) => i >= was.start);
  const hit = nearest(allIndexes(hay.text, needle), approxWas < 0 ? hay.text.length : approxWas);
  if (hit === undefined) return undefined;
  return { start: hay.map[hit]!, end: hay.map[hit + needle.length - 1]! + 1 };
}
