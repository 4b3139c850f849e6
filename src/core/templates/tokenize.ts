// Text analysis for template retrieval: LaTeX-aware, lightly stemmed English with a small concept map,
// and CJK handled by character bigrams (Chinese, Japanese) or words plus bigrams (Korean Hangul).
// The same analyser runs over templates (index build) and queries, so both sides meet on the same terms.

/** English words that carry no retrieval signal (after lower-casing, before stemming). */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor of to in on at by for with from into onto upon as is are was were be been being am ' +
    'it its it\'s this that these those there here their them they he she his her him we our us you your i me my ' +
    'what which who whom whose when where why how than then so such if else also only just very can could would should ' +
    'will shall may might must do does did done has have had having not no yes all any each every some both either ' +
    'neither other another more most less least much many few one ones own same too s t let lets suppose given ' +
    'find compute calculate determine evaluate express enter answer write show prove value values number numbers ' +
    'form following true false about after before above below between through during without within ' +
    'over under again further once out up down off per via use using used get gets got make makes made take takes ' +
    'need needs know known say says said like way e g ie eg etc whether while because since until' +
    ' decide decided give gives given found want wants wanted tell told call called put ask asked got going goes went' +
    ' person people friend friends day days year years today name named time times' +
    ' equal equals enough consist consisting exactly possible actually certain particular much still ever never' +
    ' notation simplest nearest hundredth tenth whole keep kept'+
    ' mathrm text textbf textit mbox displaystyle left right big bigg bigl bigr quad qquad begin end array ' +
    'vdots ddots hspace vspace mathbf mathit operatorname emph tfrac dfrac limits nolimits'
  ).split(/\s+/),
);
// "many", "way" and "how" are stop words on their own, but "how many" / "in how many ways" are
// counting signals: phrases are matched before stop words are dropped.

/** LaTeX commands → words. Commands not listed become their own name (e.g. `\alpha` → "alpha"). */
const LATEX_WORDS: Record<string, string> = {
  frac: 'fraction', dfrac: 'fraction', tfrac: 'fraction', cfrac: 'fraction continued',
  binom: 'binomial choose', dbinom: 'binomial choose', tbinom: 'binomial choose', choose: 'binomial choose',
  sin: 'sine', cos: 'cosine', tan: 'tangent', cot: 'cotangent trig', sec: 'secant trig',
  csc: 'cosecant trig', arcsin: 'arcsine inverse trig', arccos: 'arccosine inverse trig',
  arctan: 'arctangent inverse trig', sinh: 'hyperbolic', cosh: 'hyperbolic', tanh: 'hyperbolic',
  log: 'logarithm', ln: 'logarithm natural', lg: 'logarithm', exp: 'exponential',
  sqrt: 'radical', sum: 'summation series', prod: 'product', int: 'integral', iint: 'integral double',
  oint: 'integral', lim: 'limit', infty: 'infinity', partial: 'partial derivative', nabla: 'gradient',
  equiv: 'congruence modular', pmod: 'modular', bmod: 'modular', mod: 'modular',
  gcd: 'gcd divisor', lcm: 'lcm multiple', mid: 'divides divisibility', nmid: 'divisibility',
  angle: 'angle', measuredangle: 'angle', triangle: 'triangle', circ: 'degree', perp: 'perpendicular',
  parallel: 'parallel', cong: 'congruent', sim: 'similar', overline: 'segment', overrightarrow: 'vector',
  vec: 'vector', mathbf: '', det: 'determinant', pmatrix: 'matrix', bmatrix: 'matrix', vmatrix: 'determinant',
  matrix: 'matrix', cdot: '', times: '', div: 'division', pm: 'plus minus', mp: '',
  le: 'inequality', leq: 'inequality', ge: 'inequality', geq: 'inequality', ne: '', neq: '',
  lfloor: 'floor', rfloor: 'floor', lceil: 'ceiling', rceil: 'ceiling', floor: 'floor', ceil: 'ceiling',
  pi: 'pi', theta: 'angle', mathbb: '', in: '', subset: 'set', subseteq: 'set', cup: 'union set',
  cap: 'intersection set', emptyset: 'set empty', varnothing: 'set empty', setminus: 'set',
  forall: '', exists: '', implies: '', iff: '', to: '', rightarrow: '', approx: 'approximation',
  overset: '', underset: '', max: 'maximum', min: 'minimum', arg: 'argument complex', re: 'real', im: 'imaginary',
  hat: '', widehat: '', tilde: '', widetilde: '', check: '', dot: '', ddot: '', breve: '', acute: '', grave: '',
  bar: 'conjugate', prime: 'derivative', dots: 'sequence', ldots: 'sequence', cdots: 'sequence', dotsm: 'product sequence', dotsb: 'sequence', text: '', mbox: '',
  cases: 'piecewise', lt: 'inequality', gt: 'inequality',
  '%': 'percent', '$': 'dollar',
};

/**
 * Function names written without a backslash ("sin x", "log 8") mean what their LaTeX commands mean, so
 * `sin x` and `\sin x` analyse alike on both sides (templates write either).
 */
const BARE_FUNCTIONS = new Set([
  'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh',
  'log', 'ln', 'exp', 'gcd', 'lcm', 'det', 'lim', 'mod',
]);

/** British spellings folded into the American ones the library mostly uses (before stemming). */
const SPELLINGS: Record<string, string> = {
  colour: 'color', colours: 'colors', coloured: 'colored', colouring: 'coloring', colourings: 'colorings',
  centre: 'center', centres: 'centers', centred: 'centered', metre: 'meter', metres: 'meters',
  litre: 'liter', litres: 'liters', neighbour: 'neighbor', neighbours: 'neighbors', neighbouring: 'neighboring',
  favourable: 'favorable', favour: 'favor', analyse: 'analyze', organise: 'organize', organised: 'organized',
  minimise: 'minimize', maximise: 'maximize', minimised: 'minimized', maximised: 'maximized', labelled: 'labeled',
};

