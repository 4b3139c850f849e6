// `reasonflux eval --dataset FILE --base-url URL --model M --mode reasonflux,direct,best-of-n,self-consistency …`
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describeEndpoint } from '../../core/llm/openai.js';
import { redactSecrets } from '../../core/llm/redact.js';
import { loadTemplateIndex } from '../../core/templates/library.js';
import { DatasetError, loadDataset } from '../../core/eval/dataset.js';
import { DEFAULT_BASELINE_SAMPLES, EvalError, runEval, stopMessage, type EvalRunResult } from '../../core/eval/harness.js';
import { EVAL_MODES, readResults, type EvalMode } from '../../core/eval/results.js';
import { renderComparisonMarkdown } from '../../core/eval/summary.js';
import { writePreferencePairs, type PairsFormat } from '../../core/eval/pairs.js';
import type { ProgressStream } from '../../core/eval/progress.js';
import { CliError, checkFlags, intFlag, parseArgs, stringFlag } from '../util.js';
import { MODEL_FLAGS, TIMEOUT_HELP, createModels, readModelSettings, readSampling } from '../models.js';

export const summary = 'evaluate a model on MATH-500 / AIME / AMC';

const HELP = `reasonflux eval — evaluate a model on MATH-500 / AIME / AMC (JSON Lines as published)

Usage:
  reasonflux eval --dataset FILE --base-url URL --model M [options]

Options:
  --dataset FILE          math500.jsonl | aime24.jsonl | amc23.jsonl (or any JSONL with problem + answer)
  --base-url URL          OpenAI-compatible endpoint (env OPENAI_BASE_URL)
  --model M               solver model (env REASONFLUX_MODEL, then OPENAI_MODEL)
  --navigator-model N     navigator model (default: the solver model)
  --api-key-env VAR       read the API key from environment variable VAR (default OPENAI_API_KEY; local
                          servers need none)
  --mode M[,M…]           one or more of: reasonflux (the full orchestrator, default), direct (one
                          chain-of-thought call), best-of-n (N direct samples, the navigator picks one),
                          self-consistency (N direct samples, majority vote); several modes run one
                          after the other on the same problems and print a side-by-side table
  --samples N|auto        reasonflux: trajectories per problem (default auto: the engine decides from
                          its difficulty assessment); best-of-n / self-consistency: samples (default ${DEFAULT_BASELINE_SAMPLES})
  --select vote|verify    reasonflux with several trajectories: majority vote (default) or the
                          navigator checks the candidates
  --export-pairs FILE     write preference pairs (prompt / chosen / rejected over the navigator's plan)
                          for problems with both a correct and an incorrect reasonflux trajectory, as
                          JSON Lines for TRL's DPO trainer (use --samples N with N ≥ 2 to get pairs)
  --pairs-format F        conversational (default: role/content messages) or standard (plain strings)
  --limit N               only the first N problems
  --concurrency K         problems run at the same time (default 1)
  --out DIR               output folder (default eval-out/<dataset>-<mode>; with several modes
                          eval-out/<dataset>-compare, one sub-folder per mode + comparison.md)
  --resume                continue DIR/results.jsonl: skip problems already answered, retry failed ones
  --max-rounds K          evaluate-and-adjust rounds (default: scale with each problem's complexity)
${TIMEOUT_HELP}
  --max-failures N        stop the run after N model calls in a row failed at the endpoint (unreachable,
                          HTTP errors, time-outs, cut-off replies; default 5; 0: never stop)
  --templates DIR         extra thought-template folder merged with the built-in library

Writes DIR/results.jsonl (one line per problem, appended as each finishes), DIR/summary.md and
DIR/summary.json (several modes: DIR/<mode>/… and DIR/comparison.md / comparison.json). Ctrl-C stops
cleanly and keeps the finished results (resume with --resume).`;

const FLAGS = [
  'dataset', ...MODEL_FLAGS, 'mode', 'samples', 'select', 'export-pairs', 'pairs-format',
  'limit', 'concurrency', 'out', 'resume', 'max-failures', 'templates', 'help',
];

