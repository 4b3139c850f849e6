// Robust JSON extraction from model prose and plan / evaluation validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { extractJsonObject, parseEvaluation, parsePlan, sanitizeJson, MAX_PLAN_STEPS } from '../../../src/core/reasoning/json.js';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';

test('finds JSON in fences, after prose, after <think> blocks', () => {
  assert.deepEqual(extractJsonObject('```json\n{"a": 1}\n```'), { a: 1 });
  assert.deepEqual(extractJsonObject('Sure, here you go: {"a": {"b": [1, 2]}} hope it helps'), { a: { b: [1, 2] } });
  assert.deepEqual(extractJsonObject('<think>maybe {"a": 0}? no</think>\n{"a": 2}'), { a: 2 });
  assert.deepEqual(extractJsonObject('The set {1,2} is small. {"ok": true}'), { ok: true });
  assert.equal(extractJsonObject('no json at all'), undefined);
  assert.equal(extractJsonObject('[1,2,3]'), undefined);
});

test('repairs trailing commas, raw newlines, comments and LaTeX backslashes', () => {
  assert.deepEqual(extractJsonObject('{"a": [1, 2,], "b": 3,}'), { a: [1, 2], b: 3 });
  assert.deepEqual(extractJsonObject('{"a": "line one\nline two"}'), { a: 'line one\nline two' });
  assert.deepEqual(extractJsonObject('{"a": 1 // the count\n}'), { a: 1 });
  assert.deepEqual(extractJsonObject('{"m": "use \\frac{a}{b} and \\theta, \\neq, \\sqrt{2}, \\(x\\)"}'), { m: 'use \\frac{a}{b} and \\theta, \\neq, \\sqrt{2}, \\(x\\)' });
  // Proper escapes survive: \n newline, \" quote, \\ backslash, \u00e9.
  assert.deepEqual(extractJsonObject('{"m": "a\\nb \\"q\\" \\\\frac caf\\u00e9 \\nThen"}'), { m: 'a\nb "q" \\frac café \nThen' });
  assert.equal(sanitizeJson('{"a": "http://x.y/z"}'), '{"a": "http://x.y/z"}');
});

test('a truncated reply is closed and read', () => {
  assert.deepEqual(extractJsonObject('{"verdict": "accept", "feedback": "ok"'), { verdict: 'accept', feedback: 'ok' });
});

test('parsePlan validates, fills defaults, clamps complexity, caps steps', () => {
  const ok = parsePlan(JSON.stringify({ analysis: 'a', complexity: 14, steps: [{ goal: 'g1', method: 'm' }, 'g2 as a string'] }));
  assert.ok(ok.ok);
  assert.equal(ok.value.complexity, 10);
  assert.deepEqual(ok.value.steps, [
    { goal: 'g1', method: 'm', query: 'g1 m' },
    { goal: 'g2 as a string', method: '', query: 'g2 as a string' },
  ]);
  const s = parsePlan(JSON.stringify({ complexity: '7/10', steps: Array.from({ length: 20 }, (_, i) => ({ goal: `g${i}` })) }));
  assert.ok(s.ok);
  assert.equal(s.value.complexity, 7);
  assert.equal(s.value.steps.length, MAX_PLAN_STEPS);
  const missing = parsePlan('{"analysis": "x", "complexity": 3}');
  assert.ok(!missing.ok);
  assert.match(missing.error, /steps/);
  const emptyGoal = parsePlan('{"steps": [{"goal": "  "}]}');
  assert.ok(!emptyGoal.ok);
  assert.match(emptyGoal.error, /goal/);
  const prose = parsePlan('I would first isolate x.');
  assert.ok(!prose.ok);
  assert.match(prose.error, /no JSON object/);
});

test('parseEvaluation accepts case variants and rejects unknown verdicts', () => {
  const r = parseEvaluation('{"verdict": " Revise ", "feedback": "fix the sign", "progress": "0.4"}');
  assert.ok(r.ok);
  assert.equal(r.value.verdict, 'revise');
  assert.equal(r.value.progress, 0.4);
  const bad = parseEvaluation('{"verdict": "maybe"}');
  assert.ok(!bad.ok);
  const badProgress = parseEvaluation('{"verdict": "accept", "progress": 7}');
  assert.ok(badProgress.ok);
  assert.equal(badProgress.value.progress, undefined);
});

test('hostile model outputs never throw (shared data)', { skip: skipUnlessShared('hostile-model-outputs.jsonl') }, () => {
  const file = sharedFile('hostile-model-outputs.jsonl')!;
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      rec = line;
    }
    const texts = typeof rec === 'string' ? [rec] : Object.values(rec as object).filter((v): v is string => typeof v === 'string');
    for (const t of texts) {
      extractJsonObject(t);
      parsePlan(t);
      parseEvaluation(t);
      n++;
    }
  }
  assert.ok(n > 0);
});

test('hostile inputs of our own never throw', () => {
  const hostile = ['{'.repeat(5000), '"'.repeat(1000), '{"a": "\\', '```', '{"steps": null}', '{"steps": [null, 1, {"goal": {}}]}', '\u0000{"a":1}', '}{'.repeat(300)];
  for (const h of hostile) {
    extractJsonObject(h);
    parsePlan(h);
    parseEvaluation(h);
  }
  assert.ok(existsSync(__filename));
});

test('many LaTeX groups before the JSON do not hide it', () => {
  const prose = 'We compute ' + '$\\frac{a}{b} + x^{2}$ '.repeat(50) + '\nSo: {"verdict": "accept", "feedback": "fine"}';
  assert.deepEqual(extractJsonObject(prose), { verdict: 'accept', feedback: 'fine' });
});
