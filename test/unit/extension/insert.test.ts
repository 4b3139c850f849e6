// Insertion: Markdown → LaTeX (exact outputs), solution environment discovery, re-finding a problem
// after edits, and the exact text inserted into .tex and .md documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockEnd, latexProblemEnd, planLatexInsertion, planMarkdownInsertion } from '../../../src/extension/insert/compose.js';
import { detectProblems } from '../../../src/core/detect/index.js';
import { findSolutionEnvironment } from '../../../src/extension/insert/envs.js';
import { escapeLatexText, markdownToLatex } from '../../../src/extension/insert/latex.js';
import { latexText, MAX_TEX_NESTING, sanitiseMath, texContext } from '../../../src/extension/insert/texSafety.js';
import { countOccurrences, locateProblem, type Located, type Span } from '../../../src/extension/insert/locate.js';

function apply(doc: string, plan: { offset: number; text: string }): string {
  return doc.slice(0, plan.offset) + plan.text + doc.slice(plan.offset);
}

describe('markdownToLatex', () => {
  it('escapes text specials and keeps math untouched', () => {
    assert.equal(markdownToLatex('50% of #1_a & {b} ~ ^ \\ is $x_1^2 \\% {}$'), '50\\% of \\#1\\_a \\& \\{b\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} is $x_1^2 \\% {}$');
    assert.equal(escapeLatexText('<a>'), '\\textless{}a\\textgreater{}');
  });
  it('converts emphasis, strong and code', () => {
    assert.equal(markdownToLatex('*so* **hence** `f_x`'), '\\emph{so} \\textbf{hence} \\texttt{f\\_x}');
  });
  it('converts display math to \\[ \\] and keeps \\( \\)', () => {
    assert.equal(markdownToLatex('Then\n\n$$\nx^2 = 4\n$$\n\nand \\(x>0\\).'), 'Then\n\n\\[\nx^2 = 4\n\\]\n\nand \\(x>0\\).');
    assert.equal(markdownToLatex('so \\[ a+b \\] done'), 'so\n\\[ a+b \\]\ndone');
  });
  it('converts ordered, bullet and nested lists', () => {
    assert.equal(
      markdownToLatex('1. first $a$\n2. second\n   - nested *e*\n   - more\n3. third'),
      '\\begin{enumerate}\n\\item first $a$\n\\item second\n  \\begin{itemize}\n  \\item nested \\emph{e}\n  \\item more\n  \\end{itemize}\n\\item third\n\\end{enumerate}',
    );
  });
  it('turns headings into \\paragraph and links into text with the URL', () => {
    assert.equal(markdownToLatex('## Step 1\n\nsee [the notes](https://example.org/a_b)'), '\\paragraph{Step 1}\n\nsee the notes (\\texttt{https://example.org/a\\_b})');
  });
  it('keeps raw HTML as escaped text', () => {
    assert.equal(markdownToLatex('a <b>x</b>'), 'a \\textless{}b\\textgreater{}x\\textless{}/b\\textgreater{}');
  });
  it('keeps the boxed answer', () => {
    assert.equal(markdownToLatex('**Answer.** $\\boxed{42}$'), '\\textbf{Answer.} $\\boxed{42}$');
  });
});

describe('findSolutionEnvironment', () => {
  it('prefers the setting, with its argument', () => {
    assert.deepEqual(findSolutionEnvironment('\\begin{solution}x\\end{solution}', 'answer'), { name: 'answer', argument: '', source: 'setting' });
    assert.deepEqual(findSolutionEnvironment('', 'proof[Lösung]'), { name: 'proof', argument: '[Lösung]', source: 'setting' });
  });
  it('uses what the document already uses', () => {
    const doc = '\\begin{sol}a\\end{sol}\n\\begin{sol}b\\end{sol}\n\\begin{solution}c\\end{solution}';
    assert.deepEqual(findSolutionEnvironment(doc), { name: 'sol', argument: '', source: 'usage' });
    assert.deepEqual(findSolutionEnvironment('\\begin{proof}[Solution] x \\end{proof}'), { name: 'proof', argument: '[Solution]', source: 'usage' });
  });
  it('ignores plain proofs and comments', () => {
    assert.deepEqual(findSolutionEnvironment('\\begin{proof} x \\end{proof}\n% \\begin{solution}'), { name: 'proof', argument: '[Solution]', source: 'default' });
  });
  it('reads declarations and the exam class', () => {
    assert.deepEqual(findSolutionEnvironment('\\newtheorem*{solution}{Solution}\n\\begin{document}'), { name: 'solution', argument: '', source: 'declaration' });
    assert.deepEqual(findSolutionEnvironment('\\documentclass[answers]{exam}\n\\begin{document}'), { name: 'solution', argument: '', source: 'exam-class' });
  });
});

