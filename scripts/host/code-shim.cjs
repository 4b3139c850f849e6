#!/usr/bin/env node
// An executable that stands in for VS Code in @vscode/test-electron's
//   runTests({ vscodeExecutablePath: 'scripts/host/code-shim.cjs', extensionDevelopmentPath, extensionTestsPath })
// It runs the suite in a fresh code-server (the real VS Code 1.100.3 server + web workbench) opened
// in headless Chromium, and exits with the suite's exit code. See scripts/host/shim.ts.
'use strict';
require('tsx/cjs/api').register();
require('./shim.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (err) => {
      console.error(`code-shim: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    },
  );