/**
 * British -ise / -isation / -yse verbs and nouns (factorise, normalisation, analyse) folded into the
 * American -ize / -ization / -yze the library mostly uses, so a navigator's "factorisation" meets a
 * template's "factorization". Short stems (rise, raise) and -wise words are left alone; a word that is
 * not a British spelling (precise) is rewritten on both sides alike, which changes nothing.
 */
function americanSpelling(word: string): string {
  if (word.length < 7 || (!word.includes('is') && !word.includes('ys'))) return word;
  const m = /^([a-z]{4,}?)(is|ys)(e|ed|es|ing|ation|ations|er|ers)$/.exec(word);
  if (!m || m[1]!.endsWith('w')) return word;
  return `${m[1]}${m[2] === 'is' ? 'iz' : 'yz'}${m[3]}`;
}

function latexWord(cmd: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(LATEX_WORDS, cmd) ? LATEX_WORDS[cmd] : undefined;
}

/** Concept map: a (stemmed) word or phrase adds concept terms, so "remainder" meets "modular". */
const CONCEPTS: ReadonlyArray<readonly [string, string]> = [
  // number theory
  ['remainder', 'modular'], ['left over', 'modular remainder'], ['leftover', 'modular remainder'], ['remain', 'remainder'], ['modulo', 'modular'], ['congruent modulo', 'modular'], ['residue', 'modular'],
  ['divisible', 'divisibility'], ['divisor', 'divisibility'], ['factor', 'divisibility'], ['multiple', 'divisibility'],
  ['greatest common divisor', 'gcd'], ['greatest common factor', 'gcd'], ['least common multiple', 'lcm'],
  ['units digit', 'modular digit'], ['last digit', 'modular digit'], ['ones digit', 'modular digit'],
  ['perfect square', 'square'], ['multiplicative order', 'order'],
  ['be the root', 'vieta roots'], ['are the root', 'vieta roots'],
  ['relatively prime', 'gcd coprime'], ['coprime', 'gcd'],
  // counting and probability
  ['how many', 'counting'], ['number of ways', 'counting'],
  ['arrange', 'permutation counting'], ['arrangement', 'permutation counting'], ['permutation', 'counting'],
  ['committee', 'combination counting'], ['choose', 'combination counting'],
  ['select', 'combination counting'], ['combination', 'counting'], ['distinct', 'counting'],
  ['random', 'probability'], ['randomly', 'probability'], ['dice', 'probability die'],
  ['die', 'probability'], ['coin', 'probability'], ['flip', 'probability'], ['toss', 'probability'],
  ['card', 'probability'], ['expected value', 'expectation'], ['expected', 'expectation'], ['odds', 'probability'],
  ['marble', 'probability'], ['ball', 'probability counting'], ['factorial', 'counting'], ['pascal', 'binomial'],
  // algebra
  ['solve', 'equation'], ['system', 'equation system'], ['slope', 'line linear'],
  ['intercept', 'line linear'], ['quadratic', 'quadratic polynomial'], ['parabola', 'quadratic conic'],
  // a parabola's vertex is quadratic; a polygon's, solid's or graph's vertex is not
  ['vertex form', 'quadratic'], ['vertex of the parabola', 'quadratic'], ['vertex of a parabola', 'quadratic'], ['discriminant', 'quadratic'],
  ['coefficient', 'polynomial'], 
  ['domain', 'function domain'], ['range', 'function range'],
  ['exponent', 'power'], ['power', 'exponent'], ['square root', 'radical'], ['cube root', 'radical'], ['roots of', 'polynomial'], ['root of', 'polynomial'],
  ['maximum', 'extremum optimization'],
  ['minimum', 'extremum optimization'], ['minimize', 'minimum extremum optimization'], ['maximize', 'maximum extremum optimization'], ['symmetric', 'symmetry'], ['largest', 'extremum'], ['smallest', 'extremum'], ['greatest', 'extremum'],
  ['least', 'extremum'], ['arithmetic sequence', 'sequence arithmetic'], ['geometric sequence', 'sequence geometric'],
['progression', 'sequence'], ['arithmetic progression', 'sequence arithmetic'], ['geometric series', 'series geometric sequence'],
  ['series', 'sequence series'], ['sum', 'summation'],
  ['logarithm', 'logarithm exponent'], ['imaginary', 'complex'], ['real part', 'complex'],
  ['ceiling', 'floor'], ['ellipse', 'conic'], ['hyperbola', 'conic'], ['asymptote', 'rational function'],
  ['rational function', 'rational'], ['partial fraction', 'rational fraction'],
  // prealgebra
  ['percent', 'percent ratio'], ['ratio', 'ratio proportion'], ['proportion', 'ratio'], ['rate', 'ratio'],
  ['average', 'mean statistics'], ['mean', 'statistics'], ['median', 'statistics'], ['mode', 'statistics'],
  ['price', 'percent money'], ['dollar', 'money'], ['cent', 'money'], ['discount', 'percent'],
  ['round', 'decimal rounding'], ['nearest', 'rounding'],
  ['mile', 'unit rate'], ['hour', 'rate'], ['minute', 'rate'], ['speed', 'rate'],
  // geometry
  ['triangle', 'geometry'], ['circle', 'geometry'], ['radius', 'circle'], ['diameter', 'circle'],
  ['circumference', 'circle'], ['chord', 'circle'], ['tangent line', 'circle'], ['inscribed', 'circle'],
  ['area', 'geometry'], ['perimeter', 'geometry'], ['volume', 'volume solid'],
  ['surface area', 'solid area'], ['cube', 'solid'], ['sphere', 'solid'], ['cylinder', 'solid'], ['cone', 'solid'],
  ['prism', 'solid'], ['pyramid', 'solid'], ['polygon', 'geometry'], ['rectangle', 'geometry'], 
  ['hexagon', 'polygon'], ['pentagon', 'polygon'], ['octagon', 'polygon'], ['trapezoid', 'geometry'],
  ['parallelogram', 'geometry'], ['rhombus', 'geometry'], ['angle', 'geometry'], ['hypotenuse', 'right triangle pythagorean'],
  ['right triangle', 'pythagorean'], ['pythagorean', 'right triangle'], ['similar', 'similarity'], ['congruent', 'congruence'],
  ['considered the same', 'symmetry'], ['considered identical', 'symmetry'], ['indistinguishable', 'symmetry'],
  // proofs over all integers
  ['for all positive integer', 'induction'], ['for every positive integer', 'induction'], ['for each positive integer', 'induction'],
  ['midpoint', 'coordinate'], 
  // precalculus
  ['trigonometry', 'trig'], ['trigonometric', 'trig'], ['sine', 'trig'], ['cosine', 'trig'], ['tangent', 'trig'],
  ['radian', 'angle trig'], ['degree', 'angle'], ['polar', 'polar coordinate'], ['rectangular coordinate', 'coordinate'],
  ['spherical', 'coordinate solid'], ['cylindrical', 'coordinate'], ['matrix', 'matrix linear'], ['determinant', 'matrix'],
  ['dot product', 'vector'], ['cross product', 'vector'], ['projection', 'vector'],
  ['rotation', 'transformation'], ['reflection', 'transformation'], ['dilation', 'transformation'],
  ['plane', 'vector plane'], ['unit circle', 'trig'],
  ['root of unity', 'complex unity'], ['roots of unity', 'complex unity'], ['de moivre', 'complex'],
  // calculus and beyond
  ['derivative', 'calculus'], ['differentiate', 'derivative calculus'], ['integral', 'calculus'], ['integrate', 'integral calculus'],
  ['limit', 'calculus'], ['converge', 'series convergence'], ['diverge', 'series convergence'],
  ['eigenvalue', 'matrix'], ['differential equation', 'ode'],
  // CJK concept words (Chinese / Japanese / Korean)
  ['余数', 'modular'], ['同余', 'modular'], ['模', 'modular'], ['余り', 'modular'], ['合同', 'modular'], ['나머지', 'modular'],
  ['概率', 'probability'], ['確率', 'probability'], ['확률', 'probability'],
  ['三角形', 'triangle'], ['삼각형', 'triangle'], ['圆', 'circle'], ['円', 'circle'], ['원', 'circle'],
  ['方程', 'equation'], ['方程式', 'equation'], ['방정식', 'equation'], ['数列', 'sequence'], ['수열', 'sequence'],
  ['排列', 'permutation counting'], ['组合', 'combination counting'], ['順列', 'permutation counting'],
  ['組合せ', 'combination counting'], ['경우의', 'counting'], ['순열', 'permutation counting'], ['조합', 'combination counting'],
  ['不等式', 'inequality'], ['부등식', 'inequality'], ['函数', 'function'], ['関数', 'function'], ['함수', 'function'],
  ['素数', 'prime'], ['소수', 'prime'], ['导数', 'derivative calculus'], ['微分', 'derivative calculus'], ['미분', 'derivative calculus'],
  ['积分', 'integral calculus'], ['積分', 'integral calculus'], ['적분', 'integral calculus'],
  ['多少种', 'counting'], ['选法', 'combination counting'], ['选出', 'combination counting'], ['何通り', 'counting'],
  ['組み合わせ', 'combination counting'], ['뽑는', 'combination counting'], ['최댓값', 'maximum extremum'],
  ['最大值', 'maximum extremum'], ['最大値', 'maximum extremum'], ['最小值', 'minimum extremum'], ['最小値', 'minimum extremum'],
  ['面积', 'area geometry'], ['面積', 'area geometry'], ['넓이', 'area geometry'], ['等差数列', 'sequence arithmetic'],
  ['等比数列', 'sequence geometric'], ['등차수열', 'sequence arithmetic'], ['등비수열', 'sequence geometric'],
];

