// `reasonflux solve "PROBLEM"`: runs the ReasonFlux orchestrator against an OpenAI-compatible endpoint,
// with live progress (or one JSON event per line with --json). Ctrl-C cancels cleanly.
import { readFile } from 'node:fs/promises';
import { describeEndpoint } from '../../core/llm/openai.js';
import { createInterface } from 'node:readline/promises';
import { HintSession, solveProblem, type OrchestratorOptions } from '../../core/reasoning/orchestrator.js';
import { redactEvent, type SolveEvent, type SolveMode } from '../../core/reasoning/events.js';
import { loadTemplateIndex } from '../../core/templates/library.js';
import { CliError, checkFlags, parseArgs, stringFlag } from '../util.js';
import { MODEL_FLAGS, TIMEOUT_HELP, createModels, readModelSettings, readSampling } from '../models.js';
import { solveSampled } from '../../core/reasoning/sampling.js';
import { RETRIEVAL_FLAGS, RETRIEVAL_HELP, withEmbeddings } from '../retrieval.js';
import { isEquivalent } from '../../core/answers/grade.js';
import { TemplateUsageStore } from '../../core/templates/usage.js';

export const summary = 'solve a problem with the ReasonFlux orchestrator';

const HELP = `Usage: reasonflux solve "PROBLEM" [options]
       reasonflux solve --file PROBLEM.md [options]

Options:
  --base-url URL            OpenAI-compatible endpoint (env OPENAI_BASE_URL), e.g. http://localhost:11434/v1
  --model M                 solver model (env REASONFLUX_MODEL, then OPENAI_MODEL)
  --navigator-model N       navigator model (default: the solver model; env REASONFLUX_NAVIGATOR_MODEL)
  --navigator-base-url URL  separate endpoint for the navigator (default: --base-url)
  --api-key-env VAR         read the API key from environment variable VAR (default OPENAI_API_KEY;
                            local servers need none)
  --max-rounds K            evaluate-and-adjust rounds (default: scales with the problem's complexity)
  --mode solve|hint|explain solve fully (default), hints (plan + one step at a time; in a terminal
                            Enter shows the next one), or explain without solving
  --samples N|auto          trajectories (solve mode): auto (default) lets the engine decide from its
                            difficulty assessment (1 for most problems, up to 4 when hard or disputed);
                            N runs exactly N and chooses the answer with --select
  --select vote|verify      among several trajectories: majority vote of equivalent answers (default),
                            or the navigator checks the candidates and picks one
  --templates DIR           extra folder of your own templates (merged with the built-in library)
${RETRIEVAL_HELP}
  --stats FILE              keep your template statistics in FILE (retrieved, chosen, solved, correct; env
                            REASONFLUX_STATS_FILE) and use them as a small retrieval prior
  --expect ANSWER           the known answer: the run is graded and counted as correct or not in --stats
${TIMEOUT_HELP}
  --json                    print one event per line (JSON) instead of the live view
  --debug                   stack traces on errors

Exit status: 0 solved (or hint / explain done), 3 no final answer, 1 failed, 130 cancelled, 2 usage error.`;

const FLAGS = ['file', ...MODEL_FLAGS, 'mode', 'samples', 'select', 'templates', 'json', 'help', 'stats', 'expect', ...RETRIEVAL_FLAGS];

interface Out {
  write(s: string): void;
}

/**
 * Model output is untrusted: in a terminal, escape sequences (ESC, CSI, OSC: colours, cursor moves,
 * clipboard writes, hyperlinks), other control characters and bidi overrides could rewrite what the
 * student sees. Keeps newlines and tabs; \r\n becomes \n.
 */
