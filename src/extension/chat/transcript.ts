// The trajectory as chat Markdown, in the order the orchestrator streams it: plan, then per step the
// template it uses and the streamed work, evaluation notes, the answer. Pure (no vscode): the handler
// passes each piece to ChatResponseStream.markdown(). Model text goes out as it came (the chat renders
// it untrusted: no HTML, no command links). A chat that renders no math (VS Code before chat math, or with
// `chat.math.enabled` off) gets math as readable text instead of raw TeX: "$x^2 - 1$" reads "x² − 1".
import { splitMath, texToText } from '../../core/detect/mathText.js';
import type { SolveEvent, SolveMode } from '../../core/reasoning/events.js';
import { normaliseModelText } from '../../webview/text.js';

/** How math reaches the chat: as TeX (the chat typesets it) or as readable text (it cannot). */
export type ChatMath = 'tex' | 'text';

/** Longest stretch held back waiting for a formula's closing delimiter before it goes out as prose. */
const MAX_HELD_CHARS = 4000;

/** Labels, localised by the caller (vscode.l10n). */
export interface TranscriptStrings {
  plan: string;
  step: string;
  template: string;
  explanation: string;
  answer: string;
  noAnswer: string;
  revised: string;
  replanned: string;
  cancelled: string;
  hintMore: string;
}

export const ENGLISH: TranscriptStrings = {
  plan: 'Plan',
  step: 'Step',
  template: 'Template',
  explanation: 'Explanation',
  answer: 'Answer',
  noAnswer: 'No final answer was found.',
  revised: 'Revised after the check',
  replanned: 'New plan',
  cancelled: 'Cancelled.',
  hintMore: 'That is the first hint. Open the panel for the next ones, or ask for the solution with /solve.',
};

/** Escapes text that is not model Markdown (template names, goals shown in bold). */
function plain(s: string): string {
  return normaliseModelText(s).replace(/\s+/g, ' ').trim().replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>#|$])/g, '\\$1');
}

/**
 * Where the text stops being safe to rewrite: the start of a formula whose closing delimiter has not
 * arrived yet (or a trailing `$`/`\\` that may begin one); text.length when every formula is closed.
 */
export function openMathAt(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) return i;
      if (n === '(' || n === '[') {
        const close = n === '(' ? '\\)' : '\\]';
        const end = text.indexOf(close, i + 2);
        if (end < 0) return i;
        i = end + 2;
        continue;
      }
      i += 2;
      continue;
    }
    if (c === '$') {
      const dbl = text[i + 1] === '$';
      if (!dbl && i + 1 >= text.length) return i;
      const close = dbl ? '$$' : '$';
      let j = i + close.length;
      let end = -1;
      while (j < text.length) {
        if (text[j] === '\\') { j += 2; continue; }
        if (text.startsWith(close, j)) { end = j; break; }
        if (!dbl && text[j] === '\n' && text[j + 1] === '\n') break; // a paragraph ends an inline formula
        j++;
      }
      if (end < 0 && j >= text.length) return i;
      i = end < 0 ? i + 1 : end + close.length;
      continue;
    }
    i++;
  }
  return text.length;
}

/** Model Markdown with its math rewritten as readable text (escaped so the chat shows it literally). */
export function readableMath(markdown: string): string {
  return splitMath(markdown)
    .map((seg) => (seg.kind === 'text' ? seg.text : seg.display ? `\n\n${escapeMd(texToText(seg.tex))}\n\n` : escapeMd(texToText(seg.tex))))
    .join('');
}

export class ChatTranscript {
  private planShown = false;
  private stepOpen = -1;
  private readonly templates = new Map<number, string>();
  /** Whether the run produced a final answer. */
  answer: string | null = null;
  status: 'solved' | 'no-answer' | 'cancelled' | 'failed' | 'running' = 'running';

  /** Model text held back until its open formula closes (math: 'text' only). */
  private held = '';

