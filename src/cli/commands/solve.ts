// Placeholder: the owner of this command replaces this file.
import { CliError } from '../util.js';
export const summary = 'solve';
export async function run(_argv: string[]): Promise<number> {
  throw new CliError('"solve" is not built yet');
}
