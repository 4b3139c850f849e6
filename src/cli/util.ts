// Shared CLI helpers: argument parsing and one-line errors.
import { LlmError } from '../core/llm/types.js';
import { redactSecrets } from '../core/llm/redact.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** One clear line (what failed, what to do); the stack only with --debug. Never a key. */
export function formatCliError(err: unknown, debug: boolean): string {
  let line: string;
  if (err instanceof CliError) line = `reasonflux: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`;
  else if (err instanceof LlmError) line = `reasonflux: model error (${err.kind}): ${err.message}`;
  else if (err instanceof Error) line = `reasonflux: ${err.message}`;
  else line = `reasonflux: ${String(err)}`;
  if (debug && err instanceof Error && err.stack) line += '\n' + err.stack;
  return redactSecrets(line);
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean>;
}

/** Parses `--name value`, `--name=value` and boolean `--flag`. `booleans` lists flags that take no value. */
export function parseArgs(argv: string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) flags[name] = a.slice(eq + 1);
      else if (booleans.includes(name)) flags[name] = true;
      else {
        const v = argv[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new CliError(`option --${name} needs a value`);
        flags[name] = v;
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function intFlag(args: ParsedArgs, name: string, min = 1): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
}

/** Rejects flags the command does not know, so typos fail loudly. */
export function checkFlags(args: ParsedArgs, known: readonly string[]): void {
  for (const k of Object.keys(args.flags)) {
    if (!known.includes(k)) throw new CliError(`unknown option --${k}`, `known options: ${known.map((x) => '--' + x).join(' ')}`);
  }
}