  constructor(
    private readonly mode: SolveMode,
    private readonly emit: (markdown: string) => void,
    private readonly s: TranscriptStrings = ENGLISH,
    private readonly math: ChatMath = 'tex',
  ) {}

  /** Model text out, with math made readable when the chat cannot typeset it. */
  private model(text: string): void {
    const t = normaliseModelText(text);
    if (this.math === 'tex') {
      this.emit(t);
      return;
    }
    this.held += t;
    const cut = this.held.length > MAX_HELD_CHARS ? this.held.length : openMathAt(this.held);
    if (cut > 0) {
      this.emit(readableMath(this.held.slice(0, cut)));
      this.held = this.held.slice(cut);
    }
  }

  private flush(): void {
    if (!this.held) return;
    this.emit(readableMath(this.held));
    this.held = '';
  }

  /** Template names and goals: escaped, with readable math when the chat cannot typeset it. */
  private label(s: string): string {
    if (this.math === 'tex') return plain(s);
    return splitMath(normaliseModelText(s).replace(/\s+/g, ' ').trim())
      .map((seg) => escapeMd(seg.kind === 'text' ? seg.text : texToText(seg.tex)))
      .join('');
  }

  event(ev: SolveEvent): void {
    if (ev.type !== 'step-delta' && ev.type !== 'analysis-delta') this.flush();
    switch (ev.type) {
      case 'plan': {
        const lines = ev.plan.steps.map((p, i) => `${i + 1}. ${this.label(p.goal)}`);
        if (!lines.length) return;
        this.emit(`${this.planShown ? `\n\n_${this.s.replanned}_` : `**${this.s.plan}**`}\n\n${lines.join('\n')}\n`);
        this.planShown = true;
        return;
      }
      case 'retrieval': {
        const t = ev.templates.find((x) => x.id === ev.chosen) ?? (ev.chosen ? undefined : ev.templates[0]);
        if (t) this.templates.set(ev.stepIndex, `${this.label(t.name)}${ev.why ? ` — ${this.label(ev.why)}` : ''}`);
        return;
      }
      case 'step-start': {
        this.stepOpen = ev.stepIndex;
        const head = ev.attempt > 1 ? `_${this.s.revised}_` : `**${this.s.step} ${ev.stepIndex + 1}: ${this.label(ev.goal)}**`;
        const tpl = this.templates.get(ev.stepIndex);
        this.emit(`\n\n${head}\n\n${tpl && ev.attempt === 1 ? `> ${this.s.template}: ${tpl}\n\n` : ''}`);
        return;
      }
      case 'step-delta':
        if (ev.stepIndex === this.stepOpen) this.model(ev.text);
        return;
      case 'analysis-delta':
        if (!this.planShown && this.mode === 'explain') {
          this.emit(`**${this.s.explanation}**\n\n`);
          this.planShown = true;
        }
        this.model(ev.text);
        return;
      case 'adjustment':
        if (ev.kind === 'replan' && !ev.plan) this.emit(`\n\n_${this.s.replanned}: ${plain(ev.reason)}_\n`);
        return;
      case 'final':
        this.answer = ev.answer;
        if (this.mode === 'solve') this.emit(ev.answer !== null ? `\n\n**${this.s.answer}:** ${this.math === 'tex' ? `$\\boxed{${ev.answer}}$` : `**${escapeMd(texToText(ev.answer))}**`}\n` : `\n\n_${this.s.noAnswer}_\n`);
        return;
      case 'error':
        if (ev.fatal) this.emit(`\n\n**ReasonFlux:** ${plain(ev.message)}\n`);
        return;
      case 'done':
        this.status = ev.status;
        if (ev.status === 'cancelled') this.emit(`\n\n_${this.s.cancelled}_\n`);
        else if (this.mode === 'hint' && ev.status !== 'failed') this.emit(`\n\n_${this.s.hintMore}_\n`);
        return;
      default:
        return;
    }
  }
}
