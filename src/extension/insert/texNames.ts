// Which control sequences and environments model math may use when it is written into a .tex document:
// the LaTeX kernel's math commands, those of amsmath and amssymb/amsfonts (only when the document loads
// them), and what the document defines itself. Everything else is shown as text, never executed
// (src/extension/insert/texSafety.ts). Pure data.

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Math-mode commands of the LaTeX kernel (and the plain TeX definitions LaTeX keeps). */
export const KERNEL_MATH = new Set(
  words(`
  alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho varrho
  sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
  pm mp times div cdot ast star circ bullet cap cup uplus sqcap sqcup vee wedge lor land setminus wr diamond
  bigtriangleup bigtriangledown triangleleft triangleright oplus ominus otimes oslash odot bigcirc dagger ddagger amalg
  le leq ge geq neq ne equiv prec preceq succ succeq sim simeq approx cong ll gg subset supset subseteq supseteq
  sqsubseteq sqsupseteq in ni notin vdash dashv models perp mid parallel bowtie smile frown propto asymp doteq to gets owns
  leftarrow rightarrow Leftarrow Rightarrow leftrightarrow Leftrightarrow longleftarrow longrightarrow Longleftarrow
  Longrightarrow longleftrightarrow Longleftrightarrow iff mapsto longmapsto uparrow downarrow updownarrow Uparrow
  Downarrow Updownarrow nearrow searrow swarrow nwarrow hookleftarrow hookrightarrow leftharpoonup rightharpoonup
  leftharpoondown rightharpoondown rightleftharpoons
  infty nabla partial forall exists neg lnot emptyset Re Im aleph hbar ell wp prime angle triangle backslash surd top bot
  flat natural sharp clubsuit diamondsuit heartsuit spadesuit imath jmath ldots cdots vdots ddots dots colon ldotp cdotp
  sum prod coprod int oint bigcap bigcup bigsqcup bigvee bigwedge bigodot bigotimes bigoplus biguplus
  arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim liminf limsup ln log max min Pr
  sec sin sinh sup tan tanh bmod pmod
  langle rangle lfloor rfloor lceil rceil lbrace rbrace vert Vert lgroup rgroup
  hat check breve acute grave tilde bar vec dot ddot widehat widetilde overline underline overbrace underbrace
  overrightarrow overleftarrow mathring
  frac sqrt stackrel not left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr
  bigm Bigm biggm Biggm
  mathrm mathbf mathit mathsf mathtt mathcal mathnormal displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits
  mbox textrm textbf textit textsf texttt textup textnormal emph
  quad qquad enspace phantom vphantom hphantom smash mathstrut
`),
);

/** Added by amsmath (also loaded by mathtools and a few others). */
export const AMSMATH = new Set(
  words(`
  dfrac tfrac cfrac binom dbinom tbinom text operatorname boxed implies impliedby xrightarrow xleftarrow overset underset
  substack dotsc dotsb dotsm dotsi dotso iint iiint iiiint lvert rvert lVert rVert mod pod boldsymbol pmb dddot ddddot
  varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega
  overleftrightarrow underleftarrow underrightarrow underleftrightarrow
`),
);

/** Added by amssymb (amsfonts gives the alphabets). */
export const AMSSYMB = new Set(
  words(`
  mathbb mathfrak leqslant geqslant lesssim gtrsim nleq ngeq nless ngtr nmid nparallel subsetneq supsetneq nsubseteq
  nsupseteq varnothing therefore because square blacksquare checkmark complement triangleq lll ggg digamma varkappa beth
  gimel daleth Box Diamond nexists hslash Bbbk measuredangle sphericalangle lozenge blacklozenge bigstar vartriangle
  blacktriangle triangledown dotplus ltimes rtimes intercal smallsetminus ncong nsim circledast circledcirc boxplus
  boxminus boxtimes centerdot leftrightarrows rightrightarrows upharpoonright restriction eqslantless eqslantgtr
  approxeq thicksim thickapprox backsim lessgtr gtrless curlyvee curlywedge
`),
);

/** Mandatory arguments of commands (so a missing one becomes `{}` instead of swallowing the next token). */
export const ARITY: Record<string, number> = {
  frac: 2, dfrac: 2, tfrac: 2, cfrac: 2, binom: 2, dbinom: 2, tbinom: 2, stackrel: 2, overset: 2, underset: 2,
  sqrt: 1, boxed: 1, operatorname: 1, text: 1, mbox: 1, textrm: 1, textbf: 1, textit: 1, textsf: 1, texttt: 1, textup: 1,
  textnormal: 1, emph: 1, mathrm: 1, mathbf: 1, mathit: 1, mathsf: 1, mathtt: 1, mathcal: 1, mathnormal: 1, mathbb: 1,
  mathfrak: 1, boldsymbol: 1, pmb: 1, hat: 1, check: 1, breve: 1, acute: 1, grave: 1, tilde: 1, bar: 1, vec: 1, dot: 1,
  ddot: 1, dddot: 1, ddddot: 1, widehat: 1, widetilde: 1, overline: 1, underline: 1, overbrace: 1, underbrace: 1,
  overrightarrow: 1, overleftarrow: 1, overleftrightarrow: 1, underleftarrow: 1, underrightarrow: 1,
  underleftrightarrow: 1, mathring: 1, phantom: 1, vphantom: 1, hphantom: 1, smash: 1, pmod: 1, pod: 1, substack: 1,
  xrightarrow: 1, xleftarrow: 1, not: 1,
};