describe('locateProblem', () => {
  const doc = 'Intro.\n\nProblem 1. Find $x$ if $2x=4$.\n\nProblem 2. Other.';
  const original = 'Problem 1. Find $x$ if $2x=4$.';
  const at = { start: doc.indexOf(original), end: doc.indexOf(original) + original.length };
  const span = (l: Located): Span | undefined => (l && 'span' in l ? l.span : undefined);
  it('keeps the old place when unchanged', () => {
    assert.deepEqual(locateProblem(doc, original, at, 1), { span: at });
  });
  it('finds the problem after text was added above it', () => {
    const edited = 'New first line.\n' + doc;
    assert.deepEqual(locateProblem(edited, original, at, 1), { span: { start: at.start + 16, end: at.end + 16 } });
  });
  it('finds it when only whitespace changed', () => {
    const edited = doc.replace('Find $x$ if', 'Find $x$\n   if');
    const s = span(locateProblem(edited, original, at, 1))!;
    assert.equal(edited.slice(s.start, s.end), 'Problem 1. Find $x$\n   if $2x=4$.');
  });
  it('asks (all candidates) when the text is in the document twice and the old place changed, never the nearest', () => {
    const twice = `${original}\n\n${doc}`;
    const first = { start: 0, end: original.length };
    const second = { start: twice.lastIndexOf(original), end: twice.lastIndexOf(original) + original.length };
    assert.deepEqual(locateProblem(twice, original, { start: second.start - 3, end: second.end - 3 }, 1), { candidates: [first, second] });
  });
  it('asks when the statement was edited in place and the same text is elsewhere (it was there twice)', () => {
    // Two identical problems; the user edits the second (the one solved). The first is not it.
    const two = `A. ${original}\n\nB. ${original}\n`;
    const solved = { start: two.lastIndexOf(original), end: two.lastIndexOf(original) + original.length };
    assert.equal(countOccurrences(two, original), 2);
    const edited = two.slice(0, solved.start) + original.replace('2x=4', '2x=6') + two.slice(solved.end);
    assert.deepEqual(locateProblem(edited, original, solved, 2), { candidates: [{ start: 3, end: 3 + original.length }] });
  });
  it('still finds a problem that was there once and moved', () => {
    const moved = `Problem 2. Other.\n\n${original}`;
    assert.deepEqual(locateProblem(moved, original, at, 1), { span: { start: moved.indexOf(original), end: moved.length } });
  });
  it('asks among whitespace-insensitive matches too', () => {
    const two = `${original.replace(' if', '\nif')}\n\n${original.replace(' if', '  if')}`;
    const l = locateProblem(two, original, { start: 500, end: 530 }, 1);
    assert.ok(l && 'candidates' in l && l.candidates.length === 2, JSON.stringify(l));
  });
  it('reports a deleted problem as gone', () => {
    assert.equal(locateProblem(doc.replace(original, ''), original, at, 1), undefined);
    assert.equal(locateProblem(doc.replace('2x=4', '3x=4'), original, at, 1), undefined);
  });
});

