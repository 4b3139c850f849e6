// Builds the entry points of scripts/bundles.mjs into dist/. `vscode` stays external (provided by the host).
//   node esbuild.mjs [--production] [--watch] [--test-hooks]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builds, defines } from './scripts/bundles.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// The reasonflux.test.* commands, for the real-host test suites only (scripts/bundles.mjs).
const testHooks = process.argv.includes('--test-hooks');

mkdirSync('dist', { recursive: true });
// One id per build, shared by the bundles and dist/library.json (src/core/templates/precomputed.ts).
// Not in watch mode: there the bundles change without library.json being rewritten.
const buildId = watch ? undefined : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const define = defines({ buildId, testHooks });
const common = {
  define,
  bundle: true, outdir: 'dist', sourcemap: true, minify: production, logLevel: 'warning',
  legalComments: 'linked', metafile: true,
};
if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  chmodSync('dist/cli.js', 0o755);
  for (const r of results) {
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`built ${file} ${(info.bytes / 1024).toFixed(0)} KiB`);
    }
  }
  buildLibrary();
}

/**
 * dist/library.json: the built-in templates validated and analysed once (scripts/build-library.ts), so the
 * extension, server and CLI start retrieval without parsing, validating and tokenising 500+ templates.
 */
function buildLibrary() {
  const tmp = mkdtempSync(join(tmpdir(), 'reasonflux-build-library-'));
  try {
    const script = join(tmp, 'build-library.cjs');
    esbuild.buildSync({
      entryPoints: ['scripts/build-library.ts'], outfile: script, bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', logLevel: 'warning', define,
    });
    execFileSync(process.execPath, [script, 'templates', 'dist/library.json'], { stdio: 'inherit' });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