/** Commands whose argument is text, not math. */
export const TEXT_ARGUMENT = new Set(words('text mbox textrm textbf textit textsf texttt textup textnormal emph'));

/** Commands that must be followed by a delimiter. */
export const NEEDS_DELIMITER = new Set(words('left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm biggm Biggm'));

/** Control-sequence delimiters (besides the characters `( ) [ ] | / . < >` and `\{ \} \|`). */
export const DELIMITER_NAMES = new Set(
  words('langle rangle lfloor rfloor lceil rceil lbrace rbrace vert Vert lvert rvert lVert rVert lgroup rgroup uparrow downarrow updownarrow Uparrow Downarrow Updownarrow backslash'),
);

/** Commands allowed inside a text argument (\text{…}) of model math. */
export const TEXT_MODE = new Set(words('textbf textit textrm textsf texttt textup textnormal emph mbox ldots dots quad qquad enspace'));

/** Math environments: name → column limit (0: no `&` at all; Infinity: any). */
export const KERNEL_ENVS: Record<string, number> = { array: Infinity };
export const AMSMATH_ENVS: Record<string, number> = {
  aligned: Infinity, alignedat: Infinity, gathered: 1, split: 2, cases: 2, matrix: 10, pmatrix: 10, bmatrix: 10,
  Bmatrix: 10, vmatrix: 10, Vmatrix: 10, smallmatrix: 10, subarray: 1,
};

/** Display environments a model writes inside math: written as the amsmath inner environment. */
export const DISPLAY_ENV_AS: Record<string, string> = {
  align: 'aligned', 'align*': 'aligned', flalign: 'aligned', 'flalign*': 'aligned', alignat: 'aligned', 'alignat*': 'aligned',
  eqnarray: 'aligned', 'eqnarray*': 'aligned', gather: 'gathered', 'gather*': 'gathered', multline: 'gathered',
  'multline*': 'gathered', equation: '', 'equation*': '', displaymath: '', math: '',
};

/**
 * Stand-ins when the document lacks the package (or the command is not LaTeX at all). `to` replaces the
 * command; `open`/`close` wrap its arguments in order (e.g. \boxed{x} → \fbox{$x$}).
 */
export interface Substitute {
  to: string;
  open?: string[];
  close?: string[];
}
export const WITHOUT_AMSMATH: Record<string, Substitute> = {
  dfrac: { to: '\\frac' }, tfrac: { to: '\\frac' }, cfrac: { to: '\\frac' },
  text: { to: '\\mbox' }, operatorname: { to: '\\mathrm' },
  boxed: { to: '', open: ['\\fbox{$'], close: ['$}'] },
  binom: { to: '', open: ['{{', '{'], close: ['}\\choose', '}}'] },
  dbinom: { to: '', open: ['{{', '{'], close: ['}\\choose', '}}'] },
  tbinom: { to: '', open: ['{{', '{'], close: ['}\\choose', '}}'] },
  implies: { to: '\\Longrightarrow' }, impliedby: { to: '\\Longleftarrow' },
  iint: { to: '\\int\\!\\!\\int' }, iiint: { to: '\\int\\!\\!\\int\\!\\!\\int' },
  lvert: { to: '|' }, rvert: { to: '|' }, lVert: { to: '\\|' }, rVert: { to: '\\|' },
  dotsc: { to: '\\ldots' }, dotso: { to: '\\ldots' }, dotsb: { to: '\\cdots' }, dotsm: { to: '\\cdots' }, dotsi: { to: '\\cdots' },
  mod: { to: '\\bmod' }, boldsymbol: { to: '\\mathbf' }, pmb: { to: '\\mathbf' },
  overset: { to: '\\stackrel' },
  xrightarrow: { to: '\\stackrel', open: ['{'], close: ['}{\\longrightarrow}'] },
  xleftarrow: { to: '\\stackrel', open: ['{'], close: ['}{\\longleftarrow}'] },
};
export const WITHOUT_AMSSYMB: Record<string, Substitute> = {
  mathbb: { to: '\\mathbf' }, mathfrak: { to: '\\mathcal' }, leqslant: { to: '\\le' }, geqslant: { to: '\\ge' },
  varnothing: { to: '\\emptyset' }, nmid: { to: '\\not\\mid' }, nleq: { to: '\\not\\le' }, ngeq: { to: '\\not\\ge' },
  subsetneq: { to: '\\subset' }, supsetneq: { to: '\\supset' }, therefore: { to: '\\Rightarrow' },
};
/** Common names that are not LaTeX (KaTeX / MathJax extensions), whatever the packages. */
export const NOT_LATEX: Record<string, (amssymb: boolean) => Substitute> = {
  R: (a) => ({ to: a ? '\\mathbb{R}' : '\\mathbf{R}' }),
  N: (a) => ({ to: a ? '\\mathbb{N}' : '\\mathbf{N}' }),
  Z: (a) => ({ to: a ? '\\mathbb{Z}' : '\\mathbf{Z}' }),
  Q: (a) => ({ to: a ? '\\mathbb{Q}' : '\\mathbf{Q}' }),
  C: (a) => ({ to: a ? '\\mathbb{C}' : '\\mathbf{C}' }),
  degree: () => ({ to: '^{\\circ}' }),
  lt: () => ({ to: '<' }),
  gt: () => ({ to: '>' }),
  dif: () => ({ to: '\\mathrm{d}' }),
};

