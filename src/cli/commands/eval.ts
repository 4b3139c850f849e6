// Placeholder: the owner of this command replaces this file.
import { CliError } from '../util.js';
export const summary = 'eval';
export async function run(_argv: string[]): Promise<number> {
  throw new CliError('"eval" is not built yet');
}
