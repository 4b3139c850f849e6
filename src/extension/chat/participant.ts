// The @reasonflux chat participant: /solve, /hint, /explain stream the same trajectory as the panel
// (plan, template per step, steps, answer) into the chat; /template searches the library. The model is
// the one picked in the chat (vscode.lm, request.model) when there is one, else the configured endpoint.
// Buttons open the run in the panel or insert the solution below its problem. Where the host has no chat
// API the participant is not registered and the extension says so (log, and the "Ask in Chat" command).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { SolveMode } from '../../core/reasoning/events.js';
import { closeMatches, matchedWords } from '../../core/templates/display.js';
import { emptyState, reduce, type PanelState } from '../../webview/state.js';
import { problemFromRange, problemInEditor, type ProblemSource } from '../commands/problem.js';
import type { SessionManager } from '../commands/session.js';
import type { GrowthService } from '../commands/grow.js';
import type { TemplateService } from '../commands/templates.js';
import { describeError } from '../log.js';
import { NoModelError, resolveModels, type ResolvedModels } from '../models/resolve.js';
import { createLmModel } from '../models/vscodeLm.js';
import type { ApiKeyStore } from '../secrets/keys.js';
import { hostChatRendersMath } from '../config.js';
import { ChatTranscript, type ChatMath, type TranscriptStrings } from './transcript.js';

export const PARTICIPANT_ID = 'reasonflux.tutor';
export const SHOW_IN_PANEL_COMMAND = 'reasonflux.chat.showInPanel';
export const INSERT_COMMAND = 'reasonflux.chat.insertSolution';
export const OPEN_CHAT_COMMAND = 'reasonflux.openChat';
const MODES: readonly SolveMode[] = ['solve', 'hint', 'explain'];
/** Finished chat runs kept for the panel / insert buttons. */
const KEEP_RUNS = 20;

export interface ChatDeps {
  output: vscode.LogOutputChannel;
  keys: ApiKeyStore;
  templates: TemplateService;
  session: SessionManager;
  /** Template statistics and run records (chat runs count like panel runs). */
  grow?: GrowthService;
}

/** What a handler call needs of a chat request (the real ChatRequest has more; tests pass these). */
export type ChatRequestLike = Pick<vscode.ChatRequest, 'prompt' | 'command'> & { references?: vscode.ChatRequest['references']; model?: vscode.LanguageModelChat };

interface ChatRun {
  state: PanelState;
  source: ProblemSource;
}

function strings(): TranscriptStrings {
  const t = vscode.l10n.t;
  return {
    plan: t('Plan'),
    step: t('Step'),
    template: t('Template'),
    explanation: t('Explanation'),
    answer: t('Answer'),
    noAnswer: t('No final answer was found.'),
    revised: t('Revised after the check'),
    replanned: t('New plan'),
    cancelled: t('Cancelled.'),
    hintMore: t('That is the first hint. Open the panel for the next ones, or ask for the solution with /solve.'),
  };
}

export class ChatTutor {
  private readonly runs = new Map<string, ChatRun>();

  constructor(private readonly d: ChatDeps) {}