/** Unicode the model writes for math: the LaTeX math command (used in math and, wrapped in $…$, in text). */
export const UNICODE_MATH: Record<string, string> = {
  '≤': '\\le', '≥': '\\ge', '≠': '\\ne', '≈': '\\approx', '≡': '\\equiv', '∼': '\\sim', '≅': '\\cong', '∝': '\\propto',
  '×': '\\times', '÷': '\\div', '·': '\\cdot', '⋅': '\\cdot', '∙': '\\cdot', '−': '-', '±': '\\pm', '∓': '\\mp',
  '∞': '\\infty', '√': '\\surd', '∑': '\\sum', '∏': '\\prod', '∫': '\\int', '∂': '\\partial', '∇': '\\nabla',
  '→': '\\to', '←': '\\leftarrow', '↔': '\\leftrightarrow', '⇒': '\\Rightarrow', '⇐': '\\Leftarrow', '⇔': '\\Leftrightarrow',
  '↦': '\\mapsto', '∈': '\\in', '∉': '\\notin', '∋': '\\ni', '⊂': '\\subset', '⊃': '\\supset', '⊆': '\\subseteq',
  '⊇': '\\supseteq', '∪': '\\cup', '∩': '\\cap', '∅': '\\emptyset', '∀': '\\forall', '∃': '\\exists', '¬': '\\neg',
  '∧': '\\wedge', '∨': '\\vee', '⊥': '\\perp', '∥': '\\parallel', '∠': '\\angle', '△': '\\triangle', '°': '^{\\circ}',
  '′': '\\prime', '…': '\\ldots', '⋯': '\\cdots', '∘': '\\circ', '⊕': '\\oplus', '⊗': '\\otimes', 'ℓ': '\\ell',
  'α': '\\alpha', 'β': '\\beta', 'γ': '\\gamma', 'δ': '\\delta', 'ε': '\\varepsilon', 'ζ': '\\zeta', 'η': '\\eta',
  'θ': '\\theta', 'ι': '\\iota', 'κ': '\\kappa', 'λ': '\\lambda', 'μ': '\\mu', 'ν': '\\nu', 'ξ': '\\xi', 'π': '\\pi',
  'ρ': '\\rho', 'σ': '\\sigma', 'τ': '\\tau', 'υ': '\\upsilon', 'φ': '\\varphi', 'χ': '\\chi', 'ψ': '\\psi', 'ω': '\\omega',
  'Γ': '\\Gamma', 'Δ': '\\Delta', 'Θ': '\\Theta', 'Λ': '\\Lambda', 'Ξ': '\\Xi', 'Π': '\\Pi', 'Σ': '\\Sigma', 'Φ': '\\Phi',
  'Ψ': '\\Psi', 'Ω': '\\Omega', '⌊': '\\lfloor', '⌋': '\\rfloor', '⌈': '\\lceil', '⌉': '\\rceil', '⟨': '\\langle', '⟩': '\\rangle',
  '²': '^{2}', '³': '^{3}', '¹': '^{1}', '½': '\\frac{1}{2}', '¼': '\\frac{1}{4}', '¾': '\\frac{3}{4}',
};

/** Unicode punctuation LaTeX's UTF-8 input handles in running text. */
export const UNICODE_TEXT_OK = new Set(['–', '—', '‘', '’', '“', '”', '\u00a0', '«', '»', '„', '‚', '§', '¶', '£', '€', '©']);

/** Combining accents (after NFD) → LaTeX text accent command. */
export const ACCENTS: Record<string, string> = {
  '\u0300': '`', '\u0301': "'", '\u0302': '^', '\u0303': '~', '\u0308': '"', '\u0304': '=', '\u0307': '.', '\u030a': 'r',
  '\u030c': 'v', '\u0306': 'u', '\u030b': 'H', '\u0327': 'c',
};