/**
 * Phrases whose words mean something else together: the phrase's words give up their own terms and
 * concept terms for the phrase's. "power" alone is an exponent, but "power of a point" is a circle theorem
 * and "power series" a series: without this, either side's "power" would meet every exponent problem.
 */
const SENSES: ReadonlyArray<readonly [string, string]> = [
  ['power of a point', 'power-of-a-point point circle'],
  ['power of the point', 'power-of-a-point point circle'],
  ['power series', 'power-series series'],
  ['power mean', 'power-mean mean inequality'],
  ['power set', 'power-set set subset'],
  ['power tower', 'power-tower tower exponent'],
  // "cube" alone is a solid; these are powers.
  ['sum of cubes', 'sum-of-cubes cube sum exponent'],
  ['sum of two cubes', 'sum-of-cubes cube sum exponent'],
  ['difference of cubes', 'difference-of-cubes cube difference exponent'],
  ['difference of two cubes', 'difference-of-cubes cube difference exponent'],
  ['perfect cube', 'perfect-cube cube exponent power'],
  ['cube of', 'cube exponent power'],
];

/** A light English stemmer: plural, -ing/-ed, -ly, and common derivational endings folded together. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:ches|shes|xes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is|ys)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = undouble(w.slice(0, -2));
  if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  for (const [suffix, repl] of DERIVATIONAL) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length) + repl;
      break;
    }
  }
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

const DERIVATIONAL: ReadonlyArray<readonly [string, string]> = [
  ['izations', ''], ['ization', ''], ['ize', ''], ['iz', ''], ['ational', 'ate'], ['ation', 'ate'], ['ative', 'ate'], ['ution', 'ute'], ['ator', 'ate'], ['ness', ''],
  ['ities', ''], ['ity', ''], ['ical', 'ic'], ['ally', 'al'], ['ment', ''], ['ible', ''], ['able', ''], ['ction', 'ct'], ['ctive', 'ct'], ['rsion', 'rs'], ['rsive', 'rs'],
];

function undouble(w: string): string {
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !/[lsz]/.test(w[w.length - 1]!)) return w.slice(0, -1);
  return w;
}

interface ConceptTable {
  /** single stemmed word → concept terms */
  words: Map<string, string[]>;
  /** first stemmed word of a phrase → [rest of phrase words, concept terms][] */
  phrases: Map<string, Array<[string[], string[]]>>;
  /** CJK keys (matched as substrings of CJK runs), grouped by first character */
  cjk: Map<string, Array<[string, string[]]>>;
  /** first stemmed word of a sense phrase (SENSES) → [rest of the phrase's words, its terms][] */
  senses: Map<string, Array<[string[], string[]]>>;
}

