// The trajectory panel's front end (bundled to dist/webview.js, an iife loaded with the CSP nonce).
// It keeps a PanelState, folds orchestrator events into it with the same reducer as the extension,
// and re-renders only what changed: a streaming step re-renders its last Markdown block, so closed
// math appears as soon as its delimiter arrives and nothing else flickers.
import type { FromWebview, ToWebview, UiStrings } from './protocol.js';
import { INITIAL_MESSAGE_ID, UI_STRING_KEYS, parseToWebview } from './protocol.js';
import type { PanelState, StepView } from './state.js';
import { emptyState, reduce } from './state.js';
import { isPanelState } from './protocol.js';
import { renderMarkdown, splitBlocks } from './render.js';
import { showsFinal, statusLabel } from './labels.js';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  panel: PanelState;
  strings: UiStrings;
  canInsert: boolean;
}

const vscode = acquireVsCodeApi();
const defaultStrings = Object.fromEntries(UI_STRING_KEYS.map((k) => [k, k])) as UiStrings;

let state: PanelState = emptyState();
let strings: UiStrings = defaultStrings;
let canInsert = false;
let renderQueued = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let lastCheck: { verdict: string; message: string } | undefined;
let notice: { level: 'info' | 'error'; text: string } | undefined;
/** The user's statistics per template id (sent by the extension; shown on the template cards). */
let usage: Record<string, string> = {};

const saved = vscode.getState() as Partial<SavedState> | undefined;
if (saved && isPanelState(saved.panel)) {
  state = saved.panel;
  if (saved.strings && typeof saved.strings === 'object') strings = { ...defaultStrings, ...saved.strings };
  canInsert = saved.canInsert === true;
}

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

function save(): void {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    vscode.setState({ panel: state, strings, canInsert } satisfies SavedState);
  }, 250);
}

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Applies KaTeX's layout declarations (kept in data-kstyle by the renderer) through the CSSOM. */
function applyKatexStyles(root: Element): void {
  for (const node of Array.from(root.querySelectorAll<HTMLElement>('[data-kstyle]'))) {
    for (const decl of (node.dataset.kstyle ?? '').split(';')) {
      const i = decl.indexOf(':');
      if (i > 0) node.style.setProperty(decl.slice(0, i), decl.slice(i + 1));
    }
  }
}

/** Sets rendered Markdown into `target` when its source changed. */
function setMarkdown(target: HTMLElement, source: string): void {
  if (target.dataset.src === source) return;
  target.dataset.src = source;
  target.innerHTML = renderMarkdown(source, { macros: state.macros });
  applyKatexStyles(target);
}

/** Incremental: one child per Markdown block; only changed blocks are re-rendered. */
function setMarkdownBlocks(target: HTMLElement, source: string): void {
  if (target.dataset.src === source) return;
  target.dataset.src = source;
  const blocks = splitBlocks(source);
  const children = Array.from(target.children) as HTMLElement[];
  blocks.forEach((b, i) => {
    let child = children[i];
    if (!child) {
      child = el('div', 'md-block');
      target.appendChild(child);
    }
    setMarkdown(child, b);
  });
  for (let i = children.length - 1; i >= blocks.length; i--) children[i]!.remove();
}

