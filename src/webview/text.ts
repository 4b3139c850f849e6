// Model text cleaning shared by the panel renderer and the chat transcript (no dependencies, so the
// extension can use it without bundling the Markdown / KaTeX renderer).

/** Removes NUL / C0 controls (except tab, newline) and bidi overrides that could disguise text. */
export function normaliseModelText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\r\n?/g, '\n');
}
