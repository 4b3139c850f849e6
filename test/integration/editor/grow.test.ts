// The library grows from the editor, inside the real VS Code host against the scripted OpenAI-compatible
// server (a test double for a paid API, on 127.0.0.1): Save as Template distils a solved panel run with
// the navigator into a schema-valid template in .reasonflux/templates/distilled.json that the next
// retrieval returns; the user's template statistics show on the panel's template cards and in the
// language server's hover; grading runs against a reference and exporting writes DPO preference pairs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { thoughtTemplateSchema } from '../../../src/core/templates/schema';
import type { PanelState } from '../../../src/webview/state';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../../support/scripted-openai-server';
import { activate, hoverText, waitFor, workspaceRoot } from '../support/host';

interface Probe {
  state: PanelState;
  rendered?: { runId: string; status: string; usage?: string[] };
  usage: Record<string, string>;
}
const probe = () => vscode.commands.executeCommand<Probe>('reasonflux.test.panelState');
const growth = () => vscode.commands.executeCommand<{ usageFile: string; graded: number }>('reasonflux.test.growth');

// An invented kind of problem (no library template knows "quorbit"), so the distilled template is the one
// that fits it afterwards.
const PROBLEM = 'How many quorbit chains of length 5 can be built when each link takes one of 3 colours?';
const planOf = (route: string) => ({
  analysis: `Route ${route}: count colour choices link by link.`,
  complexity: 2,
  steps: [{ goal: 'Count the colourings of the quorbit chain', method: 'quorbit chain colour counting', query: 'quorbit chain colours count' }],
});
const DRAFT = {
  name: 'Quorbit chains by independent colour choices',
  chapter: 'Counting & Probability',
  section: 'Quorbit chains',
  subjects: ['Counting & Probability'],
  tags: ['quorbit', 'quorbit chain', 'colour choices', 'multiplication principle'],
  description: 'A quorbit chain whose links are coloured independently is counted by multiplying the choices of each link.',
  whenToUse: ['Quorbit chains whose links take colours independently'],
  steps: ['Count the choices for one link.', 'Raise it to the number of links (multiplication principle).'],
  pitfalls: ['Treating chains that are reverses of each other as equal when the problem does not say so'],
  difficulty: { min: 1, max: 3 },
};

let wrong = false;
function reply(body: { messages?: Array<{ content: string }> }): ScriptedReply {
  const text = (body.messages ?? []).map((m) => m.content).join('\n');
  if (/Distil the method/.test(text)) return { content: JSON.stringify(DRAFT) };
  if (/Plan the (solution|remaining)/.test(text)) return { content: JSON.stringify(planOf(wrong ? 'B' : 'A')) };
  if (/Judge this step/.test(text)) return { content: JSON.stringify({ verdict: 'finish', feedback: 'Done.', progress: 1 }) };
  if (/Now step 1/.test(text)) return { content: wrong ? 'Add the colours: $3 \\cdot 5 = \\boxed{15}$.' : 'Each of the 5 links has 3 colours: $3^5 = \\boxed{243}$.' };
  return { content: wrong ? 'The answer is $\\boxed{15}$.' : 'The answer is $\\boxed{243}$.' };
}

async function setUser(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reasonflux').update(key, value, vscode.ConfigurationTarget.Global);
}

const doc = () => vscode.Uri.joinPath(workspaceRoot(), 'grow.md');
async function solve(): Promise<PanelState> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc()), { preview: false });
  const at = editor.document.getText().indexOf(PROBLEM);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + PROBLEM.length));
  await vscode.commands.executeCommand('reasonflux.solve');
  const { state } = await probe();
  assert.equal(state.status, 'solved', JSON.stringify(state.error));
  return state;
}

function usageOf(file: string, id: string): { chosen: number; graded: number; correct: number } {
  try {
    const t = (JSON.parse(fs.readFileSync(file, 'utf8')) as { templates: Record<string, { chosen: number; graded: number; correct: number }> }).templates[id];
    return t ?? { chosen: 0, graded: 0, correct: 0 };
  } catch {
    return { chosen: 0, graded: 0, correct: 0 };
  }
}

