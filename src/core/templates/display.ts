// How retrieval results are shown (panel, hovers, chat): only the templates that match about as well
// as the best one, and the matched terms as the words of the query they came from. Pure.

/** Results scoring below this share of the best one are not shown (they are noise next to it). */
export const CLOSE_MATCH_RATIO = 0.8;

/** The results whose score is within CLOSE_MATCH_RATIO of the best (input order kept; best first). */
export function closeMatches<T extends { score: number }>(results: readonly T[], ratio = CLOSE_MATCH_RATIO): T[] {
  const best = results.reduce((m, r) => Math.max(m, r.score), 0);
  if (!(best > 0)) return results.slice(0, 1);
  return results.filter((r) => r.score >= best * ratio);
}

const wordsOf = (text: string): string[] => text.toLowerCase().match(/\p{L}[\p{L}\p{M}'-]*/gu) ?? [];

/**
 * The matched index terms (stems such as "solv", "equat") as whole words: the query's own ("solve"),
 * else the template's (`vocabulary`: its name and tags, for terms the analyser added, such as
 * "quadratic" for x^2). A stem found in neither is left out. At most `max`, no repeats.
 */
export function matchedWords(query: string, terms: readonly string[], vocabulary = '', max = 4): string[] {
  const own = wordsOf(query);
  const theirs = wordsOf(vocabulary);
  const out: string[] = [];
  for (const t of terms) {
    const stem = t.toLowerCase();
    const w = own.find((x) => x.startsWith(stem)) ?? theirs.find((x) => x.startsWith(stem));
    if (w && !out.includes(w)) out.push(w);
    if (out.length >= max) break;
  }
  return out;
}
