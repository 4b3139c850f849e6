// `reasonflux eval --dataset FILE --base-url URL --model M --mode reasonflux|direct …`
import { basename, resolve } from 'node:path';
import { describeEndpoint } from '../../core/llm/openai.js';
import { loadTemplateIndex } from '../../core/templates/library.js';
import { DatasetError, loadDataset } from '../../core/eval/dataset.js';
import { EvalError, runEval } from '../../core/eval/harness.js';
import { readResults, type EvalMode } from '../../core/eval/results.js';
import type { ProgressStream } from '../../core/eval/progress.js';
import { CliError, checkFlags, intFlag, parseArgs, stringFlag } from '../util.js';
import { createModels, readModelSettings } from '../models.js';

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
  --mode reasonflux|direct  full orchestrator (default) or one chain-of-thought call on the same model
  --limit N               only the first N problems
  --concurrency K         problems run at the same time (default 1)
  --out DIR               output folder (default eval-out/<dataset>-<mode>)
  --resume                continue DIR/results.jsonl: skip problems already answered, retry failed ones
  --max-rounds K          evaluate-and-adjust rounds (default: scale with each problem's complexity)
  --timeout S             time limit for one model request, seconds (default 120)
  --templates DIR         extra thought-template folder merged with the built-in library

Writes DIR/results.jsonl (one line per problem, appended as each finishes), DIR/summary.md and
DIR/summary.json. Ctrl-C stops cleanly and keeps the finished results (resume with --resume).`;

const FLAGS = ['dataset', 'base-url', 'model', 'navigator-model', 'navigator-base-url', 'api-key-env', 'mode', 'limit', 'concurrency', 'out', 'resume', 'max-rounds', 'timeout', 'templates', 'help'];

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
  const modeFlag = stringFlag(args, 'mode') ?? 'reasonflux';
  if (modeFlag !== 'reasonflux' && modeFlag !== 'direct') throw new CliError(`--mode must be reasonflux or direct, got "${modeFlag}"`);
  const mode: EvalMode = modeFlag;
  const limit = intFlag(args, 'limit', 1);
  const concurrency = intFlag(args, 'concurrency', 1) ?? 1;
  if (concurrency > 64) throw new CliError(`--concurrency must be at most 64, got ${concurrency}`);

  let dataset;
  try {
    dataset = loadDataset(datasetFile);
  } catch (err) {
    if (err instanceof DatasetError) throw new CliError(`dataset ${err.message}`, 'expected JSON Lines with "problem" (or "question") and "answer"');
    throw err;
  }
  const outDir = resolve(stringFlag(args, 'out') ?? `eval-out/${basename(datasetFile).replace(/\.jsonl?$/i, '')}-${mode}`);

  const { solver, navigator } = createModels(settings);

  let index;
  if (mode === 'reasonflux') {
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
  io.err.write(
    `reasonflux eval: ${dataset.name} (${dataset.format}, ${limit ? Math.min(limit, dataset.problems.length) : dataset.problems.length} problems) · ${mode} · ${model} at ${describeEndpoint(baseUrl)} → ${outDir}\n`,
  );
  let result;
  try {
    result = await runEval({
      dataset,
      mode,
      solver,
      navigator,
      ...(index ? { index } : {}),
      ...(maxRounds ? { maxRounds } : {}),
      ...(limit ? { limit } : {}),
      concurrency,
      outDir,
      resume: args.flags.resume === true,
      signal: controller.signal,
      baseUrl: describeEndpoint(baseUrl),
      progress: io.err,
    });
  } catch (err) {
    if (err instanceof EvalError) throw new CliError(err.message, err.hint);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    external?.removeEventListener('abort', onExternal);
  }
  const o = result.summary.overall;
  io.out.write(
    `${o.correct}/${o.problems} correct (${(100 * o.accuracy).toFixed(1)} %) · ran ${result.ran}, skipped ${result.skipped}${o.failed ? `, failed ${o.failed}` : ''}\n` +
      `results: ${result.files.results}\nsummary: ${result.files.summaryMd}\n`,
  );
  if (o.failed > 0 && !result.interrupted) {
    // Say why problems failed (most often the endpoint: unreachable, wrong model, bad key).
    const errors = readResults(result.files.results).records.filter((r) => r.status === 'failed' && r.error).map((r) => r.error as string);
    if (errors.length) io.err.write(`reasonflux eval: ${o.failed} problem(s) failed, e.g. ${errors[0]}\n`);
    if (o.failed === o.problems) {
      io.err.write('reasonflux eval: every problem failed — check the endpoint and the model, then rerun with --resume\n');
      return 1;
    }
  }
  if (result.interrupted) {
    io.err.write('reasonflux eval: interrupted — finished results are kept; rerun with --resume to continue\n');
    return 130;
  }
  return 0;
}
