// The panel's HTML shell: a strict CSP with a fresh nonce per render, local resources only.
// Pure (no vscode import) so the CSP can be unit-tested.
import { randomBytes } from 'node:crypto';

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
<script nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
