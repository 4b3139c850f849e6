// Math in the server's hovers: formulas typeset to SVG images (MathJax in the server's worker thread),
// readable text where typesetting fails or a formula is too large, one block that does not repeat the
// diagnostic. Real stdio connection to dist/server.js.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startSession, uriOf, type LspSession } from './lsp-client.js';

let s: LspSession;
const ask = async (text: string) => (await s.conn.sendRequest<{ markdown: string }>('reasonflux/mathMarkdown', { text })).markdown;
before(async () => {
  s = await startSession();
  // The worker starts MathJax on first use; a hover waits for it only a moment (then shows text, and the
  // image is there on the next hover). Wait here until it answers, so the tests see the warm path.
  const deadline = Date.now() + 60_000;
  while (!(await ask('$x$')).includes('data:image/svg+xml')) {
    if (Date.now() > deadline) throw new Error('the math worker never answered');
    await new Promise((r) => setTimeout(r, 200));
  }
});
after(async () => {
  await s?.close();
});

const IMAGE = /!\[([^\]]*)\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/g;
/** The hover's Markdown with images and command links taken out (what a reader sees as text). */
const prose = (md: string) => md.replace(IMAGE, '[img]').replace(/\]\(command:[^)]*\)/g, ']');

async function hoverAt(uri: string, line: number, character: number): Promise<string> {
  const h = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

test('formulas in a hover are SVG images; the text has no raw TeX and the diagnostic does not repeat it', async () => {
  const uri = uriOf('math-hover.md');
  const wait = s.waitDiagnostics(uri, (d) => d.length > 0);
  await s.open(uri, 'markdown', '**Problem 1.** Solve $x^2 - 7x + 10 = 0$ and give $\\frac{a}{b}$ for the roots $a < b$.\n');
  const { diagnostics } = await wait;
  assert.equal(diagnostics.length, 1);
  assert.doesNotMatch(String(diagnostics[0]!.message), /Solve|x\^2/, 'the diagnostic names the problem, it does not restate it');
  const md = await hoverAt(uri, 0, 30);
  const images = [...md.matchAll(IMAGE)];
  assert.equal(images.length, 3, md.slice(0, 300));
  for (const [, alt, b64] of images) {
    const svg = Buffer.from(b64!, 'base64').toString('utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<path /, 'glyphs are drawn as paths (no fonts needed)');
    assert.doesNotMatch(svg, /<script|<foreignObject|href="(?!#)/i);
    assert.ok(alt!.length > 0 && !alt!.includes('\\'), `readable alt text: ${alt}`);
  }
  assert.equal(images[0]![1], 'x² − 7x + 10 = 0');
  const text = prose(md);
  assert.doesNotMatch(text, /\$|\\frac|x\^2/, 'no raw TeX in the hover text');
  assert.equal(text.match(/Solve/g)?.length, 2, 'the statement once (+ the Solve link)');
  assert.match(text, /^\*\*Problem 1\*\* — Solve \[img\] and give \[img\]/);
});

test('a formula that cannot be typeset, or is too tall, is readable text', async () => {
  const tall = Array.from({ length: 30 }, (_v, i) => `${i}`).join('\\\\');
  const markdown = await ask(`Broken $\\frac{1}{$ and undefined $\\zorblax{x}$ and tall $$\\begin{matrix}${tall}\\end{matrix}$$ and fine $\\sqrt{2}$.`);
  const images = [...markdown.matchAll(IMAGE)];
  assert.equal(images.length, 1, 'only the fine formula is an image');
  assert.equal(images[0]![1], '√2');
  const text = prose(markdown);
  assert.match(text, /Broken frac 1 and undefined zorblax x and tall/, 'what cannot be typeset reads as words');
  assert.match(text, /0; 1; 2; 3/, 'the tall matrix as text');
  assert.doesNotMatch(text, /\$/);
});

test('the same formula is typeset once (cached) and later hovers reuse it', async () => {
  const a = await ask('Let $y = 3x + 1$.');
  const b = await ask('Again $y = 3x + 1$.');
  const img = (m: string) => [...m.matchAll(IMAGE)].map((x) => x[2]);
  assert.equal(img(a).length, 1);
  assert.deepEqual(img(a), img(b));
});
