// `reasonflux grade REFERENCE CANDIDATE` and `reasonflux grade --jsonl FILE`.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { gradeAnswer } from '../../core/answers/grade.js';
import { CliError, checkFlags, intFlag, parseArgs, stringFlag } from '../util.js';

export const summary = 'decide whether two answers are mathematically equal';

const HELP = `reasonflux grade — decide whether two answers are mathematically equal

Usage:
  reasonflux grade REFERENCE CANDIDATE [--json]
  reasonflux grade --jsonl FILE          (FILE "-" reads standard input)

CANDIDATE may be a bare answer or a whole model response (its last \\boxed{} is taken).
Prints "equal" or "not equal" (exit code 0 either way); --json prints
{"equal", "extracted", "method", "reason"}.

--jsonl reads lines {"reference": …, "candidate": …} or {"reference": …, "response": …} and prints,
in order, one line each {"equal": true|false, "extracted": "…"}; a bad line prints
{"equal": false, "extracted": "", "error": "line N: …"} and the batch goes on.

Options:
  --timeout-ms N   time limit per comparison (default 3000)`;

const FLAGS = ['jsonl', 'json', 'timeout-ms', 'help'];

type Out = { write(s: string): unknown };

export async function run(argv: string[], io: { out: Out; err: Out; stdin?: NodeJS.ReadableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const args = parseArgs(argv, ['json', 'help']);
  if (args.flags.help) {
    io.out.write(HELP + '\n');
    return 0;
  }
  checkFlags(args, FLAGS);
  const timeoutMs = intFlag(args, 'timeout-ms', 1);
  const file = stringFlag(args, 'jsonl');
  if (file !== undefined) {
    if (args.positional.length) throw new CliError('give either --jsonl FILE or REFERENCE CANDIDATE, not both');
    return gradeJsonl(file, io, timeoutMs);
  }
  if (args.positional.length !== 2) {
    throw new CliError(`expected REFERENCE and CANDIDATE, got ${args.positional.length} argument(s)`, 'usage: reasonflux grade "\\frac{1}{2}" "0.5" (quote each; see --help)');
  }
  const [reference, candidate] = args.positional as [string, string];
  const g = gradeAnswer(reference, candidate, timeoutMs ? { timeoutMs } : {});
  if (args.flags.json === true) io.out.write(JSON.stringify(g) + '\n');
  else io.out.write((g.equal ? 'equal' : 'not equal') + '\n');
  return 0;
}

async function gradeJsonl(file: string, io: { out: Out; err: Out; stdin?: NodeJS.ReadableStream }, timeoutMs: number | undefined): Promise<number> {
  let input: NodeJS.ReadableStream;
  if (file === '-') input = io.stdin ?? process.stdin;
  else {
    let isDir = false;
    try {
      isDir = statSync(file).isDirectory();
    } catch {
      // Missing or unreadable: the stream below reports it.
    }
    if (isDir) throw new CliError(`cannot read ${file}: it is a directory`, 'give a JSON Lines file');
    const stream = createReadStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err: NodeJS.ErrnoException) =>
        reject(new CliError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'file not found' : (err.code ?? err.message)}`, 'check the path')),
      );
    });
    input = stream;
  }
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    const fail = (why: string) => {
      bad++;
      const error = `line ${lineNo}: ${why}`;
      io.err.write(`reasonflux grade: ${file}:${lineNo}: ${why}\n`);
      io.out.write(JSON.stringify({ equal: false, extracted: '', error }) + '\n');
    };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      fail('not valid JSON');
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      fail('expected a JSON object');
      continue;
    }
    const r = row as Record<string, unknown>;
    const okType = (v: unknown) => typeof v === 'string' || typeof v === 'number';
    if (!okType(r.reference)) {
      fail('missing "reference" (a string or a number)');
      continue;
    }
    const cand = r.candidate !== undefined ? r.candidate : r.response;
    if (!okType(cand)) {
      fail('missing "candidate" or "response" (a string or a number)');
      continue;
    }
    const g = gradeAnswer(r.reference, cand, timeoutMs ? { timeoutMs } : {});
    io.out.write(JSON.stringify({ equal: g.equal, extracted: g.extracted }) + '\n');
  }
  if (bad) io.err.write(`reasonflux grade: ${bad} bad line(s) in ${file}\n`);
  return 0;
}