let conceptTable: ConceptTable | undefined;

function concepts(): ConceptTable {
  if (conceptTable) return conceptTable;
  const words = new Map<string, string[]>();
  const phrases = new Map<string, Array<[string[], string[]]>>();
  const cjk = new Map<string, Array<[string, string[]]>>();
  for (const [key, value] of CONCEPTS) {
    const targets = value.split(/\s+/).filter(Boolean).map(stem);
    if (CJK_CHAR.test(key)) {
      const k = key.replace(/\s+/g, '');
      const list = cjk.get(k[0]!) ?? [];
      list.push([k, targets]);
      cjk.set(k[0]!, list);
      continue;
    }
    const parts = key.split(/\s+/).map(stem);
    if (parts.length === 1) words.set(parts[0]!, [...(words.get(parts[0]!) ?? []), ...targets]);
    else {
      const list = phrases.get(parts[0]!) ?? [];
      list.push([parts.slice(1), targets]);
      phrases.set(parts[0]!, list);
    }
  }
  const senses = new Map<string, Array<[string[], string[]]>>();
  for (const [key, value] of SENSES) {
    const parts = key.split(/\s+/).map(stem);
    const list = senses.get(parts[0]!) ?? [];
    list.push([parts.slice(1), value.split(/\s+/).filter(Boolean).map(stem)]);
    senses.set(parts[0]!, list);
  }
  conceptTable = { words, phrases, cjk, senses };
  return conceptTable;
}

const CJK_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/;

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** 0 other, 1 Latin lower-case letter, 2 digit, 3 Han/kana (Chinese, Japanese), 4 Hangul (Korean). */
function charClass(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? 1 : c >= 48 && c <= 57 ? 2 : 0;
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) return 3;
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return 4;
  return 0;
}

const SYMBOL_WORDS: Record<string, string> = {
  '√': ' radical ', 'π': ' pi ', '∫': ' integral ', '∑': ' summation ', '≡': ' modular ', '≤': ' inequality ',
  '≥': ' inequality ', '∠': ' angle ', '△': ' triangle ', '°': ' degree ', '%': ' percent ', $: ' ',
};