describe('planned insertions (exact text)', () => {
  const body = 'We have $2x=4$, so $x=\\boxed{2}$.';
  it('LaTeX: after \\end{problem}, in the document\'s environment', () => {
    const doc = '\\begin{problem}\nFind $x$ if $2x=4$.\n\\end{problem}\n\nNext.\n';
    const stmt = 'Find $x$ if $2x=4$.';
    const span = { start: doc.indexOf(stmt), end: doc.indexOf(stmt) + stmt.length };
    assert.equal(latexProblemEnd(doc, span), doc.indexOf('\\end{problem}') + '\\end{problem}'.length);
    const env = findSolutionEnvironment(doc);
    assert.equal(
      apply(doc, planLatexInsertion(doc, span, env, body)),
      '\\begin{problem}\nFind $x$ if $2x=4$.\n\\end{problem}\n\\begin{proof}[Solution]\nWe have $2x=4$, so $x=\\boxed{2}$.\n\\end{proof}\n\nNext.\n',
    );
  });
  it('LaTeX: exam class question, solution environment', () => {
    const doc = '\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n\\question Find $x$ if $2x=4$.\n\\question Next.\n\\end{questions}\n';
    const stmt = 'Find $x$ if $2x=4$.';
    const span = { start: doc.indexOf(stmt), end: doc.indexOf(stmt) + stmt.length };
    assert.equal(
      apply(doc, planLatexInsertion(doc, span, findSolutionEnvironment(doc), body)),
      '\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n\\question Find $x$ if $2x=4$.\n\\begin{solution}\nWe have $2x=4$, so $x=\\boxed{2}$.\n\\end{solution}\n\\question Next.\n\\end{questions}\n',
    );
  });
  it('LaTeX: text after the statement on the same line is kept after the inserted block', () => {
    const doc = 'Find $x$. More text';
    const span = { start: 0, end: 9 };
    assert.equal(apply(doc, planLatexInsertion(doc, span, findSolutionEnvironment(doc), 'S')), 'Find $x$.\n\\begin{proof}[Solution]\nS\n\\end{proof}\n More text');
  });
  it('Markdown: a collapsible block after the problem', () => {
    const doc = '## Problem 1\nFind $x$ if $2x=4$.\n## Problem 2\nOther.\n';
    const stmt = 'Find $x$ if $2x=4$.';
    const span = { start: doc.indexOf(stmt), end: doc.indexOf(stmt) + stmt.length };
    assert.equal(
      apply(doc, planMarkdownInsertion(doc, span, body, 'Solution <ReasonFlux>')),
      '## Problem 1\nFind $x$ if $2x=4$.\n\n<details>\n<summary>Solution &lt;ReasonFlux&gt;</summary>\n\nWe have $2x=4$, so $x=\\boxed{2}$.\n\n</details>\n\n## Problem 2\nOther.\n',
    );
  });
  it('LaTeX: a problem that already has a solution gets the new one after it, never before or over it', () => {
    const doc =
      '\\documentclass{article}\n\\begin{document}\n\\begin{problem}\nFind $x$ if $2x=4$.\n\\end{problem}\n' +
      '\\begin{solution}\nDivide by $2$.\n\\end{solution}\n\nNext.\n\\end{document}\n';
    const stmt = 'Find $x$ if $2x=4$.';
    const span = { start: doc.indexOf(stmt), end: doc.indexOf(stmt) + stmt.length };
    const detected = detectProblems(doc, 'latex');
    const after = blockEnd(doc, span, detected);
    assert.equal(after, doc.indexOf('\\end{solution}') + '\\end{solution}'.length, 'the block ends after the existing solution');
    assert.equal(
      apply(doc, planLatexInsertion(doc, span, findSolutionEnvironment(doc), body, after)),
      '\\documentclass{article}\n\\begin{document}\n\\begin{problem}\nFind $x$ if $2x=4$.\n\\end{problem}\n' +
        '\\begin{solution}\nDivide by $2$.\n\\end{solution}\n' +
        '\\begin{solution}\nWe have $2x=4$, so $x=\\boxed{2}$.\n\\end{solution}\n\nNext.\n\\end{document}\n',
    );
  });
  it('blockEnd: picks the detected problem that overlaps the span, none when nothing overlaps', () => {
    const doc = 'aaaa bbbb cccc';
    const detected = [
      { startOffset: 0, endOffset: 4, blockEndOffset: 9 },
      { startOffset: 10, endOffset: 14, blockEndOffset: 14 },
    ];
    assert.equal(blockEnd(doc, { start: 1, end: 3 }, detected), 9);
    assert.equal(blockEnd(doc, { start: 10, end: 14 }, detected), 14);
    assert.equal(blockEnd(doc, { start: 5, end: 9 }, detected), undefined);
    assert.equal(blockEnd(doc, { start: 0, end: 4 }, [{ startOffset: 0, endOffset: 4, blockEndOffset: 99 }]), undefined, 'out of range is ignored');
  });
  it('Markdown: at the end of the file', () => {
    const doc = 'Find $x$.';
    assert.equal(apply(doc, planMarkdownInsertion(doc, { start: 0, end: 9 }, 'S', 'Solution')), 'Find $x$.\n\n<details>\n<summary>Solution</summary>\n\nS\n\n</details>');
  });
});

