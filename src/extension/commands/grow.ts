// The library grows from the editor: Save as Template (a solved panel run distilled by the navigator into
// a thought template, core/templates/distill.ts), per-user template statistics (core/templates/usage.ts,
// kept in the extension's global storage and shown on the panel's template cards and in hovers), grading
// a finished run against a reference answer or by hand, and exporting preference pairs of graded runs in
// the layout of `reasonflux eval --export-pairs` (core/eval/pairs.ts). Everything loads on first use.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TemplateUsage, TemplateUsageStore } from '../../core/templates/usage.js';
import type { PanelState } from '../../webview/state.js';
import { LlmError } from '../../core/llm/types.js';
import { readSettings } from '../config.js';
import type { SolveHistory } from '../history/history.js';
import { RUNS_FILE, USAGE_FILE, RunStore, recordOf, saveTarget, gradedRunOf, templatesOf, trajectoryFromState, type RunGrade, type RunRecord } from '../history/runs.js';
import { describeError } from '../log.js';
import { NoModelError, resolveModels } from '../models/resolve.js';
import type { ApiKeyStore } from '../secrets/keys.js';
import { loadGrader } from './grading.js';
import type { TemplateService } from './templates.js';


type Message = { role: string; content: string };

export interface SaveTemplateOptions {
  /** Automation / tests: the answer to the near-duplicate question (skips the dialog). */
  confirmDuplicate?: boolean;
  /** Automation / tests: open the file afterwards (true) or not (false), without asking. */
  openFile?: boolean;
}

export interface SaveTemplateOutcome {
  saved: boolean;
  id?: string;
  name?: string;
  file?: string;
  resembles?: string[];
  duplicateOf?: string;
  error?: string;
}

export interface GradeOptions {
  /** Check the run's answer against this reference (the project's grader). */
  reference?: string;
  /** Mark the run correct or wrong by hand. */
  correct?: boolean;
}

export interface ExportOptions {
  /** Automation / tests: the file to write (skips the save dialog). */
  file?: string;
  format?: 'conversational' | 'standard';
}

/** A one-line error for the user (shown as it is). */
export class GrowError extends Error {}

/** "used 4× · 3 solved · 2/2 correct", localised (the CLI and the language server say it in English). */
export function usageLine(u: TemplateUsage | undefined): string | undefined {
  if (!u || (!u.retrieved && !u.chosen)) return undefined;
  if (!u.chosen) return vscode.l10n.t('retrieved {0}×, not used yet', u.retrieved);
  const parts = [vscode.l10n.t('used {0}×', u.chosen), vscode.l10n.t('{0} solved', u.solved)];
  if (u.graded) parts.push(vscode.l10n.t('{0}/{1} correct', u.correct, u.graded));
  return parts.join(' · ');
}

export class GrowthService {
  private usageStore: Promise<TemplateUsageStore> | undefined;
  private runStore: Promise<RunStore> | undefined;
  /** Writes to the two files, one after the other. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly d: {
      context: vscode.ExtensionContext;
      output: vscode.LogOutputChannel;
      templates: TemplateService;
      keys: ApiKeyStore;
      history: SolveHistory;
    },
  ) {}

  /** The statistics file (also read by the language server for its hovers). */
  get usageFile(): string {
    return path.join(this.d.context.globalStorageUri.fsPath, USAGE_FILE);
  }

  usage(): Promise<TemplateUsageStore> {
    return (this.usageStore ??= import('../../core/templates/usage.js').then(async ({ TemplateUsageStore }) => {
      try {
        return await TemplateUsageStore.load(this.usageFile);
      } catch (err) {
        // Never overwrite a file we cannot read: count in memory for this session and say so.
        this.d.output.warn(`template statistics: ${describeError(err)}`);
        return TemplateUsageStore.inMemory();
      }
    }));
  }

  private runs(): Promise<RunStore> {
    return (this.runStore ??= RunStore.load(path.join(this.d.context.globalStorageUri.fsPath, RUNS_FILE)).catch((err: unknown) => {
      this.runStore = undefined;
      throw new GrowError(describeError(err));
    }));
  }

