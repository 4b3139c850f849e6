import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Bm25Index } from '../../../src/core/templates/bm25.js';
import { createTemplateIndex } from '../../../src/core/templates/index.js';
import { loadTemplateDirSync } from '../../../src/core/templates/loader.js';
import { analyze, latexToWords, stem } from '../../../src/core/templates/tokenize.js';

const fx = resolve(__dirname, '..', '..', 'fixtures', 'templates');
const lib = loadTemplateDirSync(resolve(fx, 'good'), 'builtin');
const index = createTemplateIndex(lib.templates);
const topId = (q: string, opts = {}) => index.search(q, opts)[0]?.template.id;

test('fixture library loads cleanly', () => {
  assert.deepEqual(lib.errors, []);
  assert.equal(index.size, 5);
});

test('LaTeX commands become words', () => {
  const has = (text: string, ...terms: string[]) => {
    const got = analyze(text);
    for (const t of terms) assert.ok(got.includes(stem(t)), `${JSON.stringify(text)} → ${got.join(' ')} lacks ${t}`);
  };
  has('$\\frac{1}{2}$', 'fraction');
  has('$\\dfrac{a}{b}$', 'fraction');
  has('$\\binom{7}{3}$', 'binomial', 'choose');
  has('$\\sin x + \\cos x$', 'sine', 'cosine', 'trig');
  has('$\\log_2 8$', 'logarithm');
  has('$\\sqrt{2}$', 'radical');
  has('$\\sum_{k=1}^n k$', 'summation');
  has('$\\int_0^1 x\\,dx$', 'integral');
  has('$\\lim_{x\\to 0}$', 'limit');
  has('$a \\equiv 3 \\pmod 5$', 'modular');
  has('$17 \\bmod 5$', 'modular');
  has('$30^\\circ$', 'degree', 'angle');
  has('$45^{\\circ}$', 'degree');
  has('$1011_2$ in base ten', 'base', 'digit');
  has('$5!$', 'factorial');
  has('$\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}$', 'matrix');
  has('x ≤ 3 and √5', 'inequality', 'radical');
  // markup and numbers vanish
  assert.deepEqual(analyze('\\left( \\text{ } 123 \\right) \\quad 42'), []);
  assert.equal(latexToWords('\\%').trim(), 'percent');
});

test('stemming folds plurals and verb forms; stop words are dropped', () => {
  assert.equal(stem('remainders'), stem('remainder'));
  assert.equal(stem('counting'), stem('counts'));
  assert.equal(stem('probabilities'), stem('probability'));
  assert.equal(stem('divided'), stem('divides'));
  assert.deepEqual(analyze('What is the value of the'), []);
});

test('concept map: remainder → modular, "how many ways" → counting', () => {
  assert.ok(analyze('Find the remainder').includes(stem('modular')));
  const t = analyze('In how many ways can we do it?');
  assert.ok(t.includes(stem('counting')));
  assert.ok(!analyze('How are you').includes(stem('counting')));
});

test('British -ise / -isation / -yse spellings analyse like the American ones; short and -wise words stay', () => {
  assert.deepEqual(analyze('factorisation'), analyze('factorization'));
  assert.deepEqual(analyze('minimise normalised analysed'), analyze('minimize normalized analyzed'));
  assert.deepEqual(analyze('rise raise otherwise', { concepts: false }), ['rise', 'rais', 'otherwis']);
});

test('method names written with numbers or in plain text keep their meaning', () => {
  // Special right triangles and Pythagorean triples named by numbers (numbers alone are dropped).
  assert.ok(analyze('use the 30-60-90 triangle').includes(stem('special')));
  assert.ok(analyze('45°-45°-90°').includes(stem('special')));
  assert.ok(analyze('the 5-12-13 triple').includes(stem('pythagorean')));
  assert.ok(!analyze('2-3-4 and 1998-12-25').includes(stem('pythagorean')));
  // C(n, k) in plain text is a binomial coefficient; f(x, y) is not.
  assert.ok(analyze('choose C(n, 2) pairs').includes(stem('binomial')));
  assert.ok(!analyze('abc(1, 2) and f(x, y)').includes(stem('binomial')));
  // An algebraic cube is a power, not a solid.
  assert.ok(!analyze('factor the sum of cubes').includes(stem('solid')));
  assert.ok(analyze('the sum of cubes').includes('sum-of-cubes'));
  assert.ok(analyze('a cube has six faces').includes(stem('solid')));
});

test('CJK: Chinese/Japanese by character bigrams, Korean words plus bigrams', () => {
  assert.deepEqual(analyze('余数问题', { concepts: false }), ['余数', '数问', '问题']);
  assert.deepEqual(analyze('組み合わせ', { concepts: false }), ['組み', 'み合', '合わ', 'わせ']);
  assert.deepEqual(analyze('나머지를', { concepts: false }), ['나머지를', '나머', '머지', '지를']);
  assert.deepEqual(analyze('圆', { concepts: false }), ['圆']);
});

test('ranking: a modular-arithmetic problem retrieves the modular template first', () => {
  assert.equal(topId('What is the remainder when $2^{2024}$ is divided by 7?'), 'fx.nt.modular-reduction');
  assert.equal(topId('Find the units digit of $7^{35}$.'), 'fx.nt.modular-reduction');
  assert.equal(topId('Solve $x \\equiv 4 \\pmod{9}$ for the least positive x.'), 'fx.nt.modular-reduction');
});

