// Insertion into real .tex documents, proved with a real TeX engine: the sample documents and the test
// fixtures get ordinary and hostile solutions inserted (the shared hostile model outputs plus our own
// LaTeX attacks), and each result must compile with `pdflatex -no-shell-escape -halt-on-error`, reach its
// own \end{document}, read no file the model named and write none. Skips with a note when pdflatex is
// not installed (a user's machine); CI installs TeX Live (scripts/host/install.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { detectProblems } from '../../../src/core/detect/index.js';
import { planLatexInsertion } from '../../../src/extension/insert/compose.js';
import { findSolutionEnvironment } from '../../../src/extension/insert/envs.js';
import { markdownToLatex } from '../../../src/extension/insert/latex.js';
import { texContext } from '../../../src/extension/insert/texSafety.js';
import { emptyState, stateToMarkdown, type PanelState } from '../../../src/webview/state.js';
import { sharedFile } from '../../support/shared-data.js';

const root = join(__dirname, '..', '..', '..');
const pdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIP = pdflatex ? false : 'pdflatex is not installed (CI installs TeX Live via scripts/host/install.sh); skipped';

const DOCUMENTS = [
  'samples/calculus-exam.tex',
  'samples/geometrie-de.tex',
  'test/integration/fixtures/workspace/problems.tex',
  'test/fixtures/detect/exam-class.tex',
  'test/fixtures/detect/exam-solutions.tex',
  'test/fixtures/detect/homework-en.tex',
  'test/fixtures/detect/problems-ko.tex',
  'test/fixtures/insert/plain-article.tex',
  'test/fixtures/insert/ams-article.tex',
];

/** Ordinary solutions: what models write on a good day. */
const ORDINARY = [
  'We have $2x = 4$, so $x = \\boxed{2}$.',
  '1. Factor: $x^2 - 5x + 6 = (x-2)(x-3)$.\n2. Hence $x \\in \\{2, 3\\}$.\n\n$$\n\\frac{d}{dx}\\left(\\sin x\\right) = \\cos x\n$$',
  'Using **AM-GM**, $\\dfrac{a+b}{2} \\ge \\sqrt{ab}$ with equality iff $a = b$. The sum is $\\sum_{k=1}^{n} k = \\tfrac{n(n+1)}{2}$.',
  '$$\\begin{aligned} f(x) &= x^2 + 2x + 1 \\\\ &= (x+1)^2 \\end{aligned}$$\n\nand $\\binom{5}{2} = 10$, $\\text{so } \\mathbb{R} \\ni x \\geq 0$.',
  'The cases: $f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}$; 50% of #3 is `a_b`; ≤ and π in text, and $x ≤ π$.',
];

/** Our own hostile LaTeX: file access, shell, catcodes, definitions, structure, unbalanced input. */
const HOSTILE_TEX = [
  'Read it: $\\input{rfx-secret}$ and $\\include{rfx-secret}$ and \\input{rfx-secret} in text.',
  '$\\immediate\\write18{touch rfx-pwned}$ then $\\immediate\\openout5=rfx-out.tex \\immediate\\write5{x}\\immediate\\closeout5$',
  '$\\catcode`\\$=11 x$ and $\\catcode 37=12 y$ and $\\makeatletter\\@@input rfx-secret$',
  '$\\def\\end{}\\end$ $\\let\\par\\relax$ $\\gdef\\boxed#1{x}$ $\\newcommand{\\x}{\\input{rfx-secret}}\\x$',
  'Close it early: $x \\end{proof} y$ and $\\end{solution}$ and $$\\end{document}$$ and $\\end{problem}\\begin{document}$',
  'Unbalanced: $\\frac{1}{2$ and $x}}}$ and $\\left( x$ and $\\begin{aligned} a &= b$ and $\\begin{matrix} 1 & 2 \\end{pmatrix}$ and $\\right)$',
  'Escapes: $x^^5cinput{rfx-secret}$ and $^^5c^^5c$ and $a # b % c & d$ and $$a \\\\ b$$ and $x_$ and $x^2^3$ and $\\frac$',
  '```\n\\end{verbatim}\n\\end{proof}\n\\end{solution}\n\\end{document}\n```\n\nafter the code',
  '$$\\begin{align*} a &= 1 \\\\ b &= 2 \\end{align*}$$ and $\\verb|x|$ and $\\csname end\\endcsname$ and $\\expandafter\\end\\string{document}$',
  '$\\text{a_b $c$ \\end{document}}$ and $\\begin{array}{@{\\input{rfx-secret}}c} x \\end{array}$ and $\\sqrt[\\input{rfx-secret}]{2}$',
  '## Problem 99\n\nFind $y$. </details> <script>alert(1)</script> \\end{document}',
  '$\\hspace{1000cm}$ $\\boxed{}$ $\\limits x$ $\\left x \\right$ $\\middle| $ $\\big x$ $\\tag{1} x$ $\\label{a}$ $\\color{red} x$',
  'Unicode: 😀 한국어 ∞ → ≤ ½ ∑ ⟨x⟩ é ü ß Ω, and $x ≤ 😀 ∈ ℝ$ and `∀ 😀`',
  `Deep: $${'{'.repeat(300)}x${'}'.repeat(300)}$ and $${'\\left('.repeat(100)}x$ and $${'\\begin{matrix}'.repeat(80)}x$`,
  `${'w'.repeat(250_000)} and $${'y'.repeat(250_000)}$`,
];

