// The .vsix file-list rules of `npm run package` (scripts/host/package.ts), checked on synthetic lists;
// the real package is checked by the script itself every time it is built.
import * as assert from 'node:assert/strict';
import { checkVsixEntries } from '../../scripts/host/package';

const GOOD = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/package.nls.json',
  'extension/package.nls.ko.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/extension.js.LEGAL.txt',
  'extension/dist/server.js',
  'extension/dist/math-worker.js',
  'extension/dist/webview.js',
  'extension/dist/grade.js',
  'extension/dist/library.json',
  'extension/media/icon.png',
  'extension/media/katex/fonts/KaTeX_Main-Regular.woff2',
  'extension/templates/template.schema.json',
  'extension/templates/algebra.json',
  'extension/l10n/bundle.l10n.ko.json',
];

describe('vsix file list (package.ts)', () => {
  it('accepts exactly the runtime files', () => {
    assert.deepEqual(checkVsixEntries(GOOD), []);
  });

  it('rejects sources, tests, maps, node_modules, the CLI and stray files', () => {
    const bad = ['extension/src/extension/extension.ts', 'extension/test/unit/x.test.ts', 'extension/dist/extension.js.map', 'extension/node_modules/zod/index.js', 'extension/dist/cli.js', 'extension/out/test/integration/index.js', 'extension/.env', 'extension/samples/algebra-week1.md'];
    const problems = checkVsixEntries([...GOOD, ...bad]);
    assert.equal(problems.length, bad.length, problems.join('\n'));
    for (const b of bad) assert.ok(problems.some((p) => p.includes(b)), `flags ${b}`);
  });

  it('requires the bundles, the manifest, the icon, the schema, README and LICENSE', () => {
    const problems = checkVsixEntries(GOOD.filter((e) => !/dist\/server\.js$|icon\.png|LICENSE/.test(e)));
    assert.deepEqual(problems.sort(), ['missing extension/LICENSE.txt', 'missing extension/dist/server.js', 'missing extension/media/icon.png']);
  });
});
