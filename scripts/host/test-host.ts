// `npm run test:host`: build, the integration suite inside the real extension host (through an
// unmodified @vscode/test-electron runTests + the code-server shim), then the e2e suite (Chromium
// driving the workbench). One summary line per suite; exit code 1 when any suite fails.
//   node --import tsx scripts/host/test-host.ts [integration] [e2e] [--no-build]
// Without the shim (a machine that can download VS Code): REASONFLUX_VSCODE=download runs the same
// integration suite on a downloaded desktop VS Code (runTests without vscodeExecutablePath; needs
// a display, e.g. xvfb-run), or REASONFLUX_VSCODE=/path/to/code uses that executable.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, assertHostInstalled, onProcessExit } from './lib';
import { packageExtension } from './package';

const OUT = join(REPO_ROOT, 'out', 'test');
const INTEGRATION_SRC = join(REPO_ROOT, 'test', 'integration');
const INTEGRATION_OUT = join(OUT, 'integration');
const INTEGRATION_WORKSPACE = join(INTEGRATION_SRC, 'fixtures', 'workspace');
const SHIM = join(REPO_ROOT, 'scripts', 'host', 'code-shim.cjs');

interface SuiteResult {
  name: string;
  ok: boolean;
  line: string;
  /** Test counts (a suite that did not run counts as one failure). */
  passed: number;
  failed: number;
  /** Titles and first error lines of failed tests, repeated after the summary (CI shows the tail). */
  failures: string[];
}

/** Failures of a suite: the tests that failed, or one when the run failed without a failed test. */
function countFailures(failedTests: number, runFailed: boolean): number {
  return failedTests > 0 ? failedTests : runFailed ? 1 : 0;
}

function walk(dir: string, keep: (p: string) => boolean, skip: (p: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (skip(p)) continue;
    if (statSync(p).isDirectory()) out.push(...walk(p, keep, skip));
    else if (keep(p)) out.push(p);
  }
  return out;
}

