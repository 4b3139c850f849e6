// One run at a time: solve, hint (plan first, then one step per "Next hint"), explain (the navigator's
// analysis only). Feeds orchestrator events to the panel and the status bar, handles the panel's buttons,
// keeps history. Nothing is sent to a model except from an explicit user action (a command or a button).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { logTiming } from '../timing.js';
import { LlmError } from '../../core/llm/types.js';
import type { HintSession } from '../../core/reasoning/orchestrator.js';
import type { SolveEvent, SolveMode } from '../../core/reasoning/events.js';
import type { FromWebview } from '../../webview/protocol.js';
import { isSafeExternalLink } from '../../webview/protocol.js';
import type { PanelState } from '../../webview/state.js';
import { emptyState, reduce, stateToMarkdown } from '../../webview/state.js';
import type { SolveHistory } from '../history/history.js';
import type { ChoosePlace, InsertOutcome } from '../insert/insert.js';
import { describeError, redact } from '../log.js';
import { NoModelError, resolveModels, type ResolvedModels } from '../models/resolve.js';
import { extractMacros } from '../panel/macros.js';
import type { TrajectoryPanel } from '../panel/panel.js';
import type { ApiKeyStore } from '../secrets/keys.js';
import type { SolveStatusBar } from '../status/statusBar.js';
import { readSettings } from '../config.js';
import { loadGrader } from './grading.js';
import type { ProblemSource } from './problem.js';
import type { GradeOptions, GrowthService, SaveTemplateOptions } from './grow.js';
import type { TemplateService } from './templates.js';

const MODEL_PROBLEM_KINDS = new Set(['unreachable', 'auth', 'not-found']);

interface Run {
  runId: string;
  mode: SolveMode;
  source: ProblemSource;
  abort: AbortController;
  hint?: HintSession;
  /** Settles when the current stretch of work (a solve, a plan, a hint step) finishes. */
  work?: Promise<void>;
  /** The answer of a background solve made only to check the student's answer (never shown). */
  hiddenAnswer?: string | null;
  /** What the orchestrator returned (solve mode): the plan text and prompt kept for preference pairs. */
  result?: { planText?: string; planPrompt?: ReadonlyArray<{ role: string; content: string }> };
}

export interface SessionDeps {
  extensionPath: string;
  output: vscode.LogOutputChannel;
  panel: TrajectoryPanel;
  keys: ApiKeyStore;
  history: SolveHistory;
  status: SolveStatusBar;
  templates: TemplateService;
  grow: GrowthService;
}

export class SessionManager {
  private run: Run | undefined;
  private modelMessageShown = false;
  /** Counts refreshUsage calls: a slower, older refresh never overwrites a newer one. */
  private usageGeneration = 0;

  constructor(private readonly d: SessionDeps) {}

  get current(): { mode: SolveMode; source: ProblemSource } | undefined {
    return this.run && { mode: this.run.mode, source: this.run.source };
  }

  /** Resolves when the current work (if any) is finished — for callers that await a command. */
  async idle(): Promise<void> {
    while (this.run?.work) {
      const w = this.run.work;
      await w;
      if (this.run?.work === w) break;
    }
  }

  /** Starts a run. The returned promise settles when it ends (hint mode: when the plan is shown). */
  async start(mode: SolveMode, source: ProblemSource): Promise<void> {
    this.cancel();
    const scope = source.document ? vscode.Uri.parse(source.document.uri) : undefined;
    // Only the settings are read before the panel opens (synchronous): the secret store, the model
    // provider, the engine and the template library all load behind the open panel.
    if (!readSettings(scope).solverModel) {
      this.offerModelSetup(vscode.l10n.t('No solver model is selected.'));
      return;
    }
    const runId = randomUUID();
    const run: Run = { runId, mode, source, abort: new AbortController() };
    this.run = run;
    this.modelMessageShown = false;

    this.d.panel.reset(
      emptyState({
        runId,
        mode,
        problem: source.text,
        ...(source.language ? { language: source.language } : {}),
        macros: this.macrosFor(source),
        status: 'running',
        phase: 'planning',
        startedAt: Date.now(),
      }),
      !!source.document,
    );
    this.d.panel.show(true);
    this.d.status.update(this.d.panel.state);

    let models: ResolvedModels;
    let loaded: [Awaited<ReturnType<TemplateService['index']>>, typeof import('../../core/reasoning/orchestrator.js')];
    try {
      [models, ...loaded] = await Promise.all([
        resolveModels(this.d.keys, scope),
        this.d.templates.solveIndex(),
        // Loaded on first use, not at activation (keeps the extension's start-up light).
        import('../../core/reasoning/orchestrator.js'),
      ]);
    } catch (err) {
      if (this.run !== run) return;
      if (err instanceof NoModelError || err instanceof LlmError) {
        this.d.panel.event(runId, { type: 'error', kind: err instanceof LlmError ? err.kind : 'not-found', fatal: true, message: err.message });
        this.offerModelSetup(err.message);
      } else {
        this.d.output.error(`loading the template library: ${describeError(err)}`);
        this.d.panel.event(runId, { type: 'error', kind: 'internal', fatal: true, message: describeError(err) });
      }
      await this.finish(run);
      return;
    }
    logTiming(this.d.output, 'models, engine and templates ready');
    if (this.run !== run) return; // superseded while loading
    if (run.abort.signal.aborted) return this.finish(run); // cancelled while loading
    const [index, { HintSession, solveProblem }] = loaded;
    const options = { navigator: models.navigator, solver: models.solver, index, maxRounds: models.maxRounds, mode, signal: run.abort.signal, runId };
    if (mode === 'hint') {
      run.hint = new HintSession(source.text, options);
      run.work = this.pump(run, run.hint.plan(run.abort.signal)).then(() => this.pauseOrFinish(run));
    } else {
      run.work = this.pump(run, solveProblem(source.text, options)).then((result) => {
        if (result) run.result = result;
        return this.finish(run);
      });
    }
    await run.work;
  }

