// Embedding retrieval options shared by `solve` and `templates search`: --embeddings-model turns it on
// (env REASONFLUX_EMBEDDINGS_MODEL), --embeddings-base-url names the endpoint (default: --base-url, then
// OPENAI_BASE_URL), --cache-dir where template vectors are kept. Without them retrieval is BM25 alone.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHybridIndex, openAiEmbedder } from '../core/templates/embeddings.js';
import type { TemplateIndex } from '../core/templates/types.js';
import { CliError, stringFlag, type ParsedArgs } from './util.js';

export const RETRIEVAL_FLAGS = ['embeddings-model', 'embeddings-base-url', 'cache-dir'] as const;

export const RETRIEVAL_HELP = `  --embeddings-model M      also retrieve templates by embeddings from the endpoint's /embeddings with
                            model M, fused with BM25 (env REASONFLUX_EMBEDDINGS_MODEL; default: off)
  --embeddings-base-url URL endpoint for embeddings (default: --base-url, then OPENAI_BASE_URL)
  --cache-dir DIR           cache of template vectors (default: $XDG_CACHE_HOME/reasonflux-tutor or
                            ~/.cache/reasonflux-tutor)`;

/** The CLI's cache folder: --cache-dir, else $XDG_CACHE_HOME/reasonflux-tutor, else ~/.cache/reasonflux-tutor. */
export function cacheDir(args: ParsedArgs, env: Record<string, string | undefined>): string {
  const flag = stringFlag(args, 'cache-dir');
  if (flag) return resolve(flag);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'reasonflux-tutor');
}

/**
 * `index` with embedding retrieval when asked for (else `index` itself). What happens is said once through
 * `note` (on, from the cache, or off and why). `env` holds only non-empty variables.
 */
export async function withEmbeddings(
  index: TemplateIndex,
  args: ParsedArgs,
  env: Record<string, string | undefined>,
  endpoint: { baseUrl?: string; apiKey?: string },
  note: (line: string) => void,
): Promise<TemplateIndex> {
  const model = stringFlag(args, 'embeddings-model') ?? env.REASONFLUX_EMBEDDINGS_MODEL;
  const baseFlag = stringFlag(args, 'embeddings-base-url');
  if (!model) {
    if (baseFlag) throw new CliError('--embeddings-base-url needs --embeddings-model', 'name the embedding model, e.g. --embeddings-model nomic-embed-text');
    return index;
  }
  const baseUrl = baseFlag ?? endpoint.baseUrl ?? env.OPENAI_BASE_URL;
  if (!baseUrl) throw new CliError('embedding retrieval needs an endpoint', 'pass --embeddings-base-url URL (or --base-url / OPENAI_BASE_URL)');
  const embedder = openAiEmbedder({ baseUrl, model, ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}) });
  const r = await createHybridIndex(index, embedder, { cacheDir: join(cacheDir(args, env), 'embeddings'), onNote: (n) => note(`reasonflux: ${n}`) });
  note(`reasonflux: ${r.note}`);
  return r.index;
}
