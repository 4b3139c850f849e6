// Incremental engine shared by the LaTeX and Markdown detectors. A document is cut into segments at
// "safe points" (line starts where no environment / fence is open), each analysed on its own; an edit
// re-scans from the segment before the edit until the scan reaches a safe point that was a segment start
// before the edit, and the segments after it are reused as they are (they store relative positions).
//
// A scanner may also cut inside a long stretch whose content the rules never look into (a verbatim
// block, a code fence, an HTML comment — open to the end of the file while one is being typed): such a
// segment records the scanner's state at its start (`entry`), a scan can resume from it, and a re-scan
// resynchronises only at an old boundary with the same entry. So typing inside or after an unclosed
// structure re-scans a few segments, not the rest of the file. The scanners decide where that is exact.

import type { DetectedProblem } from './types.js';

export interface Segment<D> {
  /** Length in UTF-16 code units. */
  length: number;
  /** Relative offsets of the '\n' characters inside the segment (ascending). */
  nl: number[];
  data: D;
  /** The scanner's state at the segment's start when that is not a safe point (opaque to this module). */
  entry?: string;
  /**
   * How far (relative to the segment's start, exclusive) its scan read the text to decide what the segment holds, when
   * that is past its end: a look-ahead that found nothing (a brace group not closed) depends on the text after the
   * segment. An edit before that point scans the segment again, however many segments later it lies.
   */
  reach?: number;
}

/**
 * Scans `text` from `from` — a safe point, or a boundary inside a stretch with the scanner state `entry` —
 * and returns the segments up to the end of the text, or up to the first boundary `p > from` for which
 * `stop(p, entryThere)` is true (`entryThere` undefined at a safe point).
 */
export type ScanFn<D> = (
  text: string,
  from: number,
  stop: ((pos: number, entry?: string) => boolean) | undefined,
  cancel?: () => boolean,
  entry?: string,
) => Segment<D>[];

export class DetectCancelledError extends Error {
  constructor() {
    super('problem detection was cancelled');
    this.name = 'DetectCancelledError';
  }
}

/** Newline offsets of text[from, to) relative to `from`. */
export function newlinesIn(text: string, from: number, to: number): number[] {
  const out: number[] = [];
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    out.push(i - from);
    i = text.indexOf('\n', i + 1);
  }
  return out;
}