function hostileShared(): string[] {
  const file = sharedFile('hostile-model-outputs.jsonl');
  if (!file) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

function stateWith(step: string, answer?: string): PanelState {
  const s = emptyState({ mode: 'solve', problem: 'p' });
  s.steps.push({ index: 0, goal: 'Work it out', templates: [], text: step, started: true, done: true, attempt: 0, evaluations: [], adjustments: [] });
  if (answer) s.final = { answer, text: `The answer is $\\boxed{${answer}}$.` } as PanelState['final'];
  return s;
}

const scratch = mkdtempSync(join(tmpdir(), 'reasonflux-tex-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Compiled {
  ok: boolean;
  log: string;
  dir: string;
}

let run = 0;
/** pdflatex in a fresh directory holding the document and a "secret" file the model tries to read. */
function compile(tex: string): Compiled {
  const dir = join(scratch, `run-${run++}`);
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'rfx-secret.tex'), '\\typeout{RFX-SECRET-READ}\n');
  writeFileSync(join(dir, 'doc.tex'), tex);
  const r = spawnSync('pdflatex', ['-no-shell-escape', '-halt-on-error', '-interaction=nonstopmode', 'doc.tex'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, openout_any: 'p', openin_any: 'p' },
  });
  const log = existsSync(join(dir, 'doc.log')) ? readFileSync(join(dir, 'doc.log'), 'latin1') : `${r.stdout}${r.stderr}`;
  return { ok: r.status === 0, log, dir };
}

/** The first error of a TeX log, for assertion messages. */
function firstError(log: string): string {
  const i = log.indexOf('\n!');
  return i < 0 ? log.slice(-600) : log.slice(i, i + 600);
}

/** The document with a marker typed out at its end (so an early \end{document} shows). */
function withEndMarker(doc: string): string {
  const at = doc.lastIndexOf('\\end{document}');
  return at < 0 ? doc : `${doc.slice(0, at)}\\typeout{RFX-END-REACHED}\n${doc.slice(at)}`;
}

/** Inserts each solution after a problem of the document (round robin over its problems). */
function insertAll(doc: string, solutions: string[]): { text: string; inserted: string[] } {
  let text = doc;
  const ctx = texContext(doc);
  const env = findSolutionEnvironment(doc);
  const inserted: string[] = [];
  solutions.forEach((sol, k) => {
    const problems = detectProblems(text, 'latex');
    assert.ok(problems.length > 0, 'the document has problems');
    const p = problems[k % problems.length]!;
    const body = markdownToLatex(stateToMarkdown(stateWith(sol, k % 2 ? '42' : undefined)), ctx);
    const plan = planLatexInsertion(text, { start: p.startOffset, end: p.endOffset }, env, body);
    inserted.push(plan.text);
    text = text.slice(0, plan.offset) + plan.text + text.slice(plan.offset);
  });
  return { text, inserted };
}

const ALLOWED_ENVS = /^(itemize|enumerate|verbatim|quote|aligned|alignedat|gathered|split|cases|array|subarray|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|smallmatrix|proof|solution|trivlist)$/;

