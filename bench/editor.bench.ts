// Editor features: bundle sizes, renderer cost per streamed token batch (the panel's share of the
// "token → on screen" latency, goal ≤ 50 ms), hostile output, bundle load time. Prints numbers only.
// Panel open time is measured in the real host by the integration suite (printed there as
// "panel open: … ms", from the webview's first `ready`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { renderMarkdown, splitBlocks } from '../src/webview/render.js';

const root = join(__dirname, '..');
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function sizes(): Promise<void> {
  console.log('bundle sizes (npm run build, not minified):');
  for (const f of ['extension.js', 'webview.js', 'grade.js', 'server.js', 'math-worker.js']) {
    const p = join(root, 'dist', f);
    console.log(`  dist/${f.padEnd(13)} ${existsSync(p) ? mib(statSync(p).size) : '(not built)'}`);
  }
  const build = async (entry: string, platform: 'node' | 'browser') => {
    const r = await esbuild.build({
      entryPoints: [join(root, entry)], bundle: true, write: false, minify: true, platform,
      format: platform === 'node' ? 'cjs' : 'iife', external: ['vscode'], logLevel: 'silent', outfile: 'out.js',
    });
    return r.outputFiles.find((f) => f.path.endsWith('.js'))!.contents.length;
  };
  const ext = await build('src/extension/extension.ts', 'node');
  const web = await build('src/webview/main.ts', 'browser');
  console.log(`  minified: extension.js ${mib(ext)} (goal ≤ 1.5 MB: ${ext <= 1.5e6 ? 'met' : 'NOT met'}), webview.js ${mib(web)}`);
  // Loaded later, never at activation: the language server (its own process), its math worker (first
  // hover with math), the answer checker (first "Check my answer").
  const [server, worker, grade] = await Promise.all([
    build('src/server/server.ts', 'node'),
    build('src/server/math/worker.ts', 'node'),
    build('src/core/answers/grade.ts', 'node'),
  ]);
  console.log(`  minified, loaded on demand: server.js ${mib(server)}, math-worker.js ${mib(worker)}, grade.js ${mib(grade)}`);
  const media = ['media/panel.css', 'media/katex/katex.min.css'].reduce((n, f) => n + statSync(join(root, f)).size, 0);
  console.log(`  media: css ${kib(media)}`);
}

/** A realistic step: prose, inline and display math, a list; streamed as ~4-character tokens. */
function sampleStep(): string {
  const parts: string[] = [];
  for (let i = 1; i <= 6; i++) {
    parts.push(
      `For the ${i}-th term we write $a_${i} = \\frac{${i}}{${i}(${i}+1)} = \\frac{1}{${i}} - \\frac{1}{${i}+1}$, which telescopes.`,
      `$$\\sum_{k=1}^{${i * 10}} \\left(\\frac{1}{k} - \\frac{1}{k+1}\\right) = 1 - \\frac{1}{${i * 10 + 1}}$$`,
      `1. check the base case $n = ${i}$\n2. apply the inductive step with $\\binom{n}{k} = \\binom{n-1}{k-1} + \\binom{n-1}{k}$`,
    );
  }
  return parts.join('\n\n');
}

/** The webview's incremental path: split into blocks, re-render only blocks whose source changed. */
function streamCost(text: string, tokensPerBatch: number): number[] {
  const tokens = text.match(/[\s\S]{1,4}/g) ?? [];
  const cache: string[] = [];
  let acc = '';
  const times: number[] = [];
  for (let i = 0; i < tokens.length; i += tokensPerBatch) {
    acc += tokens.slice(i, i + tokensPerBatch).join('');
    const t0 = performance.now();
    const blocks = splitBlocks(acc);
    blocks.forEach((b, j) => {
      if (cache[j] !== b) {
        cache[j] = b;
        renderMarkdown(b);
      }
    });
    times.push(performance.now() - t0);
  }
  return times;
}

function renderer(): void {
  const text = sampleStep();
  renderMarkdown('warm $x^2$ up');
  console.log(`renderer, one streamed step of ${text.length} chars (~${Math.ceil(text.length / 4)} tokens):`);
  for (const batch of [1, 8, 32]) {
    const t = streamCost(text, batch);
    console.log(`  ${String(batch).padStart(2)} token(s)/batch: median ${pct(t, 50).toFixed(2)} ms, p95 ${pct(t, 95).toFixed(2)} ms, max ${Math.max(...t).toFixed(2)} ms over ${t.length} batches (goal ≤ 50 ms)`);
  }
  const full: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    renderMarkdown(text + ` ${i}`);
    full.push(performance.now() - t0);
  }
  console.log(`  whole step re-rendered (no block cache, math cached): median ${pct(full, 50).toFixed(2)} ms`);
}

function hostile(): void {
  const file = join(root, '..', 'shared', 'data', 'hostile-model-outputs.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()) : [];
  if (!lines.length) {
    console.log('hostile outputs: ../shared/data/hostile-model-outputs.jsonl absent, skipped');
    return;
  }
  let worst = { name: '', ms: 0 };
  const t0 = performance.now();
  for (const l of lines) {
    const { name, text } = JSON.parse(l) as { name: string; text: string };
    const s = performance.now();
    renderMarkdown(`${text} ${Math.random()}`);
    const ms = performance.now() - s;
    if (ms > worst.ms) worst = { name, ms };
  }
  console.log(`hostile outputs: ${lines.length} replies in ${(performance.now() - t0).toFixed(1)} ms, slowest "${worst.name}" ${worst.ms.toFixed(1)} ms`);
}

function loadTime(): void {
  const p = join(root, 'dist', 'extension.js');
  if (!existsSync(p)) return;
  // Loading the bundle (what VS Code does before activate()); `vscode` is a stub here.
  const M = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const orig = M._load;
  M._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? new Proxy({}, { get: () => class {} }) : orig(req, ...rest));
  const t0 = performance.now();
  require(p);
  const ms = performance.now() - t0;
  M._load = orig;
  console.log(`dist/extension.js load (require, before activate): ${ms.toFixed(0)} ms`);
}

/** The answer checker is required on the first "Check my answer" only, and once (loadGrader caches it). */
function graderLoad(): void {
  if (!existsSync(join(root, 'dist', 'grade.js'))) return;
  // loadGrader (src/extension/commands/grading.ts) imports no vscode: measure it as the extension runs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadGrader } = require('../src/extension/commands/grading.ts') as typeof import('../src/extension/commands/grading.js');
  const t0 = performance.now();
  const first = loadGrader(root);
  const t1 = performance.now();
  const again = loadGrader(root);
  const t2 = performance.now();
  const t3 = performance.now();
  const verdict = first('\\frac{1}{2}', '0.5', { extract: 'never' }).equal;
  const t4 = performance.now();
  console.log(
    `answer checker dist/grade.js: first load ${(t1 - t0).toFixed(0)} ms, second ${(t2 - t1).toFixed(2)} ms (${again === first ? 'same module, loaded once' : 'LOADED TWICE'}), first grading ${(t4 - t3).toFixed(0)} ms (1/2 = 0.5: ${verdict})`,
  );
}

void (async () => {
  await sizes();
  renderer();
  hostile();
  loadTime();
  graderLoad();
})();
