// The panel's HTML shell: a strict CSP with a fresh nonce per render, local resources only.
// Pure (no vscode import) so the CSP can be unit-tested.
import { randomBytes } from 'node:crypto';
import { INITIAL_MESSAGE_ID } from '../../webview/protocol.js';

export interface PanelHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** Webview URIs (asWebviewUri) of the bundle and the style sheets. */
  scriptUri: string;
  katexCssUri: string;
  panelCssUri: string;
  /** UI language (BCP 47), for <html lang>. */
  lang: string;
  title: string;
  nonce?: string;
  /**
   * The first message for the panel (a `reset`), embedded as inert JSON so the problem shows as soon as
   * the script runs, without waiting for the ready → reset round trip. Validated by the webview like any
   * message.
   */
  initial?: unknown;
}


/**
 * JSON that is safe inside a <script type="application/json"> element: no `<`, `>` or `&` (so no
 * `</script>` or `<!--`), and no U+2028/U+2029.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** 128 bits, base64 (CSP nonces must be unguessable and fresh per render). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function panelHtml(input: PanelHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const csp = contentSecurityPolicy(input.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="${attr(input.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${attr(input.katexCssUri)}">
<link rel="stylesheet" nonce="${nonce}" href="${attr(input.panelCssUri)}">
<title>${attr(input.title)}</title>
</head>
<body>
<main id="app"></main>
${input.initial === undefined ? '' : `<script type="application/json" id="${INITIAL_MESSAGE_ID}">${jsonForScript(input.initial)}</script>\n`}<script nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
