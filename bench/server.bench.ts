// Language server over a real stdio connection: time from didOpen to the first publishDiagnostics
// (small fixture and ~1 MB documents), and the server's memory across 1,000 one-character edits.
// Prints numbers only.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { startSession, ROOT } from '../test/lsp/lsp-client.js';
import { buildDocs } from './detect-corpus.js';

type Stats = { heapUsed: number; rss: number };
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

async function main(): Promise<void> {
  const { tex, md } = buildDocs();
  const small = readFileSync(join(ROOT, 'test', 'fixtures', 'detect', 'multilingual.md'), 'utf8');
  const s = await startSession({ execArgv: ['--expose-gc'] });
  try {
    const rows: string[] = [];
    let n = 0;
    for (const [name, text, lang] of [
      ['fixture .md (2 KB)', small, 'markdown'],
      ['fixture .md again (warm)', small, 'markdown'],
      ['~1 MB .tex', tex, 'latex'],
      ['~1 MB .md', md, 'markdown'],
    ] as const) {
      const uri = `file:///bench/doc${n++}.${lang === 'latex' ? 'tex' : 'md'}`;
      const wait = s.waitDiagnostics(uri, () => true, 60000);
      const t0 = performance.now();
      await s.open(uri, lang, text);
      const p = await wait;
      rows.push(`didOpen → diagnostics, ${name.padEnd(26)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms  (${p.diagnostics.length} diagnostics; goal ≤ 200 ms)`);
    }
    for (const r of rows) console.log(r);

    // 1,000 one-character edits to the ~1 MB .md; every edit is followed by a documentSymbol request,
    // which makes the server bring its problems up to date at once (no debounce wait).
    const uri = 'file:///bench/doc3.md';
    const lines = md.split('\n');
    const line = Math.floor(lines.length / 2);
    const stats = async (): Promise<Stats> => s.conn.sendRequest<Stats>('reasonflux/stats', { gc: true });
    const samples: { edits: number; s: Stats; ms: number }[] = [];
    let version = 1;
    let t = performance.now();
    samples.push({ edits: 0, s: await stats(), ms: 0 });
    for (let i = 1; i <= 1000; i++) {
      const insert = i % 2 === 1;
      await s.change(uri, ++version, [
        insert
          ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'x' }
          : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' },
      ]);
      await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
      if (i % 200 === 0) {
        const now = performance.now();
        samples.push({ edits: i, s: await stats(), ms: (now - t) / 200 });
        t = performance.now();
      }
    }
    console.log('memory of the server (after a forced GC) across 1,000 edits of the ~1 MB .md (edit + documentSymbol round trip):');
    for (const x of samples) {
      console.log(`  after ${String(x.edits).padStart(4)} edits: heapUsed ${mb(x.s.heapUsed).padStart(9)}  rss ${mb(x.s.rss).padStart(9)}${x.ms ? `  ${x.ms.toFixed(2)} ms per edit round trip` : ''}`);
    }
    const first = samples[1]!.s.heapUsed;
    const lastS = samples[samples.length - 1]!.s.heapUsed;
    console.log(`  heapUsed change from 200 to 1,000 edits: ${mb(lastS - first)} (goal: flat)`);
  } finally {
    await s.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
