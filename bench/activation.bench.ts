// Activation in the real VS Code host (code-server + headless Chromium, as in the e2e suite): how long
// activate() takes (from the extension's own log: "activating" → "activated"), how long from opening a
// problem set until its squiggles are on screen. Prints
// numbers only; skipped with a note when the host is not installed (bash scripts/host/install.sh).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assertHostInstalled } from '../scripts/host/lib';
import { openWorkbench } from '../test/e2e/support/workbench';

function files(dir: string, keep: (p: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out;
}

/** Milliseconds of a VS Code log line's timestamp ("2026-01-02 03:04:05.678 [info] …"). */
function stamp(line: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? Date.parse(`${m[1]}T${m[2]}`) : undefined;
}

void (async () => {
  try {
    assertHostInstalled();
  } catch (err) {
    console.log(`activation in the real host: skipped (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  const t0 = performance.now();
  const wb = await openWorkbench();
  try {
    const tWorkbench = performance.now();
    await wb.openFile('problems.md');
    const tFile = performance.now();
    await wb.page.waitForFunction(() => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-info').length >= 1, undefined, { timeout: 120_000 });
    const tSquiggles = performance.now();
    // The extension's output channel is a log file in the server's data dir.
    let lines: string[] = [];
    for (let i = 0; i < 50 && !lines.some((l) => /\] activated$/.test(l)); i++) {
      const log = files(wb.server.dir, (p) => /reasonflux-tutor\.reasonflux-tutor[\\/][^\\/]+\.log$/.test(p))[0];
      lines = log ? readFileSync(log, 'utf8').split('\n') : [];
      if (!lines.some((l) => /\] activated$/.test(l))) await new Promise((r) => setTimeout(r, 100));
    }
    const at = (re: RegExp) => {
      const l = lines.find((x) => re.test(x));
      return l ? stamp(l) : undefined;
    };
    const activating = at(/\] ReasonFlux Tutor .* activating in /);
    const registered = at(/timing: registering the editor features/);
    const activated = at(/\] activated$/);
    console.log('activation in the real host (code-server 4.100.3 = VS Code 1.100.3, workspace with problem sets):');
    if (activating !== undefined && activated !== undefined) {
      console.log(`  activate(): ${activated - activating} ms (log "activating" → "activated", includes the language server's initialize)`);
      if (registered !== undefined) console.log(`  commands, panel, hover and chat usable ${registered - activating} ms after activate() began (the rest waits for the language server)`);
    } else {
      console.log('  activate(): the extension log was not found');
    }
    console.log(`  workbench up ${((tWorkbench - t0) / 1000).toFixed(1)} s; problems.md open → first squiggle ${(tSquiggles - tFile).toFixed(0)} ms`);
    console.log(`  memory (code-server + extension host + language server + Chromium): ${wb.memoryMiB()} MiB PSS`);
  } finally {
    await wb.close();
  }
})().catch((err) => {
  console.error(`activation bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