/** The integration suite drives the extension through its test-only commands: a --test-hooks build. */
function build(): void {
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--test-hooks'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Bundles index.ts and every *.test.ts under test/integration (editor/ included) for the host. */
async function buildIntegration(): Promise<string[]> {
  const esbuild = await import('esbuild');
  rmSync(INTEGRATION_OUT, { recursive: true, force: true });
  const skip = (p: string) => /[/\\](fixtures|node_modules)$/.test(p);
  const tests = walk(INTEGRATION_SRC, (p) => p.endsWith('.test.ts'), skip);
  const entryPoints = [join(INTEGRATION_SRC, 'index.ts'), ...tests];
  await esbuild.build({
    entryPoints,
    outbase: INTEGRATION_SRC,
    outdir: INTEGRATION_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // vscode: provided by the extension host; mocha: one shared copy from node_modules, so that the
    // suites register on the runner created in index.js.
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return tests.map((t) => relative(REPO_ROOT, t));
}

async function runIntegration(): Promise<SuiteResult> {
  const t0 = Date.now();
  const tests = await buildIntegration();
  console.log(`\n=== integration (${tests.length} suite files: ${tests.join(', ')})`);
  // A private copy of the fixtures: the suite changes workspace settings (.vscode/settings.json).
  const scratch = mkdtempSync(join(tmpdir(), 'reasonflux-integration-'));
  const unhook = onProcessExit(() => rmSync(scratch, { recursive: true, force: true }));
  const workspace = join(scratch, 'workspace');
  cpSync(INTEGRATION_WORKSPACE, workspace, { recursive: true });
  const report = join(scratch, 'report.json');
  const { runTests } = await import('@vscode/test-electron');
  const mode = process.env.REASONFLUX_VSCODE;
  let failedToRun = '';
  try {
    await runTests({
      // The shim by default; 'download' lets test-electron fetch VS Code; any other value is a path.
      ...(mode === 'download' ? {} : { vscodeExecutablePath: mode || SHIM }),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(INTEGRATION_OUT, 'index.js'),
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { REASONFLUX_TEST_REPORT: report },
    });
  } catch (err) {
    failedToRun = err instanceof Error ? err.message : String(err);
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  let line: string;
  let ok = !failedToRun;
  let passed = 0;
  let failed = 1;
  const failures: string[] = [];
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8')) as {
      passed: number;
      failed: number;
      pending: number;
      failures: Array<{ title: string; error: string }>;
      tests: Array<{ title: string; state: string; durationMs?: number }>;
    };
    const mark: Record<string, string> = { passed: '✓', failed: '✗', pending: '-' };
    for (const t of r.tests) console.log(`  ${mark[t.state] ?? '?'} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    ok = ok && r.failed === 0;
    passed = r.passed;
    // runTests also rejects when a test failed: that is the same failure, not one more. It counts
    // on its own only when no test failed (the host crashed or a hook failed outside any test).
    failed = countFailures(r.failed, !!failedToRun);
    line = `integration: ${r.passed} passed, ${r.failed} failed, ${r.pending} pending in ${seconds} s`;
    for (const f of r.failures) {
      const first = f.error.split('\n').slice(0, 3).join('\n      ');
      failures.push(`${f.title}\n      ${first}`);
      console.error(`  ✗ ${f.title}\n    ${f.error.split('\n')[0]}`);
    }
    if (failedToRun && r.failed === 0) failures.push(`the run failed: ${failedToRun}`);
  } else {
    ok = false;
    line = `integration: no result (${failedToRun || 'the suite did not report'}) after ${seconds} s`;
    failures.push(line);
  }
  unhook();
  rmSync(scratch, { recursive: true, force: true });
  return { name: 'integration', ok, line, passed, failed, failures };
}

function runE2e(rebuild: boolean): SuiteResult {
  const t0 = Date.now();
  const files = walk(join(REPO_ROOT, 'test', 'e2e'), (p) => p.endsWith('.test.ts'), (p) => /[/\\](out|fixtures|node_modules)$/.test(p));
  console.log(`\n=== e2e (${files.length} files: ${files.map((f) => relative(REPO_ROOT, f)).join(', ')})`);
  if (files.length === 0) return { name: 'e2e', ok: false, line: 'e2e: no test files found', passed: 0, failed: 1, failures: ['no test files found'] };
  // The e2e suite installs what ships: a production build without the test hooks (the package check
  // refuses a bundle with them, so with --no-build dist/ must already be such a build).
  const vsix = packageExtension({ build: rebuild, quiet: true });
  const scratch = mkdtempSync(join(tmpdir(), 'reasonflux-e2e-'));
  const unhook = onProcessExit(() => rmSync(scratch, { recursive: true, force: true }));
  const tap = join(scratch, 'e2e.tap');
  // One file at a time: each starts its own code-server and Chromium (~0.5 GB).
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, REASONFLUX_VSIX: vsix } },
  );
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (k: string) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  unhook();
  rmSync(scratch, { recursive: true, force: true });
  const ok = r.status === 0;
  const failed = countFailures(count('fail'), !ok);
  const failures = tapFailures(text);
  if (!ok && failures.length === 0) failures.push(`the run exited with ${r.status ?? r.signal}`);
  return { name: 'e2e', ok, line: `e2e: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped in ${seconds} s`, passed: count('pass'), failed, failures };
}

/** Failed leaf tests of a TAP report: the title and the first lines of its YAML `error:` block. */
function tapFailures(tap: string): string[] {
  const lines = tap.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!m) continue;
    const detail: string[] = [];
    let isSuite = false;
    for (let j = i + 1; j < lines.length && j < i + 40; j++) {
      const l = lines[j].trim();
      if (/^(not )?ok \d+/.test(l) || l === '...') break;
      if (/^type: 'suite'/.test(l)) isSuite = true;
      if (/^(error|failureType|code):/.test(l) || (detail.length > 0 && detail.length < 3 && !/^\w+:/.test(l))) detail.push(l);
    }
    if (!isSuite) out.push(`${m[2]}${detail.length ? `\n      ${detail.join('\n      ')}` : ''}`);
  }
  return out;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const want = (s: string) => wanted.length === 0 || wanted.includes(s);
  if (process.env.REASONFLUX_VSCODE !== 'download') assertHostInstalled();
  if (!argv.includes('--no-build')) build();
  const results: SuiteResult[] = [];
  if (want('integration')) results.push(await runIntegration());
  if (want('e2e')) results.push(runE2e(!argv.includes('--no-build')));
  console.log('\n=== host suites');
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.line}`);
  // The plain closing line CI reads: all host suites together.
  const sum = (k: 'passed' | 'failed') => results.reduce((n, r) => n + r[k], 0);
  console.log(`host: ${sum('passed')} passed, ${sum('failed')} failed`);
  // Repeated last, so that a log cut to its tail still names what failed.
  for (const r of results) for (const f of r.failures) console.log(`FAILED ${r.name}: ${f}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`test:host: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