  /** The chat request handler (registered with the participant; the host tests call it directly). */
  readonly handle = async (request: ChatRequestLike, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> => {
    const command = request.command ?? 'solve';
    try {
      if (command === 'template') return await this.searchTemplates(request.prompt, stream);
      const mode = (MODES as readonly string[]).includes(command) ? (command as SolveMode) : 'solve';
      return await this.solve(mode, request, stream, token);
    } catch (err) {
      this.d.output.error(`chat /${command}: ${describeError(err)}`);
      return { errorDetails: { message: describeError(err) } };
    }
  };

  private async problemOf(request: ChatRequestLike): Promise<ProblemSource | undefined> {
    // A #selection / #file reference with a range names the problem in its document. The chat also
    // attaches the visible editor by itself (an implicit reference): that names the problem only when
    // the prompt does not state one.
    const typed = request.prompt.trim() !== '';
    for (const ref of request.references ?? []) {
      if (typed && isImplicitReference(ref)) continue;
      if (ref.value instanceof vscode.Location) {
        const doc = await vscode.workspace.openTextDocument(ref.value.uri);
        const fromRef = problemFromRange(doc, ref.value.range);
        if (fromRef) return request.prompt.trim() ? { ...fromRef, text: `${fromRef.text}\n\n${request.prompt.trim()}` } : fromRef;
      }
    }
    if (request.prompt.trim()) return { text: request.prompt.trim().slice(0, 20_000) };
    return problemInEditor();
  }

  private async models(request: ChatRequestLike, scope: vscode.Uri | undefined): Promise<ResolvedModels> {
    if (request.model) {
      // The model picked in the chat, through vscode.lm, for both roles.
      const m = createLmModel(request.model);
      return { navigator: m, solver: m, maxRounds: (await resolveModels(this.d.keys, scope).catch(() => undefined))?.maxRounds ?? 0 };
    }
    return resolveModels(this.d.keys, scope);
  }

  private async solve(mode: SolveMode, request: ChatRequestLike, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const source = await this.problemOf(request);
    if (!source) {
      stream.markdown(vscode.l10n.t('Type a problem after the command (e.g. `/solve Find $x$ if $2x + 3 = 7$.`), or select one in the editor first.'));
      return { metadata: { command: mode } };
    }
    const scope = source.document ? vscode.Uri.parse(source.document.uri) : undefined;
    if (source.document) stream.anchor(new vscode.Location(vscode.Uri.parse(source.document.uri), await rangeOf(source)), vscode.l10n.t('the problem'));
    let models: ResolvedModels;
    try {
      models = await this.models(request, scope);
    } catch (err) {
      stream.markdown(`**ReasonFlux:** ${err instanceof NoModelError ? err.message : describeError(err)}\n\n`);
      stream.button({ command: 'reasonflux.selectModel', title: vscode.l10n.t('Set up a model') });
      return { metadata: { command: mode }, errorDetails: { message: describeError(err) } };
    }
    stream.progress(mode === 'explain' ? vscode.l10n.t('Reading the problem…') : vscode.l10n.t('Planning…'));
    const [index, { solveProblem }] = await Promise.all([this.d.templates.index(), import('../../core/reasoning/orchestrator.js')]);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const runId = randomUUID();
    let state = emptyState({ runId, mode, problem: source.text, status: 'running', phase: 'planning', startedAt: Date.now() });
    const transcript = new ChatTranscript(mode, (md) => stream.markdown(md), strings(), chatMath());
    let result: { planText?: string; planPrompt?: ReadonlyArray<{ role: string; content: string }> } | undefined;
    try {
      const events = solveProblem(source.text, { navigator: models.navigator, solver: models.solver, index, maxRounds: models.maxRounds, mode, signal: abort.signal, runId });
      for (let next = await events.next(); ; next = await events.next()) {
        if (next.done) {
          result = next.value;
          break;
        }
        state = reduce(state, next.value);
        transcript.event(next.value);
      }
    } finally {
      sub.dispose();
    }
    this.keep(runId, { state, source });
    await this.d.grow?.recordRun(state, result).catch((err: unknown) => this.d.output.warn(`recording the chat run: ${describeError(err)}`));
    const worked = state.steps.some((s) => s.text.trim()) || !!state.analysis.trim();
    if (worked) stream.button({ command: SHOW_IN_PANEL_COMMAND, title: vscode.l10n.t('Open in the panel'), arguments: [runId] });
    if (mode === 'solve' && source.document && state.final) {
      stream.button({ command: INSERT_COMMAND, title: vscode.l10n.t('Insert the solution'), arguments: [runId] });
    }
    return { metadata: { command: mode, runId, status: state.status, answer: state.final?.answer ?? null } };
  }

  private async searchTemplates(query: string, stream: vscode.ChatResponseStream): Promise<vscode.ChatResult> {
    if (!query.trim()) {
      stream.markdown(vscode.l10n.t('Describe a step after /template, e.g. `/template count lattice paths`.'));
      return { metadata: { command: 'template' } };
    }
    const index = await this.d.templates.index();
    const hits = closeMatches(index.search(query, { top: 5 }));
    if (!hits.length) {
      stream.markdown(vscode.l10n.t('No thought template matches "{0}".', query.trim()));
      return { metadata: { command: 'template', ids: [] } };
    }
    const md = new vscode.MarkdownString();
    hits.forEach((h, i) => {
      const t = h.template;
      const words = matchedWords(query, h.matchedTerms, `${t.name} ${t.tags.join(' ')}`);
      md.appendMarkdown(`${i + 1}. **`);
      md.appendText(t.name);
      md.appendMarkdown('** — ');
      md.appendText(`${t.chapter} › ${t.section}${words.length ? ` (${vscode.l10n.t('matched {0}', words.join(', '))})` : ''}`);
      md.appendMarkdown('\n\n   ');
      md.appendText(t.description);
      md.appendMarkdown('\n');
    });
    stream.markdown(md);
    stream.button({ command: 'reasonflux.searchTemplates', title: vscode.l10n.t('Search the library') });
    return { metadata: { command: 'template', ids: hits.map((h) => h.template.id) } };
  }

  private keep(runId: string, run: ChatRun): void {
    this.runs.set(runId, run);
    while (this.runs.size > KEEP_RUNS) this.runs.delete(this.runs.keys().next().value!);
  }

  /** Shows a chat run in the panel (no model call). */
  showInPanel(runId: unknown): boolean {
    const run = typeof runId === 'string' ? this.runs.get(runId) : undefined;
    if (!run) return false;
    this.d.session.reopen(run.state, run.source);
    return true;
  }

  /** Inserts a chat run's solution below its problem (the same insertion as the panel's). */
  async insert(runId: unknown): Promise<string> {
    const run = typeof runId === 'string' ? this.runs.get(runId) : undefined;
    if (!run) return 'gone';
    const { insertSolution } = await import('../insert/insert.js');
    return insertSolution(run.source, run.state);
  }
}

async function rangeOf(source: ProblemSource): Promise<vscode.Range> {
  const d = source.document!;
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(d.uri));
    return new vscode.Range(doc.positionAt(d.start), doc.positionAt(d.end));
  } catch {
    return new vscode.Range(0, 0, 0, 0);
  }
}

