// `npm start`: build, package, install the .vsix into a fresh local code-server (VS Code 1.100.3),
// open the sample problem sets (samples/) with a problem set in the editor, print the URL, and run until Ctrl-C.
//   REASONFLUX_PORT=8080 npm start        a fixed port (default: a free one)
//   REASONFLUX_HOST_KEEP=1 npm start      keep the run's data dir (settings, logs) after exit
//   npm start -- /path/to/folder          open another folder
// The server listens on 127.0.0.1 only and has no password: reach it from another machine through
// an SSH tunnel (ssh -L PORT:127.0.0.1:PORT host), never by binding it to a public address.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HostSetupError, REPO_ROOT, assertHostInstalled, startCodeServer } from './lib';
import { packageExtension } from './package';

/** The file the editor opens with: the first sample problem set, else the folder's first Markdown / LaTeX file. */
export function startFile(folder: string): string | undefined {
  const first = join(folder, 'algebra-week1.md');
  if (existsSync(first)) return first;
  let names: string[] = [];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return undefined;
  }
  const pick = names.find((n) => /\.(md|markdown|tex)$/i.test(n) && !/^readme\./i.test(n) && statSync(join(folder, n)).isFile());
  return pick ? join(folder, pick) : undefined;
}

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? join(REPO_ROOT, 'samples'));
  if (!existsSync(folder)) throw new HostSetupError(`folder not found: ${folder}`);
  assertHostInstalled();
  const vsix = packageExtension({ build: true });
  const port = process.env.REASONFLUX_PORT ? Number(process.env.REASONFLUX_PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new HostSetupError(`REASONFLUX_PORT must be a port number, got "${process.env.REASONFLUX_PORT}"`);
  }
  const server = await startCodeServer(folder, { port });
  server.installExtension(vsix);
  const file = startFile(folder);
  // The workbench's `openFile` payload opens the file in an editor (not an empty window).
  const url = server.url(folder, file ? [['openFile', server.remoteUri(file)]] : undefined);
  console.log('');
  console.log('ReasonFlux Tutor is running in VS Code (code-server 4.100.3 = VS Code 1.100.3).');
  console.log(`  Open:      ${url}`);
  console.log(`  Workspace: ${folder}${file ? ` (opens ${file.slice(folder.length + 1)})` : ''}`);
  console.log(`  Data dir:  ${server.dir} (removed on exit${process.env.REASONFLUX_HOST_KEEP === '1' ? ', kept: REASONFLUX_HOST_KEEP=1' : ''})`);
  console.log('  No model configured yet? Problems are still detected and explained on hover; run');
  console.log('  "ReasonFlux: Select Model" and "ReasonFlux: Set API Key" to connect one.');
  console.log('Press Ctrl-C to stop.');

  // lib's exit handlers kill the server's process group and remove its data dir on Ctrl-C / SIGTERM.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.prependListener(sig, () => console.log(`\n${sig}: stopping code-server (process group ${server.pid})`));
  }
  // If the server dies on its own, say so and exit.
  const watchdog = setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      clearInterval(watchdog);
      console.error(`code-server exited; last log lines:\n${server.logTail(20)}`);
      process.exit(1);
    }
  }, 2000);
}

main().catch((err) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
