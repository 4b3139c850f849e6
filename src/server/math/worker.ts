// Worker-thread entry (dist/math-worker.js): typesets TeX for the language server's hovers, so MathJax's
// start-up and any slow formula stay off the server's main thread. Messages: { id, tex, display } in,
// { id, ...TypesetResult } out.
import { parentPort } from 'node:worker_threads';
import { typeset } from './typeset.js';

parentPort?.on('message', (msg: { id?: unknown; tex?: unknown; display?: unknown }) => {
  if (typeof msg?.id !== 'number' || typeof msg.tex !== 'string') return;
  parentPort!.postMessage({ id: msg.id, ...typeset(msg.tex, msg.display === true) });
});
