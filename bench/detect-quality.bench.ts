// Detection quality on real documents: precision / recall / F1 per style, language and format on the
// hand-labelled corpus in test/fixtures/detect-corpus (documents not stored in the repo are read from
// .cache/detect-corpus after `node --import tsx scripts/corpus/rebuild.ts`, else skipped with a note),
// then on ../shared/data/detect-dev when it is present. Prints numbers, asserts nothing.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatCorpusScore, prf, scoreCorpus } from '../test/support/detect-corpus.js';
import { sharedFile } from '../test/support/shared-data.js';
import { formatTable, scoreCorpus as scoreDetectDev } from '../test/unit/detect/score.js';

const perDocument = process.argv.includes('--docs') || process.env.REASONFLUX_BENCH_DOCS === '1';
const t0 = performance.now();
const r = scoreCorpus();
const ms = performance.now() - t0;
console.log(`detect corpus (test/fixtures/detect-corpus): ${r.docs.length} documents scored, ${r.skipped.length} skipped, ${ms.toFixed(0)} ms`);
console.log(formatCorpusScore(r, perDocument));
const o = prf(r.overall.tp, r.overall.found, r.overall.expected);
console.log(`corpus overall F1 ${o.f1.toFixed(3)} (precision ${o.precision.toFixed(3)}, recall ${o.recall.toFixed(3)})`);

const labels = sharedFile('detect-dev/labels.json');
if (labels && existsSync(labels)) {
  const d = scoreDetectDev(dirname(labels));
  console.log('\ndetect-dev (../shared/data/detect-dev):');
  console.log(formatTable(d));
} else console.log('\ndetect-dev: ../shared/data/detect-dev not found, skipped');
