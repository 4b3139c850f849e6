// The trajectory as chat Markdown, in the order the orchestrator streams it: plan, then per step the
// template it uses and the streamed work, evaluation notes, the answer. Pure (no vscode): the handler
// passes each piece to ChatResponseStream.markdown(). Model text goes out as it came (the chat renders
// it untrusted: no HTML, no command links).
import type { SolveEvent, SolveMode } from '../../core/reasoning/events.js';
import { normaliseModelText } from '../../webview/text.js';

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

export class ChatTranscript {
  private planShown = false;
  private stepOpen = -1;
  private readonly templates = new Map<number, string>();
  /** Whether the run produced a final answer. */
  answer: string | null = null;
  status: 'solved' | 'no-answer' | 'cancelled' | 'failed' | 'running' = 'running';

  constructor(
    private readonly mode: SolveMode,
    private readonly emit: (markdown: string) => void,
    private readonly s: TranscriptStrings = ENGLISH,
  ) {}

  event(ev: SolveEvent): void {
    switch (ev.type) {
      case 'plan': {
        const lines = ev.plan.steps.map((p, i) => `${i + 1}. ${plain(p.goal)}`);
        if (!lines.length) return;
        this.emit(`${this.planShown ? `\n\n_${this.s.replanned}_` : `**${this.s.plan}**`}\n\n${lines.join('\n')}\n`);
        this.planShown = true;
        return;
      }
      case 'retrieval': {
        const t = ev.templates.find((x) => x.id === ev.chosen) ?? (ev.chosen ? undefined : ev.templates[0]);
        if (t) this.templates.set(ev.stepIndex, `${plain(t.name)}${ev.why ? ` — ${plain(ev.why)}` : ''}`);
        return;
      }
      case 'step-start': {
        this.stepOpen = ev.stepIndex;
        const head = ev.attempt > 1 ? `_${this.s.revised}_` : `**${this.s.step} ${ev.stepIndex + 1}: ${plain(ev.goal)}**`;
        const tpl = this.templates.get(ev.stepIndex);
        this.emit(`\n\n${head}\n\n${tpl && ev.attempt === 1 ? `> ${this.s.template}: ${tpl}\n\n` : ''}`);
        return;
      }
      case 'step-delta':
        if (ev.stepIndex === this.stepOpen) this.emit(normaliseModelText(ev.text));
        return;
      case 'analysis-delta':
        if (!this.planShown && this.mode === 'explain') {
          this.emit(`**${this.s.explanation}**\n\n`);
          this.planShown = true;
        }
        this.emit(normaliseModelText(ev.text));
        return;
      case 'adjustment':
        if (ev.kind === 'replan' && !ev.plan) this.emit(`\n\n_${this.s.replanned}: ${plain(ev.reason)}_\n`);
        return;
      case 'final':
        this.answer = ev.answer;
        if (this.mode === 'solve') this.emit(ev.answer !== null ? `\n\n**${this.s.answer}:** $\\boxed{${ev.answer}}$\n` : `\n\n_${this.s.noAnswer}_\n`);
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
