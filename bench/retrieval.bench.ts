// Retrieval speed: library load, index build, and top-5 query latency with whole MATH-500 problems as
// queries (exact text). Prints numbers; asserts nothing. Goals: query p50 ≤ 0.5 ms over 500+ templates,
// load + build ≤ 30 ms. Load is measured both from templates/ (parse, validate, analyse) and from the
// precomputed dist/library.json that `npm run build` writes (what the extension, server and CLI use).
// Plan-step searches (a step's query + the problem as context, as a solve makes them; the step reranker
// of rerank.ts applies to them) are timed apart, with the reranker on and off, over the competition set's steps.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as esbuild from 'esbuild';
import { join, resolve } from 'node:path';
import { createTemplateIndex } from '../src/core/templates/index.js';
import { importReasonFluxV1Text } from '../src/core/templates/importer.js';
import { loadTemplateIndex } from '../src/core/templates/library.js';
import { loadTemplateDir } from '../src/core/templates/loader.js';
import type { ThoughtTemplate } from '../src/core/templates/types.js';
import { loadRetrievalSet, stepQuery } from '../test/support/retrieval-set.js';

const shared = [process.env.REASONFLUX_SHARED_DATA, resolve(__dirname, '..', '..', 'shared', 'data')].find((p) => p && existsSync(p));
const builtinDir = resolve(__dirname, '..', 'templates');
const precomputedFile = resolve(__dirname, '..', 'dist', 'library.json');
const RUNS = 30;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const ms = (x: number) => `${x.toFixed(3)} ms`;
/** CPU time of this process in ms (user + system): less distorted than wall time on a busy machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * A script timing one load in a fresh Node process, bundled like dist/*.js (esbuild, with the build id of
 * dist/library.json, as `npm run build` gives the bundles).
 */
function coldScript(dir: string): string {
  const buildId = existsSync(precomputedFile) ? (JSON.parse(readFileSync(precomputedFile, 'utf8')) as { build?: string }).build : undefined;
  const file = join(dir, 'cold-load.cjs');
  esbuild.buildSync({
    stdin: {
      contents:
        `import { loadTemplateIndex } from './src/core/templates/library';\n` +
        `const [builtinDir, pre] = process.argv.slice(2);\n` +
        `const t0 = performance.now();\n` +
        `loadTemplateIndex({ builtinDir, precomputed: pre === '-' ? false : pre }).then(() => process.stdout.write(String(performance.now() - t0)));\n`,
      resolveDir: resolve(__dirname, '..'),
      loader: 'ts',
    },
    outfile: file, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    define: buildId ? { __REASONFLUX_BUILD_ID__: JSON.stringify(buildId) } : {},
  });
  return file;
}

function coldLoad(script: string, precomputed: string | false): number {
  return Number(execFileSync(process.execPath, [script, builtinDir, precomputed || '-'], { encoding: 'utf8' }));
}

function timeQueries(label: string, templates: readonly ThoughtTemplate[], queries: string[]): void {
  const builds: number[] = [];
  const buildCpu: number[] = [];
  let index = createTemplateIndex(templates);
  for (let i = 0; i < 15; i++) {
    const c0 = cpu();
    const t0 = performance.now();
    index = createTemplateIndex(templates);
    builds.push(performance.now() - t0);
    buildCpu.push(cpu() - c0);
  }
  for (let r = 0; r < 3; r++) for (const q of queries) index.search(q, { top: 5 }); // warm-up
  const times: number[] = [];
  const q0 = cpu();
  for (let r = 0; r < 5; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      index.search(q, { top: 5 });
      times.push(performance.now() - t0);
    }
  }
  const queryCpuMean = (cpu() - q0) / times.length;
  console.log(
    `${label}: ${templates.length} templates, ${index.termCount} terms; index build p50 ${ms(pct(builds, 50))}, min ${ms(Math.min(...builds))} (CPU p50 ${ms(pct(buildCpu, 50))}); ` +
      `top-5 query p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}, max ${ms(Math.max(...times))}, CPU mean ${ms(queryCpuMean)} over ${times.length} queries`,
  );
}

/** Top-5 plan-step search latency (query + context, planStep) with the step reranker on and off. */
function timeStepQueries(templates: readonly ThoughtTemplate[]): void {
  const steps = loadRetrievalSet().map((x) => ({ query: stepQuery(x), context: x.problem }));
  for (const [label, reranker] of [['step reranker on', undefined], ['step reranker off', false]] as const) {
    const index = createTemplateIndex(templates, reranker === false ? { reranker } : {});
    const f0 = performance.now();
    for (const s of steps) index.search(s.query, { top: 5, context: s.context, planStep: true });
    const firstPass = performance.now() - f0;
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      for (const s of steps) {
        const t0 = performance.now();
        index.search(s.query, { top: 5, context: s.context, planStep: true });
        times.push(performance.now() - t0);
      }
    }
    console.log(
      `plan-step search (${label}): top-5 p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}, max ${ms(Math.max(...times))} over ${times.length} searches; ` +
        `first pass over the ${steps.length} steps ${ms(firstPass)} in all`,
    );
  }
}

async function main(): Promise<void> {
  // Library load + index build, as the extension does it: in a fresh process (cold: first call, nothing
  // compiled yet) and repeated in this process (warm).
  const variants: Array<[string, string | false]> = [['from templates/', false]];
  if (existsSync(precomputedFile)) variants.push(['precomputed dist/library.json', precomputedFile]);
  else console.log('precomputed library: skipped (dist/library.json is missing: run `npm run build`)');
  let lib = await loadTemplateIndex({ builtinDir, precomputed: false });
  const tmp = mkdtempSync(join(tmpdir(), 'rf-retrieval-bench-'));
  const script = coldScript(tmp);
  for (const [label, precomputed] of variants) {
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) cold.push(coldLoad(script, precomputed));
    const loads: number[] = [];
    const loadCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c0 = cpu();
      const t0 = performance.now();
      lib = await loadTemplateIndex({ builtinDir, precomputed });
      loads.push(performance.now() - t0);
      loadCpu.push(cpu() - c0);
    }
    console.log(
      `library load + index build, ${label} (${lib.templates.length} built-in templates, ${lib.errors.length} errors): ` +
        `cold process p50 ${ms(pct(cold, 50))}, min ${ms(Math.min(...cold))}; warm p50 ${ms(pct(loads, 50))}, min ${ms(Math.min(...loads))}, ` +
        `CPU p50 ${ms(pct(loadCpu, 50))} (${RUNS} runs each)`,
    );
  }
  rmSync(tmp, { recursive: true, force: true });
  const files = (await loadTemplateDir(builtinDir, 'builtin')).files.length;
  console.log(`(${files} template files)`);
  timeStepQueries(lib.templates);

  const mathFile = shared ? join(shared, 'math500.jsonl') : undefined;
  if (!mathFile || !existsSync(mathFile)) {
    console.log('query latency: skipped (../shared/data/math500.jsonl is not beside this clone)');
    return;
  }
  const queries = readFileSync(mathFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { problem: string }).problem);
  timeQueries('built-in library', lib.templates, queries);
  const upstream = join(shared!, 'reasonflux-v1-template-library.json');
  if (existsSync(upstream)) {
    const imported = importReasonFluxV1Text(readFileSync(upstream, 'utf8')).templates;
    timeQueries('upstream v1 library (imported)', imported, queries);
    timeQueries('built-in + upstream', [...lib.templates, ...imported], queries);
  }
}

void main();
