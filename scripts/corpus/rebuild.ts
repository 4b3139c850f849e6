// Recreates the documents of test/fixtures/detect-corpus whose licence does not allow a copy in this
// repository ("stored": false) into .cache/detect-corpus/docs/<id>.<ext>, from local git mirrors of their
// source repositories, and checks every byte against the sha256 in the label file.
//
//   node --import tsx scripts/corpus/rebuild.ts [--mirror DIR] [--check]
//
// A mirror of owner/name is looked for as DIR/owner+name/repo or DIR/owner+name (a bare git directory
// with the labelled commit), DIR defaulting to $REASONFLUX_CORPUS_MIRROR or /work/.mirror. Clone missing
// ones yourself (git clone --bare https://github.com/owner/name DIR/owner+name). --check only verifies
// what is there. Exits 1 when a document could not be rebuilt or does not match.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, CORPUS_DIR, documentPath, extOf, loadLabels, sha256 } from '../../test/support/detect-corpus.js';

function gitDirOf(mirror: string, repo: string): string | undefined {
  const base = join(mirror, repo.replace('/', '+'));
  for (const d of [join(base, 'repo'), join(base, 'repo', '.git'), base, join(base, '.git')]) if (existsSync(join(d, 'HEAD'))) return d;
  return undefined;
}

function main(argv: string[]): number {
  let mirror = process.env.REASONFLUX_CORPUS_MIRROR ?? '/work/.mirror';
  let checkOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mirror' && argv[i + 1]) mirror = argv[++i]!;
    else if (argv[i] === '--check') checkOnly = true;
    else {
      console.error(`rebuild: unknown argument '${argv[i]}' (use --mirror DIR, --check)`);
      return 2;
    }
  }
  let ok = 0;
  let failed = 0;
  mkdirSync(join(CACHE_DIR, 'docs'), { recursive: true });
  for (const l of loadLabels()) {
    const name = `${l.id}.${extOf(l)}`;
    if (l.stored) {
      const p = join(CORPUS_DIR, 'docs', name);
      if (!existsSync(p) || sha256(readFileSync(p)) !== l.source.sha256) {
        console.error(`${l.id}: the stored copy ${p} is missing or does not match its sha256`);
        failed++;
      } else ok++;
      continue;
    }
    const existing = documentPath(l);
    if (existing && sha256(readFileSync(existing)) === l.source.sha256) {
      ok++;
      continue;
    }
    if (checkOnly) {
      console.error(`${l.id}: not rebuilt yet (run without --check)`);
      failed++;
      continue;
    }
    const gitDir = gitDirOf(mirror, l.source.repo);
    if (!gitDir) {
      console.error(`${l.id}: no mirror of ${l.source.repo} under ${mirror}`);
      failed++;
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = execFileSync('git', ['--git-dir', gitDir, 'show', `${l.source.commit}:${l.source.path}`], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      console.error(`${l.id}: git show ${l.source.commit.slice(0, 12)}:${l.source.path} failed in ${gitDir}: ${String((e as Error).message).split('\n')[0]}`);
      failed++;
      continue;
    }
    if (sha256(bytes) !== l.source.sha256) {
      console.error(`${l.id}: ${l.source.repo} ${l.source.path}@${l.source.commit.slice(0, 12)} does not match the labelled sha256`);
      failed++;
      continue;
    }
    writeFileSync(join(CACHE_DIR, 'docs', name), bytes);
    ok++;
  }
  console.log(`detect corpus: ${ok} document(s) ready${failed ? `, ${failed} not` : ''} (cache: ${CACHE_DIR})`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
