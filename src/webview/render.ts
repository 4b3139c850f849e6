// Markdown + math → HTML for the trajectory panel. A pure function of its input (no DOM), used by the
// webview bundle and unit-tested in Node against hostile model output.
//
// Safety by construction, not by after-the-fact filtering:
//  - markdown-it with `html: false` (raw HTML is escaped text), linkify off, typographer off;
//  - links are emitted without `href` (the URL sits in `data-href`, only http(s)); the webview asks the
//    extension to open them, which confirms first. Images are never loaded: they become a text marker;
//  - math goes through KaTeX with `trust: false` (no \href, \url, \htmlId, \includegraphics …),
//    bounded `maxExpand` / `maxSize`, a length and nesting limit checked before parsing, a bound on the
//    rendered height (formulaExtentEm, for what maxSize does not cap), and any error shows the TeX
//    source as text — never an error box;
//  - KaTeX's inline `style` attributes (blocked by the panel's CSP anyway) are rewritten to a
//    `data-kstyle` attribute holding only whitelisted layout declarations, which the webview applies
//    through the CSSOM. The output therefore contains no `style` attribute at all.
import MarkdownIt from 'markdown-it';
import katex from 'katex';
import { addMathRules } from './mathRules.js';
import { normaliseModelText } from './text.js';

type Md = InstanceType<typeof MarkdownIt>;

/** TeX longer than this is shown as source (bounds parse time). */
export const MAX_TEX_LENGTH = 6000;
/** Brace / \left nesting deeper than this is shown as source (bounds recursion). */
export const MAX_TEX_DEPTH = 48;
/** KaTeX macro expansion budget per formula (the default is 1000). */
export const MAX_EXPAND = 500;
/** Largest size, in em, a formula may request (\rule, \kern …). */
export const MAX_SIZE_EM = 20;
/**
 * Vertical extent a formula may reach: this many em, plus FORMULA_EM_PER_ROW per row (`\\`) of its
 * source. maxSize caps \rule and \kern but not \raisebox (\raisebox{-1000em} alone made the panel
 * 90,000 px tall) nor what nesting and \smash pile up; a formula past the bound shows as source.
 */
export const MAX_FORMULA_EM = 60;
export const FORMULA_EM_PER_ROW = 8;
/** Markdown longer than this per block is rendered as plain text. */
export const MAX_BLOCK_LENGTH = 100_000;

export interface RenderOptions {
  /** KaTeX macros (from the document's preamble / settings). Copied per formula; never mutated. */
  macros?: Record<string, string>;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export { normaliseModelText };

/** Maximum nesting of { } and \left … \right in a TeX string. */
export function texDepth(tex: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') {
      if (tex.startsWith('left', i + 1)) {
        depth++;
        i += 4;
      } else if (tex.startsWith('right', i + 1)) {
        depth = Math.max(0, depth - 1);
        i += 5;
      } else {
        i++; // skip the escaped character (\{ is not a group)
      }
    } else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (depth > max) max = depth;
  }
  return max;
}

// Only layout declarations KaTeX itself emits, with plain numeric / colour values.
const STYLE_PROPS = new Set([
  'height', 'depth', 'vertical-align', 'margin-left', 'margin-right', 'margin-top', 'margin-bottom', 'top', 'bottom',
  'left', 'right', 'width', 'min-width', 'max-width', 'padding-left', 'padding-right', 'border-bottom-width',
  'border-top-width', 'border-right-width', 'border-left-width', 'border-style', 'border-color', 'color',
  'background-color', 'position', 'font-size', 'line-height',
]);
const STYLE_VALUE = /^[-+0-9.a-z#%, ()]{1,64}$/i;

/** Keeps whitelisted declarations with harmless values; drops everything else (url(), expression …). */
export function sanitiseStyle(style: string): string {
  const out: string[] = [];
  for (const decl of style.split(';')) {
    const m = /^\s*([a-z-]+)\s*:\s*(.*?)\s*$/i.exec(decl);
    if (!m) continue;
    const prop = m[1]!.toLowerCase();
    const value = m[2]!;
    if (!STYLE_PROPS.has(prop) || !STYLE_VALUE.test(value) || /url|expression|var\(|image|attr/i.test(value)) continue;
    if (prop === 'position' && value !== 'relative' && value !== 'absolute') continue;
    out.push(`${prop}:${value}`);
  }
  return out.join(';');
}

function rewriteKatexHtml(html: string): string {
  // KaTeX escapes attribute values with &quot; so a style value never contains a raw quote.
  return html.replace(/\sstyle="([^"]*)"/g, (_m, style: string) => {
    const clean = sanitiseStyle(style.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    return clean ? ` data-kstyle="${escapeHtml(clean)}"` : '';
  });
}

