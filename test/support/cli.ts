// Runs the `reasonflux` CLI as a child process (node --import tsx src/cli/main.ts COMMAND …), the way a
// user runs it, with a clean model environment. For tests that check exit codes and what reaches stdout
// and stderr. `onStdout` sees the output so far and the child (to interrupt it or close its pipe).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  onStdout?: (stdout: string, child: ChildProcessByStdio<null, Readable, Readable>) => void;
  /** The child is killed after this long (a hang bound, not a timing assertion; default 60 s). */
  timeoutMs?: number;
}

/** `runCli('solve', ['…'])`, or `runCli(['templates', 'search', '…'])` with the command first in one list. */
export function runCli(command: string | string[], args: string[] = [], env: Record<string, string | undefined> = {}, options: CliOptions = {}): Promise<CliRun> {
  if (Array.isArray(command)) {
    args = command.slice(1);
    command = command[0]!;
  }
  const cmd = command;
  return new Promise((done, fail) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, OPENAI_BASE_URL: '', OPENAI_API_KEY: '', REASONFLUX_MODEL: '', OPENAI_MODEL: '', REASONFLUX_NAVIGATOR_MODEL: '', REASONFLUX_EMBEDDINGS_MODEL: '', ...env };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', cmd, ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
export const ROOT = REPO_ROOT;