describe('sanitiseMath (model math written into a .tex document)', () => {
  const plain = texContext('\\documentclass{article}\n\\begin{document}\n');
  const ams = texContext('\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\newcommand{\\abs}[1]{|#1|}\n\\begin{document}\n');
  it('shows dangerous primitives as text instead of running them', () => {
    const n = new Set<string>();
    assert.equal(sanitiseMath('\\input{x} \\write18{ls} \\catcode`\\$=11 \\def\\a{b}', ams, n), '\\backslash\\mathrm{input}{x} \\backslash\\mathrm{write}18{ls} \\backslash\\mathrm{catcode}`\\$=11 \\backslash\\mathrm{def}\\backslash\\mathrm{a}{b}');
    assert.deepEqual([...n].sort(), ['\\a', '\\catcode', '\\def', '\\input', '\\write']);
    assert.equal(sanitiseMath('x^^5cinput{y}', ams), 'x^{\\wedge}5cinput{y}', 'no ^^ character codes');
  });
  it('drops an \\end without its \\begin and closes what is left open', () => {
    assert.equal(sanitiseMath('x \\end{proof} y \\end{document}', ams), 'x  y ');
    assert.equal(sanitiseMath('\\frac{1}{2', ams), '\\frac{1}{2}');
    assert.equal(sanitiseMath('a}}+b', ams), 'a+b');
    assert.equal(sanitiseMath('\\left( x', ams), '\\left( x\\right.');
    assert.equal(sanitiseMath('a \\right) b', ams), 'a ) b');
    assert.equal(sanitiseMath('\\begin{aligned} a &= b', ams), '\\begin{aligned} a &= b\\end{aligned}');
    assert.equal(sanitiseMath('\\begin{matrix} 1 & 2 \\end{pmatrix} \\end{matrix}', ams), '\\begin{matrix} 1 & 2  \\end{matrix}');
  });
  it('keeps & and \\\\ only where an alignment has room for them', () => {
    assert.equal(sanitiseMath('a & b \\\\ c', ams), 'a \\quad  b \\quad  c');
    assert.equal(sanitiseMath('\\begin{array}{cc} 1 & 2 & 3 \\end{array}', ams), '\\begin{array}{cc} 1 & 2 \\quad  3 \\end{array}');
    assert.equal(sanitiseMath('\\begin{array}{@{\\input{x}}c} 1 \\end{array}', ams), '\\begin{array}{cccccccccc} 1 \\end{array}', 'a column spec with code is replaced');
  });
  it('escapes # and %, gives missing arguments and double scripts an empty group', () => {
    assert.equal(sanitiseMath('a # b % c', ams), 'a \\# b \\% c');
    assert.equal(sanitiseMath('{x_} + {\\frac{1}} + x^2^3', ams), '{x_{}} + {\\frac{1}{}} + x^2{}^3');
  });
  it('uses the stand-ins a document without amsmath / amssymb can typeset', () => {
    assert.equal(sanitiseMath('\\boxed{4} \\dfrac{1}{2} \\text{if } \\binom{5}{2} \\mathbb{R}', plain), '\\fbox{$4$} \\frac{1}{2} \\mbox{if } {{5}\\choose{2}} \\mathbf{R}');
    assert.equal(sanitiseMath('\\begin{cases} 1 & x>0 \\end{cases}', plain), '\\left\\{\\begin{array}{ll} 1 & x>0 \\end{array}\\right.');
    assert.equal(sanitiseMath('\\boxed{4} \\abs{x} \\R', ams), '\\boxed{4} \\abs{x} \\mathbb{R}', 'the document\'s own macros stay');
  });
  it('maps Unicode to LaTeX and replaces what the document cannot typeset', () => {
    assert.equal(sanitiseMath('x ≤ π', plain), 'x \\le  \\pi ');
    assert.equal(latexText('≤ é 😀 한', plain), '$\\le$ \\\'{e} ? ?');
    assert.equal(latexText('한', texContext('\\documentclass{article}\n\\usepackage{kotex}\n문제')), '한', 'scripts the document uses stay');
  });
  it('bounds nesting (TeX allows 255 levels)', () => {
    const out = sanitiseMath(`${'{'.repeat(300)}x${'}'.repeat(300)}`, ams);
    assert.equal(out, `${'{'.repeat(MAX_TEX_NESTING)}x${'}'.repeat(MAX_TEX_NESTING)}`);
  });
  it('markdownToLatex: nothing of an emptied formula is left ($$ would open display math), long lines are broken', () => {
    assert.equal(markdownToLatex('a $\\end{proof}$ b', ams), 'a  b');
    const long = markdownToLatex('x'.repeat(5000), ams).split('\n');
    assert.ok(long.length >= 3 && long.every((l) => l.length <= 2001), 'lines within the TeX buffer');
    assert.equal(long.join('').replace(/%/g, ''), 'x'.repeat(5000), 'joined by comments: no space added');
  });
});

describe('findSolutionEnvironment without amsthm', () => {
  it('uses the kernel trivlist in a whole document that cannot typeset proof, proof in a fragment', () => {
    assert.equal(findSolutionEnvironment('\\documentclass{article}\n\\begin{document}').name, 'trivlist');
    assert.equal(findSolutionEnvironment('\\documentclass{article}\n\\usepackage{amsthm}').name, 'proof');
    assert.equal(findSolutionEnvironment('\\begin{problem} x \\end{problem}').name, 'proof');
  });
});