/** Rewrites LaTeX into plain words: commands become concept words, markup disappears. */
export function latexToWords(text: string): string {
  let t = text;
  // Function names without a backslash become commands, so "sin x" and "\\sin x" read alike.
  if (BARE_FUNCTION_RE.test(t)) t = t.replace(BARE_FUNCTION_RE_G, '\\$1');
  const hasBackslash = t.includes('\\');
  const hasInequality = INEQUALITY_RE.test(t);
  // An inequality of a fraction with the variable in its denominator, or of a product of linear factors:
  // a rational / factored inequality, solved by a sign chart.
  if (hasInequality) {
    if (/\\frac\s*\{[^{}]*\}\s*\{[^{}]*[a-z][^{}]*\}/.test(t)) t += ' rational inequality ';
    if (/\(\s*[a-z]\s*[+\-]\s*\d+\s*\)\s*\^?\s*\d?\s*\(\s*[a-z]\s*[+\-]\s*\d+\s*\)/.test(t)) t += ' factored inequality sign ';
    // Piecewise definitions: "x^2 if x < 2, 3x - 2 if x >= 2".
    if ((t.match(/\bif\s*\$?\s*[a-z]\s*(?:<|>|\\le|\\ge|\\lt|\\gt|≤|≥)/g)?.length ?? 0) >= 2) t += ' piecewise ';
  }
  // a^k - 1 (or a^k ≡ 1) asked for the least k: the multiplicative order.
  if (/(?:least|smallest)/.test(t) && /[0-9a-z]\s*\^\s*\{?\s*[a-z]\s*\}?\s*(?:-\s*1(?![0-9])|(?:\\equiv|≡)\s*1(?![0-9]))/.test(t)) t += ' multiplicative order ';
  // a^n - b^n, a^n + b^n: a difference (sum) of powers.
  if (/[0-9a-z]\s*\^\s*\{?\s*[0-9a-z]+\s*\}?\s*[-+]\s*[0-9a-z]+\s*\^\s*\{?\s*[0-9a-z]/.test(t)) t += ' difference of powers ';
  // "the largest k such that 3^k divides …": the exponent of a prime in a number (its p-adic valuation).
  if (/(?:largest|greatest|highest)[^.]{0,20}(?:such that|for which)\s*\$?\s*\d+\s*\^\s*\{?\s*[a-z]\s*\}?\s*\$?\s*divides/.test(t)) t += ' highest power dividing ';
  // Triangles named by their angles or sides, in numbers that are otherwise dropped: "30-60-90" and
  // "45°-45°-90°" are special right triangles, "3-4-5" and "5-12-13" Pythagorean triples.
  if (/\d\s*(?:°|\^\s*\{?\s*\\circ\s*\}?)?\s*-\s*\d/.test(t)) {
    t = t.replace(/(?<![0-9.])(\d{1,3})\s*(?:°|\^\s*\{?\s*\\circ\s*\}?)?\s*-\s*(\d{1,3})\s*(?:°|\^\s*\{?\s*\\circ\s*\}?)?\s*-\s*(\d{1,3})(?![0-9.])/g, (m, a: string, b: string, c: string) => {
      const [x, y, z] = [Number(a), Number(b), Number(c)];
      if ((x === 30 && y === 60 && z === 90) || (x === 45 && y === 45 && z === 90)) return ` ${m} special right triangle `;
      if (x > 0 && y > 0 && x < y && x * x + y * y === z * z) return ` ${m} pythagorean triple right triangle `;
      return m;
    });
  }
  // C(n, k) written in plain text is a binomial coefficient, as \binom{n}{k} is.
  if (/(?<![a-z\\])c\s*\(/.test(t)) t = t.replace(/(?<![a-z\\])c\s*\(\s*[a-z0-9+\-\s]{1,8},\s*[a-z0-9+\-\s]{1,8}\)/g, (m) => ` ${m.slice(1)} binomial choose `);
  // "a + b + \cdots": a long or infinite sum is a series.
  if (/\+\s*\\(?:cdots|ldots|dots)/.test(t)) t += ' series ';
  if (/(?:least|smallest)/.test(t) && /\^\s*\{?\s*[a-z]\s*\}?\s*\$?\s*(?:leaves|has|gives) (?:a )?remainder\s*\$?\s*1(?![0-9])/.test(t)) t += ' multiplicative order ';
  // Both sides powers of numbers with the unknown in the exponents: 8^{x+1} = 4^{2x-3}.
  if (/\d\s*\^\s*\{[^{}]*[a-z][^{}]*\}\s*=\s*\d+\s*\^\s*\{[^{}]*[a-z]/.test(t)) t += ' common base ';
  // "the roots of … are a, b, c" / "let r, s, t be the roots": symmetric functions of the roots.
  if (/roots? of [^.]{0,80}? are \$?\s*[a-z]\s*\$?\s*,/.test(t)) t += ' vieta roots ';
  // A linear congruence 17x ≡ 1, ax ≡ b.
  if (/(?:\d+|[a-z])\s*[a-z]\s*(?:\\equiv|≡)/.test(t)) t += ' linear congruence ';
  // Terms 1/(k(k+1)) or 1/((k+1)(k+2)) telescope by partial fractions; n/3^n is arithmetico-geometric.
  if (t.includes('frac')) {
    if (/\\frac\s*\{[^{}]*\}\s*\{\s*(?:([a-z])\s*\(\s*\1\s*[+\-]\s*\d+\s*\)|\(\s*([a-z])\s*[+\-]\s*\d+\s*\)\s*\(\s*\2\s*[+\-]\s*\d+\s*\))\s*\}/.test(t)) t += ' telescoping partial fraction ';
    if (/\\frac\s*\{\s*([a-z])\s*\}\s*\{\s*\d+\s*\^\s*\{?\s*\1\s*\}?\s*\}/.test(t)) t += ' arithmetico geometric series ';
  }
  // Inverse functions f^{-1}; the imaginary unit in arithmetic (3+4i, 1-i, i^2)
  if (t.includes('^')) t = t.replace(/\^\s*\{\s*-\s*1\s*\}/g, ' inverse ');
  // A text that uses i as an index (a_i, s_{i+1}, for i = 1, …) writes 2i - 1 and i + 1 as index
  // arithmetic, not complex numbers, unless it also says what i is (i = √-1, i^2 = -1).
  if (!INDEX_I.test(t) || IMAGINARY_I.test(t)) {
    t = t.replace(/(?:\d|[+\-=]\s*)i(?![a-z])|(?<![a-z\\])i\s*(?=\^|[+\-]\s*\d)/g, (m) => m.replace(/i\s*$/, '') + ' imaginary ');
  }
  const hasCaret = t.includes('^');
  if (hasCaret) {
    // Degrees ^\circ, ^{\circ}; a difference of squares of numbers (513^2 - 487^2); variable or large
    // exponents (4^x, 2^{100}) signal exponent rules.
    if (hasBackslash) t = t.replace(/\^\s*\{?\s*\\circ\s*\}?/g, ' degree ');
    // A power tower 7^{7^7}.
    if (/\d\s*\^\s*\{\s*\d+\s*\^/.test(t)) t += ' power tower ';
    t = t.replace(/\d\s*\^\s*\{?\s*2\s*\}?\s*-\s*\d+\s*\^\s*\{?\s*2(?![0-9])/g, ' difference of squares ');
    // The highest power of a variable names the equation's kind: x^2 (and no higher) is quadratic,
    // x^3 cubic, x^4 and up polynomial. Only single-letter variables (not numbers, not 2^x).
    let top = 0;
    for (const m of t.matchAll(/(?<![a-z\\])[a-z]\s*\^\s*\{?\s*(\d+)\s*\}?/g)) top = Math.max(top, Number(m[1]));
    if (top === 2) t += ' quadratic ';
    else if (top === 3) t += ' cubic polynomial ';
    else if (top >= 4 && top <= 20) t += ' polynomial ';
    t = t.replace(/\^\s*\{?\s*\(?\s*(?:[a-z](?![a-z])|\d{2,}|[4-9])/g, (m) => ` exponent ${m.replace(/^\^\s*\{?\s*\(?\s*/, '')}`);
  } else if (/\d[a-z](?![a-z])/.test(t) && t.includes('=')) {
    // A linear relation between variables with coefficients (3x + 2 = 17) and no powers.
    t += ' linear equation ';
  }
  // Function notation f(x), g(f(2)): functions and composition.
  if (t.includes('(')) {
    t = t.replace(/(?<![a-z\\])[fgh]\s*\(\s*[fgh]\s*\(/g, (m) => ` composition ${m}`);
    t = t.replace(/(?<![a-z\\])[fghpq]\s*\(\s*(?:[a-z0-9-])/g, (m) => ` function ${m.slice(1)}`);
  }
  // Numbers written in a base: 1234_6, 101_{2}, 23_{\text{five}}
  if (t.includes('_')) t = t.replace(/(?<![\\a-z0-9])[0-9][0-9a-z]*_\s*\{?\s*(?:\d+|\\text\{\s*[a-z]+\s*\})\s*\}?/gi, ' base digit ');
  // Factorial n! (not "!=")
  if (t.includes('!')) t = t.replace(/([0-9a-z)}])!(?!=)/gi, '$1 factorial ');
  if (hasBackslash) {
    // Environments: \begin{pmatrix} → matrix; then commands.
    t = t.replace(/\\(?:(?:begin|end)\s*\{\s*([a-z*]+)\s*\}|([a-zA-Z]+)|([%$]))/g, (_m, env?: string, cmd?: string, sym?: string) => {
      if (env !== undefined) {
        const w = latexWord(env.replace('*', ''));
        return w ? ` ${w} ` : ' ';
      }
      const key = cmd ?? sym!;
      const w = latexWord(key);
      return w !== undefined ? ` ${w} ` : ` ${key} `;
    });
  }
  // a sin x + b cos x (either order, same argument): one sinusoid (auxiliary angle).
  if (t.includes('cosine')) {
    if (/\b(?:sine|cosine)\s*\(?\s*([a-z0-9]{1,3})\s*\)?\s*[+\-]\s*(?:[a-z]\s+)?(?:radical|sqrt)?[\s{}()0-9.]*(?:sine|cosine)\s*\(?\s*\1(?![a-z0-9])/.test(t)) t += ' amplitude sinusoid ';
  }
  if (t.includes('sine')) {
    // sin 5x + sin x, cos 3x - cos x: a sum of one function at two arguments (sum-to-product).
    if (/\b(sine|cosine)\s*\(?\s*\d+\s*([a-z])\s*\)?\s*[+\-]\s*\1\s*\(?\s*\d*\s*\2(?![a-z])/.test(t)) t += ' sum to product ';
    // A trig value at an angle beyond 90 degrees: reference angles on the unit circle.
    if (/\b(?:sine|cosine|tangent)\s*\(?\s*(?:9[1-9]|[1-9]\d{2})\s*(?:\)\s*)?degree/.test(t)) t += ' reference angle unit circle ';
  }
  if (hasInequality) t = t.replace(/[<>]/g, ' inequality ');
  // Absolute values |x + 5| (after \left| became "left |").
  if (t.includes('|')) t = t.replace(/\|[^|]{1,40}\|/g, (m) => ` absolute value ${m.slice(1, -1)} `);
  return t.replace(/[√π∫∑≡≤≥∠△°%$]/g, (c) => (Object.prototype.hasOwnProperty.call(SYMBOL_WORDS, c) ? SYMBOL_WORDS[c]! : ' '));
}

interface WordAnalysis {
  /** Stem for phrase matching ('' for numbers). */
  stem: string;
  /** Terms the word contributes (empty for stop words and numbers). */
  terms: readonly string[];
}

const wordCache = [new Map<string, WordAnalysis>(), new Map<string, WordAnalysis>()];
const NO_TERMS: readonly string[] = [];

/** One Latin word → stem and terms, memoised (words repeat a lot across a library). */
function analyzeWord(token: string, withConcepts: boolean, asWritten = false): WordAnalysis {
  const cache = wordCache[withConcepts ? 1 : 0]!;
  const hit = asWritten ? undefined : cache.get(token);
  if (hit) return hit;
  let result: WordAnalysis;
  const c0 = token.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) result = { stem: '', terms: NO_TERMS }; // bare numbers carry no method signal
  else {
    const unquoted = token.includes("'") ? token.replace(/'s$/, '').replace(/'/g, '') : token;
    const raw = SPELLINGS[unquoted] ?? americanSpelling(unquoted);
    const alias = !asWritten && BARE_FUNCTIONS.has(raw) ? latexWord(raw) : undefined;
    if (alias !== undefined) {
      // "sin" as "\sin" would read: its words' terms (text without LaTeX never reaches latexToWords).
      const parts = alias.split(' ').filter(Boolean).map((w) => analyzeWord(w, withConcepts, w === raw));
      result = { stem: parts[0]?.stem ?? raw, terms: parts.flatMap((x) => x.terms) };
      cache.set(token, result);
      return result;
    }
    const s = stem(raw);
    if (raw.length < 2 || STOP_WORDS.has(raw) || STOP_WORDS.has(s)) result = { stem: s, terms: NO_TERMS };
    else {
      const extra = withConcepts ? concepts().words.get(s) : undefined;
      result = { stem: s, terms: extra ? [s, ...extra] : [s] };
    }
  }
  if (asWritten) return result;
  if (cache.size > 50000) cache.clear();
  cache.set(token, result);
  return result;
}

export interface AnalyzeOptions {
  /** Add concept terms from the concept map (default true). */
  concepts?: boolean;
}

/**
 * Text → terms. English words are lower-cased, stop words dropped, stemmed; LaTeX commands become words;
 * Chinese/Japanese runs become character bigrams (a lone character stays a unigram); Korean runs become
 * the word plus its syllable bigrams. Concept terms are appended (so a term may appear more than once).
 */
export function analyze(text: string, options: AnalyzeOptions = {}): string[] {
  const withConcepts = options.concepts !== false;
  const table = withConcepts ? concepts() : undefined;
  const lower = stripAnswerFormat(isAscii(text) ? text.toLowerCase() : text.normalize('NFKC').toLowerCase());
  // Plain prose (most names, tags, sections) has nothing for latexToWords to rewrite: skip its passes.
  const src = NEEDS_LATEX.test(lower) ? latexToWords(lower) : lower;
  const out: string[] = [];
  const words: string[] = []; // stemmed English words in order, stop words included (for phrases)
  const wordEnd: number[] = []; // per entry of `words`: the length of `out` after its terms
  // Hand-written scanner (faster than a regex with alternatives): Latin words, digit runs, CJK runs.
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    const k = charClass(c);
    if (k === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    if (k === 1) {
      while (j < n) {
        const d = src.charCodeAt(j);
        if ((d >= 97 && d <= 122) || (d === 39 && j + 1 < n && isLower(src.charCodeAt(j + 1)))) j++;
        else break;
      }
      const w = analyzeWord(src.slice(i, j), withConcepts);
      words.push(w.stem);
      for (const x of w.terms) out.push(x);
      wordEnd.push(out.length);
    } else if (k === 2) {
      while (j < n && charClass(src.charCodeAt(j)) === 2) j++;
      words.push('');
      wordEnd.push(out.length);
    } else {
      while (j < n && charClass(src.charCodeAt(j)) === k) j++;
      const run = src.slice(i, j);
      if (k === 4) out.push(run); // Korean: the word itself, then its bigrams
      if (k === 3 || run.length > 1) cjkBigrams(run, out);
      if (table) cjkConcepts(run, table, out);
      words.push('');
      wordEnd.push(out.length);
    }
    i = j;
  }
  let drop: Uint8Array | undefined; // terms of words that a sense phrase took over
  if (table) {
    for (let i = 0; i < words.length; i++) {
      const senses = table.senses.get(words[i]!);
      if (!senses) continue;
      for (const [rest, targets] of senses) {
        if (!rest.every((w, j) => words[i + 1 + j] === w)) continue;
        drop ??= new Uint8Array(out.length);
        drop.fill(1, i > 0 ? wordEnd[i - 1]! : 0, wordEnd[i + rest.length]!);
        out.push(...targets);
        words[i] = ''; // the phrase's words no longer start other phrases
        break;
      }
    }
    for (let i = 0; i < words.length; i++) {
      const cands = table.phrases.get(words[i]!);
      if (!cands) continue;
      for (const [rest, targets] of cands) {
        let ok = true;
        for (let j = 0; j < rest.length; j++) {
          if (words[i + 1 + j] !== rest[j]) {
            ok = false;
            break;
          }
        }
        if (ok) out.push(...targets);
      }
    }
  }
  return drop ? out.filter((_t, k) => k >= drop.length || drop[k] === 0) : out;
}

// Answer-format boilerplate of contest problems ("where m and n are relatively prime positive integers.
// Find m + n.", "Find the remainder when N is divided by 1000.", "Express your answer as a common
// fraction.") says how to report the answer, not how to solve the problem: it is removed before analysis,
// on both sides, so it cannot pull number-theory templates (totient, gcd, modular arithmetic) into every
// such problem. "How many integers below 360 are relatively prime to 360?" keeps its words.
const V = String.raw`\$?\s*[a-z]\s*\$?`; // one letter, maybe in its own $…$
const LETTER_PAIR = String.raw`(?:\$\s*[a-z]\s*,\s*[a-z]\s*\$|${V}\s*(?:,|and)\s*${V})`;
/** "m and n are relatively prime" is answer format only beside an answer written with letters (m/n, find m + n). */
const RELATIVELY_PRIME_FORM: readonly RegExp[] = [
  new RegExp(String.raw`(?:,\s*)?(?:where|with|for|and)?\s*${LETTER_PAIR}\s+(?:are\s+)?(?:relatively\s+prime|coprime)(?:\s+positive)?(?:\s+integers)?`, 'g'),
  new RegExp(String.raw`(?:,\s*)?(?:for|with|where)?\s*(?:some\s+)?(?:relatively\s+prime|coprime)\s+(?:positive\s+)?integers\s+${LETTER_PAIR}`, 'g'),
];
const LETTER_ANSWER = /\\frac\s*\{\s*[a-z]\s*\}\s*\{\s*[a-z]\s*\}|(?<![a-z])[a-z]\s*\/\s*[a-z](?![a-z])|find\s+\$?\s*[a-z]\s*\$?\s*\+\s*\$?\s*[a-z](?![a-z])/;
const ANSWER_FORM: readonly RegExp[] = [
  /(?:can|may) be (?:written|expressed) (?:uniquely )?(?:in the form|as)\s*(?:\$[^$]{1,60}\$)?/g,
  /(?:in|as) (?:simplest (?:radical )?form|a common fraction|a mixed number)/g,
  // "in lowest terms" of the answer m/n, or after "written / expressed" (not "fractions a/b in lowest terms")
  /(?:(?:written|expressed|reduced|simplified) (?:in|to) lowest terms)|(?:\$?\\frac\s*\{\s*[mnpq]\s*\}\s*\{\s*[mnpq]\s*\}\s*\$?|(?<![a-z])[mnpq]\s*\/\s*[mnpq](?![a-z]))\s+in lowest terms/g,
  /(?:express|give|enter|write) (?:your|the) answer[^.?!]*[.?!]?/g,
];
/** "Find m + n." — only once a form clause above was found (else "find x + y" may be the question). */
const ANSWER_SUM = new RegExp(String.raw`(?:find|compute|what is|determine)\s+${V}(?:\s*\+\s*${V}){1,3}\s*[.?!]?`, 'g');
const ANSWER_MOD_1000 = new RegExp(String.raw`(?:find|what is|compute|determine) the remainder when (?:${V}|\$?\s*[a-z]\s*\+\s*[a-z]\s*\$?) is divided by \$?\s*1000\s*\$?\s*[.?!]?`, 'g');
const ANSWER_HINT = /prime|answer|lowest|simplest|common fraction|mixed number|1000|form/;

/** The text without answer-format clauses (see ANSWER_FORM); unchanged when it has none. */
export function stripAnswerFormat(lower: string): string {
  if (!ANSWER_HINT.test(lower)) return lower;
  let t = lower;
  let form = false;
  const forms = LETTER_ANSWER.test(t) ? [...RELATIVELY_PRIME_FORM, ...ANSWER_FORM] : ANSWER_FORM;
  for (const re of forms) {
    const next = t.replace(re, ' ');
    if (next !== t) form = true;
    t = next;
  }
  if (form) t = t.replace(ANSWER_SUM, ' ');
  return t.replace(ANSWER_MOD_1000, ' ');
}

function cjkConcepts(run: string, table: ConceptTable, out: string[]): void {
  for (let i = 0; i < run.length; i++) {
    const cands = table.cjk.get(run[i]!);
    if (!cands) continue;
    for (const [key, targets] of cands) if (run.startsWith(key, i)) for (const x of targets) out.push(x);
  }
}

function cjkBigrams(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    out.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

// eslint-disable-next-line no-control-regex
const NEEDS_LATEX = /[\\^_!%$0-9+=\-(|<>]|[^\x00-\x7f]/;

/** i used as an index: a subscript (a_i, s_{i-1}, x_(i+1)) or a running index (for i = 1, i=0). */
const INDEX_I = /_\s*[{(]?\s*i(?![a-z])|(?<![a-z\\])i\s*=\s*[01](?![0-9.])/;
/** The text says i is the imaginary unit. */
const IMAGINARY_I = /(?<![a-z\\])i\s*=\s*\\?sqrt|(?<![a-z\\])i\s*\^\s*\{?\s*2\s*\}?\s*=\s*-\s*1|imaginary|complex/;

const BARE_FUNCTION_RE = /(?<![a-z\\])(?:sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|sinh|cosh|tanh|log|ln|exp|gcd|lcm|det|lim|mod)(?![a-z])/;
const BARE_FUNCTION_RE_G = /(?<![a-z\\])(sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|sinh|cosh|tanh|log|ln|exp|gcd|lcm|det|lim|mod)(?![a-z])/g;
const INEQUALITY_RE = /[<>≤≥]|\\(?:le|ge|leq|geq|lt|gt)(?![a-z])/;

function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(s);
}

/** Text exercising every rule of the analyser (LaTeX, phrases, concepts, stemming, CJK), for analyzerSignature. */
const SIGNATURE_PROBE =
  "Find the remainder when $3^{100} + 513^2 - 487^2$ is divided by 7; in how many ways can the committees be arranged? " +
  'Let $f(g(x)) = \\frac{1}{2}\\sqrt{x}$, $1011_2$, $5!$, $|x-3| \\le 4$, $\\binom{7}{3}$, $30^\\circ$, $3x + 2 = 17$, $2+3i$, ' +
  "$f^{-1}$, \\begin{pmatrix} 1 \\end{pmatrix}, 50\\% discount, √2 π ≤ °, greatest common divisor of the students' numbers, " +
  "probabilities, counting, quickly, divided, organization, sin x + 2 cos x < 1, power of a point, colourings, " +
  'where $m$ and $n$ are relatively prime positive integers. Find $m+n$. ' +
  'ＡＢＣ 余数 三角形的面积 確率 組み合わせ 나머지 경우의 수 확률.';

let signature: string | undefined;

/**
 * A short fingerprint of the analyser: its tables and its output on a probe text. A precomputed index
 * (precomputed.ts) is used only when it was analysed by an analyser with the same signature.
 */
export function analyzerSignature(): string {
  if (signature !== undefined) return signature;
  const text = JSON.stringify([
    [...STOP_WORDS],
    LATEX_WORDS,
    CONCEPTS,
    SENSES,
    [...BARE_FUNCTIONS],
    SPELLINGS,
    [...RELATIVELY_PRIME_FORM, ...ANSWER_FORM, LETTER_ANSWER].map(String),
    SYMBOL_WORDS,
    DERIVATIONAL,
    analyze(SIGNATURE_PROBE),
    analyze(SIGNATURE_PROBE, { concepts: false }),
  ]);
  // Two 32-bit FNV-1a hashes with different offsets → 64 bits, plenty to tell analyser versions apart.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
  }
  signature = `${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}-${text.length}`;
  return signature;
}
