// TeX → SVG with MathJax (mathjax-full 3.2.2, TeX input, SVG output, no DOM: its lite adaptor). Runs
// inside the math worker (worker.ts), never on the language server's main thread. Only TeX packages
// that draw math are enabled (no \href, \html…, no \require of further packages); any TeX error is
// reported so the caller shows readable text instead.
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { SVG } from 'mathjax-full/js/output/svg.js';
import { liteAdaptor, type LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';
import 'mathjax-full/js/input/tex/boldsymbol/BoldsymbolConfiguration.js';
import 'mathjax-full/js/input/tex/cancel/CancelConfiguration.js';
import 'mathjax-full/js/input/tex/cases/CasesConfiguration.js';
import 'mathjax-full/js/input/tex/braket/BraketConfiguration.js';
import 'mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js';

export const TEX_PACKAGES = ['base', 'ams', 'boldsymbol', 'cancel', 'cases', 'braket', 'newcommand'];

export type TypesetResult = { svg: string; widthEx: number; heightEx: number } | { error: string };

interface Engine {
  adaptor: LiteAdaptor;
  convert(tex: string, display: boolean): unknown;
}
let engine: Engine | undefined;

function init(): Engine {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const tex = new TeX({
    packages: TEX_PACKAGES,
    // Bounds against hostile input: macro expansion and buffer growth.
    maxMacros: 1000,
    maxBuffer: 5 * 1024,
    formatError: (_jax: unknown, err: Error) => {
      throw err;
    },
  });
  const svg = new SVG({ fontCache: 'local' });
  const doc = mathjax.document('', { InputJax: tex, OutputJax: svg });
  return { adaptor, convert: (t, display) => doc.convert(t, { display, em: 16, ex: 8, containerWidth: 80 * 16 }) };
}

/** One formula as a standalone SVG document (colour `currentColor`), or the TeX error. Never throws. */
export function typeset(tex: string, display: boolean): TypesetResult {
  try {
    engine ??= init();
    const node = engine.convert(tex, display);
    let svg = engine.adaptor.innerHTML(node as never);
    if (!svg.startsWith('<svg')) return { error: 'no svg produced' };
    // MathJax marks errors with <g data-mml-node="merror"> when formatError does not throw (older paths).
    if (svg.includes('data-mml-node="merror"')) return { error: 'TeX error' };
    const w = /\swidth="([\d.]+)ex"/.exec(svg);
    const h = /\sheight="([\d.]+)ex"/.exec(svg);
    // The inline style (vertical-align) means nothing inside an <img>.
    svg = svg.replace(/^<svg style="[^"]*"/, '<svg');
    return { svg, widthEx: w ? Number(w[1]) : 0, heightEx: h ? Number(h[1]) : 0 };
  } catch (err) {
    const message = (err as { message?: unknown } | null)?.message;
    return { error: typeof message === 'string' ? message : String(err) };
  }
}
