// Entry point the extension host loads (extensionTestsPath = out/test/integration/index.js).
// Runs every bundled suite next to it: this folder's *.test.js and those under editor/ (the editor
// features' suites). Both mocha interfaces are available: BDD (describe/it/before) and TDD
// (suite/test/suiteSetup). Set REASONFLUX_TEST_GREP to run matching tests only.
// REASONFLUX_TEST_REPORT (a file path) receives a JSON summary for the runner outside the host.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Mocha from 'mocha';

function findSuites(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findSuites(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

interface Report {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  failures: Array<{ title: string; error: string }>;
  tests: Array<{ title: string; state: string; durationMs?: number }>;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  Mocha.interfaces.tdd!(mocha.suite);
  if (process.env.REASONFLUX_TEST_GREP) mocha.grep(process.env.REASONFLUX_TEST_GREP);
  const files = findSuites(__dirname).filter((f) => f !== __filename);
  for (const f of files) mocha.addFile(f);
  console.log(`reasonflux integration: ${files.length} suite file(s): ${files.map((f) => relative(__dirname, f)).join(', ')}`);

  const report: Report = { passed: 0, failed: 0, pending: 0, durationMs: 0, failures: [], tests: [] };
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      report.durationMs = Date.now() - t0;
      const target = process.env.REASONFLUX_TEST_REPORT;
      if (target) {
        try {
          writeFileSync(target, JSON.stringify(report, null, 2));
        } catch (err) {
          console.error(`could not write the test report to ${target}: ${String(err)}`);
        }
      }
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => {
      report.passed++;
      report.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
    });
    runner.on('pending', (t) => {
      report.pending++;
      report.tests.push({ title: t.fullTitle(), state: 'pending' });
    });
    runner.on('fail', (t, err: Error) => {
      report.failed++;
      report.tests.push({ title: t.fullTitle(), state: 'failed' });
      report.failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err).split('\n').slice(0, 6).join('\n') });
    });
  });
}
