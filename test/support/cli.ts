// Runs the `reasonflux` CLI as a child process (node --import tsx src/cli/main.ts COMMAND …), the way a
// user runs it, with a clean model environment. For tests that check what reaches stdout and stderr.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(command: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((done, fail) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, OPENAI_BASE_URL: '', OPENAI_API_KEY: '', REASONFLUX_MODEL: '', OPENAI_MODEL: '', REASONFLUX_NAVIGATOR_MODEL: '', ...env };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command, ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
