// Panel shell (CSP), document macros, hover helpers, localisation bundles.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, jsonForScript, panelHtml } from '../../../src/extension/panel/html.js';
import { INITIAL_MESSAGE_ID, UI_STRING_KEYS, parseToWebview } from '../../../src/webview/protocol.js';
import { emptyState } from '../../../src/webview/state.js';
import { extractMacros } from '../../../src/extension/panel/macros.js';

const root = join(__dirname, '..', '..', '..');

describe('panel HTML', () => {
  const input = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://r/dist/webview.js', katexCssUri: 'https://r/media/katex/katex.min.css', panelCssUri: 'https://r/media/panel.css', lang: 'ko', title: 'ReasonFlux' };
  it('has a strict CSP with a fresh nonce on every render', () => {
    const a = panelHtml(input);
    const b = panelHtml(input);
    const nonceA = /script nonce="([^"]+)"/.exec(a)![1]!;
    const nonceB = /script nonce="([^"]+)"/.exec(b)![1]!;
    assert.notEqual(nonceA, nonceB);
    assert.ok(nonceA.length >= 22);
    const csp = contentSecurityPolicy(input.cspSource, 'N');
    assert.match(csp, /^default-src 'none'; script-src 'nonce-N'; style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'nonce-N'; font-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net; img-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net data:/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.ok(a.includes(`content="${contentSecurityPolicy(input.cspSource, nonceA)}"`));
  });
  it('loads only local resources and one nonce\'d script', () => {
    const html = panelHtml({ ...input, nonce: 'abc' });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<html lang="ko">/);
    for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) assert.match(m[1]!, /^https:\/\/r\//);
  });
  it('embeds the first state as inert JSON that hostile text cannot break out of', () => {
    const problem = 'Evil </script><script>alert(1)</script> <!-- x --> & \u2028 $\\frac{1}{2}$';
    const msg = { type: 'reset', state: emptyState({ runId: 'r1', problem, status: 'running', phase: 'planning' }), strings: Object.fromEntries(UI_STRING_KEYS.map((k) => [k, k])), canInsert: true };
    const html = panelHtml({ ...input, initial: msg });
    const m = new RegExp(`<script type="application/json" id="${INITIAL_MESSAGE_ID}">([^<]*)</script>`).exec(html);
    assert.ok(m, 'the JSON element is present and contains no "<"');
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'only the data block and the nonce\'d bundle');
    assert.doesNotMatch(m[1]!, /[<>&\u2028\u2029]/);
    const parsed = parseToWebview(JSON.parse(m[1]!));
    assert.equal(parsed?.type, 'reset');
    assert.equal(parsed?.type === 'reset' ? parsed.state.problem : '', problem, 'round-trips exactly');
    assert.equal(jsonForScript('a<b'), '"a\\u003cb"');
    assert.doesNotMatch(panelHtml(input), new RegExp(INITIAL_MESSAGE_ID), 'no data block without a state');
  });

  it('ships KaTeX CSS and fonts in media/ (no CDN)', () => {
    const css = readFileSync(join(root, 'media', 'katex', 'katex.min.css'), 'utf8');
    const fonts = new Set(readdirSync(join(root, 'media', 'katex', 'fonts')));
    for (const m of css.matchAll(/url\((fonts\/[^)]+\.woff2)\)/g)) assert.ok(fonts.has(m[1]!.slice(6)), m[1]);
    assert.doesNotMatch(readFileSync(join(root, 'media', 'panel.css'), 'utf8'), /https?:|#[0-9a-f]{3,6}\b|rgb\(/i);
  });
});

describe('extractMacros', () => {
  it('reads \\newcommand, \\renewcommand, \\DeclareMathOperator and \\def from the preamble', () => {
    const tex = [
      '\\documentclass{article}',
      '\\newcommand{\\R}{\\mathbb{R}}',
      '\\newcommand\\abs[1]{\\left|#1\\right|}',
      '\\renewcommand{\\vec}[1]{\\mathbf{#1}}',
      '\\DeclareMathOperator{\\lcm}{lcm}',
      '\\DeclareMathOperator*{\\argmax}{arg\\,max}',
      '\\def\\eps{\\varepsilon}',
      '% \\newcommand{\\commented}{x}',
      '\\begin{document}',
      '\\newcommand{\\inbody}{y}',
    ].join('\n');
    assert.deepEqual(extractMacros(tex, 'latex'), {
      '\\R': '\\mathbb{R}',
      '\\abs': '\\left|#1\\right|',
      '\\vec': '\\mathbf{#1}',
      '\\lcm': '\\operatorname{lcm}',
      '\\argmax': '\\operatorname*{arg\\,max}',
      '\\eps': '\\varepsilon',
    });
  });
  it('reads Markdown definitions anywhere and the markdown.math.macros setting', () => {
    assert.deepEqual(extractMacros('$\\newcommand{\\N}{\\mathbb{N}}$ text', 'markdown', { '\\Z': '\\mathbb{Z}', bad: 1 }), { '\\Z': '\\mathbb{Z}', '\\N': '\\mathbb{N}' });
  });
  it('refuses to redefine unsafe or definitional commands and bounds sizes', () => {
    assert.deepEqual(extractMacros('\\newcommand{\\href}{x}\\def\\def{y}\\newcommand{\\ok}{z}', 'latex'), { '\\ok': 'z' });
    const many = Array.from({ length: 500 }, (_, i) => `\\newcommand{\\m${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26) % 26)}}{${i}}`).join('\n');
    assert.ok(Object.keys(extractMacros(many, 'latex')).length <= 200);
    assert.deepEqual(extractMacros('\\newcommand{\\u}{' + '{'.repeat(5000), 'latex'), {});
  });
});

describe('localisation', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
    });
  }
  it('has a Korean translation for every vscode.l10n.t string of the editor features', () => {
    const ko = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
    const files = [...['commands', 'panel', 'models', 'secrets', 'hover', 'insert', 'history', 'status', 'l10n'].flatMap((d) => sources(join(root, 'src', 'extension', d)))];
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        const key = m[1]!.replace(/\\'/g, "'").replace(/\\\\/g, '\\');
        if (!(key in ko)) missing.push(`${f.slice(root.length)}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });
  it('localises every command title of the manifest', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ title: string; category?: string }> } };
    const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const ko = JSON.parse(readFileSync(join(root, 'package.nls.ko.json'), 'utf8')) as Record<string, string>;
    for (const c of pkg.contributes.commands) {
      for (const v of [c.title, c.category].filter((x): x is string => !!x)) {
        const key = /^%(.+)%$/.exec(v)?.[1];
        assert.ok(key, `${v} is a %key%`);
        assert.ok(en[key] && ko[key], `${key} in both bundles`);
      }
    }
  });
});
