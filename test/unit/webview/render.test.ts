// The panel renderer on hostile model output: inert HTML, math still shown, bounded work.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedFile, skipUnlessShared } from '../../support/shared-data.js';
import {
  FORMULA_EM_PER_ROW,
  MAX_EXPAND,
  MAX_FORMULA_EM,
  formulaBoundEm,
  formulaExtentEm,
  MAX_TEX_DEPTH,
  MAX_TEX_LENGTH,
  renderBlocks,
  renderMarkdown,
  sanitiseStyle,
  splitBlocks,
  texDepth,
} from '../../../src/webview/render.js';

/** Every structural property the panel relies on for safety. */
function assertInert(html: string, label: string): void {
  assert.doesNotMatch(html, /<script/i, `${label}: <script>`);
  assert.doesNotMatch(html, /<(style|iframe|object|embed|svg|img|link|meta|form|input|base|a\s+href)\b/i, `${label}: dangerous element`);
  // Attributes are checked inside real tags only (escaped text such as "&lt;img onerror=…&gt;" is inert).
  for (const tag of html.matchAll(/<[a-z][^>]*>/gi)) {
    const t = tag[0];
    assert.doesNotMatch(t, /\son[a-z]+\s*=/i, `${label}: on* attribute in ${t}`);
    assert.doesNotMatch(t, /\sstyle\s*=/i, `${label}: style attribute in ${t}`);
    assert.doesNotMatch(t, /\s(href|src|srcset|action|formaction|xlink:href|background)\s*=/i, `${label}: URL attribute in ${t}`);
  }
  for (const m of html.matchAll(/data-href="([^"]*)"/g)) assert.match(m[1]!, /^https?:\/\//i, `${label}: non-http link`);
  for (const m of html.matchAll(/data-kstyle="([^"]*)"/g)) assert.doesNotMatch(m[1]!, /url\(|expression|position:\s*fixed/i, `${label}: style value`);
}

/** Our own fixtures of the same attack kinds as the shared file (which is absent in a user's clone). */
const OWN_FIXTURES: Array<{ name: string; text: string; math?: string[] }> = [
  { name: 'script', text: 'x <script>alert(1)</script> $\\boxed{7}$', math: ['\\boxed{7}'] },
  { name: 'img onerror', text: '<img src=x onerror=alert(1)> so $y=3$', math: ['y=3'] },
  { name: 'svg onload', text: '<svg/onload=alert(1)> $a+b$', math: ['a+b'] },
  { name: 'javascript link', text: '[go](javascript:alert(1)) and [ok](https://example.org)' },
  { name: 'vbscript and data links', text: '[a](vbscript:msgbox) [b](data:text/html,<b>x</b>) [c](file:///etc/passwd)' },
  { name: 'autolinks', text: '<javascript:alert(1)> <https://example.org/x>' },
  { name: 'iframe + display', text: '<iframe src="https://evil"></iframe>\n\n$$x^2+1$$', math: ['x^2+1'] },
  { name: 'style injection', text: '<style>*{display:none}</style> area $\\boxed{12}$', math: ['\\boxed{12}'] },
  { name: 'remote image', text: '![beacon](https://tracker.example/p.png) and ![x](data:image/png;base64,AAAA)' },
  { name: 'katex href', text: '$\\href{javascript:alert(1)}{click}$ $\\url{javascript:alert(1)}$' },
  { name: 'katex html ext', text: '$\\htmlClass{x}{a} \\htmlData{foo=bar}{b} \\htmlStyle{position:fixed}{c} \\includegraphics{http://x/y.png}$' },
  { name: 'macro bomb', text: '$\\def\\x{\\x\\x}\\x$ then $\\boxed{3}$', math: ['\\boxed{3}'] },
  { name: 'gdef leak', text: '$\\gdef\\evil{\\href{javascript:1}{x}}$ $\\evil$' },
  { name: 'huge nesting', text: '$' + '{'.repeat(5000) + 'x' + '}'.repeat(5000) + '$ and $\\frac12$', math: ['\\frac12'] },
  { name: 'huge size', text: '$\\rule{1000em}{1000em}$ $\\kern{9999em}$ $\\Huge\\Huge x$' },
  { name: 'huge raise', text: '$\\raisebox{-1000em}{x}$ $\\raisebox{1000em}{y}$ $\\smash{\\raisebox{-900em}{z}}$ then $\\boxed{5}$', math: ['\\boxed{5}'] },
  { name: 'html entities', text: '&lt;script&gt; &#x3C;img src=x onerror=alert(1)&#x3E; <a href="jav&#x09;ascript:1">x</a>' },
  { name: 'css in color', text: '$\\color{red;background:url(http://x)}{A}$ $\\textcolor{#f00}{B}$' },
  { name: 'bidi and controls', text: 'a\u202eb\u0000c\u0007 $\\boxed{2}$', math: ['\\boxed{2}'] },
];