/** Whether this host has the chat participant API. */
export function hasChatApi(): boolean {
  return typeof (vscode as { chat?: { createChatParticipant?: unknown } }).chat?.createChatParticipant === 'function';
}

/**
 * Whether this chat typesets math: VS Code's chat renders TeX only with `chat.math.enabled` (newer
 * releases); elsewhere the transcript writes math as readable text rather than raw TeX.
 */
function chatMath(): ChatMath {
  return hostChatRendersMath() ? 'tex' : 'text';
}

/**
 * A reference the chat attached by itself for the visible editor or file (not one the user added, and
 * not a selection: selecting a problem says which one is meant).
 */
export function isImplicitReference(ref: { id: string }): boolean {
  return ref.id.startsWith('vscode.implicit') && !ref.id.includes('selection');
}

/** Registers the participant (when the host has chat) and its commands. */
export function registerChat(tutor: ChatTutor, context: vscode.ExtensionContext, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const out: vscode.Disposable[] = [
    vscode.commands.registerCommand(SHOW_IN_PANEL_COMMAND, (runId: unknown) => tutor.showInPanel(runId)),
    vscode.commands.registerCommand(INSERT_COMMAND, (runId: unknown) => tutor.insert(runId)),
    vscode.commands.registerCommand(OPEN_CHAT_COMMAND, () => openChat()),
  ];
  if (!hasChatApi()) {
    output.info('chat: this host has no chat API; @reasonflux is not available (the panel and commands are)');
    return out;
  }
  try {
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, _ctx, stream, token) => tutor.handle(request, stream, token));
    participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    participant.followupProvider = {
      provideFollowups: (result) => {
        const m = result.metadata as { command?: string } | undefined;
        if (m?.command === 'explain' || m?.command === 'hint') return [{ prompt: '', command: 'solve', label: vscode.l10n.t('Solve it') }];
        return [];
      },
    };
    out.push(participant);
    output.info('chat: @reasonflux registered (/solve, /hint, /explain, /template)');
    void chatUsable().then((ok) => {
      if (!ok) output.info('chat: this host has no chat view with a model (no chat extension); use the panel, or install one for @reasonflux');
    });
  } catch (err) {
    output.warn(`chat: the participant could not be registered: ${describeError(err)}`);
  }
  return out;
}

/**
 * Whether the chat can reach @reasonflux here: the chat API, the chat view's command, and at least one
 * chat model (without one — code-server with no chat extension — the chat view cannot send anything).
 */
export async function chatUsable(): Promise<boolean> {
  if (!hasChatApi()) return false;
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes('workbench.action.chat.open')) return false;
  try {
    return (await vscode.lm.selectChatModels()).length > 0;
  } catch {
    return false;
  }
}

/** Opens the chat with @reasonflux, or says plainly that this VS Code has no chat view. */
async function openChat(): Promise<boolean> {
  if (await chatUsable()) {
    try {
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@reasonflux ', isPartialQuery: true });
      return true;
    } catch {
      // no chat view after all: the notice below
    }
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t('This VS Code has no chat view with a language model (no chat extension is installed), so @reasonflux cannot be used here. The ReasonFlux panel does the same: Solve, Hint and Explain.'),
  );
  return false;
}