/** `--mode a,b,c`: known modes, each once, in the order given. */
function parseModes(v: string): EvalMode[] {
  const modes: EvalMode[] = [];
  for (const raw of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(EVAL_MODES as readonly string[]).includes(raw)) throw new CliError(`--mode must be one or more of ${EVAL_MODES.join(', ')} (comma-separated), got "${raw}"`);
    if (!modes.includes(raw as EvalMode)) modes.push(raw as EvalMode);
  }
  if (modes.length === 0) throw new CliError(`--mode needs at least one of ${EVAL_MODES.join(', ')}`);
  return modes;
}

type Out = ProgressStream;

export async function run(
  argv: string[],
  io: { out: Out; err: Out; env: NodeJS.ProcessEnv; signal?: AbortSignal } = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  const args = parseArgs(argv, ['resume', 'help']);
  if (args.flags.help) {
    io.out.write(HELP + '\n');
    return 0;
  }
  checkFlags(args, FLAGS);
  if (args.positional.length) throw new CliError(`unexpected argument "${args.positional[0]}"`, 'see reasonflux eval --help');
  const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const datasetFile = stringFlag(args, 'dataset');
  if (!datasetFile) throw new CliError('no dataset', 'pass --dataset FILE (e.g. ../shared/data/math500.jsonl)');
  const settings = readModelSettings(args, env);
  const { baseUrl, model, maxRounds } = settings;
  const modes = parseModes(stringFlag(args, 'mode') ?? 'reasonflux');
  const sampling = readSampling(args, 'auto');
  const pairsFile = stringFlag(args, 'export-pairs');
  const pairsFormat = stringFlag(args, 'pairs-format') ?? 'conversational';
  if (pairsFormat !== 'conversational' && pairsFormat !== 'standard') throw new CliError(`--pairs-format must be conversational or standard, got "${pairsFormat}"`);
  if (pairsFile && !modes.includes('reasonflux')) throw new CliError('--export-pairs needs reasonflux among the modes (the pairs are over the navigator\'s plans)');
  const limit = intFlag(args, 'limit', 1);
  const concurrency = intFlag(args, 'concurrency', 1) ?? 1;
  const maxFailures = intFlag(args, 'max-failures', 0);
  if (concurrency > 64) throw new CliError(`--concurrency must be at most 64, got ${concurrency}`);

  let dataset;
  try {
    dataset = loadDataset(datasetFile);
  } catch (err) {
    if (err instanceof DatasetError) throw new CliError(`dataset ${err.message}`, 'expected JSON Lines with "problem" (or "question") and "answer"');
    throw err;
  }
  const stem = basename(datasetFile).replace(/\.jsonl?$/i, '');
  const outRoot = resolve(stringFlag(args, 'out') ?? `eval-out/${stem}-${modes.length === 1 ? modes[0] : 'compare'}`);
  const outDirOf = (mode: EvalMode) => (modes.length === 1 ? outRoot : join(outRoot, mode));

  const { solver, navigator } = createModels(settings);

  let index;
  if (modes.includes('reasonflux')) {
    const templatesDir = stringFlag(args, 'templates');
    const lib = await loadTemplateIndex(templatesDir ? { workspaceDir: templatesDir } : {});
    if (lib.errors.length) io.err.write(`warning: ${lib.errors.length} template problem(s) while loading the library, e.g. ${lib.errors[0]}\n`);
    if (lib.index.size === 0) throw new CliError('the template library is empty', 'run "reasonflux templates validate" or pass --templates DIR');
    index = lib.index;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err.write('\nreasonflux eval: stopping after the problems in progress are cancelled (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  const external = io.signal;
  const onExternal = () => controller.abort();
  if (external?.aborted) controller.abort();
  else external?.addEventListener('abort', onExternal, { once: true });
  process.on('SIGINT', onSigint);
  const count = limit ? Math.min(limit, dataset.problems.length) : dataset.problems.length;
  const results: EvalRunResult[] = [];
  try {
    for (const mode of modes) {
      // Stopped: no further mode starts (the first still runs, to record an interrupted summary).
      if (controller.signal.aborted && results.length > 0) break;
      const outDir = outDirOf(mode);
      io.err.write(`reasonflux eval: ${dataset.name} (${dataset.format}, ${count} problems) · ${mode} · ${model} at ${describeEndpoint(baseUrl)} → ${outDir}\n`);
      // --samples counts trajectories in reasonflux mode and direct samples in the baselines ('auto' means their default).
      const samples = mode === 'reasonflux' ? sampling.samples : mode === 'direct' ? undefined : sampling.samples === 'auto' ? DEFAULT_BASELINE_SAMPLES : sampling.samples;
      let result: EvalRunResult;
      try {
        result = await runEval({
          dataset,
          mode,
          solver,
          navigator,
          ...(index ? { index } : {}),
          ...(maxRounds ? { maxRounds } : {}),
          ...(samples !== undefined ? { samples } : {}),
          select: sampling.select,
          ...(limit ? { limit } : {}),
          concurrency,
          ...(maxFailures !== undefined ? { maxConsecutiveFailures: maxFailures } : {}),
          outDir,
          resume: args.flags.resume === true,
          signal: controller.signal,
          baseUrl: describeEndpoint(baseUrl),
          progress: io.err,
        });
      } catch (err) {
        if (err instanceof EvalError) throw new CliError(err.message, err.hint);
        throw err;
      }
      results.push(result);
      const o = result.summary.overall;
      io.out.write(
        `${modes.length > 1 ? `${mode}: ` : ''}${o.correct}/${o.problems} correct (${(100 * o.accuracy).toFixed(1)} %) · ran ${result.ran}, skipped ${result.skipped}${o.failed ? `, failed ${o.failed}` : ''}\n` +
          `results: ${result.files.results}\nsummary: ${result.files.summaryMd}\n`,
      );
      if (o.failed > 0 && !result.interrupted) {
        // Say why problems failed (most often the endpoint: unreachable, wrong model, bad key).
        const errors = readResults(result.files.results).records.filter((r) => r.status === 'failed' && r.error).map((r) => r.error as string);
        if (errors.length) io.err.write(`reasonflux eval: ${o.failed} problem(s) failed${modes.length > 1 ? ` in ${mode} mode` : ''}, e.g. ${redactSecrets(errors[0]!)}\n`);
      }
      if (result.interrupted) break;
    }
  } finally {
    process.off('SIGINT', onSigint);
    external?.removeEventListener('abort', onExternal);
  }
  if (results.length > 1) {
    const md = renderComparisonMarkdown(results.map((r) => r.summary));
    writeFileSync(join(outRoot, 'comparison.md'), md);
    writeFileSync(join(outRoot, 'comparison.json'), JSON.stringify(results.map((r) => r.summary), null, 2) + '\n');
    io.out.write('\n' + md + `comparison: ${join(outRoot, 'comparison.md')}\n`);
  }
  const rf = results.find((r) => r.summary.meta.mode === 'reasonflux');
  if (pairsFile && rf) {
    const file = resolve(pairsFile);
    const n = writePreferencePairs(file, readResults(rf.files.results).records, pairsFormat as PairsFormat);
    io.out.write(`preference pairs: ${n} written to ${file}\n`);
    if (n === 0) io.err.write('reasonflux eval: no problem had both a correct and an incorrect trajectory with a navigator plan — run with --samples N (N ≥ 2) for pairs\n');
  }
  const stopped = results.find((r) => r.stopped);
  if (stopped?.stopped) {
    io.err.write(
      `reasonflux eval: stopped — ${stopMessage(stopped.stopped.failures, stopped.stopped.lastError)}. ` +
        `The ${stopped.summary.overall.problems} finished result(s) are kept in ${stopped.files.results}; fix the endpoint, then rerun with --resume to continue\n`,
    );
    return 1;
  }
  const interrupted = results.some((r) => r.interrupted) || (controller.signal.aborted && results.length < modes.length);
  if (interrupted) {
    io.err.write('reasonflux eval: interrupted — finished results are kept; rerun with --resume to continue\n');
    return 130;
  }
  if (results.length > 0 && results.every((r) => r.summary.overall.problems > 0 && r.summary.overall.failed === r.summary.overall.problems)) {
    io.err.write('reasonflux eval: every problem failed — check the endpoint and the model, then rerun with --resume\n');
    return 1;
  }
  return 0;
}