function button(label: string, onClick: () => void, opts: { primary?: boolean; disabled?: boolean; id?: string } = {}): HTMLButtonElement {
  const b = el('button', opts.primary ? 'btn primary' : 'btn', label);
  b.type = 'button';
  if (opts.id) b.id = opts.id;
  b.disabled = !!opts.disabled;
  b.addEventListener('click', onClick);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const root = document.getElementById('app') ?? document.body.appendChild(el('main'));
root.setAttribute('aria-live', 'off');

/** Sections are created once and updated in place. */
const view = {
  header: el('header', 'toolbar'),
  status: el('div', 'status'),
  notice: el('div', 'notice'),
  problem: el('section', 'problem'),
  analysis: el('section', 'analysis'),
  steps: el('ol', 'steps'),
  final: el('section', 'final'),
  check: el('div', 'check'),
};
view.status.setAttribute('role', 'status');
view.notice.setAttribute('role', 'alert');
root.append(view.status, view.header, view.notice, view.problem, view.analysis, view.steps, view.final, view.check);

const running = () => state.status === 'running';

function renderHeader(): void {
  const s = strings;
  const h = view.header;
  h.replaceChildren();
  const hasWork = state.steps.some((x) => x.text.trim()) || !!state.final || !!state.analysis;
  if (running()) h.append(button(s.cancel, () => post({ type: 'cancel' }), { id: 'btn-cancel' }));
  if (state.mode === 'hint' && state.status === 'paused' && state.hintsRevealed < (state.plan?.steps.length ?? 0)) {
    h.append(button(s.nextHint, () => post({ type: 'next-hint' }), { primary: true, id: 'btn-next-hint' }));
  }
  if (!running() && state.problem) h.append(button(s.retry, () => post({ type: 'retry' }), { id: 'btn-retry' }));
  const mayShowSolution = state.mode !== 'hint' || state.solutionRevealed;
  if (hasWork && mayShowSolution) {
    h.append(
      button(s.copyLatex, () => post({ type: 'copy', format: 'latex' }), { id: 'btn-copy-latex' }),
      button(s.copyMarkdown, () => post({ type: 'copy', format: 'markdown' }), { id: 'btn-copy-md' }),
    );
    if (canInsert && state.mode !== 'explain') {
      h.append(button(s.insert, () => post({ type: 'insert' }), { id: 'btn-insert', disabled: running() }));
    }
  }
  if (state.mode !== 'explain' && state.problem) {
    h.append(button(s.checkAnswer, () => post({ type: 'check' }), { id: 'btn-check' }));
  }
  // Growing the library: a solved run becomes a template; a finished solve can be graded (statistics, pairs).
  if (state.mode === 'solve' && state.status === 'solved' && state.final?.answer) {
    h.append(button(s.saveTemplate, () => post({ type: 'save-template' }), { id: 'btn-save-template' }));
  }
  if (state.mode === 'solve' && (state.status === 'solved' || state.status === 'no-answer')) {
    h.append(button(s.grade, () => post({ type: 'grade' }), { id: 'btn-grade' }));
  }
  if (state.mode === 'hint' && !state.solutionRevealed && state.problem) {
    h.append(button(s.revealSolution, () => post({ type: 'reveal-solution' }), { id: 'btn-reveal' }));
  }
  h.append(button(s.history, () => post({ type: 'show-history' }), { id: 'btn-history' }));

  const models = [state.navigator && `${s.navigator}: ${state.navigator}`, state.solver && `${s.solver}: ${state.solver}`]
    .filter(Boolean)
    .join(' · ');
  const label = statusLabel(state, s);
  const badge = el('span', `badge status-${label.tone}`, label.text);
  badge.id = 'status-badge';
  view.status.replaceChildren(badge, el('span', 'models', models));
}

function renderProblem(): void {
  if (!state.problem) {
    view.problem.replaceChildren(el('p', 'empty', strings.empty));
    delete view.problem.dataset.src;
    return;
  }
  let body = view.problem.querySelector<HTMLElement>('.body');
  if (!body) {
    view.problem.replaceChildren(el('h2', undefined, strings.problem), (body = el('div', 'body')));
    if (state.language) view.problem.lang = state.language;
  }
  setMarkdown(body, state.problem);
}

function renderAnalysis(): void {
  const text = state.mode === 'explain' ? state.analysis : state.plan?.analysis ?? '';
  const dropped = state.plan?.droppedSteps ?? 0;
  if (!text.trim() && !dropped) {
    view.analysis.hidden = true;
    return;
  }
  view.analysis.hidden = false;
  let body = view.analysis.querySelector<HTMLElement>('.body');
  const heading = state.mode === 'explain' ? strings.explanation : strings.analysis;
  if (!body || view.analysis.dataset.heading !== heading) {
    view.analysis.replaceChildren(el('h2', undefined, heading), (body = el('div', 'body')));
    view.analysis.dataset.heading = heading;
  }
  setMarkdownBlocks(body, text);
  // A plan cut to the most steps allowed says so (the navigator asked for more).
  let note = view.analysis.querySelector<HTMLElement>('.steps-dropped');
  if (!dropped) note?.remove();
  else {
    if (!note) view.analysis.append((note = el('p', 'steps-dropped')));
    note.textContent = `${strings.stepsDropped} ${dropped}`;
  }
}

function renderTrajectory(step: StepView, box: HTMLElement): void {
  const s = strings;
  const lineOf = (id: string) => usage[id];
  const key = JSON.stringify([step.goal, step.method, step.chosen, step.why, step.templates, step.evaluations, step.adjustments, step.templates.map((t) => lineOf(t.id) ?? '')]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  const goal = el('div', 'goal');
  setMarkdown(goal, step.goal || step.method || '');
  box.append(goal);
  const chosen = step.templates.find((t) => t.id === step.chosen) ?? (step.chosen ? undefined : step.templates[0]);
  if (chosen) {
    const t = el('div', 'template');
    t.append(el('span', 'label', `${s.template}: `), el('strong', undefined, chosen.name));
    t.append(el('div', 'where', `${chosen.chapter}${chosen.section ? ` › ${chosen.section}` : ''}`));
    const line = lineOf(chosen.id);
    if (line) t.append(el('div', 'usage', `${s.yourUse}: ${line}`));
    box.append(t);
  } else if (step.chosen) {
    box.append(el('div', 'template', `${s.template}: ${step.chosen}`));
  }
  if (step.why) {
    const why = el('div', 'why');
    why.append(el('span', 'label', `${s.why}: `));
    const w = el('span');
    setMarkdown(w, step.why);
    why.append(w);
    box.append(why);
  }
  // Only the alternatives that match about as well as the best (the event marks the others `distant`).
  const others = step.templates.filter((t) => t !== chosen && !t.distant);
  if (others.length) {
    const d = el('details', 'alternatives');
    d.append(el('summary', undefined, `${s.alternatives} (${others.length})`));
    const ul = el('ul');
    for (const o of others) {
      const li = el('li', undefined, `${o.name} — ${o.chapter}${o.section ? ` › ${o.section}` : ''}`);
      const line = lineOf(o.id);
      if (line) li.append(el('span', 'usage', ` · ${line}`));
      ul.append(li);
    }
    d.append(ul);
    box.append(d);
  }
}

function renderNotes(step: StepView, box: HTMLElement): void {
  const key = JSON.stringify([step.evaluations, step.adjustments]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  for (const a of step.adjustments) {
    const n = el('div', `note adjustment ${a.kind}`);
    n.append(el('span', 'label', `${a.kind === 'replan' ? strings.replan : strings.revise}: `));
    const body = el('span');
    setMarkdown(body, a.reason);
    n.append(body);
    box.append(n);
  }
  for (const e of step.evaluations) {
    const n = el('div', `note evaluation verdict-${e.verdict}`);
    n.append(el('span', 'label', `${strings.evaluation} (${e.verdict}${e.progress !== undefined ? `, ${Math.round(e.progress * 100)}%` : ''}): `));
    const body = el('span');
    setMarkdown(body, e.feedback);
    n.append(body);
    box.append(n);
  }
}

function renderSteps(): void {
  const items = Array.from(view.steps.children) as HTMLElement[];
  const hideFrom = state.mode === 'hint' && !state.solutionRevealed ? state.hintsRevealed : Infinity;
  state.steps.forEach((step, i) => {
    let li = items[i];
    if (!li) {
      li = el('li', 'step');
      li.tabIndex = 0;
      const head = el('h3', 'step-title');
      const cols = el('div', 'columns');
      const traj = el('div', 'trajectory');
      const work = el('div', 'work');
      const notes = el('div', 'notes');
      cols.append(traj, work);
      li.append(head, cols, notes);
      view.steps.append(li);
    }
    li.className = `step${step.partial ? ' partial' : step.done ? ' done' : step.started ? ' active' : ''}`;
    li.querySelector('.step-title')!.textContent = `${strings.step} ${i + 1}`;
    renderTrajectory(step, li.querySelector<HTMLElement>('.trajectory')!);
    const work = li.querySelector<HTMLElement>('.work')!;
    if (i >= hideFrom) {
      if (work.dataset.hidden !== '1') {
        work.dataset.hidden = '1';
        delete work.dataset.src;
        work.replaceChildren(el('p', 'hidden-step', strings.hidden));
      }
    } else {
      if (work.dataset.hidden === '1') {
        work.dataset.hidden = '0';
        work.replaceChildren();
      }
      setMarkdownBlocks(work, step.text);
    }
    // A cut-off reply stays visible, marked as partial (it was not used as the step's work).
    let cut = li.querySelector<HTMLElement>('.cut-off');
    if (!step.partial) cut?.remove();
    else {
      if (!cut) li.insertBefore((cut = el('p', 'cut-off')), li.querySelector('.notes'));
      cut.textContent = `${strings.cutOff}: ${step.partial}`;
    }
    renderNotes(step, li.querySelector<HTMLElement>('.notes')!);
  });
  for (let i = items.length - 1; i >= state.steps.length; i--) items[i]!.remove();
}

function renderFinal(): void {
  const f = state.final;
  const shown = showsFinal(state);
  const explained = state.mode === 'explain' && state.status !== 'running' && !!state.analysis.trim() && !state.error;
  const key = JSON.stringify([f, state.stats, shown, explained, state.error, state.graded]);
  if (view.final.dataset.key === key) return;
  view.final.dataset.key = key;
  view.final.replaceChildren();
  if (state.error) view.final.append(el('p', 'error', state.error.message));
  // An explanation ends with a note, not an answer box (its text is the analysis shown above).
  if (explained) view.final.append(el('p', 'explained-note', strings.explainedNote));
  if (f && shown) {
    view.final.append(el('h2', undefined, strings.finalAnswer));
    const box = el('div', 'answer-box');
    box.id = 'final-answer';
    // The box is drawn by CSS, so a \\boxed{} answer is not boxed twice.
    setMarkdown(box, f.answer !== null ? `$$${f.answer}$$` : f.text);
    view.final.append(box);
  }
  if (state.graded) {
    const g = state.graded;
    const text = `${g.correct ? strings.gradedCorrect : strings.gradedWrong}${g.reference !== undefined ? ` (${strings.reference}: ${g.reference})` : ''}`;
    const p = el('p', `graded verdict-${g.correct ? 'right' : 'not-yet'}`, text);
    p.id = 'graded';
    view.final.append(p);
  }
  const st = state.stats;
  if (st) {
    const line = `${strings.calls}: ${st.calls} · ${strings.tokens}: ${st.totalTokens} · ${strings.time}: ${(st.ms / 1000).toFixed(1)} s · ${strings.rounds}: ${st.rounds}/${st.roundBudget}`;
    view.final.append(el('p', 'stats', line));
  }
}

function renderCheck(): void {
  view.check.replaceChildren();
  const c = lastCheck ?? state.check;
  if (c) view.check.append(el('p', `check-result verdict-${c.verdict}`, c.message));
  view.notice.replaceChildren();
  if (notice) view.notice.append(el('p', `notice ${notice.level}`, notice.text));
}

function renderAll(): void {
  renderQueued = false;
  document.documentElement.lang = state.language ?? document.documentElement.lang;
  renderHeader();
  renderProblem();
  renderAnalysis();
  renderSteps();
  renderFinal();
  renderCheck();
  save();
  report();
}

let lastReport = '';
/** Tells the extension what is on screen (counts only), when it changed. */
function report(): void {
  const r = {
    type: 'rendered' as const,
    runId: state.runId ?? '',
    status: state.status,
    steps: view.steps.children.length,
    math: root.querySelectorAll('.math').length,
    mathSource: root.querySelectorAll('.math-source').length,
    finalShown: !!document.getElementById('final-answer'),
    badge: document.getElementById('status-badge')?.textContent ?? '',
    usage: Array.from(root.querySelectorAll('.usage')).map((n) => (n.textContent ?? '').slice(0, 300)).slice(0, 500),
  };
  const key = JSON.stringify(r);
  if (key === lastReport) return;
  lastReport = key;
  post(r);
}

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(renderAll);
}

function resetView(): void {
  for (const n of [view.problem, view.analysis, view.final]) {
    n.replaceChildren();
    delete n.dataset.src;
    delete n.dataset.key;
  }
  view.steps.replaceChildren();
}

// ---------------------------------------------------------------------------------------------
// Messages from the extension

window.addEventListener('message', (e: MessageEvent) => apply(parseToWebview(e.data)));

function apply(msg: ToWebview | undefined): void {
  if (!msg) return; // not part of the contract: ignored
  switch (msg.type) {
    case 'reset': {
      const sameRun = !!msg.state.runId && msg.state.runId === state.runId;
      state = msg.state;
      strings = msg.strings;
      canInsert = msg.canInsert;
      if (msg.usage) usage = msg.usage;
      if (!sameRun) {
        // A different run (or history entry): start from a clean view. The same run (a hint pause,
        // a reload) keeps its DOM, so nothing flickers.
        lastCheck = undefined;
        notice = undefined;
        resetView();
      }
      scheduleRender();
      break;
    }
    case 'event':
      if (msg.event.type !== 'start' && state.runId && msg.runId !== state.runId) return;
      if (msg.event.type === 'start' && msg.event.runId !== state.runId) {
        lastCheck = undefined;
        notice = undefined;
        resetView();
      }
      state = reduce(state, msg.event);
      scheduleRender();
      break;
    case 'check':
      lastCheck = msg.result;
      scheduleRender();
      break;
    case 'notice':
      notice = { level: msg.level, text: msg.text };
      scheduleRender();
      break;
    case 'usage':
      usage = { ...usage, ...msg.lines };
      scheduleRender();
      break;
  }
}

/** The first message, embedded in the HTML by the extension (the problem shows without a round trip). */
function initialMessage(): ToWebview | undefined {
  const node = document.getElementById(INITIAL_MESSAGE_ID);
  const text = node?.textContent;
  node?.remove(); // read once; the state lives in `state` (and getState) from here on
  if (!text) return undefined;
  try {
    return parseToWebview(JSON.parse(text));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Links (opened by the extension after confirmation) and copying math as LaTeX

function activateLink(target: EventTarget | null): boolean {
  const a = (target as Element | null)?.closest?.('.ext-link') as HTMLElement | null;
  if (!a) return false;
  const href = a.dataset.href;
  if (href) post({ type: 'open-link', href });
  return true;
}
document.addEventListener('click', (e) => {
  if (activateLink(e.target)) e.preventDefault();
});
document.addEventListener('keydown', (e) => {
  if ((e.key === 'Enter' || e.key === ' ') && activateLink(e.target)) e.preventDefault();
});

const BLOCK_TAGS = new Set(['P', 'DIV', 'LI', 'H1', 'H2', 'H3', 'H4', 'PRE', 'UL', 'OL', 'SECTION', 'BLOCKQUOTE', 'TR']);

/** Text of a fragment with every rendered formula replaced by its LaTeX source. */
function fragmentToText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (!(node instanceof Element) && !(node instanceof DocumentFragment)) return '';
  if (node instanceof Element) {
    if (node.classList.contains('math') || node.classList.contains('math-source')) {
      const tex = (node as HTMLElement).dataset.tex ?? node.textContent ?? '';
      return (node as HTMLElement).dataset.display === '1' ? `\n$$${tex}$$\n` : `$${tex}$`;
    }
    if (node.classList.contains('katex-mathml')) return '';
  }
  let out = '';
  node.childNodes.forEach((c) => (out += fragmentToText(c)));
  if (node instanceof Element && BLOCK_TAGS.has(node.tagName)) out += '\n';
  return out;
}

document.addEventListener('copy', (e: ClipboardEvent) => {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed || !e.clipboardData) return;
  const range = sel.getRangeAt(0).cloneRange();
  // A selection that starts or ends inside a formula takes the whole formula.
  const startMath = (range.startContainer.parentElement ?? null)?.closest('.math');
  const endMath = (range.endContainer.parentElement ?? null)?.closest('.math');
  if (startMath) range.setStartBefore(startMath);
  if (endMath) range.setEndAfter(endMath);
  const frag = range.cloneContents();
  if (!frag.querySelector('.math, .math-source') && !startMath && !endMath) return; // plain text: default copy
  e.clipboardData.setData('text/plain', fragmentToText(frag).replace(/\n{3,}/g, '\n\n').trim());
  e.preventDefault();
});

// Render whatever was restored, then ask the extension for the authoritative state.
// The HTML is written once per panel: when the webview reloads (hidden and shown again) its saved state of
// the same run is newer than the embedded one, so the embedded one is used only for a new panel or run.
const initial = initialMessage();
if (initial?.type === 'reset' && !(saved && isPanelState(saved.panel) && saved.panel.runId === initial.state.runId)) apply(initial);
renderAll();
post({ type: 'ready' });
