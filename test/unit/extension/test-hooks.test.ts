// The reasonflux.test.* commands (src/extension/testHooks.ts) exist only in the build the real-host
// suites run: the shipped bundle — built here in memory exactly as `npm run package` builds it — has
// none, and the package check (scripts/host/package.ts) refuses a .vsix whose bundles hold any.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { TEST_COMMAND_MARK, testCommandsInVsix, zipEntries } from '../../../scripts/host/package.js';

const root = join(__dirname, '..', '..', '..');
const HOOKS = ['reasonflux.test.panelState', 'reasonflux.test.panelAction', 'reasonflux.test.apiKeyMatches', 'reasonflux.test.logDir'];

async function extensionBundle(testHooks: boolean): Promise<string> {
  const { builds, defines } = await import('../../../scripts/bundles.mjs');
  const options = builds.find((b) => JSON.stringify(b.entryPoints).includes('src/extension/extension.ts'))!;
  const r = await esbuild.build({
    ...options,
    absWorkingDir: root,
    bundle: true,
    minify: true,
    write: false,
    outdir: 'out/test-hooks',
    logLevel: 'silent',
    define: defines({ testHooks }),
  });
  return r.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => f.text).join('\n');
}

describe('test-only commands', () => {
  it('are not in the shipped (production) extension bundle', async () => {
    const shipped = await extensionBundle(false);
    assert.ok(shipped.includes('reasonflux.solve'), 'the bundle was built (it holds the real commands)');
    assert.ok(!shipped.includes(TEST_COMMAND_MARK), 'no reasonflux.test.* command in the shipped bundle');
  });

  it('are in the --test-hooks build the host suites run (so the check above can fail)', async () => {
    const hooked = await extensionBundle(true);
    for (const id of HOOKS) assert.ok(hooked.includes(id), `${id} is registered in the test build`);
  });
});

/** A minimal zip (stored or deflated entries) for the package check. */
function zip(file: string, entries: Array<{ name: string; text: string; deflate?: boolean }>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.text);
    const body = e.deflate ? deflateRawSync(data) : data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, cd, end]));
}

describe('package check: test-only commands in a .vsix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reasonflux-vsix-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('finds them in a deflated or stored bundle, and nothing in a clean package', () => {
    const bad = join(dir, 'bad.vsix');
    zip(bad, [
      { name: 'extension/package.json', text: '{}' },
      { name: 'extension/dist/extension.js', text: `x;registerCommand("${HOOKS[0]}",f)`, deflate: true },
      { name: 'extension/dist/server.js', text: `"${HOOKS[2]}"` },
      { name: 'extension/media/readme.txt', text: HOOKS[1]! },
    ]);
    assert.deepEqual(zipEntries(bad), ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/media/readme.txt']);
    assert.deepEqual(testCommandsInVsix(bad), ['extension/dist/extension.js', 'extension/dist/server.js']);
    const good = join(dir, 'good.vsix');
    zip(good, [{ name: 'extension/dist/extension.js', text: 'registerCommand("reasonflux.solve",f)', deflate: true }]);
    assert.deepEqual(testCommandsInVsix(good), []);
  });
});
