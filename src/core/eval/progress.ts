// Progress with ETA on a stream (stderr): on a TTY one line updated in place, otherwise a plain line
// every `every` problems and at the end.

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ProgressBar {
  private done = 0;
  private correct = 0;
  private failed = 0;
  private readonly started = Date.now();
  private readonly every: number;
  private lastLen = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    /** Problems already done before this run (resume): shown but not used for the ETA. */
    private readonly skipped = 0,
    every?: number,
  ) {
    this.every = every ?? Math.max(1, Math.ceil(total / 20));
  }

  /** One problem finished. */
  tick(correct: boolean, failed: boolean): void {
    this.done++;
    if (correct) this.correct++;
    if (failed) this.failed++;
    if (this.stream.isTTY) this.draw();
    else if (this.done % this.every === 0 || this.done === this.total) this.stream.write(this.line() + '\n');
  }

  /** The current status line (no newline). */
  line(): string {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = this.done > 0 ? elapsed / this.done : NaN;
    const eta = this.done > 0 ? formatDuration(rate * (this.total - this.done)) : '?';
    const frac = this.total > 0 ? this.done / this.total : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const acc = this.done > 0 ? ` · correct ${this.correct}/${this.done} (${((100 * this.correct) / this.done).toFixed(1)} %)` : '';
    const fail = this.failed ? ` · failed ${this.failed}` : '';
    const prior = this.skipped ? ` · ${this.skipped} resumed` : '';
    return `[${bar}] ${this.done}/${this.total} ${(100 * frac).toFixed(0)} %${acc}${fail}${prior} · elapsed ${formatDuration(elapsed)} · ETA ${eta}`;
  }

  private draw(): void {
    let l = this.line();
    const cols = this.stream.columns ?? 120;
    if (l.length > cols - 1) l = l.slice(0, cols - 1);
    this.stream.write('\r' + l + ' '.repeat(Math.max(0, this.lastLen - l.length)));
    this.lastLen = l.length;
  }

  /** Ends the updating line (TTY). */
  finish(): void {
    if (this.stream.isTTY && this.lastLen > 0) this.stream.write('\n');
    this.lastLen = 0;
  }
}
