// `reasonflux` command line: each subcommand lives in src/cli/commands/<name>.ts and exports `run(argv)`.
import { CliError, formatCliError } from './util.js';

type CommandModule = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<CommandModule>> = {
  solve: () => import('./commands/solve.js'),
  templates: () => import('./commands/templates.js'),
  grade: () => import('./commands/grade.js'),
  eval: () => import('./commands/eval.js'),
  detect: () => import('./commands/detect.js'),
};

const USAGE = `reasonflux — hierarchical math reasoning with thought templates

Usage: reasonflux <command> [options]

Commands:
  solve "PROBLEM"        solve a problem with the ReasonFlux orchestrator
  templates <sub>        search | import | validate | stats the template library
  grade REF CANDIDATE    decide whether two answers are mathematically equal
  eval --dataset FILE    evaluate a model on MATH-500 / AIME / AMC
  detect FILE...         list the problems stated in Markdown / LaTeX files

Run "reasonflux <command> --help" for a command's options. Add --debug for stack traces.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  const load = commands[name];
  if (!load) throw new CliError(`unknown command "${name}"`, 'run "reasonflux --help" to list the commands');
  const mod = await load();
  return mod.run(rest);
}

if (require.main === module) {
  const debug = process.argv.includes('--debug');
  main(process.argv.slice(2).filter((a) => a !== '--debug')).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(formatCliError(err, debug) + '\n');
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    },
  );
}
