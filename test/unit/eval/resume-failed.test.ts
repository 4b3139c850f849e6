// Regression: `eval --resume` must run again the problems that failed (e.g. the endpoint was down),
// not skip them for ever; answered problems are still skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../../src/core/eval/dataset.js';
import { runEval } from '../../../src/core/eval/harness.js';
import { readResults } from '../../../src/core/eval/results.js';
import { createOpenAiModel } from '../../../src/core/llm/index.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'eval');

test('resume retries failed problems and keeps answered ones', async () => {
  const dataset = loadDataset(join(FIX, 'math500-mini.jsonl'));
  const out = mkdtempSync(join(tmpdir(), 'rf-resume-'));
  // First run: the first problem is answered, every later request is refused (401, not retried).
  let calls = 0;
  const server = await startScriptedOpenAiServer(() => (calls++ === 0 ? { content: 'So $\\boxed{7}$.' } : { status: 401 }));
  try {
    const solver = createOpenAiModel({ baseUrl: server.baseUrl, model: 'scripted-model' });
    const first = await runEval({ dataset, mode: 'direct', solver, limit: 3, outDir: out });
    assert.equal(first.ran, 3);
    assert.equal(first.summary.overall.failed, 2);

    const before = server.chatRequests.length;
    calls = 0; // the endpoint "comes back": from now on every request is answered
    const retry = await startScriptedOpenAiServer(() => ({ content: 'So $\\boxed{7}$.' }));
    try {
      const solver2 = createOpenAiModel({ baseUrl: retry.baseUrl, model: 'scripted-model' });
      const again = await runEval({ dataset, mode: 'direct', solver: solver2, limit: 3, outDir: out, resume: true });
      assert.equal(again.skipped, 1, 'the answered problem is skipped');
      assert.equal(again.ran, 2, 'both failed problems run again');
      assert.equal(retry.chatRequests.length, 2);
      assert.equal(again.summary.overall.failed, 0);
      assert.equal(again.summary.overall.problems, 3);
      const recs = readResults(again.files.results).records;
      assert.equal(recs.length, 3, 'later lines replace the failed records');
      assert.ok(recs.every((r) => r.status !== 'failed'));
    } finally {
      await retry.close();
    }
    assert.equal(server.chatRequests.length, before);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