/** Number of entries < x in a sorted array. */
export function countBelow(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A copy of `s` that does not pin a larger parent string in memory. V8 keeps a substring of 13 or more characters as
 * a view into its parent: a cache key or a record kept from one version of a 1 MB document would keep that whole
 * version alive (a language server editing a long file grew by about 1 MB per place edited). Appending a character
 * and slicing it off again makes V8 copy `s` into a new string of its own size (exact, also for lone surrogates).
 */
export function detach(s: string): string {
  if (s.length < 13) return s;
  return (s + ' ').slice(0, -1);
}

export class SegmentedText<D> {
  text = '';
  segs: Segment<D>[] = [];

  constructor(private readonly scan: ScanFn<D>) {}

  reset(text: string, cancel?: () => boolean): void {
    this.segs = this.scan(text, 0, undefined, cancel);
    this.text = text;
  }

  /**
   * Replaces text[start, end) (offsets in the current text) with `insert`. `result`, when given, is the
   * text after the edit as the caller holds it: used as it is instead of a copy spliced together here (a
   * spliced string is flattened again on first read, a copy of the whole document per keystroke).
   */
  edit(start: number, end: number, insert: string, cancel?: () => boolean, result?: string): void {
    const old = this.text;
    start = Math.max(0, Math.min(start, old.length));
    end = Math.max(start, Math.min(end, old.length));
    const text = result !== undefined && result.length === old.length + insert.length - (end - start) ? result : old.slice(0, start) + insert + old.slice(end);
    const delta = insert.length - (end - start);
    const segs = this.segs;
    if (segs.length === 0) {
      this.reset(text, cancel);
      return;
    }
    const starts = new Array<number>(segs.length);
    let acc = 0;
    for (let k = 0; k < segs.length; k++) {
      starts[k] = acc;
      acc += segs[k]!.length;
    }
    const indexOf = (pos: number): number => {
      const c = countBelow(starts, pos + 1) - 1;
      return Math.max(0, Math.min(segs.length - 1, c));
    };
    // From the edited segment, or from an earlier one whose scan read up to the edit (its reach: the segment just
    // before when the edit is near the edited segment's start); from the one before when a scanner records no reach.
    let i = indexOf(start);
    if (i > 0 && segs[i - 1]!.reach === undefined) i--;
    for (let k = 0; k < i; k++) {
      const r = segs[k]!.reach;
      if (r !== undefined && starts[k]! + r >= start) {
        i = k;
        break;
      }
    }
    const j = indexOf(end);
    const from = starts[i]!;
    const newEnd = end + delta;
    const stop = (pos: number, entry?: string): boolean => {
      if (pos < newEnd || pos <= start) return false;
      // An old segment start after the edited ones, at the same place in the old text.
      const old = pos - delta;
      const k = countBelow(starts, old);
      if (k <= j || k >= segs.length || starts[k] !== old) return false;
      // The old segment there must begin in the same scanner state (both at a safe point, or both inside
      // the same kind of stretch).
      return segs[k]!.entry === entry;
    };
    const fresh = this.scan(text, from, stop, cancel, segs[i]!.entry);
    // Where the scan ended decides which old segments follow (a scanner may ask `stop` and then go on).
    let scanned = from;
    for (const s of fresh) scanned += s.length;
    let tail: Segment<D>[] = [];
    if (scanned < text.length) {
      const k = countBelow(starts, scanned - delta);
      if (k >= segs.length || starts[k] !== scanned - delta) throw new Error(`incremental detection: a scan ended at ${scanned}, no segment boundary of the text before the edit`);
      tail = segs.slice(k);
    }
    this.segs = segs.slice(0, i).concat(fresh, tail);
    this.text = text;
  }

  /** Start offsets and first line numbers of each segment. */
  layout(): { starts: number[]; lines: number[] } {
    const starts = new Array<number>(this.segs.length);
    const lines = new Array<number>(this.segs.length);
    let off = 0;
    let line = 0;
    for (let k = 0; k < this.segs.length; k++) {
      starts[k] = off;
      lines[k] = line;
      off += this.segs[k]!.length;
      line += this.segs[k]!.nl.length;
    }
    return { starts, lines };
  }
}

/** A problem moved by an edit before it: offsets by `dOff`, lines by `dLine` (the same object when neither moves). */
export function shiftProblem(p: DetectedProblem, dOff: number, dLine: number): DetectedProblem {
  if (dOff === 0 && dLine === 0) return p;
  // A problem may still hold its statement text lazily: spreading builds it once (cached on its node),
  // and the copy holds plain values, cheap to shift on later edits.
  // A literal of the known fields (not a spread): every later edit before it copies it again, and this
  // runs for every problem after the edit. The optional keys are kept exactly as present (also when undefined).
  const q: DetectedProblem = {
    startLine: p.startLine + dLine,
    endLine: p.endLine + dLine,
    startOffset: p.startOffset + dOff,
    endOffset: p.endOffset + dOff,
    blockEndOffset: p.blockEndOffset + dOff,
    kind: p.kind,
    text: p.text,
    solved: p.solved,
  };
  if ('label' in p) q.label = p.label;
  if ('language' in p) q.language = p.language;
  return q;
}

/** Sorts problems by start offset in place — after a check, as the output of a pass is almost always in order already. */
export function sortByStart(ps: DetectedProblem[]): void {
  for (let k = 1; k < ps.length; k++) {
    if (ps[k]!.startOffset < ps[k - 1]!.startOffset) {
      ps.sort((a, b) => a.startOffset - b.startOffset);
      return;
    }
  }
}