  private persist(save: () => Promise<void>): Promise<void> {
    const next = this.writing.then(save, save);
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** The statistics lines of these templates (id → line), for the panel's cards. */
  async usageLines(ids: Iterable<string>): Promise<Record<string, string>> {
    const store = await this.usage();
    const out: Record<string, string> = {};
    for (const id of new Set(ids)) {
      const line = usageLine(store.get(id));
      if (line) out[id] = line;
    }
    return out;
  }

  /**
   * Counts a finished panel or chat run in the statistics and keeps its record (plan, plan prompt) for
   * grading and preference pairs. Runs that never retrieved a template still get a record (solve mode).
   */
  async recordRun(state: PanelState, result: { planText?: string; planPrompt?: readonly Message[] } = {}): Promise<void> {
    if (state.status === 'running' || state.status === 'paused' || state.status === 'idle') return;
    const usage = await this.usage();
    const { retrieved, chosen } = templatesOf(state);
    if (retrieved.length || chosen.length) {
      usage.record({ retrieved, chosen, solved: state.status === 'solved' });
      await this.persist(() => usage.save()).catch((err: unknown) => this.d.output.warn(`template statistics: ${describeError(err)}`));
    }
    const record = recordOf(state, result);
    if (!record) return;
    try {
      const runs = await this.runs();
      runs.put(record);
      await this.persist(() => runs.save());
    } catch (err) {
      this.d.output.warn(`run records: ${describeError(err)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Save as Template

  /** Where a distilled template goes, or a one-line reason why it cannot be saved. */
  target(): { file: string } | { error: string } {
    const s = readSettings();
    const t = saveTarget({
      trusted: vscode.workspace.isTrusted,
      ...(vscode.workspace.workspaceFolders?.[0] ? { folder: vscode.workspace.workspaceFolders[0].uri.fsPath } : {}),
      workspaceFolder: s.templatesWorkspaceFolder,
      userFile: s.templatesUserFile,
      userFileGlobal: vscode.workspace.getConfiguration('reasonflux').inspect<string>('templates.userFile')?.globalValue ?? '',
    });
    if ('file' in t) return t;
    return {
      error:
        t.error === 'untrusted'
          ? vscode.l10n.t('Save as Template writes into the workspace\'s .reasonflux/templates, and this workspace is not trusted (Restricted Mode). Trust it, or set reasonflux.templates.userFile in your user settings.')
          : vscode.l10n.t('Save as Template needs a folder (templates go to .reasonflux/templates/distilled.json) or reasonflux.templates.userFile in your settings.'),
    };
  }

  async saveAsTemplate(state: PanelState, opts: SaveTemplateOptions = {}): Promise<SaveTemplateOutcome> {
    const fail = (error: string): SaveTemplateOutcome => {
      void vscode.window.showErrorMessage(`ReasonFlux: ${error}`);
      return { saved: false, error };
    };
    const traj = trajectoryFromState(state);
    if ('error' in traj) {
      return fail(
        traj.error === 'not-solve'
          ? vscode.l10n.t('Save as Template needs a solved run (this one is a hint or an explanation).')
          : traj.error === 'not-solved'
            ? vscode.l10n.t('Save as Template needs a run that ended solved with an answer.')
            : vscode.l10n.t('Save as Template: the run has no finished steps to learn from.'),
      );
    }
    const trajectory = traj;
    const where = this.target();
    if ('error' in where) return fail(where.error);

    let navigator;
    try {
      navigator = (await resolveModels(this.d.keys)).navigator;
    } catch (err) {
      if (err instanceof NoModelError) {
        const setUp = vscode.l10n.t('Set up a model');
        void vscode.window.showErrorMessage(vscode.l10n.t('ReasonFlux: Save as Template needs the navigator model. {0}', err.message), setUp)
          .then((c) => (c === setUp ? vscode.commands.executeCommand('reasonflux.selectModel') : undefined));
        return { saved: false, error: err.message };
      }
      throw err;
    }
    const [library, distill] = await Promise.all([this.d.templates.library(), import('../../core/templates/distill.js')]);
    let result: Awaited<ReturnType<typeof distill.distillTemplate>> | undefined;
    let cancelled = false;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ReasonFlux: the navigator drafts a template from this run…'), cancellable: true },
        async (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => {
            cancelled = true;
            ac.abort();
          });
          return distill.distillTemplate(trajectory, navigator, library.index, { signal: ac.signal });
        },
      );
    } catch (err) {
      if (cancelled || (err instanceof LlmError && err.kind === 'cancelled')) return fail(vscode.l10n.t('Save as Template cancelled: nothing was saved.'));
      if (err instanceof distill.DistillError) return fail(vscode.l10n.t('Save as Template: the navigator\'s draft is not a valid template ({0}). Nothing was saved; try again or choose another navigator.', err.message));
      return fail(vscode.l10n.t('Save as Template: the navigator failed ({0}). Nothing was saved.', describeError(err)));
    }
    const { template, resembles, duplicate } = result;
    const outcome: SaveTemplateOutcome = {
      saved: false,
      id: template.id,
      name: template.name,
      resembles: resembles.map((r) => r.template.id),
      ...(duplicate ? { duplicateOf: duplicate.template.id } : {}),
    };
    this.d.output.info(`Save as Template: drafted ${template.id}; resembles ${resembles.map(distill.describeResemblance).join('; ') || 'nothing'}`);
    if (duplicate) {
      const save = vscode.l10n.t('Save anyway');
      const go =
        opts.confirmDuplicate ??
        (await vscode.window.showWarningMessage(
          vscode.l10n.t('"{0}" is a near-duplicate of the library template "{1}" ({2}). Save it anyway?', template.name, duplicate.template.name, duplicate.template.id),
          { modal: true, detail: distill.describeResemblance(duplicate) },
          save,
        )) === save;
      if (!go) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Not saved: "{0}" is close to "{1}", which is already in the library.', template.name, duplicate.template.name));
        return outcome;
      }
    }
    let file: string;
    try {
      file = await distill.saveDistilledFile(where.file, template);
    } catch (err) {
      return fail(err instanceof distill.DistillError ? err.message : vscode.l10n.t('Save as Template: cannot write {0} ({1}).', where.file, describeError(err)));
    }
    // Reload now (not only when the file watcher fires): the next retrieval finds it.
    await this.d.templates.reload();
    const closest = resembles[0];
    const msg = closest
      ? vscode.l10n.t('Saved the template "{0}" to {1}. It resembles "{2}" most.', template.name, vscode.workspace.asRelativePath(file), closest.template.name)
      : vscode.l10n.t('Saved the template "{0}" to {1}.', template.name, vscode.workspace.asRelativePath(file));
    const open = vscode.l10n.t('Open file');
    const openIt = opts.openFile ?? (await vscode.window.showInformationMessage(msg, open)) === open;
    if (opts.openFile !== undefined) void vscode.window.showInformationMessage(msg);
    if (openIt) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    return { ...outcome, saved: true, file };
  }

  // -------------------------------------------------------------------------------------------
  // Grading

  /**
   * Grades the run shown in the panel: against a reference answer (the project's grader) or by hand.
   * Asks when `opts` says neither. Updates the statistics and the run's record; returns the grade.
   */
  async grade(state: PanelState, opts: GradeOptions = {}): Promise<RunGrade | undefined> {
    if (!state.runId || state.mode !== 'solve' || (state.status !== 'solved' && state.status !== 'no-answer')) {
      void vscode.window.showErrorMessage(`ReasonFlux: ${vscode.l10n.t('Only a finished solve can be graded (this run is {0}).', state.status)}`);
      return undefined;
    }
    let { reference, correct } = opts;
    if (reference === undefined && correct === undefined) {
      const items = [
        { label: vscode.l10n.t('Check against a reference answer…'), how: 'reference' as const },
        { label: vscode.l10n.t('Mark correct'), how: 'right' as const },
        { label: vscode.l10n.t('Mark wrong'), how: 'wrong' as const },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Grade this run') });
      if (!pick) return undefined;
      if (pick.how === 'reference') {
        reference = await vscode.window.showInputBox({
          title: vscode.l10n.t('Check answer against a reference'),
          prompt: vscode.l10n.t('The correct answer (e.g. 12, \\frac{3}{4}, (1,2)); the run\'s answer is graded against it.'),
          ignoreFocusOut: true,
        });
        if (!reference?.trim()) return undefined;
      } else correct = pick.how === 'right';
    }
    const answer = state.final?.answer ?? null;
    let grade: RunGrade;
    if (reference !== undefined) {
      const ref = reference.trim();
      if (!ref) throw new GrowError(vscode.l10n.t('The reference answer is empty.'));
      grade = { correct: answer !== null && loadGrader(this.d.context.extensionPath)(ref, answer, { extract: 'never' }).equal, reference: ref };
    } else grade = { correct: correct === true };

    const runs = await this.runs();
    const record: RunRecord = runs.get(state.runId) ?? recordOf(state)!;
    const previous = record.graded;
    const usage = await this.usage();
    usage.recordGrade(record.chosen, grade.correct, previous?.correct);
    runs.put({ ...record, graded: grade });
    await this.persist(() => usage.save()).catch((err: unknown) => this.d.output.warn(`template statistics: ${describeError(err)}`));
    await this.persist(() => runs.save());
    return grade;
  }

  /** Summary of what the stored runs hold for pairs. */
  async gradedCounts(): Promise<{ graded: number; problems: number }> {
    const runs = (await this.runs()).list().filter((r) => r.graded);
    return { graded: runs.length, problems: new Set(runs.map((r) => r.problem.trim())).size };
  }

  // -------------------------------------------------------------------------------------------
  // Preference pairs

  /** Writes the preference pairs of the graded runs (same JSONL as `eval --export-pairs`). */
  async exportPairs(opts: ExportOptions = {}): Promise<{ file?: string; pairs: number }> {
    const [{ pairSourcesFromRuns, preferencePairs, writePreferencePairs }, runs] = await Promise.all([import('../../core/eval/pairs.js'), this.runs()]);
    const sources = pairSourcesFromRuns(runs.list().map(gradedRunOf));
    const format = opts.format ?? 'conversational';
    const count = preferencePairs(sources, format).length;
    if (count === 0) {
      const c = await this.gradedCounts();
      void vscode.window.showInformationMessage(
        vscode.l10n.t('No preference pairs yet: they need a problem with both a correct and a wrong graded run ({0} graded runs of {1} problems so far). Solve a problem again (Retry) and grade each run.', c.graded, c.problems),
      );
      return { pairs: 0 };
    }
    let file = opts.file;
    if (!file) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export preference pairs (TRL DPO JSON Lines)'),
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'pairs.jsonl') } : {}),
        filters: { 'JSON Lines': ['jsonl'] },
      });
      if (!uri) return { pairs: 0 };
      file = uri.fsPath;
    }
    let n: number;
    try {
      n = writePreferencePairs(file, sources, format);
    } catch (err) {
      throw new GrowError(vscode.l10n.t('Cannot write {0} ({1}).', file, describeError(err)));
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0} preference pairs to {1}.', n, vscode.workspace.asRelativePath(file)));
    return { file, pairs: n };
  }
}