const VERTICAL = /(?:^|;)\s*(height|top|bottom|vertical-align|margin-top|margin-bottom|padding-top|padding-bottom|border-top-width|border-bottom-width|min-height)\s*:\s*(-?[0-9.]+)em/g;
const VOID_TAGS = /^(path|line|rect|img|br|mspace|hr)$/i;

/**
 * An upper bound, in em, of how far the content of KaTeX HTML can reach vertically: the largest sum of
 * the vertical offsets and heights along any path from the root to an element (what relative
 * positioning, vertical-align and \smash can add up to), whatever the boxes' own heights claim.
 */
export function formulaExtentEm(html: string): number {
  const stack: number[] = [0];
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
    if (m[1]) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    let v = 0;
    const style = /\sstyle="([^"]*)"/.exec(m[3]!)?.[1];
    if (style) for (const d of style.matchAll(VERTICAL)) v += Math.abs(Number(d[2]));
    const here = stack[stack.length - 1]! + v;
    if (here > max) max = here;
    if (!m[4] && !VOID_TAGS.test(m[2]!)) stack.push(here);
  }
  return max;
}

/** The vertical extent allowed for a formula with this source. */
export function formulaBoundEm(tex: string): number {
  const rows = (tex.match(/\\\\/g) ?? []).length + 1;
  return MAX_FORMULA_EM + FORMULA_EM_PER_ROW * rows;
}

function mathSource(tex: string, display: boolean, open: string, close: string): string {
  const cls = display ? 'math-source math-source-display' : 'math-source';
  return `<code class="${cls}" data-tex="${escapeHtml(tex)}" data-display="${display ? 1 : 0}">${escapeHtml(open + tex + close)}</code>`;
}

const mathCache = new Map<string, string>();
const MATH_CACHE_MAX = 2000;

/** Renders one formula; any problem (too long, too deep, parse error, expansion limit) shows the source. */
export function renderMath(tex: string, display: boolean, options: RenderOptions = {}, delims?: [string, string]): string {
  const [open, close] = delims ?? (display ? ['$$', '$$'] : ['$', '$']);
  if (tex.length > MAX_TEX_LENGTH || texDepth(tex) > MAX_TEX_DEPTH) return mathSource(tex, display, open, close);
  const macros = options.macros ?? {};
  const key = `${display ? 'D' : 'I'}\u0000${tex}\u0000${macroKey(macros)}`;
  const cached = mathCache.get(key);
  if (cached !== undefined) return cached;
  let html: string;
  try {
    const body = katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      trust: false,
      strict: 'ignore',
      maxExpand: MAX_EXPAND,
      maxSize: MAX_SIZE_EM,
      output: 'htmlAndMathml',
      // A fresh copy: \gdef in one formula must not leak into the next (or into the caller's object).
      macros: { ...macros },
      globalGroup: false,
    });
    // Too tall for its source (\raisebox{-1000em}, piled-up offsets): the source, not a huge panel.
    if (formulaExtentEm(body) > formulaBoundEm(tex)) throw new Error('formula too tall');
    const cls = display ? 'math math-display' : 'math math-inline';
    html = `<span class="${cls}" data-tex="${escapeHtml(tex)}" data-display="${display ? 1 : 0}">${rewriteKatexHtml(body)}</span>`;
  } catch {
    html = mathSource(tex, display, open, close);
  }
  if (mathCache.size >= MATH_CACHE_MAX) mathCache.clear();
  mathCache.set(key, html);
  return html;
}

const macroKeys = new WeakMap<object, string>();
function macroKey(macros: Record<string, string>): string {
  let k = macroKeys.get(macros);
  if (k === undefined) {
    k = JSON.stringify(Object.entries(macros).sort(([a], [b]) => (a < b ? -1 : 1)));
    macroKeys.set(macros, k);
  }
  return k;
}