  /** The document's macros, from the already open document (synchronous: nothing to wait for). */
  private macrosFor(source: ProblemSource): Record<string, string> {
    const setting = vscode.workspace.getConfiguration('markdown.math').get<unknown>('macros');
    const uri = source.document?.uri;
    const doc = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
    if (!doc) return extractMacros('', 'markdown', setting);
    try {
      return extractMacros(doc.getText(), doc.languageId, setting);
    } catch {
      return extractMacros('', 'markdown', setting);
    }
  }

  /** Feeds a stream of events to the panel; never throws. Returns what the generator returned. */
  private async pump<R>(run: Run, events: AsyncGenerator<SolveEvent, R>): Promise<R | undefined> {
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) return next.value;
        const ev = next.value;
        if (this.run !== run) continue; // superseded: drain quietly
        this.d.panel.event(run.runId, ev);
        if (ev.type !== 'step-delta' && ev.type !== 'analysis-delta') this.d.status.update(this.d.panel.state);
        if (ev.type === 'retrieval') void this.refreshUsage();
        if (ev.type === 'error' && ev.fatal) this.onModelError(ev.kind, ev.message);
      }
    } catch (err) {
      this.d.output.error(`run ${run.runId}: ${describeError(err)}`);
      if (this.run === run) {
        this.d.panel.event(run.runId, { type: 'error', kind: 'internal', fatal: true, message: describeError(err) });
      }
      return undefined;
    }
  }

  /** Sends the panel the statistics of the templates its steps show. */
  async refreshUsage(): Promise<void> {
    const ids = this.d.panel.state.steps.flatMap((s) => s.templates.map((t) => t.id));
    if (!ids.length) return;
    // Refreshes overlap (one per retrieval, one after the run is counted): only the newest may land, so
    // that lines read before the run was counted never overwrite those read after.
    const mine = ++this.usageGeneration;
    try {
      const lines = await this.d.grow.usageLines(ids);
      if (mine === this.usageGeneration) this.d.panel.setUsage(lines);
    } catch (err) {
      this.d.output.warn(`template statistics: ${describeError(err)}`);
    }
  }

  private onModelError(kind: string, message: string): void {
    this.d.output.warn(`model error (${kind}): ${redact(message)}`);
    if (MODEL_PROBLEM_KINDS.has(kind)) this.offerModelSetup(message);
  }

  /** One clear message with a button to set up a model (once per run). */
  private offerModelSetup(reason: string): void {
    if (this.modelMessageShown) return;
    this.modelMessageShown = true;
    const setUp = vscode.l10n.t('Set up a model');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('ReasonFlux: no model answers. {0}', redact(reason)), setUp)
      .then((choice) => (choice === setUp ? vscode.commands.executeCommand('reasonflux.selectModel') : undefined));
  }

  private async finish(run: Run): Promise<void> {
    if (this.run !== run) return;
    run.work = undefined;
    const s = this.d.panel.state;
    if (s.status === 'running') {
      // The stream ended without `done` (cancelled before it started, or an internal failure).
      this.d.panel.update((x) => ({ ...x, status: run.abort.signal.aborted ? 'cancelled' : 'failed', phase: 'done' }));
    }
    this.d.status.update(this.d.panel.state);
    await this.d.history.add(this.d.panel.state, run.source.document?.uri).catch(() => undefined);
    await this.d.grow.recordRun(this.d.panel.state, run.result).catch((err: unknown) => this.d.output.warn(`recording the run: ${describeError(err)}`));
    await this.refreshUsage();
  }

  /** Save as Template: the run in the panel, distilled by the navigator into a template. */
  saveAsTemplate(opts?: SaveTemplateOptions) {
    return this.d.grow.saveAsTemplate(this.d.panel.state, opts);
  }

  /** Grades the run in the panel (reference answer or by hand); the panel and history show the grade. */
  async gradeRun(opts?: GradeOptions) {
    const s = this.d.panel.state;
    const grade = await this.d.grow.grade(s, opts);
    if (!grade || this.d.panel.state.runId !== s.runId) return grade;
    this.d.panel.update((x) => ({ ...x, graded: grade }));
    const run = this.run;
    const uri = run && run.runId === s.runId ? run.source.document?.uri : this.restoredSource?.document?.uri;
    await this.d.history.add(this.d.panel.state, uri).catch(() => undefined);
    await this.refreshUsage();
    return grade;
  }

  private async pauseOrFinish(run: Run): Promise<void> {
    if (this.run !== run) return;
    const hint = run.hint;
    if (hint?.hasNext && !run.abort.signal.aborted) {
      run.work = undefined;
      this.d.panel.update((s) => ({ ...s, status: 'paused', phase: 'idle' }));
      this.d.status.update(this.d.panel.state);
      await this.d.history.add(this.d.panel.state, run.source.document?.uri).catch(() => undefined);
      return;
    }
    if (hint && this.d.panel.state.status !== 'solved' && this.d.panel.state.status !== 'no-answer') {
      await this.pump(run, hint.end());
    }
    await this.finish(run);
  }

  /** Hint mode: generates and shows the next step (only now are its tokens spent). */
  async nextHint(): Promise<void> {
    const run = this.run;
    if (!run?.hint || run.work || !run.hint.hasNext) return;
    const hint = run.hint;
    this.d.panel.update((s) => ({ ...s, status: 'running', phase: 'step' }));
    run.work = this.pump(run, hint.next(run.abort.signal)).then(() => this.pauseOrFinish(run));
    await run.work;
  }

  /** Hint mode: the student asks for the whole solution. */
  async revealSolution(): Promise<void> {
    const run = this.run;
    if (!run) {
      this.d.panel.update((s) => ({ ...s, solutionRevealed: true }));
      return;
    }
    if (run.hint) {
      while (run.hint.hasNext && this.run === run && !run.abort.signal.aborted) {
        await this.nextHint();
        if (run.work) await run.work;
      }
    }
    this.d.panel.update((s) => ({ ...s, solutionRevealed: true }));
  }

  cancel(): void {
    const run = this.run;
    if (!run) return;
    if (!run.abort.signal.aborted) run.abort.abort();
    if (run.hint && !run.work) {
      // A paused hint session: close it now.
      const s = this.d.panel.state;
      if (s.status === 'paused') this.d.panel.update((x) => ({ ...x, status: 'cancelled', phase: 'done' }));
      this.d.status.update(this.d.panel.state);
    }
  }

  async retry(): Promise<void> {
    const run = this.run;
    const s = this.d.panel.state;
    const source: ProblemSource | undefined = run?.source ?? (s.problem ? { text: s.problem, ...(s.language ? { language: s.language } : {}) } : undefined);
    if (!source) return;
    await this.start(run?.mode ?? s.mode, source);
  }

  /** "Check my answer": grades the student's answer against the solved one without revealing it. */
  async check(answer?: string): Promise<void> {
    const s = this.d.panel.state;
    if (!s.problem) return;
    const typed = answer ?? await vscode.window.showInputBox({
      title: vscode.l10n.t('Check my answer'),
      prompt: vscode.l10n.t('Your final answer (e.g. 12, \\frac{3}{4}, (1,2), x = 3)'),
      ignoreFocusOut: true,
    });
    if (!typed?.trim()) return;
    let reference = s.final?.answer ?? this.run?.hiddenAnswer ?? null;
    if (reference === null || reference === undefined) {
      if (this.run?.work) {
        this.d.panel.check({ verdict: 'unknown', message: vscode.l10n.t('Still working — check again when the run has finished.') });
        return;
      }
      reference = await this.solveHidden();
    }
    if (reference === null || reference === undefined) {
      this.d.panel.check({ verdict: 'unknown', message: vscode.l10n.t('There is no solved answer to compare with, so your answer could not be checked.') });
      return;
    }
    const g = loadGrader(this.d.extensionPath)(reference, typed.trim(), { extract: 'never' });
    this.d.panel.check(
      g.equal
        ? { verdict: 'right', message: vscode.l10n.t('Right! {0} is correct.', typed.trim()) }
        : { verdict: 'not-yet', message: vscode.l10n.t('Not yet: {0} is not the answer. Try again, or open the next hint.', typed.trim()) },
    );
  }

  /** Solves in the background (hint mode, to check an answer); the solution is not shown. Asks first. */
  private async solveHidden(): Promise<string | null> {
    const run = this.run;
    if (!run) return null;
    const go = vscode.l10n.t('Solve and check');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('To check your answer, ReasonFlux first solves the problem in the background. The solution stays hidden.'),
      { modal: true },
      go,
    );
    if (choice !== go) return null;
    let models: ResolvedModels;
    try {
      models = await resolveModels(this.d.keys);
    } catch (err) {
      this.offerModelSetup(describeError(err));
      return null;
    }
    const index = await this.d.templates.solveIndex();
    const { solveProblem } = await import('../../core/reasoning/orchestrator.js');
    let hidden: PanelState = emptyState({ mode: 'solve', problem: run.source.text });
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ReasonFlux: solving to check your answer…'), cancellable: true },
      async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        run.abort.signal.addEventListener('abort', () => ac.abort(), { once: true });
        try {
          for await (const ev of solveProblem(run.source.text, { navigator: models.navigator, solver: models.solver, index, maxRounds: models.maxRounds, mode: 'solve', signal: ac.signal })) {
            hidden = reduce(hidden, ev);
          }
        } catch (err) {
          this.d.output.warn(`background solve: ${describeError(err)}`);
        }
      },
    );
    run.hiddenAnswer = hidden.final?.answer ?? null;
    return run.hiddenAnswer;
  }

  async copy(format: 'latex' | 'markdown'): Promise<void> {
    const s = this.d.panel.state;
    const md = stateToMarkdown(s);
    const { markdownToLatex } = await import('../insert/latex.js');
    await vscode.env.clipboard.writeText(format === 'latex' ? markdownToLatex(md) : md);
    this.d.panel.notice('info', format === 'latex' ? vscode.l10n.t('Copied as LaTeX.') : vscode.l10n.t('Copied as Markdown.'));
  }

  /** `choose`: asks where when the problem is in the document more than once (default: a QuickPick). */
  async insert(choose?: ChoosePlace): Promise<InsertOutcome> {
    const { insertSolution } = await import('../insert/insert.js');
    const outcome = await insertSolution(this.run?.source ?? this.restoredSource, this.d.panel.state, choose);
    if (outcome === 'inserted') this.d.panel.notice('info', vscode.l10n.t('Inserted into the document.'));
    return outcome;
  }

  /** Source of a run reopened from history (its document, when it had one). */
  restoredSource: ProblemSource | undefined;

  /** After a reload: lets "Insert into document" find the restored run's problem again by its text. */
  adoptRestored(state: PanelState, uri: string): void {
    this.restoredSource = { text: state.problem, document: { uri, languageId: '', start: 0, end: 0, original: state.problem } };
  }

  /** Shows a history entry in the panel (no model call). */
  reopen(state: PanelState, source?: ProblemSource): void {
    this.cancel();
    this.run = undefined;
    this.restoredSource = source;
    this.d.panel.reset(state, !!source?.document);
    this.d.panel.show(false);
    this.d.status.update(state);
  }

  async openLink(href: string): Promise<void> {
    if (!isSafeExternalLink(href)) return;
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The model\'s answer links to {0}. Open it in your browser?', href),
      { modal: true },
      open,
    );
    if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(href, true));
  }

  /** Dispatches a validated message from the panel. */
  async handle(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return;
      case 'cancel':
        return this.cancel();
      case 'retry':
        return this.retry();
      case 'copy':
        return this.copy(msg.format);
      case 'insert':
        await this.insert();
        return;
      case 'check':
        return this.check();
      case 'next-hint':
        return this.nextHint();
      case 'reveal-solution':
        return this.revealSolution();
      case 'show-history':
        await vscode.commands.executeCommand('reasonflux.showHistory');
        return;
      case 'open-link':
        return this.openLink(msg.href);
      case 'save-template':
        await vscode.commands.executeCommand('reasonflux.saveAsTemplate');
        return;
      case 'grade':
        await vscode.commands.executeCommand('reasonflux.gradeRun');
        return;
      case 'rendered':
        return;
    }
  }
}