function mathSources(html: string): string[] {
  return [...html.matchAll(/class="math math-(?:inline|display)" data-tex="([^"]*)"/g)].map((m) =>
    m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

/** The largest vertical em value along any element path of rendered HTML (the same measure as render.ts). */
const panelExtent = (html: string) => formulaExtentEm(html.replace(/data-kstyle=/g, 'style='));

describe('renderMarkdown: bounded formula height', () => {
  it('shows \\raisebox{-1000em} and other piled-up offsets as source, not as a 90,000 px formula', () => {
    for (const tex of [
      '\\raisebox{-1000em}{x}',
      '\\raisebox{-20em}{\\raisebox{-20em}{\\raisebox{-20em}{\\raisebox{-20em}{x}}}}',
      `\\smash{\\begin{array}{c}${Array(50).fill('\\rule{1em}{20em}').join('\\\\')}\\end{array}}`,
    ]) {
      const html = renderMarkdown(`before $${tex}$ after $x^2$`);
      assert.match(html, /class="math-source"/, `${tex.slice(0, 40)}: shown as source`);
      assert.deepEqual(mathSources(html), ['x^2'], 'the next formula still renders');
      assert.ok(panelExtent(html) <= MAX_FORMULA_EM + FORMULA_EM_PER_ROW, `bounded height (${panelExtent(html)} em)`);
    }
  });
  it('still renders tall legitimate formulas (a 30-line derivation, a 10×10 matrix, a continued fraction)', () => {
    const lines = `\\begin{aligned}${Array.from({ length: 30 }, (_, i) => `x_{${i}} &= \\frac{a_{${i}}}{b_{${i}}} + \\sqrt{c}`).join('\\\\')}\\end{aligned}`;
    const matrix = `\\begin{pmatrix}${Array.from({ length: 10 }, () => Array.from({ length: 10 }, (_, j) => `a_{${j}}`).join('&')).join('\\\\')}\\end{pmatrix}`;
    const cfrac = '1+\\cfrac{1}{1+\\cfrac{1}{1+\\cfrac{1}{1+\\cfrac{1}{x}}}}';
    for (const tex of [lines, matrix, cfrac, '\\rule{1em}{20em}', '\\raisebox{0.5em}{x}']) {
      const html = renderMarkdown(`$$${tex}$$`);
      assert.equal(mathSources(html).length, 1, `${tex.slice(0, 40)} renders`);
      assert.ok(panelExtent(html) <= formulaBoundEm(tex));
    }
  });
});

describe('renderMarkdown: own hostile fixtures', () => {
  for (const f of OWN_FIXTURES) {
    it(`renders "${f.name}" inert${f.math ? ' with its math' : ''}`, () => {
      const html = renderMarkdown(f.text);
      assertInert(html, f.name);
      for (const m of f.math ?? []) assert.ok(mathSources(html).includes(m), `${f.name}: formula ${m} rendered by KaTeX`);
    });
  }

  it('escapes raw HTML as text instead of dropping it', () => {
    const html = renderMarkdown('<b>bold</b>');
    assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
  });

  it('keeps only http(s) links, without href, for the extension to confirm', () => {
    const html = renderMarkdown('[ok](https://example.org/a?b=1) [bad](javascript:alert(1))');
    assert.match(html, /<a class="ext-link" role="link" tabindex="0" data-href="https:\/\/example.org\/a\?b=1"/);
    assert.doesNotMatch(html, /data-href="javascript/);
  });

  it('never loads images', () => {
    const html = renderMarkdown('![diagram](http://127.0.0.1:9/beacon.png)');
    assert.match(html, /<span class="image-placeholder">\[diagram\]<\/span>/);
  });

  it('renders KaTeX \\href and \\url without producing links', () => {
    const html = renderMarkdown('$\\href{https://example.org}{x}$');
    assert.doesNotMatch(html, /<a\b/);
    assertInert(html, 'href');
  });

  it('stops macro expansion through the limits (the bomb shows as source, the next formula renders)', () => {
    const html = renderMarkdown('$\\def\\a{\\a\\a}\\a$ and $x^2$');
    assert.match(html, /<code class="math-source" data-tex="\\def\\a\{\\a\\a\}\\a" data-display="0">\$\\def\\a\{\\a\\a\}\\a\$<\/code>/);
    assert.deepEqual(mathSources(html), ['x^2']);
    assert.ok(MAX_EXPAND <= 1000);
  });

  it('shows over-long or over-deep TeX as source without parsing it', () => {
    const deep = '{'.repeat(MAX_TEX_DEPTH + 1) + '}'.repeat(MAX_TEX_DEPTH + 1);
    assert.equal(texDepth(deep), MAX_TEX_DEPTH + 1);
    assert.match(renderMarkdown(`$${deep}$`), /class="math-source"/);
    const long = 'x+'.repeat(MAX_TEX_LENGTH);
    assert.match(renderMarkdown(`$${long}x$`), /class="math-source"/);
  });
});

describe('renderMarkdown: shared hostile model outputs', () => {
  it('renders every reply inert, math still shown', { skip: skipUnlessShared('hostile-model-outputs.jsonl') }, () => {
    const lines = readFileSync(sharedFile('hostile-model-outputs.jsonl')!, 'utf8').split('\n').filter((l) => l.trim());
    assert.ok(lines.length >= 10);
    for (const line of lines) {
      const { name, text } = JSON.parse(line) as { name: string; text: string };
      const html = renderMarkdown(text);
      assertInert(html, name);
      // Every \boxed{…} in the reply is shown, rendered by KaTeX.
      for (const m of text.matchAll(/\$(\\boxed\{\d+\})\$/g)) assert.ok(mathSources(html).includes(m[1]!), `${name}: ${m[1]} rendered`);
    }
  });
});

describe('renderMarkdown: math delimiters and errors', () => {
  it('renders $…$, $$…$$, \\(…\\) and \\[…\\]', () => {
    const html = renderMarkdown('a $x$ b \\(y\\) c \\[z\\]\n\n$$\nw\n$$');
    assert.deepEqual(mathSources(html), ['x', 'y', 'z', 'w']);
    assert.match(html, /<div class="math-block"><span class="math math-display" data-tex="w"/);
  });

  it('leaves prices and unclosed math as text', () => {
    assert.deepEqual(mathSources(renderMarkdown('It costs $5 and $10 today.')), []);
    const html = renderMarkdown('Let $x = \\frac{1}{2 and more');
    assert.match(html, /<p>Let \$x = \\frac\{1\}\{2 and more<\/p>/);
  });

  it('shows broken TeX as its source, not an error box', () => {
    const html = renderMarkdown('$\\frac{1}{$ ok');
    assert.match(html, /<code class="math-source"[^>]*>\$\\frac\{1\}\{\$<\/code>/);
    assert.doesNotMatch(html, /katex-error/);
  });

  it('keeps the LaTeX source on every formula (for copying)', () => {
    const html = renderMarkdown('$\\alpha+\\beta$');
    assert.match(html, /data-tex="\\alpha\+\\beta"/);
    assert.match(html, /<annotation encoding="application\/x-tex">\\alpha\+\\beta<\/annotation>/);
  });

  it('applies document macros', () => {
    const withMacro = renderMarkdown('$\\Zset$', { macros: { '\\Zset': '\\mathbb{R}' } });
    assert.deepEqual(mathSources(withMacro), ['\\Zset']);
    assert.match(withMacro, /mathbb/);
    assert.match(renderMarkdown('$\\Zset$'), /math-source/);
  });

  it('does not let \\gdef in one formula leak into the next or into the macros object', () => {
    const macros = {};
    renderMarkdown('$\\gdef\\foo{1}\\foo$', { macros });
    assert.deepEqual(macros, {});
    assert.match(renderMarkdown('$\\foo$', { macros }), /math-source/);
  });
});

describe('streaming', () => {
  it('shows an unclosed formula as source until it closes, then renders it', () => {
    const partial = 'We have $\\frac{a}{b';
    assert.deepEqual(mathSources(renderMarkdown(partial)), []);
    assert.deepEqual(mathSources(renderMarkdown(partial + '}$ done')), ['\\frac{a}{b}']);
  });

  it('splits at blank lines outside display math and fences, so only the last block changes', () => {
    assert.deepEqual(splitBlocks('a\n\n$$\nx\n\ny\n$$\n\n```\nc\n\nd\n```\n\ne'), ['a', '$$\nx\n\ny\n$$', '```\nc\n\nd\n```', 'e']);
    assert.deepEqual(splitBlocks('1. a\n\n   more\n2. b'), ['1. a\n\n   more\n2. b']);
    const before = renderBlocks('first $x$\n\nsecond $y');
    const after = renderBlocks('first $x$\n\nsecond $y$');
    assert.equal(before[0]!.html, after[0]!.html);
    assert.notEqual(before[1]!.html, after[1]!.html);
  });
});

describe('sanitiseStyle', () => {
  it('keeps KaTeX layout declarations and drops everything else', () => {
    assert.equal(sanitiseStyle('height:0.43em;vertical-align:-0.1em'), 'height:0.43em;vertical-align:-0.1em');
    assert.equal(sanitiseStyle('background:url(http://x);position:fixed;top:0'), 'top:0');
    assert.equal(sanitiseStyle('color:expression(alert(1))'), '');
  });
});
