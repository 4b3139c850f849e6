// Locates ../shared/data (present in CI beside the clone, absent in a user's clone).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const candidates = [
  process.env.REASONFLUX_SHARED_DATA,
  resolve(__dirname, '..', '..', '..', 'shared', 'data'),
  resolve(process.cwd(), '..', 'shared', 'data'),
].filter((p): p is string => !!p);

/** Absolute path of the shared data folder, or undefined when it is not beside this clone. */
export const sharedDataDir: string | undefined = candidates.find((p) => existsSync(p));

/** Path of a file in shared data, or undefined when absent. */
export function sharedFile(name: string): string | undefined {
  if (!sharedDataDir) return undefined;
  const p = join(sharedDataDir, name);
  return existsSync(p) ? p : undefined;
}

/** node:test `skip` option: false when the file exists, else a note saying why the test is skipped. */
export function skipUnlessShared(name: string): false | string {
  return sharedFile(name) ? false : `../shared/data/${name} is not beside this clone (it is in CI); skipped`;
}
