// Issue 12: the extension's sinks that run outside VS Code — the panel state (the reducer both the
// extension and the webview use, fed through redactEvent as TrajectoryPanel.event does) and the stored
// history — keep no key, even when the error came from a provider that does not redact (vscode.lm, a bug).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { forgetSecrets, rememberSecret } from '../../../src/core/llm/redact.js';
import { createOpenAiModel } from '../../../src/core/llm/openai.js';
import { redactEvent, type SolveEvent } from '../../../src/core/reasoning/events.js';
import { solveProblem } from '../../../src/core/reasoning/orchestrator.js';
import { SolveHistory } from '../../../src/extension/history/history.js';
import { emptyState, reduce } from '../../../src/webview/state.js';
import { startScriptedOpenAiServer } from '../../support/scripted-openai-server.js';
import { fixtureIndex } from '../reasoning/fixtures.js';

class MemoryMemento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.data.has(key) ? this.data.get(key) : fallback) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
  dump(): string {
    return JSON.stringify([...this.data.entries()]);
  }
}

const KEY = 'workspace-pass-7788aa';

test('a server echoing the key: no trace of it in the panel state or the stored history', async () => {
  const server = await startScriptedOpenAiServer(() => ({ status: 401, echoKey: true }));
  try {
    const model = createOpenAiModel({ baseUrl: server.baseUrl, model: 'm', apiKey: KEY });
    let state = emptyState({ problem: 'What is 1 + 1?' });
    const seen: SolveEvent[] = [];
    for await (const e of solveProblem('What is 1 + 1?', { navigator: model, solver: model, index: fixtureIndex() })) {
      const shown = redactEvent(e);
      seen.push(shown);
      state = reduce(state, shown);
    }
    assert.equal(state.status, 'failed');
    assert.match(state.error?.message ?? '', /refused the API key \(HTTP 401\)/);
    assert.ok(String(server.chatRequests[0]!.headers.authorization).includes(KEY), 'the server got the key and echoed it');
    assert.ok(!JSON.stringify(seen).includes(KEY), 'not in the events posted to the panel');
    assert.ok(!JSON.stringify(state).includes(KEY), 'not in the panel state');
    const memento = new MemoryMemento();
    await new SolveHistory(memento as unknown as vscode.Memento).add(state);
    assert.ok(!memento.dump().includes(KEY), 'not in the stored history');
  } finally {
    await server.close();
  }
});

test('history and events are redacted even when the message was built unredacted elsewhere', async () => {
  forgetSecrets();
  rememberSecret('zz-secret-of-mine-99');
  try {
    const raw = 'VS Code language model failed: 401 for key zz-secret-of-mine-99, Authorization: Bearer sk-abcdef1234567890';
    const ev = redactEvent({ type: 'error', kind: 'auth', fatal: true, message: raw });
    assert.ok(ev.type === 'error' && !ev.message.includes('zz-secret-of-mine-99') && !ev.message.includes('sk-abcdef1234567890'), JSON.stringify(ev));
    const partial = redactEvent({ type: 'step-partial', stepIndex: 0, text: 'work', reason: raw, retrying: false });
    assert.ok(partial.type === 'step-partial' && !partial.reason.includes('zz-secret'));
    const state = { ...emptyState({ problem: 'p', status: 'failed' }), error: { message: raw, kind: 'auth' } };
    const memento = new MemoryMemento();
    await new SolveHistory(memento as unknown as vscode.Memento).add(state);
    const dump = memento.dump();
    assert.ok(!dump.includes('zz-secret-of-mine-99') && !dump.includes('sk-abcdef1234567890'), dump);
    assert.match(dump, /VS Code language model failed/);
  } finally {
    forgetSecrets();
  }
});
