import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitMath, texToText } from '../../../src/core/detect/mathText.js';
import { bounded, MAX_SVG_BYTES, escapeMarkdown } from '../../../src/server/math/images.js';
import { closeMatches, matchedWords } from '../../../src/core/templates/display.js';

describe('math in statement text', () => {
  it('splits prose and $…$, $$…$$, \\(…\\), \\[…\\]; prices and unclosed delimiters stay prose', () => {
    assert.deepEqual(splitMath('Solve $x^2=4$ for \\(x\\); then $$y$$ and \\[z\\].'), [
      { kind: 'text', text: 'Solve ' },
      { kind: 'math', tex: 'x^2=4', display: false },
      { kind: 'text', text: ' for ' },
      { kind: 'math', tex: 'x', display: false },
      { kind: 'text', text: '; then ' },
      { kind: 'math', tex: 'y', display: true },
      { kind: 'text', text: ' and ' },
      { kind: 'math', tex: 'z', display: true },
      { kind: 'text', text: '.' },
    ]);
    assert.deepEqual(splitMath('It costs $5 and $6 total, \\$7 or $x'), [{ kind: 'text', text: 'It costs $5 and $6 total, $7 or $x' }]);
  });

  it('reads TeX as plain text', () => {
    assert.equal(texToText('x^2 - 7x + 10 = 0'), 'x² − 7x + 10 = 0');
    assert.equal(texToText('\\frac{a+1}{b}'), '(a+1)/b');
    assert.equal(texToText('a_{n+1} \\le 2a_n'), 'aₙ₊₁ ≤ 2aₙ');
    assert.equal(texToText('\\angle ABC = 90^\\circ'), '∠ ABC = 90°');
    assert.equal(texToText('\\{1, 2\\}'), '{1, 2}');
    assert.doesNotMatch(texToText('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}'), /\\|begin|&/);
  });
});

describe('hover math bounds', () => {
  const svg = (w: number, h: number, pad = 0) => ({ svg: `<svg width="${w}ex" height="${h}ex">${'x'.repeat(pad)}</svg>`, widthEx: w, heightEx: h });
  it('keeps a normal formula as a data: image and turns oversized ones into text', () => {
    const ok = bounded('Ix^2', svg(5, 2));
    assert.ok('image' in ok && ok.image.startsWith('data:image/svg+xml;base64,'));
    assert.deepEqual(bounded('Ix^2', svg(5, 30)), { text: 'x²' }, 'too tall inline');
    assert.ok('image' in bounded('Dx^2', svg(5, 12)), 'a display formula may be taller');
    assert.deepEqual(bounded('Dx^2', svg(500, 2)), { text: 'x²' }, 'too wide');
    assert.deepEqual(bounded('Ix^2', svg(5, 2, MAX_SVG_BYTES)), { text: 'x²' }, 'too many bytes');
    assert.deepEqual(bounded('I\\frac12', { error: 'Missing argument' }), { text: 'frac 12' });
  });
  it('escapes Markdown in hover text', () => {
    assert.equal(escapeMarkdown('a*b_[c](d) $x$'), 'a\\*b\\_\\[c\\](d) \\$x\\$');
  });
});

describe('retrieval display', () => {
  it('hides results far below the best', () => {
    const r = [{ score: 10 }, { score: 9 }, { score: 7.9 }, { score: 2 }];
    assert.deepEqual(closeMatches(r), [{ score: 10 }, { score: 9 }]);
    assert.deepEqual(closeMatches([{ score: 0 }, { score: 0 }]), [{ score: 0 }]);
  });
  it('shows matched stems as whole words of the query or of the template', () => {
    assert.deepEqual(matchedWords('Solve the equation for real x', ['solv', 'equat', 'quadrat', 'zzz'], 'The quadratic formula'), ['solve', 'equation', 'quadratic']);
  });
});
