// Regression: `templates import` reported success and then `templates validate` rejected the written file
// for near-duplicates the upstream library contains. Import now warns about them up front.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(__dirname, '..', '..', '..');
const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const main = join(root, 'src', 'cli', 'main.ts');
const mini = join(root, 'test', 'fixtures', 'templates', 'upstream', 'mini-v1.json');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', loader, main, 'templates', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('import --dry-run warns about the near-duplicates that validate would reject', () => {
  const j = cli(['import', mini, '--dry-run', '--json']);
  assert.equal(j.code, 0, j.err);
  const report = JSON.parse(j.out) as { warnings: string[] };
  const dup = report.warnings.filter((w) => /near-duplicate/.test(w));
  assert.ok(dup.length >= 1, JSON.stringify(report.warnings));
  assert.match(dup[0]!, /templates validate/);
  const human = cli(['import', mini, '--dry-run']);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /near-duplicate of "/);
});

test('templates search and stats condense a broken template folder to a few warnings', () => {
  // The fixture folder has 6 problems (see `templates validate test/fixtures/templates/bad`).
  const broken = join(root, 'test', 'fixtures', 'templates', 'bad');
  for (const args of [['search', 'remainder', '--top', '1'], ['stats']]) {
    const r = cli([...args, '--workspace', broken]);
    assert.equal(r.code, 0, r.err);
    const lines = r.err.trim().split('\n').filter(Boolean);
    assert.equal(lines.length, 4, r.err);
    assert.match(lines[3]!, /and 3 more template problem\(s\) — run "reasonflux templates validate/);
  }
});
