// `reasonflux detect FILE… [--json]`: lists the problems stated in Markdown / LaTeX files.
import { readFile, stat } from 'node:fs/promises';
import { detectProblems, formatOf, looksBinary } from '../../core/detect/index.js';
import type { DetectedProblem, DocumentFormat } from '../../core/detect/types.js';
import { checkFlags, CliError, parseArgs, stringFlag } from '../util.js';

export const summary = 'list the problems stated in Markdown / LaTeX files';

const USAGE = `Usage: reasonflux detect FILE... [--json] [--format latex|markdown]

Lists the math problems stated in each file (.tex, .md and similar).
  --json            print [{"file", "problems": [{"line", "endLine", "kind", "text", "solved"}]}] (1-based lines)
  --format FMT      treat every file as latex or markdown (default: from the file extension)`;

/** Files larger than this are refused (a clear error for that file; the others are still reported). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface FileReport {
  file: string;
  problems?: { line: number; endLine: number; kind: string; text: string; solved: boolean; label?: string }[];
  error?: string;
}

async function detectFile(file: string, forced: DocumentFormat | undefined): Promise<FileReport> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) return { file, error: 'is a directory (name the .md / .tex files in it, e.g. dir/*.tex)' };
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { file, error: code === 'ENOENT' ? 'not found' : `cannot read: ${code ?? (err as Error).message}` };
  }
  const format = forced ?? formatOf(file);
  if (!format) return { file, error: 'not a LaTeX or Markdown file (use --format latex|markdown to force one)' };
  if (size > MAX_FILE_BYTES) return { file, error: `too large (${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB)` };
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.subarray(0, 8192).includes(0)) return { file, error: 'looks like a binary file, not text' };
    text = buf.toString('utf8');
  } catch (err) {
    return { file, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  if (looksBinary(text)) return { file, error: 'looks like a binary file, not text' };
  const problems = detectProblems(text, format, { maxChars: MAX_FILE_BYTES });
  return { file, problems: problems.map(toJson) };
}

function toJson(p: DetectedProblem): NonNullable<FileReport['problems']>[number] {
  const out: NonNullable<FileReport['problems']>[number] = {
    line: p.startLine + 1,
    endLine: p.endLine + 1,
    kind: p.kind,
    text: p.text,
    solved: p.solved,
  };
  if (p.label) out.label = p.label;
  return out;
}

function oneLine(s: string, max = 100): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const args = parseArgs(argv, ['json']);
  checkFlags(args, ['json', 'format']);
  const fmt = stringFlag(args, 'format');
  if (fmt !== undefined && fmt !== 'latex' && fmt !== 'markdown') throw new CliError(`--format must be latex or markdown, got "${fmt}"`);
  if (args.positional.length === 0) throw new CliError('no file given', 'usage: reasonflux detect FILE... [--json]');
  const reports: FileReport[] = [];
  for (const file of args.positional) reports.push(await detectFile(file, fmt as DocumentFormat | undefined));
  const failed = reports.filter((r) => r.error).length;
  if (args.flags.json) {
    process.stdout.write(JSON.stringify(reports.map((r) => (r.error ? { file: r.file, problems: [], error: r.error } : r)), null, 2) + '\n');
  } else {
    for (const r of reports) {
      if (r.error) continue;
      const ps = r.problems ?? [];
      process.stdout.write(`${r.file}: ${ps.length} problem${ps.length === 1 ? '' : 's'}\n`);
      for (const p of ps) {
        const where = p.endLine > p.line ? `${p.line}-${p.endLine}` : `${p.line}`;
        process.stdout.write(`  ${where.padEnd(9)} ${p.kind.padEnd(8)} ${p.solved ? 'solved  ' : 'unsolved'} ${oneLine(p.text)}\n`);
      }
    }
  }
  for (const r of reports) if (r.error) process.stderr.write(`reasonflux: ${r.file}: ${r.error}\n`);
  return failed === 0 ? 0 : failed === reports.length ? 2 : 1;
}
