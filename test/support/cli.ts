// Runs the CLI from source as a child process (node --import tsx src/cli/main.ts …) without blocking the
// event loop, so a scripted server in the test process can answer it. The model environment is cleared.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(argv: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<CliRun> {
  return new Promise((done, reject) => {
    const cleanEnv: NodeJS.ProcessEnv = {
      ...process.env,
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
      REASONFLUX_MODEL: '',
      OPENAI_MODEL: '',
      REASONFLUX_NAVIGATOR_MODEL: '',
      REASONFLUX_EMBEDDINGS_MODEL: '',
      ...env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src', 'cli', 'main.ts'), ...argv], { cwd, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
