import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { run } from '../../../src/cli/commands/grade.js';

function io(stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: { write: (s: string) => out.push(s) },
      err: { write: (s: string) => err.push(s) },
      ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
    },
  };
}

test('grade REF CAND prints equal / not equal, exit 0 either way', async () => {
  const a = io();
  assert.equal(await run(['\\frac{1}{2}', '0.5'], a.io), 0);
  assert.deepEqual(a.out, ['equal\n']);
  const b = io();
  assert.equal(await run(['[2,5)', '[2,5]'], b.io), 0);
  assert.deepEqual(b.out, ['not equal\n']);
  const c = io();
  assert.equal(await run(['025', 'So the answer is \\boxed{25}.', '--json'], c.io), 0);
  const j = JSON.parse(c.out.join(''));
  assert.equal(j.equal, true);
  assert.equal(j.extracted, '25');
  assert.equal(typeof j.method, 'string');
});

test('grade: wrong arity and unknown flags are one-line CLI errors', async () => {
  await assert.rejects(run(['1'], io().io), /expected REFERENCE and CANDIDATE/);
  await assert.rejects(run(['1', '2', '--fuzzy=yes'], io().io), /unknown option --fuzzy/);
  await assert.rejects(run(['--jsonl', '/nonexistent/x.jsonl'], io().io), /file not found/);
});

test('grade --jsonl: in order, candidate or response, bad lines reported without stopping', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-grade-'));
  try {
    const file = join(dir, 'in.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ reference: '10,\\!080', candidate: '10080' }),
        JSON.stringify({ reference: 27.0, response: 'Work...\nThe answer is $\\boxed{27}$.' }),
        '{not json',
        JSON.stringify({ reference: '(1,2)', candidate: '(2,1)' }),
        '',
        JSON.stringify({ reference: '1' }),
        JSON.stringify({ reference: '\\text{(C)}', response: 'I pick \\boxed{\\textbf{(C)}}' }),
      ].join('\n'),
    );
    const a = io();
    assert.equal(await run(['--jsonl', file], a.io), 0);
    const lines = a.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { equal: true, extracted: '10080' },
      { equal: true, extracted: '27' },
      { equal: false, extracted: '', error: 'line 3: not valid JSON' },
      { equal: false, extracted: '(2,1)' },
      { equal: false, extracted: '', error: 'line 6: missing "candidate" or "response" (a string or a number)' },
      { equal: true, extracted: '\\textbf{(C)}' },
    ]);
    assert.match(a.err.join(''), /in\.jsonl:3: not valid JSON/);
    assert.match(a.err.join(''), /2 bad line\(s\)/);
    // Standard input with "-".
    const b = io(JSON.stringify({ reference: '2516_8', candidate: '2516_{8}' }) + '\n');
    assert.equal(await run(['--jsonl', '-'], b.io), 0);
    assert.deepEqual(JSON.parse(b.out.join('')), { equal: true, extracted: '2516_{8}' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