export function terminalSafe(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** Live human-readable view of the events. */
class HumanView {
  private atLineStart = true;
  private stepCount = 0;
  constructor(
    private readonly out: Out,
    private readonly err: Out,
  ) {}

  private line(s = ''): void {
    if (!this.atLineStart) this.out.write('\n');
    this.out.write(terminalSafe(s) + '\n');
    this.atLineStart = true;
  }

  private stream(s: string): void {
    const t = terminalSafe(s);
    if (!t) return;
    this.out.write(t);
    this.atLineStart = t.endsWith('\n');
  }

  handle(e: SolveEvent): void {
    switch (e.type) {
      case 'start':
        this.line(`ReasonFlux · ${e.mode} · navigator ${e.navigator} · solver ${e.solver}`);
        break;
      case 'plan': {
        const src = e.source === 'navigator' ? '' : e.source === 'repaired' ? ' (repaired)' : ' (fallback: from the template library)';
        this.stepCount = e.plan.steps.length;
        this.line();
        const d = e.plan.difficulty;
        const why = !d ? '' : d.navigator === null ? " (the engine's estimate: the navigator gave none)" : ` (navigator ${d.navigator}, statement ${d.features}${d.signals ? `, +${d.signals} from the run` : ''})`;
        this.line(`${e.round > 0 ? 'New plan' : 'Plan'}${src} · complexity ${e.plan.complexity}/10${why}`);
        if (e.plan.analysis) this.line(`  ${e.plan.analysis.replace(/\s+/g, ' ')}`);
        e.plan.steps.forEach((s, i) => this.line(`  ${i + 1}. ${s.goal}${s.method ? `  [${s.method}]` : ''}`));
        if (e.plan.droppedSteps) {
          this.line(`  (the navigator planned ${e.plan.steps.length + e.plan.droppedSteps} steps; only these ${e.plan.steps.length} are carried out, ${e.plan.droppedSteps} dropped)`);
        }
        break;
      }
      case 'retrieval':
        if (e.chosen) {
          const t = e.templates.find((x) => x.id === e.chosen);
          const others = e.templates.filter((x) => x.id !== e.chosen).map((x) => x.id);
          this.line();
          this.line(`  template: ${e.chosen}${t ? ` — ${t.name}` : ''}${e.why ? ` (${e.why})` : ''}`);
          if (others.length) this.line(`  also retrieved: ${others.join(', ')}`);
        } else {
          this.line();
          this.line('  template: none matched (reasoning from first principles)');
        }
        break;
      case 'step-start':
        this.line(`Step ${e.stepIndex + 1}${this.stepCount ? `/${this.stepCount}` : ''}${e.attempt > 1 ? ` (revision ${e.attempt - 1})` : ''}: ${e.goal}`);
        break;
      case 'step-delta':
      case 'analysis-delta':
        this.stream(e.text);
        break;
      case 'step-done':
        this.line();
        break;
      case 'step-partial':
        // The text above stays on screen, marked: it is not the step's work.
        this.line(`  [cut off — the reply above is partial and was not used${e.retrying ? '; asking again' : ''}]`);
        break;
      case 'evaluation':
        this.line(`  navigator: ${e.verdict}${e.feedback ? ` — ${e.feedback.replace(/\s+/g, ' ')}` : ''}`);
        break;
      case 'adjustment':
        this.line(`  ${e.kind === 'revise' ? 'revising' : 're-planning'} step ${e.stepIndex + 1}: ${e.reason.replace(/\s+/g, ' ')}`);
        break;
      case 'sample':
        this.line();
        this.line(`Trajectory ${e.index + 1}/${e.of}: ${e.answer === null ? 'no answer' : `answer ${e.answer}`}${e.verification ? ` (${e.verification})` : ''}`);
        break;
      case 'final':
        this.line();
        if (e.answer !== null) {
          const note = e.verification === 'rejected' ? ' (unverified: the navigator still rejects it)' : e.verification === 'unchecked' ? ' (not checked by the navigator)' : '';
          this.line(`Final answer: ${e.answer}${note}`);
        }
        break;
      case 'usage':
        break;
      case 'error':
        if (!e.fatal) {
          if (!this.atLineStart) this.line();
          this.err.write(`warning: ${terminalSafe(e.message)}\n`);
        }
        break;
      case 'done': {
        const s = e.stats;
        const secs = (ms: number) => (ms / 1000).toFixed(1);
        this.line(
          `${s.calls} calls (${s.navigatorCalls} navigator, ${s.solverCalls} solver) · ${s.totalTokens} tokens (${s.promptTokens} in, ${s.completionTokens} out) · ${secs(s.ms)} s (model ${secs(s.modelMs)} s)${s.roundBudget ? ` · rounds ${s.rounds}/${s.roundBudget}` : ''}`,
        );
        break;
      }
    }
  }
}

let epipeGuarded = false;

function resolveMode(v: string | undefined): SolveMode {
  if (v === undefined) return 'solve';
  if (v === 'solve' || v === 'hint' || v === 'explain') return v;
  throw new CliError(`--mode must be solve, hint or explain, got "${v}"`);
}

export async function run(argv: string[], io: { out: Out; err: Out; env: NodeJS.ProcessEnv } = { out: process.stdout, err: process.stderr, env: process.env }): Promise<number> {
  const args = parseArgs(argv, ['json', 'help']);
  if (args.flags.help) {
    io.out.write(HELP + '\n');
    return 0;
  }
  checkFlags(args, FLAGS);
  // Empty environment variables count as unset.
  const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const file = stringFlag(args, 'file');
  if (file && args.positional.length) throw new CliError('give the problem either as text or with --file, not both');
  let problem: string;
  if (file) {
    try {
      problem = await readFile(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'check the path');
    }
  } else problem = args.positional.join(' ');
  problem = problem.trim();
  if (!problem) throw new CliError('no problem given', 'usage: reasonflux solve "PROBLEM" --base-url URL --model M (see --help)');

  const settings = readModelSettings(args, env);
  const { baseUrl, model, maxRounds } = settings;
  const mode = resolveMode(stringFlag(args, 'mode'));
  const json = args.flags.json === true;
  const sampling = readSampling(args, 'auto');
  if (mode !== 'solve' && stringFlag(args, 'samples') !== undefined) throw new CliError('--samples applies to --mode solve only');

  const { solver, navigator } = createModels(settings);

  const statsFile = stringFlag(args, 'stats') ?? env.REASONFLUX_STATS_FILE;
  const expect = stringFlag(args, 'expect');
  if (expect !== undefined && !statsFile) throw new CliError('--expect is used for template statistics', 'pass --stats FILE too');
  let usage: TemplateUsageStore | undefined;
  try {
    usage = statsFile ? await TemplateUsageStore.load(statsFile) : undefined;
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const templatesDir = stringFlag(args, 'templates');
  const lib = await loadTemplateIndex({ ...(templatesDir ? { workspaceDir: templatesDir } : {}), ...(usage ? { prior: usage.priorOf() } : {}) });
  if (lib.errors.length) {
    io.err.write(`warning: ${lib.errors.length} template problem(s) while loading the library, e.g. ${lib.errors[0]} — run "reasonflux templates validate"\n`);
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  // `reasonflux solve … | head`: a closed pipe stops the run instead of crashing on EPIPE.
  let pipeClosed = false;
  const onPipeError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      pipeClosed = true;
      controller.abort();
    }
  };
  process.stdout.on('error', onPipeError);
  const view = json ? undefined : new HumanView(io.out, io.err);
  const state: { status: 'solved' | 'no-answer' | 'cancelled' | 'failed'; fatal?: string } = { status: 'failed' };
  const runEvents: SolveEvent[] = [];
  let finalAnswer: string | null = null;
  const emit = (event: SolveEvent) => {
    // Errors quote servers, which may echo the key: redacted again here, whatever model produced them.
    const e = redactEvent(event);
    if (usage) runEvents.push(e);
    if (e.type === 'final') finalAnswer = e.answer;
    if (json) io.out.write(JSON.stringify(e) + '\n');
    else view!.handle(e);
    if (e.type === 'error' && e.fatal) state.fatal = `model error (${e.kind}): ${e.message}`;
    if (e.type === 'done') state.status = e.status;
  };
  const index = await withEmbeddings(lib.index, args, env, { baseUrl, ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) }, (line) => io.err.write(line + '\n'));
  const options: OrchestratorOptions = { navigator, solver, index, mode, signal: controller.signal, ...(maxRounds ? { maxRounds } : {}) };
  try {
    if (mode === 'hint') {
      const interactive = !json && io.out === process.stdout && process.stdin.isTTY === true && process.stdout.isTTY === true;
      const note = json ? undefined : (s: string) => io.err.write(s + '\n');
      await hints(problem, options, emit, interactive, controller, note);
    }
    else if (mode === 'solve') for await (const e of solveSampled(problem, { ...options, ...sampling })) emit(e);
    else for await (const e of solveProblem(problem, options)) emit(e);
  } finally {
    process.off('SIGINT', onSigint);
    process.stdout.off('error', onPipeError);
    // Writes already queued on a closed pipe may still report EPIPE after this point: swallow those.
    if (!epipeGuarded) {
      epipeGuarded = true;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
    }
  }
  const { status, fatal } = state;
  if (usage && mode === 'solve' && status !== 'cancelled') {
    const correct = expect !== undefined ? finalAnswer !== null && isEquivalent(expect, finalAnswer) : undefined;
    usage.recordRun(runEvents, correct === undefined ? {} : { correct });
    try {
      await usage.save();
    } catch (err) {
      io.err.write(`reasonflux: warning: could not save template statistics to ${statsFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    }
    if (correct !== undefined && !json) io.err.write(`reasonflux: graded against --expect: ${correct ? 'correct' : 'not correct'}\n`);
  }
  if (pipeClosed) return 0; // the reader (e.g. `head`) has what it wanted
  if (status === 'cancelled') {
    io.err.write('reasonflux: cancelled\n');
    return 130;
  }
  if (status === 'failed') {
    io.err.write(`reasonflux: ${terminalSafe(fatal ?? 'the solve failed')}\n`);
    return 1;
  }
  if (status === 'no-answer' && mode === 'solve') {
    if (!json) io.err.write(`reasonflux: no final answer was found (endpoint ${describeEndpoint(baseUrl)}, model ${model})\n`);
    return 3;
  }
  return 0;
}

/** Hint mode: plan, the first hint, then (in a terminal) one more hint per Enter until q or the end. */
async function hints(
  problem: string,
  options: OrchestratorOptions,
  emit: (e: SolveEvent) => void,
  interactive: boolean,
  controller: AbortController,
  note?: (s: string) => void,
): Promise<void> {
  const session = new HintSession(problem, options);
  for await (const e of session.plan()) emit(e);
  if (session.hasNext) for await (const e of session.next()) emit(e);
  if (interactive && session.hasNext && !controller.signal.aborted) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    rl.on('SIGINT', () => controller.abort());
    try {
      while (session.hasNext && !controller.signal.aborted) {
        let answer: string;
        try {
          answer = await rl.question('\nNext hint? [Enter = yes, q = stop] ', { signal: controller.signal });
        } catch {
          break;
        }
        if (/^\s*q/i.test(answer)) break;
        for await (const e of session.next()) emit(e);
      }
    } finally {
      rl.close();
    }
  }
  if (!interactive && session.hasNext && !controller.signal.aborted) {
    note?.('reasonflux: only the first hint is shown outside a terminal — run it in a terminal to step through the rest, or use --mode solve');
  }
  for await (const e of session.end()) emit(e);
}
