// The one place that removes credentials from text bound for a user-visible or stored sink: CLI output,
// eval results and summaries, the extension's output channel, panel and history. Every error path runs
// its message through `redactSecrets` (LlmError does it in its constructor).
//
// Two kinds of secret are removed:
//   - the keys in use: every API key handed to a provider is remembered (in memory only, for the life of
//     the process) so it is removed wherever it appears, even when it looks like nothing in particular;
//   - anything that looks like a credential: provider keys (sk-…, sk-proj-…, gsk_…, hf_…), Authorization
//     header values (Bearer / Basic / Token …), key=… / "api_key": "…" pairs, and user:password@ in URLs.

const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // OpenAI-style and similar provider keys, also as servers echo them half-masked (sk-abc***wxyz).
  [/\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g, '<redacted-key>'],
  [/\b(?:gsk|hf|xai|ghp|gho|glpat)[_-][A-Za-z0-9_*.-]{8,}/g, '<redacted-key>'],
  // Authorization header values (a credential has a digit or is long: "token limit" is prose).
  [/\b(Bearer|Basic|Token)(\s+|%20|\+)(?:(?=[A-Za-z._~+/=*-]*\d)[A-Za-z0-9._~+/=*-]{4,}|[A-Za-z0-9._~+/=*-]{20,})/gi, '$1$2<redacted>'],
  // key=… / api_key: … / "apiKey": "…" in query strings, headers or JSON.
  [/\b(api[_-]?key|apikey|x-api-key|access[_-]?token|token|secret|password|authorization)(["']?\s*[:=]\s*["']?)(?!<redacted)[^\s"'&,}]+/gi, '$1$2<redacted>'],
  // user:password@ in URLs.
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1<redacted>@'],
];

/** Keys shorter than this are not remembered: replacing every "abc" in a message would garble it. */
const MIN_REMEMBERED = 6;
const remembered = new Set<string>();

/** Remembers a key in use so that every later redaction removes it (ignored when empty or very short). */
export function rememberSecret(secret: string | undefined): void {
  const s = secret?.trim();
  if (s && s.length >= MIN_REMEMBERED) remembered.add(s);
}

/** Forgets the remembered keys (tests). */
export function forgetSecrets(): void {
  remembered.clear();
}

/**
 * The text without credentials: the remembered keys (and `extra` ones) first, then anything that looks
 * like a key, token or password. Safe to call more than once on the same text.
 */
export function redactSecrets(text: string, extra: readonly (string | undefined)[] = []): string {
  if (!text) return text;
  let out = text;
  const exact = [...remembered, ...extra.map((x) => x?.trim() ?? '').filter((x) => x.length >= MIN_REMEMBERED)];
  // Longest first, so a key that contains another is removed whole.
  for (const s of exact.sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join('<redacted-key>');
    // Servers and proxies may echo a key URL-encoded.
    const enc = encodeURIComponent(s);
    if (enc !== s && out.includes(enc)) out = out.split(enc).join('<redacted-key>');
  }
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

/** Deep copy of a JSON-like value with every string redacted (events, records, stored states). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
