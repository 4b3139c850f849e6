// The bundles esbuild builds into dist/ and the constants they are built with; shared by esbuild.mjs
// and the tests that build a bundle in memory (test/unit/extension/test-hooks.test.ts).

/** @type {import('esbuild').BuildOptions[]} */
export const builds = [
  {
    entryPoints: { extension: 'src/extension/extension.ts' },
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
  },
  {
    entryPoints: { server: 'src/server/server.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
  },
  {
    // TeX → SVG for hovers (MathJax), in a worker thread of the language server: loaded on the first
    // hover with math, never by the extension.
    entryPoints: { 'math-worker': 'src/server/math/worker.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
  },
  {
    entryPoints: { cli: 'src/cli/main.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The answer grader (with its computer-algebra engine, ~5 MB) is loaded by the extension only when a
    // student checks an answer, so it stays out of dist/extension.js.
    entryPoints: { grade: 'src/core/answers/grade.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
  },
  {
    entryPoints: { webview: 'src/webview/main.ts' },
    platform: 'browser', format: 'iife', target: 'es2022',
  },
];

/**
 * Compile-time constants. `testHooks`: register the `reasonflux.test.*` commands the real-host suites
 * drive (src/extension/testHooks.ts). Only `node esbuild.mjs --test-hooks` (what scripts/host/test-host.ts
 * runs) sets it; without it esbuild drops that code, so no packaged or normally built extension has
 * those commands (`npm run package` checks the .vsix for them).
 * @param {{ buildId?: string, testHooks?: boolean }} opts
 */
export function defines({ buildId, testHooks = false } = {}) {
  return {
    ...(buildId ? { __REASONFLUX_BUILD_ID__: JSON.stringify(buildId) } : {}),
    __REASONFLUX_TEST_HOOKS__: testHooks ? 'true' : 'false',
  };
}