test('ranking: other subjects go to their templates', () => {
  assert.equal(topId('In how many ways can a team of 4 be selected from 10 students?'), 'fx.cp.choose-committee');
  assert.equal(topId('Compute $\\binom{9}{4}$.'), 'fx.cp.choose-committee');
  assert.equal(topId('Simplify $\\sin^2 x + \\cos^2 x - \\tan x \\cot x$.'), 'fx.pc.trig-identities');
  assert.equal(topId('A triangle has base 10 and height 7. What is its area?'), 'fx.geo.triangle-area');
  assert.equal(topId('Let $a$ and $b$ be the roots of $x^2 + 3x - 5 = 0$. Find $a^2 + b^2$.'), 'fx.ia.vieta');
});

test('CJK queries retrieve through CJK tags', () => {
  assert.equal(topId('7의 100제곱을 5로 나눈 나머지를 구하시오.'), 'fx.nt.modular-reduction');
  assert.equal(topId('求 3 的 100 次方除以 7 的余数。'), 'fx.nt.modular-reduction');
  assert.equal(topId('10人から3人を選ぶ組み合わせは何通りか。'), 'fx.cp.choose-committee');
  assert.equal(topId('삼각형 넓이를 구하시오'), 'fx.geo.triangle-area');
  assert.equal(topId('用韦达定理求两根之和'), 'fx.ia.vieta');
});

test('matches report score, fields and terms; results are sorted; subject filter and top work', () => {
  const res = index.search('remainder of a power modulo 7', { top: 3 });
  assert.ok(res.length >= 1 && res.length <= 3);
  for (let i = 1; i < res.length; i++) assert.ok(res[i - 1]!.score >= res[i]!.score);
  const first = res[0]!;
  assert.ok(first.score > 0);
  assert.ok(first.matchedFields.includes('tags'));
  assert.ok(first.matchedTerms.includes(stem('remainder')));
  assert.ok(first.matchedTerms.includes(stem('modular')));
  const filtered = index.search('remainder of a power modulo 7', { subjects: ['Geometry'] });
  assert.ok(filtered.every((m) => m.template.subjects.includes('Geometry')));
  assert.equal(index.search('triangle area', { top: 1 }).length, 1);
  assert.deepEqual(index.search('', {}), []);
  assert.deepEqual(index.search('zzzz qqqq', {}), []);
  assert.deepEqual(index.search('triangle', { top: 0 }), []);
  assert.equal(index.get('fx.ia.vieta')?.name, 'Sums and products of roots (Vieta)');
  assert.equal(index.get('nope'), undefined);
  assert.equal(index.all().length, 5);
});

test('hostile queries do not throw', () => {
  const weird = ['\\'.repeat(10000), '$'.repeat(5000), '{'.repeat(3000) + '\\frac', '\u0000\uffff\ud800', 'a'.repeat(100000), '^'.repeat(1000) + '_'.repeat(1000)];
  for (const q of weird) assert.ok(Array.isArray(index.search(q)));
});

test('Bm25Index: rarer terms and shorter fields score higher; ties keep document order', () => {
  const bm = new Bm25Index(
    [[['apple', 'pear']], [['apple']], [['apple', 'kiwi', 'kiwi', 'fig', 'plum', 'date']], [['pear']]],
    [{ name: 'text', boost: 1, b: 0.75 }],
  );
  const hits = bm.search(['apple'], 10);
  assert.deepEqual(hits.map((h) => h.doc), [1, 0, 2]);
  const pear = bm.search(['pear', 'apple'], 2);
  assert.equal(pear[0]!.doc, 0);
  assert.deepEqual(pear[0]!.terms.sort(), ['apple', 'pear']);
  assert.equal(pear[0]!.fieldMask, 1);
  assert.deepEqual(bm.search(['apple'], 2, (d) => d !== 1).map((h) => h.doc), [0, 2]);
  assert.deepEqual(bm.search(['nothing'], 3), []);
});

test('subject diversification: near-ties show another subject; scores stay sorted; 0 turns it off', () => {
  const base = lib.templates.find((t) => t.id === 'fx.ia.vieta')!;
  const mk = (id: string, subjects: string[], tags: string[]) => ({ ...base, id, name: `Template ${id}`, subjects, tags, description: 'x', whenToUse: ['y'], steps: ['a', 'b'], example: { ...base.example, problem: 'p' } });
  const ts = [
    mk('a', ['Algebra'], ['walrus', 'pelican', 'heron']),
    mk('b', ['Algebra'], ['walrus', 'pelican', 'heron', 'ibis']),
    mk('c', ['Geometry'], ['walrus', 'pelican', 'ibis', 'crane', 'stork']),
  ];
  const plain = createTemplateIndex(ts, { diversity: 0 }).search('walrus pelican', { top: 3 });
  assert.deepEqual(plain.map((m) => m.template.id), ['a', 'b', 'c']);
  const diverse = createTemplateIndex(ts, { diversity: 0.5 }).search('walrus pelican', { top: 3 });
  assert.deepEqual(diverse.map((m) => m.template.id), ['a', 'c', 'b']);
  for (let i = 1; i < diverse.length; i++) assert.ok(diverse[i - 1]!.score >= diverse[i]!.score);
  // with a small penalty, a better same-subject match still comes before a weaker other-subject one
  const strong = createTemplateIndex(ts, { diversity: 0.02 }).search('walrus pelican', { top: 3 });
  assert.deepEqual(strong.map((m) => m.template.id), ['a', 'b', 'c']);
});