describe('inserted solutions compile with pdflatex and keep the document\'s structure', { skip: SKIP }, () => {
  for (const rel of DOCUMENTS) {
    const path = join(root, rel);
    const name = basename(rel);
    it(`${rel}: ordinary and hostile solutions`, (t) => {
      let original = withEndMarker(readFileSync(path, 'utf8'));
      let base = compile(original);
      if (!base.ok && /babel Error: Unknown option/.test(base.log)) {
        // The language's hyphenation files are a separate Debian package (texlive-lang-*): without them,
        // the same document without babel (its text, environments and math unchanged).
        const noBabel = original.replace(/^\\usepackage(\[[^\]]*\])?\{babel\}\s*$/m, '% babel left out: its language is not installed here');
        const retry = compile(noBabel);
        if (retry.ok) {
          t.diagnostic(`${name}: compiled without babel (its language is not installed on this machine)`);
          original = noBabel;
          base = retry;
        }
      }
      if (!base.ok) {
        // e.g. kotex without texlive-lang-korean: the document itself needs packages this machine lacks.
        t.skip(`${name} does not compile here even before insertion (${firstError(base.log).split('\n')[1] ?? 'see log'}); skipped`);
        return;
      }
      const cases = [...ORDINARY, ...HOSTILE_TEX, ...hostileShared()];
      const { text, inserted } = insertAll(original, cases);
      const result = compile(text);
      if (!result.ok) {
        // Name the culprit(s): each case alone.
        const bad = cases.filter((c) => !compile(insertAll(original, [c]).text).ok).map((c) => JSON.stringify(c.slice(0, 120)));
        assert.fail(`${name} no longer compiles: ${firstError(result.log)}\nfailing alone: ${bad.join('\n  ') || '(only together)'}`);
      }
      assert.match(result.log, /RFX-END-REACHED/, 'the document still ends at its own \\end{document}');
      assert.doesNotMatch(result.log, /RFX-SECRET-READ/, 'no file named by the model was read');
      assert.ok(!existsSync(join(result.dir, 'rfx-out.tex')), 'no file was written by the model');
      assert.ok(!existsSync(join(result.dir, 'rfx-pwned')), 'no shell command ran');
      for (const block of inserted) {
        for (const m of block.matchAll(/\\(begin|end)\{([^}]*)\}/g)) assert.match(m[2]!, ALLOWED_ENVS, `only list / math / solution environments are inserted (got \\${m[1]}{${m[2]}})`);
        assert.doesNotMatch(block, /\\(input|include|write|openout|openin|immediate|catcode|def|gdef|edef|let|newcommand|csname|expandafter|makeatletter)(?![A-Za-z])/, 'no dangerous primitive survives as a command');
        assert.doesNotMatch(block, /\^\^/, 'no ^^ character escapes');
        for (const line of block.split('\n')) assert.ok(line.length <= 2100, `no line beyond TeX's buffer (${line.length})`);
      }
      const before = detectProblems(original, 'latex').map((p) => p.text);
      const now = detectProblems(text, 'latex').map((p) => p.text);
      for (const p of before) assert.ok(now.includes(p), `problem kept: ${p.slice(0, 80)}`);
      // The detector knows solution environments (proof, solution …) but not the trivlist used where the
      // document has none, so inside it a solution's own "1. Factor: …" may look like a problem.
      if (findSolutionEnvironment(original).name !== 'trivlist') {
        assert.equal(now.length, before.length, `no problem was added; new: ${JSON.stringify(now.filter((p) => !before.includes(p)).map((p) => p.slice(0, 200)))}`);
      }
    });
  }

  it('today\'s unsafe path is what this guards against: the raw model math would not compile', () => {
    const doc = withEndMarker(readFileSync(join(root, 'samples/geometrie-de.tex'), 'utf8'));
    const p = detectProblems(doc, 'latex')[0]!;
    const raw = planLatexInsertion(doc, { start: p.startOffset, end: p.endOffset }, findSolutionEnvironment(doc), 'Close it early: $x \\end{proof} y$ and $\\frac{1}{2$');
    const r = compile(doc.slice(0, raw.offset) + raw.text + doc.slice(raw.offset));
    assert.equal(r.ok, false, 'the unsanitised text breaks the document (so the test above can fail)');
  });
});
