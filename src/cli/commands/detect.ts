// Placeholder: the owner of this command replaces this file.
import { CliError } from '../util.js';
export const summary = 'detect';
export async function run(_argv: string[]): Promise<number> {
  throw new CliError('"detect" is not built yet');
}