function createMarkdown(options: RenderOptions): Md {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });
  md.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());
  addMathRules(md);
  const r = md.renderer.rules;
  r.math_inline = (tokens, idx) => renderMath(tokens[idx]!.content, false, options, [tokens[idx]!.markup, tokens[idx]!.info]);
  r.math_inline_display = (tokens, idx) => renderMath(tokens[idx]!.content, true, options, [tokens[idx]!.markup, tokens[idx]!.info]);
  r.math_block = (tokens, idx) =>
    `<div class="math-block">${renderMath(tokens[idx]!.content.trim(), true, options, [tokens[idx]!.markup, tokens[idx]!.info])}</div>\n`;
  // Links: no href; the panel opens http(s) links only through the extension, after confirmation.
  r.link_open = (tokens, idx) => {
    const href = String(tokens[idx]!.attrGet('href') ?? '');
    const safe = /^https?:\/\//i.test(href);
    return safe
      ? `<a class="ext-link" role="link" tabindex="0" data-href="${escapeHtml(href)}" title="${escapeHtml(href)}">`
      : '<span class="dead-link">';
  };
  r.link_close = (tokens, idx) => {
    // Find the matching open to know which tag to close.
    for (let i = idx - 1; i >= 0; i--) {
      const t = tokens[i]!;
      if (t.type === 'link_open') return /^https?:\/\//i.test(String(t.attrGet('href') ?? '')) ? '</a>' : '</span>';
    }
    return '</span>';
  };
  // Images are never fetched: show their alt text as a marker.
  r.image = (tokens, idx) => {
    const t = tokens[idx]!;
    const alt = t.children ? t.children.map((c) => c.content).join('') : t.content;
    return `<span class="image-placeholder">[${escapeHtml(alt || 'image')}]</span>`;
  };
  return md;
}

const mdCache = new Map<string, Md>();
function markdownFor(options: RenderOptions): Md {
  const key = macroKey(options.macros ?? {});
  let md = mdCache.get(key);
  if (!md) {
    if (mdCache.size > 8) mdCache.clear();
    md = createMarkdown({ macros: options.macros ?? {} });
    mdCache.set(key, md);
  }
  return md;
}

/** Markdown with math → inert HTML. Never throws. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  const text = normaliseModelText(source);
  if (text.length > MAX_BLOCK_LENGTH) return `<pre class="too-long">${escapeHtml(text.slice(0, MAX_BLOCK_LENGTH))}</pre>`;
  try {
    return markdownFor(options).render(text);
  } catch {
    return `<pre>${escapeHtml(text)}</pre>`;
  }
}

export interface RenderedBlock {
  /** The block's Markdown source (the key for incremental updates). */
  source: string;
  html: string;
}

/**
 * Splits Markdown into top-level blocks at blank lines that are outside display math and code fences,
 * so a streaming step re-renders only its last (growing) block.
 */
export function splitBlocks(source: string): string[] {
  const lines = normaliseModelText(source).split('\n');
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let inDisplay: '$$' | '\\]' | null = null;
  let pendingBlank = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (fence) {
      current.push(line);
      if (trimmed.startsWith(fence)) fence = null;
      continue;
    }
    // After a blank line: an indented line continues the block (list item, nested content); else split.
    if (pendingBlank && trimmed && !inDisplay && !/^\s/.test(line)) {
      const body = current.join('\n').replace(/\n+$/, '');
      if (body.trim()) blocks.push(body);
      current = [];
    }
    if (trimmed) pendingBlank = false;
    if (!inDisplay) {
      const f = /^(`{3,}|~{3,})/.exec(trimmed);
      if (f) {
        fence = f[1]!;
        current.push(line);
        continue;
      }
    }
    // Track $$ / \[ … \] that span lines so a blank line inside display math does not split it.
    const dollars = (trimmed.match(/\$\$/g) ?? []).length;
    if (inDisplay === '$$') {
      if (dollars % 2 === 1) inDisplay = null;
    } else if (inDisplay === '\\]') {
      if (trimmed.includes('\\]')) inDisplay = null;
    } else if (dollars % 2 === 1) inDisplay = '$$';
    else if (trimmed.startsWith('\\[') && !trimmed.includes('\\]')) inDisplay = '\\]';
    if (!trimmed && !inDisplay) {
      pendingBlank = true;
      current.push(line);
      continue;
    }
    current.push(line);
  }
  const rest = current.join('\n').replace(/\n+$/, '');
  if (rest.trim()) blocks.push(rest);
  return blocks;
}

/** Renders each block separately (memoised by the caller through `source`). */
export function renderBlocks(source: string, options: RenderOptions = {}): RenderedBlock[] {
  return splitBlocks(source).map((b) => ({ source: b, html: renderMarkdown(b, options) }));
}
