// `npm run package`: production build, then a .vsix made by @vscode/vsce (3.x runs on Node 20),
// then a check of the files inside the .vsix: only what the installed extension needs, and no
// test-only reasonflux.test.* command in any bundle.
//   node --import tsx scripts/host/package.ts [--no-build] [--out FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { REPO_ROOT } from './lib';

export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** The central directory of a zip file: each entry's name, compression and where its data is. */
function centralDirectory(buf: Buffer, file: string): ZipEntry[] {
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new PackageError(`${file} is not a zip archive (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new PackageError(`${file}: corrupt central directory at entry ${n}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Names of the entries of a zip file, read from its central directory. */
export function zipEntries(file: string): string[] {
  return centralDirectory(readFileSync(file), file).map((e) => e.name);
}

/** The contents of one entry (stored or deflated, the two methods vsce writes). */
function entryData(buf: Buffer, e: ZipEntry, file: string): Buffer {
  const p = e.localOffset;
  if (buf.readUInt32LE(p) !== 0x04034b50) throw new PackageError(`${file}: no local header for ${e.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return raw;
  if (e.method === 8) return inflateRawSync(raw);
  throw new PackageError(`${file}: ${e.name} uses zip compression method ${e.method}`);
}

/** What marks the test-only commands (src/extension/testHooks.ts) in a bundle. */
export const TEST_COMMAND_MARK = 'reasonflux.test.';

/** The script entries of a .vsix that hold test-only commands (none may: they would be callable by any extension). */
export function testCommandsInVsix(file: string): string[] {
  const buf = readFileSync(file);
  return centralDirectory(buf, file)
    .filter((e) => /\.(js|cjs|mjs|json)$/.test(e.name))
    .filter((e) => entryData(buf, e, file).includes(TEST_COMMAND_MARK))
    .map((e) => e.name);
}

// Paths inside the .vsix are under extension/ (plus two vsix metadata files at the root).
const ALLOWED: RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/(readme|README)\.md$/,
  /^extension\/(LICENSE|LICENSE\.md|LICENSE\.txt|license)$/,
  /^extension\/(changelog|CHANGELOG)\.md$/,
  /^extension\/dist\/(?!cli\.)[\w-]+\.js$/,
  /^extension\/dist\/(?!cli\.)[\w-]+\.js\.LEGAL\.txt$/,
  /^extension\/dist\/library\.json$/,
  /^extension\/dist\/[\w.-]+\.css$/,
  /^extension\/dist\/fonts\/[\w./-]+$/,
  /^extension\/media\/[\w./@-]+$/,
  /^extension\/templates\/[\w./-]+\.json$/,
  /^extension\/l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];

const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/math-worker.js',
  'extension/dist/webview.js',
  'extension/dist/library.json',
  'extension/media/icon.png',
  'extension/templates/template.schema.json',
  'extension/LICENSE.txt',
  'extension/readme.md',
];

/** Problems with a .vsix file list: missing runtime files, or files the extension does not need. */
export function checkVsixEntries(entries: readonly string[]): string[] {
  const problems: string[] = [];
  const lower = new Set(entries.map((e) => e.toLowerCase()));
  for (const r of REQUIRED) if (!lower.has(r.toLowerCase())) problems.push(`missing ${r}`);
  for (const e of entries) {
    if (e.endsWith('/')) continue;
    if (/\.map$/.test(e)) problems.push(`source map packaged: ${e}`);
    else if (!ALLOWED.some((re) => re.test(e))) problems.push(`not needed by the extension: ${e}`);
  }
  return problems;
}

function run(cmd: string, args: string[], quiet = false): void {
  const r = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, CI: process.env.CI ?? 'true' },
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new PackageError(`${[cmd, ...args].join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
}

/** Builds (unless build: false) and packages the extension; returns the .vsix path. quiet: no vsce listing. */
export function packageExtension(opts: { build?: boolean; out?: string; quiet?: boolean } = {}): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    repository?: { url?: string } | string;
  };
  const out = opts.out ?? join(REPO_ROOT, 'out', `${pkg.name}-${pkg.version}.vsix`);
  mkdirSync(join(out, '..'), { recursive: true });
  if (opts.build !== false) run(process.execPath, ['esbuild.mjs', '--production']);
  for (const f of ['dist/extension.js', 'dist/server.js']) {
    if (!existsSync(join(REPO_ROOT, f))) throw new PackageError(`${f} is missing after the build`);
  }
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The bundles hold their dependencies: nothing from node_modules goes into the package.
  // vsce rewrites the README's relative links against the repository; it only guesses that for
  // GitHub/GitLab, so give it the base URLs of any other host.
  const repo = (typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  const base = /^https?:\/\//.test(repo) && !/github\.com|gitlab\.com/.test(repo) ? ['--baseContentUrl', `${repo}/blob/HEAD/`, '--baseImagesUrl', `${repo}/raw/HEAD/`] : [];
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', ...base, '--out', out], opts.quiet);
  const entries = zipEntries(out);
  const problems = checkVsixEntries(entries);
  if (problems.length > 0) throw new PackageError(`${relative(REPO_ROOT, out)} holds the wrong files:\n  ${problems.join('\n  ')}`);
  const hooked = testCommandsInVsix(out);
  if (hooked.length > 0) {
    throw new PackageError(`${relative(REPO_ROOT, out)}: ${hooked.join(', ')} ${hooked.length === 1 ? 'holds' : 'hold'} the test-only ${TEST_COMMAND_MARK}* commands (dist/ was built with --test-hooks; package with a build, not --no-build)`);
  }
  const kib = Math.round(statSync(out).size / 1024);
  console.log(`package: ${relative(REPO_ROOT, out)} (${kib} KiB, ${entries.length} entries) — file list checked, no ${TEST_COMMAND_MARK}* commands`);
  return out;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const outIdx = argv.indexOf('--out');
  try {
    packageExtension({ build: !argv.includes('--no-build'), out: outIdx >= 0 ? argv[outIdx + 1] : undefined });
  } catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
