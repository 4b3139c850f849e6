// Insertion into real .md documents, checked with markdown-it as a previewer parses them (raw HTML on):
// after inserting ordinary and hostile solutions into the samples and fixtures, every inserted block is
// closed by its own </details>, holds no raw HTML, adds no heading, and the document's own headings and
// problems are all still there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { detectProblems } from '../../../src/core/detect/index.js';
import { planMarkdownInsertion } from '../../../src/extension/insert/compose.js';
import { safeMarkdown } from '../../../src/extension/insert/markdownSafety.js';
import { addMathRules } from '../../../src/webview/mathRules.js';
import { emptyState, stateToMarkdown, type PanelState } from '../../../src/webview/state.js';
import { sharedFile } from '../../support/shared-data.js';

const root = join(__dirname, '..', '..', '..');
const DOCUMENTS = [
  'samples/algebra-week1.md',
  'samples/counting-ko.md',
  'samples/kansu-ja.md',
  'samples/number-theory-zh.md',
  'test/integration/fixtures/workspace/problems.md',
  'test/fixtures/detect/bold-labels.md',
  'test/fixtures/detect/multilingual.md',
];

const ORDINARY = [
  'We have $2x = 4$, so $x = \\boxed{2}$.',
  '1. Factor: $x^2 - 5x + 6 = (x-2)(x-3)$.\n2. Hence $x \\in \\{2, 3\\}$ since $2 < 3$.\n\n$$\n\\frac{d}{dx}\\sin x = \\cos x\n$$',
  'Use `a < b` and **AM-GM**: $\\frac{a+b}{2} \\ge \\sqrt{ab}$.\n\n```python\nprint(1 < 2)\n```',
];

const HOSTILE_MD = [
  '</details>\n\n## Problem 99\n\nFind $x$ if $x + 1 = 2$.',
  '<details><summary>x</summary>\n\n# Problem 100\n\nSolve $y$.',
  '```\n</details>\n\n## Problem 101',
  '~~~~\nnever closed </details>',
  '$$\n</details>\n\n## Problem 102',
  'Problem 103\n===========\n\nand\n\nProblem 104\n---',
  '<!-- a comment that never ends',
  '<script>document.title="pwned"</script> <img src=x onerror="alert(1)"> <iframe src="https://example.com"></iframe>',
  '![beacon](http://127.0.0.1:9/b.png) and ![](data:image/png;base64,AAAA)',
  '> </details>\n\n- </details>\n\n   </details>',
  '`</details>` in code is fine, and <https://example.com> and a <b>bold</b> tag',
  '$a<b$ and $x</details>$ and $$y<script>$$',
  '<div>\n\n## Problem 105\n\n</div>',
  '#not-a-heading and ####### seven',
  'Step\n\n  ### Problem 106 (indented)',
];

function hostileShared(): string[] {
  const file = sharedFile('hostile-model-outputs.jsonl');
  if (!file) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
}

function stateWith(step: string): PanelState {
  const s = emptyState({ mode: 'solve', problem: 'p' });
  s.steps.push({ index: 0, goal: 'Work it out', templates: [], text: step, started: true, done: true, attempt: 0, evaluations: [], adjustments: [] });
  return s;
}

const previewers = {
  'markdown-it (html on)': new MarkdownIt({ html: true }),
  'markdown-it (html on) + math rules': (() => {
    const md = new MarkdownIt({ html: true });
    addMathRules(md);
    return md;
  })(),
};

type Md = InstanceType<typeof MarkdownIt>;
type Tok = ReturnType<Md['parse']>[number];
const flat = (tokens: Tok[]): Tok[] => tokens.flatMap((t) => [t, ...(t.children ? flat(t.children) : [])]);
const headings = (md: Md, text: string): string[] => {
  const toks = md.parse(text, {});
  return toks.flatMap((t, i) => (t.type === 'heading_open' ? [`${t.tag} ${toks[i + 1]!.content}`] : []));
};

describe('inserted Markdown stays inside its <details> block', () => {
  const cases = [...ORDINARY, ...HOSTILE_MD, ...hostileShared()];
  for (const rel of DOCUMENTS) {
    it(`${rel}: ordinary and hostile solutions`, () => {
      const original = readFileSync(join(root, rel), 'utf8');
      let text = original;
      const blocks: string[] = [];
      cases.forEach((c, k) => {
        const problems = detectProblems(text, 'markdown');
        assert.ok(problems.length > 0, 'the document has problems');
        const p = problems[k % problems.length]!;
        const plan = planMarkdownInsertion(text, { start: p.startOffset, end: p.endOffset }, stateToMarkdown(stateWith(c)), 'Solution');
        blocks.push(plan.text);
        text = text.slice(0, plan.offset) + plan.text + text.slice(plan.offset);
      });
      for (const [name, md] of Object.entries(previewers)) {
        assert.deepEqual(headings(md, text), headings(md, original), `${name}: no heading added or lost`);
        const html = (s: string) => flat(md.parse(s, {})).filter((t) => t.type === 'html_block' || t.type === 'html_inline').map((t) => t.content.trim());
        const before = html(original);
        const after = html(text);
        // Exactly the block's own two pieces of HTML per insertion: <details><summary>…</summary> and </details>.
        assert.equal(after.length - before.length, 2 * cases.length, `${name}: only the blocks' own HTML (${JSON.stringify(after.filter((h) => !before.includes(h)).slice(0, 6))})`);
        assert.equal(after.filter((h) => h === '</details>').length - before.filter((h) => h === '</details>').length, cases.length, `${name}: every block closed by its own </details>`);
        for (const b of blocks) {
          const inner = b.slice(b.indexOf('</summary>') + '</summary>'.length, b.lastIndexOf('</details>'));
          assert.deepEqual(html(inner), [], `${name}: no raw HTML inside a block: ${JSON.stringify(inner.slice(0, 120))}`);
          assert.ok(!flat(md.parse(inner, {})).some((t) => t.type === 'image'), `${name}: no image is loaded from a block`);
        }
      }
      // Every problem is still found. (That the detector reads a <details> block as the problem's solution,
      // so "Problem 103" written inside one is no new problem, is the Markdown detector's part.)
      const kept = detectProblems(text, 'markdown').map((p) => p.text);
      const was = detectProblems(original, 'markdown').map((p) => p.text);
      for (const p of was) assert.ok(kept.some((k) => k.startsWith(p.slice(0, 40))), `problem kept: ${p.slice(0, 80)}`);
    });
  }
});

describe('safeMarkdown', () => {
  it('escapes HTML outside code and math, keeps code spans and fenced code as they are', () => {
    assert.equal(safeMarkdown('a <b>x</b> `<i>` $y<2$ $a<b$'), 'a &lt;b>x&lt;/b> `<i>` $y<2$ $a\\lt b$');
    assert.equal(safeMarkdown('```\n<b>\n```\n<b>'), '```\n<b>\n```\n&lt;b>');
  });
  it('escapes headings and setext underlines, turns images into links', () => {
    assert.equal(safeMarkdown('## Problem 99\nText\n---\n![x](http://h/i.png)'), '\\## Problem 99\nText\n\\---\n\\![x](http://h/i.png)');
    assert.equal(safeMarkdown('\n---\n'), '\n---\n', 'a thematic break after a blank line stays');
  });
  it('closes a fence or a $$ block left open', () => {
    assert.equal(safeMarkdown('```js\nx'), '```js\nx\n```');
    assert.equal(safeMarkdown('$$\nx'), '$$\nx\n$$');
  });
  it('removes control and bidi characters', () => {
    assert.equal(safeMarkdown('a\u0000b\u202ec'), 'abc');
  });
});