describe('grow: the library grows from the editor', function () {
  this.timeout(180_000);
  let server: ScriptedOpenAiServer;
  let savedId = '';
  const distilled = () => path.join(workspaceRoot().fsPath, '.reasonflux', 'templates', 'distilled.json');
  const pairsFile = path.join(os.tmpdir(), `rf-pairs-${process.pid}.jsonl`);

  before(async () => {
    await activate();
    server = await startScriptedOpenAiServer(reply, { models: ['scripted-model'] });
    await setUser('endpoint.baseUrl', server.baseUrl);
    await setUser('solver.model', 'scripted-model');
    fs.rmSync(distilled(), { force: true });
    await vscode.workspace.fs.writeFile(doc(), new TextEncoder().encode(`# Counting\n\n**Problem 1.** ${PROBLEM}\n`));
  });

  after(async () => {
    await setUser('endpoint.baseUrl', undefined);
    await setUser('solver.model', undefined);
    await setUser('templates.usagePrior', undefined);
    fs.rmSync(distilled(), { force: true });
    fs.rmSync(pairsFile, { force: true });
    await vscode.workspace.fs.delete(doc()).then(undefined, () => undefined);
    await vscode.commands.executeCommand('reasonflux.reloadTemplates');
    await server?.close();
  });

  it('Save as Template stores a schema-valid template that the next retrieval returns; a second save is refused as a near-duplicate', async () => {
    const first = await solve();
    assert.ok(!first.steps[0]!.templates.some((t) => t.id.includes('quorbit')), 'no quorbit template before');
    const out = await vscode.commands.executeCommand<{ saved: boolean; id: string; file: string; resembles: string[] }>('reasonflux.saveAsTemplate', { openFile: false, confirmDuplicate: true });
    assert.equal(out.saved, true, JSON.stringify(out));
    assert.equal(path.resolve(out.file), path.resolve(distilled()));
    const stored = JSON.parse(fs.readFileSync(distilled(), 'utf8')) as { templates: unknown[] };
    assert.equal(stored.templates.length, 1);
    const parsed = thoughtTemplateSchema.safeParse(stored.templates[0]);
    assert.ok(parsed.success, `schema-valid: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
    savedId = parsed.data.id;
    assert.equal(out.id, savedId);
    assert.equal(parsed.data.name, DRAFT.name);
    assert.equal(parsed.data.example.answer, '243', 'the run is the worked example');
    assert.ok(Array.isArray(out.resembles) && out.resembles.length > 0, 'it says which library templates it resembles');
    const asked = server.requests.filter((r) => JSON.stringify(r.body).includes('Distil the method'));
    assert.equal(asked.length, 1, 'the navigator drafted it through the configured endpoint');

    const next = await solve();
    assert.ok(next.steps[0]!.templates.some((t) => t.id === savedId), `the next retrieval returns ${savedId}: ${next.steps[0]!.templates.map((t) => t.id).join(', ')}`);

    const again = await vscode.commands.executeCommand<{ saved: boolean; duplicateOf?: string }>('reasonflux.saveAsTemplate', { openFile: false, confirmDuplicate: false });
    assert.equal(again.saved, false);
    assert.equal(again.duplicateOf, savedId, 'the near-duplicate names the template it duplicates');
    assert.equal((JSON.parse(fs.readFileSync(distilled(), 'utf8')) as { templates: unknown[] }).templates.length, 1, 'nothing more was stored');
  });

  it('statistics of the run appear on the panel\'s template card and in the hover', async () => {
    assert.ok(savedId, 'the template was saved');
    const state = await solve();
    assert.equal(state.steps[0]!.chosen, savedId);
    const p = await waitFor('the statistics line on the card', probe, (x) => /used \d+× · \d+ solved/.test(x.usage[savedId] ?? '') && (x.rendered?.usage ?? []).some((u) => u.includes(x.usage[savedId]!)));
    assert.match(p.usage[savedId]!, /^used [2-9]\d*× · [2-9]\d* solved/, 'two solved runs chose it');
    // The language server's hover on the problem, from the statistics file the editor keeps.
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc()), { preview: false });
    const pos = editor.document.positionAt(editor.document.getText().indexOf(PROBLEM) + 4);
    const hover = await waitFor(
      'the statistics in the hover',
      async () => ((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc(), pos)) ?? []).map(hoverText).join('\n'),
      (t) => /Quorbit chains by independent colour choices/.test(t) && /your use: used \d+× · \d+ solved/.test(t),
    );
    assert.match(hover, /your use: used \d+×/);
  });

  it('grading against a reference updates the statistics; the export writes DPO pairs of the correct and the wrong run', async () => {
    assert.ok(savedId, 'the template was saved');
    const { usageFile } = await growth();
    const before = usageOf(usageFile, savedId);
    wrong = false;
    await solve();
    const right = await vscode.commands.executeCommand<{ correct: boolean }>('reasonflux.gradeRun', { reference: '3^5' });
    assert.deepEqual(right, { correct: true, reference: '3^5' }, 'the grader finds 243 = 3^5');
    assert.deepEqual((await probe()).state.graded, { correct: true, reference: '3^5' });
    wrong = true;
    try {
      const bad = await solve();
      assert.equal(bad.final?.answer, '15');
      const graded = await vscode.commands.executeCommand<{ correct: boolean }>('reasonflux.gradeRun', { reference: '243' });
      assert.equal(graded.correct, false);
    } finally {
      wrong = false;
    }
    const after = usageOf(usageFile, savedId);
    assert.equal(after.graded - before.graded, 2, 'two graded runs chose it');
    assert.equal(after.correct - before.correct, 1, 'one of them correct');
    const p = await waitFor('the graded count on the card', probe, (x) => /\d+\/\d+ correct/.test(x.usage[savedId] ?? ''));
    assert.match(p.usage[savedId]!, new RegExp(`${after.correct}/${after.graded} correct`));

    const out = await vscode.commands.executeCommand<{ file: string; pairs: number }>('reasonflux.exportPreferencePairs', { file: pairsFile });
    assert.ok(out.pairs >= 1, JSON.stringify(out));
    const lines = fs.readFileSync(pairsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: Array<{ role: string; content: string }>; chosen: Array<{ content: string }>; rejected: Array<{ content: string }> });
    assert.equal(lines.length, out.pairs);
    const pair = lines.find((l) => l.prompt.some((m) => m.content.includes(PROBLEM)));
    assert.ok(pair, 'a pair over this problem\'s plan prompt');
    assert.ok(pair.prompt.every((m) => typeof m.role === 'string' && typeof m.content === 'string'));
    assert.match(pair.chosen[0]!.content, /Route A/, 'chosen: the plan of the correct run');
    assert.match(pair.rejected[0]!.content, /Route B/, 'rejected: the plan of the wrong run');
  });

  it('with reasonflux.templates.usagePrior on, the graded statistics nudge the template\'s retrieval score by their prior', async () => {
    assert.ok(savedId, 'the template was saved');
    const { usageFile } = await growth();
    wrong = false;
    const off = await solve();
    await vscode.commands.executeCommand('reasonflux.gradeRun', { correct: true }); // marked by hand
    const u = usageOf(usageFile, savedId);
    assert.ok(u.correct / u.graded > 0.5, `more correct than wrong: ${JSON.stringify(u)}`);
    const scoreOf = (s: PanelState) => s.steps[0]!.templates.find((t) => t.id === savedId)!.score;
    await setUser('templates.usagePrior', true);
    await vscode.commands.executeCommand('reasonflux.reloadTemplates');
    const on = await solve();
    // core/templates/usage.ts: 1 + 2·0.1·(rate − 0.5)·min(1, graded/5), rate = (correct + 1)/(graded + 2)
    const rate = (u.correct + 1) / (u.graded + 2);
    const prior = 1 + 0.2 * (rate - 0.5) * Math.min(1, u.graded / 5);
    assert.ok(prior > 1);
    // Scores reach the panel rounded to 3 decimals (core/templates/index.ts), so compare within that rounding.
    assert.ok(Math.abs(scoreOf(on) - scoreOf(off) * prior) <= 0.0011 * (1 + prior), `score ${scoreOf(off)} → ${scoreOf(on)}, prior ${prior}`);
    await setUser('templates.usagePrior', undefined);
    await vscode.commands.executeCommand('reasonflux.reloadTemplates');
    assert.equal(scoreOf(await solve()), scoreOf(off), 'off again: the plain score');
  });
});
