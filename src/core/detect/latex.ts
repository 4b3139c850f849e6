// LaTeX: a small tokenizer of our own (comments, verbatim-like environments, \verb, environments,
// brace groups of definitions, sectioning commands, list markers) that builds a forgiving tree of
// environments, then rules that pick out stated problems. Broken input never stops the scan:
// unmatched \end is ignored, an environment opened again while still open closes the earlier one,
// \end{document} and the end of the text close everything.
import type { DetectedProblem, ProblemKind } from './types.js';
import { countBelow, DetectCancelledError, detach, newlinesIn, shiftProblem, sortByStart, type Segment } from './segments.js';
import {
  asksQuestion,
  hasImperative,
  hasMath,
  guessLanguage,
  introducesProblems,
  isContainerHeading,
  isAdvice,
  isExampleLabel,
  isNumberOnlyLabel,
  isSolutionLabel,
  matchProblemLabel,
  startsWithTask,
  statesTask,
  tidyStatement,
} from './lexicon.js';

export interface EnvNode {
  t: 'env';
  name: string;
  start: number;
  /** After `\begin{name}` and an optional `[...]`. */
  headEnd: number;
  /** After `\end{name}`, or where it was closed implicitly. */
  end: number;
  closed: boolean;
  children: LNode[];
  cache?: { text: string; language?: string };
  /** The optional [label] after \\begin{name}, '' when none (derived once). */
  label?: string;
  /** A plain list environment labelled as a solution (`\\begin{trivlist}\\item[\\textbf{Solution.}]`). */
  sol?: boolean;
  /**
   * The continuation of an environment opened in an earlier segment and still open at this segment's start
   * (the segment's entry is "e" + name): its children here; the opening node's own `end` is then not known.
   */
  cont?: boolean;
}
export interface Mark {
  t: 'mark';
  /** 'cand': a command of unknown meaning opening a line of text (\\Ese Si calcoli …); a problem start only when the
   *  document declares it so (its definition prints a problem word) or its uses state tasks (see inferProblemEnvs). */
  /** `answer`: the exercise package's \\Answer inside an ExerciseList (the item before it is answered). */
  cmd: 'item' | 'question' | 'part' | 'heading' | 'cand' | 'answer';
  start: number;
  end: number;
  level?: number;
  title?: string;
  /** A command that starts a problem (\\problem, \\exercise{...}, \\pr): its kind. */
  macro?: ProblemKind;
  /** A command of unknown meaning followed by {number}{...} at a line start (\\hw{3}{...}): its name. */
  nmacro?: string;
  /** A bold paragraph head (\\textbf{Problem 4}, {\\bf Question 3.2}, \\noindent\\textbf{5.}). */
  bold?: boolean;
  /** Item text facts, derived once (valid while the segment is reused). */
  cache?: { end: number; text: string; task: boolean; language?: string; title?: string; bare?: boolean };
  /** Statement text of a heading problem that ends inside the heading's own segment, keyed by its relative end. */
  stmt?: { end: number; text: string; language?: string };
  /** Whether the statement of the problem at this heading states a task, for the text it had. */
  labelTask?: { text: string; task: boolean };
  /** A heading's own text and whether it states a task (see headingOwn), derived once while valid. */
  own?: { end: number; whole: number; text: string; task: boolean };
  /** Facts about a heading's title, derived once. */
  facts?: { title: string; solution: boolean; label: ReturnType<typeof matchProblemLabel>; example: boolean; container: boolean };
}
export interface Decl {
  t: 'decl';
  name: string;
  title: string;
  start: number;
}
export interface Prose {
  t: 'prose';
  start: number;
  end: number;
  /** Derived once (the record is immutable while its segment is reused). */
  sol?: boolean;
  long?: boolean;
  intro?: boolean;
  /** Only labels, index entries and spacing commands: no text of its own. */
  blank?: boolean;
}
type IntroRef = { p: Prose; segStart: number } | undefined;

function proseFacts(text: string, segStart: number, p: Prose): Prose {
  if (p.sol === undefined) {
    const s = text.slice(segStart + p.start, segStart + Math.min(p.end, p.start + 300));
    p.sol = isSolutionLabel(s.replace(/\\[a-zA-Z]+\*?\s*/g, ''));
    p.long = s.trim().length > 20;
    p.blank = !/\S/.test(s.replace(/\\(?:label|index|hypertarget|phantomsection|addcontentsline|markboth|markright|vspace|hspace|noindent|medskip|bigskip|smallskip|newpage|clearpage|pagebreak|par|centering)\*?(?:\[[^\]]*\])?(?:\{[^{}]*\})*/g, ''));
  }
  return p;
}

function introduces(text: string, ref: IntroRef): boolean {
  if (!ref) return false;
  const p = ref.p;
  if (p.intro === undefined) p.intro = introducesProblems(text.slice(ref.segStart + Math.max(p.start, p.end - 400), ref.segStart + p.end));
  return p.intro;
}
export type LNode = EnvNode | Mark;
export type LRecord = EnvNode | Mark | Decl | Prose;
export interface LatexSegData {
  /** Absolute offset of the segment when it was scanned; record positions are relative to it. */
  origin: number;
  records: LRecord[];
  /** Uses of environments of unknown meaning in this segment, for inference from usage (derived once per kinds map). */
  usage?: { kinds: Map<string, ProblemKind | 'skip'>; stats: Map<string, [uses: number, tasks: number]> };
  /** The segment's declarations and top-level headings, derived once (records do not change while it is reused). */
  decls?: readonly Decl[];
  heads?: readonly Mark[];
  /** Offset (relative to the segment) of a line-starting `\\end{document}` in it, -1 when none; found once. */
  endDoc?: number;
  /** The same for a line-starting `\\documentclass`. */
  docClass?: number;
}

const NO_RECORDS: readonly never[] = [];
function segDecls(d: LatexSegData): readonly Decl[] {
  if (!d.decls) {
    const xs = d.records.filter((r): r is Decl => r.t === 'decl');
    d.decls = xs.length ? xs : NO_RECORDS;
  }
  return d.decls;
}
function segHeads(d: LatexSegData): readonly Mark[] {
  if (!d.heads) {
    const xs = d.records.filter((r): r is Mark => r.t === 'mark' && r.cmd === 'heading');
    d.heads = xs.length ? xs : NO_RECORDS;
  }
  return d.heads;
}

const VERBATIM = new Set([
  'verbatim', 'verbatim*', 'Verbatim', 'Verbatim*', 'BVerbatim', 'LVerbatim', 'lstlisting', 'minted', 'comment',
  'filecontents', 'filecontents*', 'spverbatim', 'alltt', 'pyglist', 'pycode', 'sagecommandline', 'tcblisting', 'codeblock',
]);
const NESTABLE = new Set([
  'enumerate', 'itemize', 'description', 'compactenum', 'compactitem', 'asparaenum', 'inparaenum', 'enumerate*',
  'itemize*', 'list', 'parts', 'subparts', 'subsubparts', 'choices', 'checkboxes', 'oneparchoices', 'minipage',
  'center', 'flushleft', 'flushright', 'tabular', 'tabular*', 'tabularx', 'array', 'matrix', 'pmatrix', 'bmatrix',
  'vmatrix', 'Vmatrix', 'smallmatrix', 'cases', 'aligned', 'split', 'gathered', 'alignedat', 'quote', 'quotation',
  'tikzpicture', 'scope', 'figure', 'table', 'subfigure', 'multicols', 'frame', 'block', 'columns', 'column', 'group',
  'tcolorbox', 'mdframed', 'framed', 'adjustbox',
]);
const LIST_ENVS = new Set([
  'enumerate', 'itemize', 'compactenum', 'compactitem', 'asparaenum', 'inparaenum', 'enumerate*', 'itemize*',
  'description', 'list', 'easylist', 'tasks',
]);
const PROBLEM_ENVS: Record<string, ProblemKind> = {
  problem: 'problem', problems: 'problem', prob: 'problem', pb: 'problem', probl: 'problem', aufgabe: 'problem',
  probleme: 'problem', problème: 'problem', problema: 'problem', zadacha: 'problem', task: 'problem',
  homeworkproblem: 'problem', hwproblem: 'problem', hw: 'problem', challenge: 'exercise', puzzle: 'problem',
  exercise: 'exercise', exercises: 'exercise', exer: 'exercise', exo: 'exercise', exercice: 'exercise', ex: 'exercise',
  exercize: 'exercise', ejercicio: 'exercise', uebung: 'exercise', übung: 'exercise', exercisebox: 'exercise',
  question: 'question', ques: 'question', qn: 'question', questionbox: 'question', frage: 'question',
  pr: 'problem', prb: 'problem', oppg: 'problem', oppgave: 'problem', opgave: 'problem', uppgift: 'problem',
  zadanie: 'problem', zadatak: 'problem', uloha: 'problem', úloha: 'problem', ukol: 'problem', úkol: 'problem',
  feladat: 'problem', tehtava: 'problem', tehtävä: 'problem', opgaven: 'problem', aufg: 'problem', zad: 'problem', problemi: 'problem',
  esercizio: 'exercise', eserc: 'exercise', exercicio: 'exercise', exercício: 'exercise', exc: 'exercise', exr: 'exercise', exrc: 'exercise',
  cvicenie: 'exercise', cvičení: 'exercise', cvičenie: 'exercise', oefening: 'exercise', ovelse: 'exercise', øvelse: 'exercise',
  upraznenie: 'exercise', uprazhnenie: 'exercise', askisi: 'exercise', askhsh: 'exercise', άσκηση: 'exercise', ασκηση: 'exercise',
  quesito: 'question', domanda: 'question', pergunta: 'question', questao: 'question', questão: 'question', vopros: 'question', quest: 'question',
};
/** Prefixes and suffixes around a problem word in environment names: dproblem, sproblem, myexercise, problembox, exercise2. */
const NAME_AFFIX = /^(?:my|the|d|s|h|x|new|main|bonus|extra|hard|easy|star|open|long|short|hw|home|class|practice|review|challenge|warmup|big|small|sub)?(.+?)(?:box|env|block|frame|item|[0-9]+)?$/;
/** Environments that hold a list of problems as \item / \question. */
const CONTAINER_ENVS = new Set([
  'questions', 'exercises', 'problems', 'problemlist', 'exerciselist', 'homework', 'aufgaben', 'exercices', 'ejercicios',
  'tasks',
]);
const SOLUTION_ENV =
  /^(?:my|the)?(?:solution|solutions|sol|soln|proof|answer|answers|ans|loesung|lösung|lsg|solucion|solución|reponse|réponse|corrige|corrigé|beweis|preuve|demostracion|demostración|demonstration|resolucion|resolución|reshenie|resheniye|hint-solution|losn|løsn|losning|løsning|soluzione|soluz|risposta|oplossing|rozwiazanie|riesenie|reseni|solucao|solução|resolucao|lysi|lysh|cevap|cozum)(?:box|env)?\*?$/i;
const SOLUTION_BOX = /^(?:solution|proof|answer)or(?:box|lines|emptybox|dottedlines)$/i;
const SKIP_TITLE =
  /^(?:theorem|lemma|proposition|corollary|claim|conjecture|definition|remark|note|notation|observation|example|examples|fact|axiom|hypothesis|proof|solution|answer|hint|satz|definition|bemerkung|beispiel|folgerung|korollar|théorème|lemme|définition|remarque|exemple|teorema|lema|definición|observación|ejemplo|теорема|лемма|определение|пример|замечание|定理|引理|定义|定義|例|注|정리|정의|보기)\b/iu;

export const DEFAULT_MIN_SEGMENT = 2048;

function isSingleProblemEnv(name: string): boolean {
  const base = name.replace(/\*$/, '').toLowerCase();
  return Object.hasOwn(PROBLEM_ENVS, base) && !CONTAINER_ENVS.has(base);
}
const MAX_DEPTH = 64;

const CMD_NAME = /[A-Za-z@]+\*?/y;
const SPECIAL = /[\\%\n]/g;

/**
 * The furthest offset (exclusive) the running scan has read to take a decision: the helpers below that look
 * ahead (groups, optional arguments, spaces, searches) record it, and scanLatex stores it on a segment whose scan
 * looked past the segment's own end (Segment.reach). A scan is synchronous, so one variable serves.
 */
let seen = 0;
function see(p: number): void {
  if (p > seen) seen = p;
}
/** Short peeks of the scanner (a character after a command, "\\section" at a line start) past a segment's end. */
const PEEK = 64;

/** Reads a balanced {...} group starting at `i` (text[i] === '{'); returns the index after it, or -1. */
function groupEnd(text: string, i: number, cap = 20000): number {
  let depth = 0;
  const limit = Math.min(text.length, i + cap);
  for (let k = i; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 37) {
      const e = text.indexOf('\n', k);
      if (e < 0) {
        see(text.length);
        return -1;
      }
      k = e;
    } else if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) {
        see(k + 1);
        return k + 1;
      }
    }
  }
  see(limit);
  return -1;
}

/** Reads [..] at i (text[i] === '['), one level of nested [] / {} allowed; returns index after, or -1. */
function optEnd(text: string, i: number, cap = 600): number {
  let depth = 0;
  let brace = 0;
  const limit = Math.min(text.length, i + cap);
  for (let k = i; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 123) brace++;
    else if (c === 125) brace = Math.max(0, brace - 1);
    else if (c === 91 && brace === 0) depth++;
    else if (c === 93 && brace === 0) {
      depth--;
      if (depth === 0) {
        see(k + 1);
        return k + 1;
      }
    } else if (c === 10 && text.charCodeAt(k + 1) === 10) {
      see(k + 2);
      return -1;
    }
  }
  see(limit);
  return -1;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) i++;
    else if (c === 10 && text.charCodeAt(i + 1) !== 10) i++;
    else break;
  }
  see(i + 1);
  return i;
}

/** Reads up to `groups` arguments ({..}, [..], \cs, #n) after a definition command; returns the end index. */
function skipDefinitionArgs(text: string, i: number, groups: number): number {
  let got = 0;
  let k = i;
  for (let guard = 0; guard < 12 && got < groups; guard++) {
    k = skipSpaces(text, k);
    const c = text[k];
    if (c === '{') {
      const e = groupEnd(text, k);
      if (e < 0) return k + 1;
      k = e;
      got++;
    } else if (c === '[') {
      const e = optEnd(text, k);
      if (e < 0) return k + 1;
      k = e;
    } else if (c === '\\') {
      CMD_NAME.lastIndex = k + 1;
      const m = CMD_NAME.exec(text);
      k = m ? k + 1 + m[0].length : k + 2;
      got++;
    } else if (c === '*') k++;
    else break;
  }
  return k;
}

/** Reads {arg} at i after spaces; returns [content, endIndex] or undefined. */
function readArg(text: string, i: number, cap = 2000): [string, number] | undefined {
  const k = skipSpaces(text, i);
  if (text[k] !== '{') return undefined;
  const e = groupEnd(text, k, cap);
  if (e < 0) return undefined;
  return [text.slice(k + 1, e - 1), e];
}

const HEADING_LINE = /\\(?:chapter|[a-z]{0,12}section|paragraph)\b/y;
/** A sectioning command at `i` (text[i] === '\\'). */
function atHeading(text: string, i: number): boolean {
  HEADING_LINE.lastIndex = i;
  return HEADING_LINE.test(text);
}

function headingLevel(name: string): number | undefined {
  const base = name.replace(/\*$/, '');
  if (base === 'part' || base === 'sectionmark') return undefined;
  if (base === 'chapter') return 0;
  if (base === 'section') return 1;
  if (base === 'subsection') return 2;
  if (base === 'subsubsection') return 3;
  if (base === 'paragraph' || base === 'subparagraph') return 4;
  if (/^[a-z]{1,12}section$/i.test(base) && !/^(?:ref|label|set|add|the|new)/.test(base)) {
    return /subsub/.test(base) ? 3 : /sub/.test(base) ? 2 : 1;
  }
  return undefined;
}

/** Commands that start a problem when they open a line at the top level. */
const PROBLEM_MACROS: Record<string, ProblemKind> = {
  problem: 'problem', prob: 'problem', pr: 'problem', aufgabe: 'problem', hwproblem: 'problem', homeworkproblem: 'problem',
  exercise: 'exercise', exer: 'exercise', exercice: 'exercise', ejercicio: 'exercise', esercizio: 'exercise',
  question: 'question', titledquestion: 'question',
};
const BOLD_CMDS = new Set(['textbf', 'textit', 'emph', 'underline', 'textsc', 'textsf']);
const BOLD_DECLS = new Set(['bf', 'bfseries', 'it', 'itshape', 'sc', 'scshape', 'em', 'sffamily']);
/** A command name that says it holds a problem (\\addexercise, \\newproblem, \\myaufgabe), or its answer or hint. */
const PROBLEM_NAMED = /(?:exercise|exercice|problem|aufgabe|question|ejercicio|esercizio|exerc[ií]cio|zadanie|feladat|opgave|oppgave|uppgift|übung|uebung)/i;
const ANSWER_NAMED = /(?:sol|hint|answer|antwort|loes|lös|proof|beweis|hinweis|tipp)/i;
/** Standard commands that open lines of text without starting anything (never a 'cand' mark). */
const PLAIN_CMDS = new Set(
  ('noindent indent par medskip bigskip smallskip newline linebreak pagebreak nopagebreak newpage clearpage cleardoublepage centering ' +
    'raggedright raggedleft vfill hfill hfil vfil hline toprule midrule bottomrule item maketitle tableofcontents footnote ' +
    'tiny scriptsize footnotesize small normalsize large Large LARGE huge Huge selectfont normalfont rm sf tt bf it sl sc em ' +
    'rmfamily sffamily ttfamily bfseries mdseries itshape slshape scshape upshape quad qquad displaystyle textstyle ' +
    'hskip vskip kern allowbreak nobreak ldots dots cdots S P dag ddag copyright pounds LaTeX TeX today and or ' +
    'textbf textit emph underline textsc textsf texttt textrm mathbf mathrm mathit boldsymbol left right big Big bigg Bigg ' +
    'pause only uncover visible alert item begin end label ref eqref cite index hyperlink hypertarget phantom hphantom vphantom ' +
    'textcolor color relax ignorespaces unskip null strut mbox hbox vbox text' ).split(' '),
);
/** Commands that never start a numbered problem, even when followed by {3}{...}. */
const NOT_NMACRO = /^(?:setcounter|addtocounter|setlength|addtolength|hspace|vspace|multicolumn|multirow|rule|raisebox|resizebox|scalebox|rotatebox|parbox|makebox|framebox|includegraphics|input|include|newcommand|renewcommand|def|frac|dfrac|tfrac|binom|color|textcolor|colorbox|fcolorbox|ifthenelse|stepcounter|refstepcounter|titleformat|titlespacing|cline|hhline|draw|node|foreach|pgfmathsetmacro|put|multiput|line|vector|genfrac|overset|underset|stackrel|xrightarrow|xleftarrow|tabularnewline|enlargethispage|columnbreak|bibitem|cite|ref|label|href|url)$/;

/** Only spacing commands and blanks between the start of its line and `pos`. */
function atLineStart(text: string, pos: number): boolean {
  const ls = text.lastIndexOf('\n', pos - 1) + 1;
  if (pos - ls > 80) return false;
  return /^(?:\s|\\(?:noindent|medskip|bigskip|smallskip|par|indent|newline)(?![a-zA-Z])|\\vspace\*?\{[^}]*\})*$/.test(text.slice(ls, pos));
}

/** Plain text of a bold head's content, or undefined when it names no problem, number or solution. */
function boldHeadTitle(content: string): string | undefined {
  const t = content.replace(/\\[a-zA-Z]+\*?|[{}~]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!t || t.length > 80) return undefined;
  if (matchProblemLabel(t)?.numbered || isNumberOnlyLabel(t) || isSolutionLabel(t)) return t;
  const l = matchProblemLabel(t);
  if (l && !l.rest) return t;
  return undefined;
}

const FI = /\\fi(?![A-Za-z@])/g;
/** Offset of the next \fi command at or after `from`, or -1. */
function fiAfter(text: string, from: number): number {
  FI.lastIndex = from;
  const m = FI.exec(text);
  return m ? m.index : -1;
}

/**
 * Scans LaTeX from `from` (a safe point: a line start outside every environment) into segments.
 * See SegmentedText for `stop`.
 */
export function scanLatex(
  text: string,
  from: number,
  stop: ((pos: number, entry?: string) => boolean) | undefined,
  cancel?: () => boolean,
  entry?: string,
  minSegment = DEFAULT_MIN_SEGMENT,
): Segment<LatexSegData>[] {
  const segs: Segment<LatexSegData>[] = [];
  const n = text.length;
  let segStart = from;
  /** State the current segment starts in: "v<env>" inside a long top-level verbatim block, else undefined. */
  let segEntry: string | undefined = entry;
  let records: LRecord[] = [];
  const stack: EnvNode[] = [];
  let proseStart = -1;
  let lastText = -1;

  const closeProse = (): void => {
    if (proseStart >= 0) {
      records.push({ t: 'prose', start: proseStart - segStart, end: Math.max(proseStart, lastText) + 1 - segStart });
      proseStart = -1;
    }
  };
  const finish = (at: number): void => {
    closeProse();
    // Positions were recorded absolute; store them relative to the segment start (origin 0).
    const rel = (node: LRecord): void => {
      if (node.t === 'prose') return;
      if (node.t === 'decl') {
        node.start -= segStart;
        return;
      }
      node.start -= segStart;
      node.end -= segStart;
      if (node.t === 'env') {
        node.headEnd -= segStart;
        for (const c of node.children) rel(c);
      }
    };
    for (const r of records) rel(r);
    const seg: Segment<LatexSegData> = { length: at - segStart, nl: newlinesIn(text, segStart, at), data: { origin: 0, records } };
    if (segEntry !== undefined) seg.entry = segEntry;
    // What the scan of this segment read past its end (an unclosed definition group searched for its brace far ahead):
    // an edit up to there scans the segment again.
    seg.reach = Math.max(seen, at + PEEK) - segStart;
    segs.push(seg);
    segStart = at;
    segEntry = undefined;
    records = [];
    seen = at;
  };
  /**
   * A verbatim block at the top level longer than a few segments (typically one left open to the end of
   * the file while it is typed) yields no records, so segments are also cut at line starts inside it,
   * each starting in state `state`: an edit there or after it re-scans a few segments, not the rest of
   * the file. Returns true when `stop` asked to end the scan at such a cut.
   */
  let cutCheck = 0;
  const cutInside = (after: number, limit: number, state: string): boolean => {
    for (;;) {
      const nl = text.indexOf('\n', Math.max(after, segStart + minSegment * 4));
      const p = nl + 1;
      if (nl < 0 || p >= limit) return false;
      if (stop && stop(p, state)) {
        finish(p);
        return true;
      }
      finish(p);
      segEntry = state;
      if (cancel && ++cutCheck % 8 === 0 && cancel()) throw new DetectCancelledError();
    }
  };
  const longVerbatim = (e: number, limit: number): boolean => stack.length === 0 && limit - e > minSegment * 4;
  const add = (node: LNode): void => {
    const top = stack[stack.length - 1];
    if (top) top.children.push(node);
    else {
      closeProse();
      records.push(node);
    }
  };
  const closeTo = (idx: number, at: number, closedEnd?: number): void => {
    while (stack.length > idx) {
      const node = stack.pop()!;
      if (stack.length === idx && closedEnd !== undefined) {
        node.end = closedEnd;
        node.closed = true;
      } else {
        node.end = at;
        node.closed = false;
      }
    }
  };
  const readEnvName = (k: number): [string, number] | undefined => {
    k = skipSpaces(text, k);
    if (text[k] !== '{') return undefined;
    const e = text.indexOf('}', k);
    see(e < 0 || e - k > 80 ? k + 81 : e + 1);
    if (e < 0 || e - k > 80) return undefined;
    const name = text.slice(k + 1, e);
    // No environment name spans lines or holds markup: a "\begin{" being typed is not an environment
    // holding the rest of the file.
    if (/[\n\\{$%]/.test(name)) return undefined;
    return [name.trim(), e + 1];
  };

  seen = from;
  let i = from;
  let lineStart = true;
  let cancelCheck = 0;
  if (entry !== undefined && entry.startsWith('v')) {
    // Resuming inside a long verbatim block: its end, then the text after it.
    const close = `\\end{${entry.slice(1)}}`;
    const ce = text.indexOf(close, from);
    if (cutInside(from, ce < 0 ? n : ce, entry)) return segs;
    i = ce < 0 ? n : ce + close.length;
    lineStart = false;
  } else if (entry !== undefined && entry.startsWith('e')) {
    // Resuming inside a long nestable environment left open at the top level (see openCut).
    const ph: EnvNode = { t: 'env', name: entry.slice(1), start: from, headEnd: from, end: n, closed: false, children: [], cont: true };
    records.push(ph);
    stack.push(ph);
  } else if (entry === 'i') {
    // The same inside a long \iffalse … \fi.
    const e = fiAfter(text, from);
    if (cutInside(from, e < 0 ? n : e, entry)) return segs;
    i = e < 0 ? n : e + 3;
    lineStart = false;
  }
  while (i < n) {
    if (lineStart && stack.length === 1 && i > segStart && stack[0]!.name.length < 60 && NESTABLE.has(stack[0]!.name)) {
      // Inside a nestable environment opened at the top level and not closed yet (typically one being typed,
      // open to the end of the file): the state is its name alone, so segments are also cut at line starts
      // inside it, each holding a continuation node (`cont`) for its children there. A re-scan stops at an
      // old cut in the same environment, and the rules resume there (see LatexReuse).
      const state = `e${stack[0]!.name}`;
      const stopHere = !!stop && stop(i, state);
      if (stopHere || i - segStart >= minSegment * 4) {
        const open = stack[0]!;
        finish(i);
        if (stopHere) return segs;
        segEntry = state;
        const ph: EnvNode = { t: 'env', name: open.name, start: i, headEnd: i, end: n, closed: false, children: [], cont: true };
        records.push(ph);
        stack[0] = ph;
        if (cancel && ++cancelCheck % 8 === 0 && cancel()) throw new DetectCancelledError();
      }
    }
    if (lineStart && stack.length === 0 && i > segStart) {
      if (stop && stop(i)) {
        finish(i);
        return segs;
      }
      // Segments preferably start at a heading line (the rules can resume the previous run's output there,
      // see LatexReuse); without headings they are cut anyway once they grow four times longer.
      if (i - segStart >= minSegment * 4 || (i - segStart >= minSegment && text.charCodeAt(i) === 92 && atHeading(text, i))) {
        finish(i);
        if (cancel && ++cancelCheck % 8 === 0 && cancel()) throw new DetectCancelledError();
      }
    }
    lineStart = false;
    const c = text.charCodeAt(i);
    if (c === 10) {
      i++;
      lineStart = true;
      continue;
    }
    if (c === 37) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
      continue;
    }
    if (c !== 92) {
      // Plain text: jump to the next backslash, percent sign or newline.
      SPECIAL.lastIndex = i;
      const m = SPECIAL.exec(text);
      const next = m ? m.index : n;
      if (stack.length === 0) {
        // Only the first and last non-blank characters of the run matter.
        let a = i;
        while (a < next && isBlank(text.charCodeAt(a))) a++;
        if (a < next) {
          if (proseStart < 0) proseStart = a;
          let b = next - 1;
          while (b > a && isBlank(text.charCodeAt(b))) b--;
          lastText = b;
        }
      }
      i = next;
      continue;
    }
    // A command.
    CMD_NAME.lastIndex = i + 1;
    const m = CMD_NAME.exec(text);
    if (!m) {
      if (stack.length === 0) {
        if (proseStart < 0) proseStart = i;
        lastText = i + 1;
      }
      i += 2;
      continue;
    }
    const name = m[0];
    const after = i + 1 + name.length;
    if ((name === 'Exercise' || name === 'Answer') && stack.length > 0 && baseName(stack[stack.length - 1]!.name) === 'exerciselist') {
      // The exercise package's list form: \begin{ExerciseList} \Exercise … \Answer … — each \Exercise an item, each
      // \Answer the answer to the one before it.
      add({ t: 'mark', cmd: name === 'Exercise' ? 'item' : 'answer', start: i, end: after });
      i = after;
      continue;
    }
    switch (name) {
      case 'begin': {
        const r = readEnvName(after);
        if (!r) {
          i = after;
          break;
        }
        const [env, e] = r;
        if (VERBATIM.has(env)) {
          const close = `\\end{${env}}`;
          const ce = text.indexOf(close, e);
          if (longVerbatim(e, ce < 0 ? n : ce)) {
            // A long block ends the prose before it (wherever the segments are cut inside it).
            closeProse();
            if (cutInside(e, ce < 0 ? n : ce, `v${env}`)) return segs;
          }
          i = ce < 0 ? n : ce + close.length;
          break;
        }
        if (env === 'document' || stack.length >= MAX_DEPTH) {
          // Deeper nesting than any real document: ignored, so recursion over the tree stays bounded.
          if (env === 'document') closeProse();
          i = e;
          break;
        }
        if (!NESTABLE.has(env)) {
          // An environment opened again while still open, or a problem environment opened inside another
          // (problems do not nest), closes the earlier one: an unclosed \begin never swallows the rest.
          const single = isSingleProblemEnv(env);
          for (let s = stack.length - 1; s >= 0; s--) {
            const open = stack[s]!.name;
            if (open === env || (single && isSingleProblemEnv(open))) {
              closeTo(s, i);
              break;
            }
          }
        }
        let headEnd = e;
        const k = skipSpaces(text, e);
        if (text[k] === '[') {
          const oe = optEnd(text, k);
          if (oe > 0) headEnd = oe;
        }
        const node: EnvNode = { t: 'env', name: env, start: i, headEnd, end: n, closed: false, children: [] };
        if (env === 'trivlist' || env === 'description') {
          // Kernel LaTeX has no solution environment: a list whose first item is labelled "Solution" is one
          // (what Insert Solution writes into a document without amsthm).
          see(headEnd + 120);
          const lab = /^\s*\\item\s*\[([^\]]{0,80})\]/.exec(text.slice(headEnd, headEnd + 120));
          if (lab && isSolutionLabel(lab[1]!.replace(/\\[a-zA-Z]+\*?\s*|[{}]/g, ' ').trim())) node.sol = true;
        }
        add(node);
        stack.push(node);
        i = e;
        break;
      }
      case 'end': {
        const r = readEnvName(after);
        if (!r) {
          i = after;
          break;
        }
        const [env, e] = r;
        if (env === 'document') {
          closeTo(0, i);
          closeProse();
          i = e;
          break;
        }
        for (let s = stack.length - 1; s >= 0; s--) {
          if (stack[s]!.name === env) {
            closeTo(s, i, e);
            break;
          }
        }
        i = e;
        break;
      }
      case 'item':
      case 'question':
      case 'titledquestion':
      case 'part':
      case 'subpart':
      case 'subsubpart': {
        if (stack.length > 0) {
          const cmd = name === 'item' ? 'item' : name === 'question' || name === 'titledquestion' ? 'question' : 'part';
          add({ t: 'mark', cmd, start: i, end: after });
        } else if ((name === 'question' || name === 'titledquestion') && atLineStart(text, i)) {
          // An exam question whose questions environment is elsewhere (or not typed yet).
          add({ t: 'mark', cmd: 'heading', level: 5, title: '', macro: 'question', start: i, end: after });
        } else if (proseStart < 0) proseStart = i;
        i = after;
        break;
      }
      case 'verb':
      case 'verb*': {
        const d = text[after];
        const e = d && d !== '\n' ? text.indexOf(d, after + 1) : -1;
        const nl = text.indexOf('\n', after);
        see(Math.min(e < 0 ? n : e, nl < 0 ? n : nl) + 1);
        i = e < 0 || (nl >= 0 && nl < e) ? after : e + 1;
        break;
      }
      case 'lstinline':
      case 'mintinline': {
        let k = after;
        if (text[k] === '[') k = Math.max(k + 1, optEnd(text, k));
        if (name === 'mintinline' && text[k] === '{') k = Math.max(k + 1, groupEnd(text, k, 100));
        const d = text[k];
        const e = d === '{' ? groupEnd(text, k, 2000) : d ? text.indexOf(d, k + 1) : -1;
        if (d && d !== '{') see(e < 0 ? n : e + 1);
        i = e < 0 ? k : d === '{' ? e : e + 1;
        break;
      }
      case 'iffalse': {
        // Skipped up to its \fi (the command, not \fill or \finally), or, as TeX does, to the end when
        // there is none: a \fi typed later then only changes the segments after the \iffalse.
        const e = fiAfter(text, after);
        if (longVerbatim(after, e < 0 ? n : e)) {
          closeProse();
          if (cutInside(after, e < 0 ? n : e, 'i')) return segs;
        }
        i = e < 0 ? n : e + 3;
        break;
      }
      case 'newtheorem':
      case 'newtheorem*': {
        const a = readArg(text, after, 200);
        if (!a) {
          i = after;
          break;
        }
        let k = skipSpaces(text, a[1]);
        if (text[k] === '[') k = Math.max(k + 1, optEnd(text, k));
        const b = readArg(text, k, 400);
        let e = b ? b[1] : k;
        const k2 = skipSpaces(text, e);
        if (text[k2] === '[') e = Math.max(e, optEnd(text, k2));
        records.push({ t: 'decl', name: a[0].trim(), title: b ? b[0] : '', start: i });
        i = e;
        break;
      }
      case 'declaretheorem':
      case 'declaretheorem*': {
        let k = skipSpaces(text, after);
        let opts = '';
        if (text[k] === '[') {
          const oe = optEnd(text, k);
          if (oe > 0) {
            opts = text.slice(k + 1, oe - 1);
            k = oe;
          }
        }
        const a = readArg(text, k, 200);
        if (!a) {
          i = after;
          break;
        }
        let e = a[1];
        const k2 = skipSpaces(text, e);
        if (text[k2] === '[') {
          const oe = optEnd(text, k2);
          if (oe > 0) {
            opts += ',' + text.slice(k2 + 1, oe - 1);
            e = oe;
          }
        }
        const t = /(?:name|title)\s*=\s*\{?([^,}\]]+)/i.exec(opts);
        records.push({ t: 'decl', name: a[0].trim(), title: t ? t[1]!.trim() : a[0].trim(), start: i });
        i = e;
        break;
      }
      case 'newenvironment':
      case 'newenvironment*':
      case 'renewenvironment':
      case 'NewDocumentEnvironment':
      case 'RenewDocumentEnvironment':
      case 'newtcbtheorem':
      case 'newtcolorbox': {
        let k = skipSpaces(text, after);
        if (text[k] === '[') k = Math.max(k + 1, optEnd(text, k));
        const a = readArg(text, k, 200);
        if (!a) {
          i = after;
          break;
        }
        const groups = name === 'newtcolorbox' ? 1 : name.startsWith('newtcb') ? 3 : name.includes('Document') ? 3 : 2;
        const e = skipDefinitionArgs(text, a[1], groups);
        records.push({ t: 'decl', name: a[0].trim(), title: text.slice(a[1], Math.min(e, a[1] + 600)), start: i });
        i = e;
        break;
      }
      case 'newcommand':
      case 'newcommand*':
      case 'renewcommand':
      case 'renewcommand*':
      case 'providecommand':
      case 'providecommand*':
      case 'DeclareRobustCommand':
      case 'DeclareMathOperator':
      case 'DeclareMathOperator*': {
        const e = skipDefinitionArgs(text, after, 2);
        // \newcommand{\Ese}{…{\bf Esercizio \arabic{esercizio}.}…}: recorded as a declaration of "\Ese" (its body
        // says what the command prints); math operators are not.
        if (!name.startsWith('Declare')) {
          let k = skipSpaces(text, after);
          if (text[k] === '*') k++;
          let cmd: string | undefined;
          if (text[k] === '{') {
            const a = readArg(text, k, 80);
            if (a && /^\\[A-Za-z@]+$/.test(a[0].trim())) {
              cmd = a[0].trim();
              k = a[1];
            }
          } else if (text[k] === '\\') {
            CMD_NAME.lastIndex = k + 1;
            const m = CMD_NAME.exec(text);
            if (m) {
              cmd = '\\' + m[0];
              k += 1 + m[0].length;
            }
          }
          if (cmd) {
            // [number of arguments][default], then the body.
            for (let g = 0; g < 2; g++) {
              const q = skipSpaces(text, k);
              if (text[q] !== '[') break;
              k = Math.max(q + 1, optEnd(text, q));
            }
            const body = readArg(text, k, 600)?.[0] ?? '';
            if (/[A-Za-z\u00c0-\uffff]{3,}/.test(body)) records.push({ t: 'decl', name: cmd, title: `{${body}}`, start: i });
          }
        }
        i = e;
        break;
      }
      case 'NewDocumentCommand':
      case 'RenewDocumentCommand':
      case 'DeclareDocumentCommand':
        i = skipDefinitionArgs(text, after, 3);
        break;
      case 'def':
      case 'gdef':
      case 'edef':
      case 'xdef': {
        const b = text.indexOf('{', after);
        see(b < 0 || b - after > 200 ? after + 201 : b + 1);
        if (b < 0 || b - after > 200) {
          i = after;
          break;
        }
        const e = groupEnd(text, b);
        i = e < 0 ? b + 1 : e;
        break;
      }
      default: {
        if (stack.length === 0) {
          const at = BOLD_DECLS.has(name) && text.charCodeAt(i - 1) === 123 ? i - 1 : i;
          if ((BOLD_CMDS.has(name) || at === i - 1) && atLineStart(text, at)) {
            // \textbf{Problem 4}, {\bf Question 3.2}, \noindent\textbf{5.} opening a paragraph.
            const e = at === i - 1 ? groupEnd(text, at, 400) : (readArg(text, after, 400)?.[1] ?? -1);
            if (e > 0) {
              const content = at === i - 1 ? text.slice(after, e - 1) : text.slice(text.indexOf('{', after) + 1, e - 1);
              const title = boldHeadTitle(content);
              if (title) {
                closeProse();
                add({ t: 'mark', cmd: 'heading', level: 5, title, bold: true, start: at, end: e });
                i = e;
                break;
              }
            }
          }
          // \Problem{1} as well as \problem; short names only as written (\Pr is a probability in math).
          const lower = name.length >= 4 ? name.toLowerCase() : name;
          const mk = Object.hasOwn(PROBLEM_MACROS, lower) ? PROBLEM_MACROS[lower] : undefined;
          if (mk && atLineStart(text, i) && !/[(_^=]/.test(text[after] ?? '')) {
            // \problem, \exercise{Title}, \pr ... starting a problem; a short first argument is its title.
            let e = after;
            let title = '';
            const a = text[skipSpaces(text, after)] === '{' ? readArg(text, after, 400) : undefined;
            if (a && a[0].length <= 60 && !/[.?!]\s*$/.test(a[0].trim())) {
              title = detach(a[0].trim());
              e = a[1];
            }
            closeProse();
            add({ t: 'mark', cmd: 'heading', level: 5, title, macro: mk, start: i, end: e });
            i = e;
            break;
          }
          if (!NOT_NMACRO.test(name) && headingLevel(name) === undefined && text.charCodeAt(after) === 123 && atLineStart(text, i)) {
            const a = readArg(text, after, 40);
            const numbered = !!a && /^\s*[0-9]{1,3}(?:\.[0-9]{1,3})*[a-z]?\s*$/.test(a[0]);
            const b = numbered ? readArg(text, a![1], 6000) : undefined;
            // The statement follows as a second argument or as text on the same line; a short value is not one
            // (\pwcond{0}{k \neq n}).
            if (numbered && !b) see(text.indexOf('\n', a![1]) < 0 ? n : text.indexOf('\n', a![1]) + 1);
            const restOfLine = numbered && !b ? text.slice(a![1], Math.max(a![1], text.indexOf('\n', a![1]) < 0 ? text.length : text.indexOf('\n', a![1]))) : '';
            const stmt = b ? b[0] : restOfLine;
            if (a && numbered && stmt.trim().length >= 20 && /\p{L}{3,}\s+\p{L}{2,}/u.test(stmt)) {
              closeProse();
              add({ t: 'mark', cmd: 'heading', level: 5, title: a[0].trim(), nmacro: name, start: i, end: a[1] });
              i = a[1];
              break;
            }
          }
          if (
            !PLAIN_CMDS.has(name) &&
            !NOT_NMACRO.test(name) &&
            headingLevel(name) === undefined &&
            !Object.hasOwn(PROBLEM_MACROS, name) &&
            atLineStart(text, i) &&
            (/^[ \t]+[\p{L}$\\(¿¡]/u.test(text.slice(after, after + 3)) || (text.charCodeAt(after) === 123 && PROBLEM_NAMED.test(name) && !ANSWER_NAMED.test(name)))
          ) {
            // Also a command named for problems whose argument is the statement (\addexercise{% ...}, \myproblem{...}):
            // a problem start when its uses state tasks, like any line-opening command (see inferProblemEnvs).
            closeProse();
            // The statement of the braced form starts inside the brace.
            const e = text.charCodeAt(after) === 123 ? after + 1 : after;
            add({ t: 'mark', cmd: 'cand', level: 5, title: '', nmacro: name, start: i, end: e });
            i = e;
            break;
          }
        }
        const level = headingLevel(name);
        if (level !== undefined) {
          let k = skipSpaces(text, after);
          if (text[k] === '*') k++;
          if (text[k] === '[') k = Math.max(k + 1, optEnd(text, k));
          const a = readArg(text, k, 600);
          if (a) {
            add({ t: 'mark', cmd: 'heading', level, title: detach(a[0]), start: i, end: a[1] });
            i = a[1];
            break;
          }
        }
        if (stack.length === 0) {
          if (proseStart < 0) proseStart = i;
          lastText = after - 1;
        }
        i = after;
      }
    }
  }
  closeTo(0, n);
  finish(n);
  return segs;
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface LatexRuleOptions {
  extraEnvironments?: readonly string[];
  maxProblems?: number;
  /**
   * Build statement texts of problem environments on first access instead of now (a one-shot full
   * detection). Incremental runs keep it off: the texts are cached on the reused nodes, and plain
   * objects are cheaper to rebuild than accessor ones.
   */
  lazyText?: boolean;
  /** Carried between runs by the incremental detector (see LatexReuse). */
  reuse?: LatexReuse;
}

/**
 * What one run leaves for the next. A segment that starts with a (non-solution) heading closing every
 * open section leaves no state behind it: everything from there on depends only on that segment and the
 * ones after it (and the declared environment kinds). When those segments are the same objects as in the
 * previous run, its problems from there on are reused with their offsets and lines shifted.
 */
export interface LatexReuse {
  prev?: {
    segs: readonly Segment<LatexSegData>[];
    starts: readonly number[];
    lines: readonly number[];
    out: readonly DetectedProblem[];
    kinds: Map<string, ProblemKind | 'skip'>;
    max: number;
    /** Segment indices where the state was empty after the leading heading → problems pushed before it. */
    ok: Map<number, number>;
    /** Segment indices inside an environment left open (walked segment by segment) where nothing before depends on
     *  what follows → the state's signature there and the problems pushed before it. */
    chainOk: Map<number, ChainPoint>;
    /** Problems pushed in all (before heading problems without a statement were dropped). */
    pushed: number;
    /** Its loose list items (see dropLooseItems). */
    loose: ReadonlySet<DetectedProblem>;
  };
}

const SOLUTION_BLOCK =
  /\\begin\{(solutions?|sol|soln|proof|answers?|ans|loesung|lösung|solucion|solución|reponse|réponse|corrige|corrigé|beweis|preuve)(\*?)\}(?:[\s\S]*?\\end\{\1\2\}|[\s\S]*$)/gi;

/** Plain-ish text of a LaTeX fragment: comments, labels and layout commands removed, math kept. */
export function cleanLatex(src: string): string {
  let s = src.length > 6000 ? src.slice(0, 6000) : src;
  // Each rewrite only runs when its trigger text occurs (this runs on every statement of the document).
  if (s.includes('%')) s = s.replace(/(^|[^\\])%[^\n]*/g, '$1');
  if (s.includes('\\')) {
    s = s.replace(/\\(?:label|ollabel|index|vspace|hspace|addpoints|droppoints)\*?(?:\[[^\]]*\])?\{[^{}]*\}/g, '');
    s = s.replace(/\\(?:noindent|medskip|bigskip|smallskip|newpage|clearpage|pagebreak|par|centering|fullwidth|newline)\b/g, ' ');
    // Footnotes are asides, not what is asked; sub-headings inside a statement keep their titles.
    if (s.includes('\\footnote')) s = s.replace(/\\footnote(?:\[[^\]]*\])?\{(?:[^{}]|\{[^{}]*\})*\}/g, '');
    if (/\\(?:sub)*section|\\paragraph/.test(s)) s = s.replace(/\\(?:(?:sub)*section|(?:sub)?paragraph)\*?(?:\[[^\]]*\])?\{((?:[^{}]|\{[^{}]*\})*)\}/g, '\n$1\n');
    if (s.includes('\\begin')) {
      s = s.replace(/\\begin\{(?:enumerate|itemize|description|parts|subparts|subsubparts|choices|checkboxes|oneparchoices|oneparcheckboxes|center|compactenum|compactitem)\*?\}(?:\[[^\]]*\])?/g, '');
      s = s.replace(/\\begin\{(\w+or(?:box|lines|emptybox|dottedlines|grid))\}(?:\[[^\]]*\])?[\s\S]*?\\end\{\1\}/g, '');
      // Solutions given inside the statement (e.g. under a sub-part) are not part of what is asked.
      s = s.replace(SOLUTION_BLOCK, '');
    }
    if (s.includes('\\end')) {
      s = s.replace(/\\end\{(?:enumerate|itemize|description|parts|subparts|subsubparts|choices|checkboxes|oneparchoices|oneparcheckboxes|center|compactenum|compactitem)\*?\}/g, '');
    }
    if (/\\(?:item|part|subpart|choice|CorrectChoice)/.test(s)) {
      s = s.replace(/\\(?:item|part|subpart|choice|CorrectChoice)\b(?:\[([^\]]*)\])?/g, (_m, l: string | undefined) => `\n${l ? l + ' ' : '- '}`);
    }
    if (/\\(?:text|emph|underline|mbox)/.test(s)) {
      for (let k = 0; k < 2; k++) s = s.replace(/\\(?:textbf|textit|emph|underline|textrm|textsf|texttt|textsc|mbox)\{([^{}]*)\}/g, '$1');
    }
    if (s.includes('\\\\')) s = s.replace(/\\\\(?:\[[^\]]*\])?/g, '\n');
  }
  if (s.includes('~')) s = s.replace(/~/g, ' ');
  if (s.includes('``') || s.includes("''")) s = s.replace(/``|''/g, '"');
  return tidyStatement(s);
}

let cleanCache = new Map<string, string>();
let cleanCacheChars = 0;
/** How much text (keys and values, in characters) the cache below holds at most before it starts over. */
const CLEAN_CACHE_CHARS = 8_000_000;
/** cleanLatex with a cache (statements spanning several records are re-sliced on every run). */
function cleanLatexCached(src: string): string {
  const hit = cleanCache.get(src);
  if (hit !== undefined) return hit;
  const v = detach(cleanLatex(src));
  const size = src.length + v.length;
  if (size > CLEAN_CACHE_CHARS / 4) return v;
  if (cleanCache.size > 20000 || cleanCacheChars + size > CLEAN_CACHE_CHARS) {
    cleanCache = new Map();
    cleanCacheChars = 0;
  }
  // (The key is copied: a slice of the document would keep that whole version of it alive.)
  cleanCache.set(detach(src), v);
  cleanCacheChars += size;
  return v;
}

const TITLE_KIND = (title: string): ProblemKind | 'skip' | undefined => {
  const t = title.replace(/\\[a-zA-Z]+\*?|[{}[\]]/g, ' ').trim();
  const label = matchProblemLabel(t);
  if (label) return label.kind;
  if (SKIP_TITLE.test(t)) return 'skip';
  return undefined;
};

let kindsCache = new Map<string, Map<string, ProblemKind | 'skip'>>();
/** declaredKinds, the same Map while the declarations are the same (memos hang off its identity). */
function declaredKindsCached(decls: Decl[], extra: readonly string[]): Map<string, ProblemKind | 'skip'> {
  let sig = extra.join('\u0001');
  for (const d of decls) sig += `\u0002${d.name}\u0001${d.title}`;
  const hit = kindsCache.get(sig);
  if (hit) return hit;
  const map = declaredKinds(decls, extra);
  if (kindsCache.size >= 16) kindsCache = new Map();
  kindsCache.set(sig, map);
  return map;
}

/** Declared environment names → what they hold. */
function declaredKinds(decls: Decl[], extra: readonly string[]): Map<string, ProblemKind | 'skip'> {
  const map = new Map<string, ProblemKind | 'skip'>();
  for (const d of decls) {
    let kind: ProblemKind | 'skip' | undefined;
    if (/[\\{]/.test(d.title) || d.title.length > 60) {
      // \newenvironment body: look for a problem word printed by the begin code.
      const words = d.title.replace(/\\[a-zA-Z@]+\*?/g, ' ').replace(/[{}[\]#0-9]/g, ' ');
      const w = /(?<![\p{L}])(problem|exercise|question|aufgabe|übung|exercice|ejercicio|esercizio|exercício|exercicio|problema|questão|oppgave|opgave|uppgift|opgave|oefening|zadanie|zadatak|úloha|ćwiczenie|άσκηση|задача|задание|упражнение)(?![\p{L}])|(問題|问题|문제|习题|练习|練習)/iu.exec(words);
      if (w) kind = /exerc|übung|ejerc|eserc|øvel|oefen|ćwicz|άσκη|упраж|练习|練習/iu.test(w[0]) ? 'exercise' : /quest/i.test(w[0]) ? 'question' : 'problem';
      else if (SKIP_TITLE.test(words.trim())) kind = 'skip';
      else if (/\b(?:theorem|lemma|definition|proof|solution|example|satz|beispiel|remark)\b/i.test(words)) kind = 'skip';
    } else kind = TITLE_KIND(d.title);
    if (kind) map.set(d.name, kind);
  }
  for (const e of extra) if (e.trim()) map.set(e.trim(), 'problem');
  return map;
}

const baseMemo = new Map<string, string>();
/** Lower-cased environment name without a trailing star (memoised). */
function baseName(name: string): string {
  let v = baseMemo.get(name);
  if (v === undefined) {
    v = name.replace(/\*$/, '').toLowerCase();
    if (baseMemo.size < 5000) baseMemo.set(name, v);
  }
  return v;
}

interface Ctx {
  text: string;
  segStart: number;
  segLine: number;
  nl: number[];
  kinds: Map<string, ProblemKind | 'skip'>;
  out: DetectedProblem[];
  /** This run's item problems from lists that are neither lists of problems nor introduced as such (see dropLooseItems). */
  loose: Set<DetectedProblem>;
  max: number;
  /** Statement text of problem environments built on first access (see emitEnvProblem). */
  lazy?: boolean;
  /** Inside this many beamer frames. */
  frame?: number;
  /** Under a heading that is a problem still open ("Problem 3", \\question …): its lists are its parts. */
  underProblem?: boolean;
}

function lineOf(ctx: Ctx, rel: number): number {
  return ctx.segLine + countBelow(ctx.nl, rel);
}

// Per kinds-map memo of envKind (the map is kept while the document's declarations do not change).
const envKindMemo = new WeakMap<Map<string, ProblemKind | 'skip'>, Map<string, ProblemKind | 'skip' | undefined>>();
function envKind(name: string, kinds: Map<string, ProblemKind | 'skip'>): ProblemKind | 'skip' | undefined {
  let memo = envKindMemo.get(kinds);
  if (!memo) envKindMemo.set(kinds, (memo = new Map()));
  if (memo.has(name)) return memo.get(name);
  const v = envKindRaw(name, kinds);
  if (memo.size < 5000) memo.set(name, v);
  return v;
}

/** The solution type of an environment node: its name, or a list labelled as a solution. */
function nodeSolutionType(node: EnvNode, name = node.name): 0 | 1 | 2 {
  return node.sol ? 1 : solutionType(name);
}

/** 1: a solution environment (solution, proof, …); 2: an exam-class answer box; 0: neither. Memoised per name. */
const solMemo = new Map<string, 0 | 1 | 2>();
function solutionType(name: string): 0 | 1 | 2 {
  let v = solMemo.get(name);
  if (v === undefined) {
    v = SOLUTION_ENV.test(name) ? 1 : SOLUTION_BOX.test(name) ? 2 : 0;
    if (solMemo.size < 5000) solMemo.set(name, v);
  }
  return v;
}

function envKindRaw(name: string, kinds: Map<string, ProblemKind | 'skip'>): ProblemKind | 'skip' | undefined {
  const declared = kinds.get(name) ?? kinds.get(name.replace(/\*$/, ''));
  if (declared) return declared;
  const base = name.replace(/\*$/, '').toLowerCase();
  const k = Object.hasOwn(PROBLEM_ENVS, base) ? PROBLEM_ENVS[base] : undefined;
  if (k) return CONTAINER_ENVS.has(base) ? undefined : k;
  if (SOLUTION_ENV.test(base) || SKIP_TITLE.test(base) || /^(?:thm|lem|prop|cor|defn?|rem|ex(?:a|mp)|expl|explain|obs|conj|claim|note|hint|sol)/i.test(base)) return 'skip';
  // Variants of a problem word: dproblem, sproblem, myexercise, problembox, exercise2.
  const m = NAME_AFFIX.exec(base);
  const core = m?.[1];
  if (core && core !== base && core.length >= 2 && Object.hasOwn(PROBLEM_ENVS, core) && !CONTAINER_ENVS.has(core)) return PROBLEM_ENVS[core];
  return undefined;
}

/** Environments that never hold a problem statement of their own (layout, math, document structure). */
const NOT_PROBLEM_ENVS = new Set([
  'equation', 'equation*', 'align', 'align*', 'gather', 'gather*', 'multline', 'multline*', 'eqnarray', 'eqnarray*', 'flalign',
  'flalign*', 'alignat', 'alignat*', 'displaymath', 'math', 'subequations', 'dmath', 'dmath*', 'empheq', 'xalignat', 'abstract',
  'titlepage', 'thebibliography', 'appendix', 'appendices', 'figure*', 'table*', 'wrapfigure', 'wraptable', 'sidewaysfigure',
  'tikzcd', 'picture', 'axis', 'forest', 'circuitikz', 'sagesilent', 'small', 'footnotesize', 'scriptsize', 'large', 'Large',
  'LARGE', 'huge', 'Huge', 'normalsize', 'spacing', 'singlespace', 'doublespace', 'onehalfspace', 'samepage', 'raggedright',
  'raggedleft', 'landscape', 'sloppypar', 'alertblock', 'exampleblock', 'onlyenv', 'overlayarea', 'overprint', 'visibleenv',
  'uncoverenv', 'actionenv', 'itemize', 'enumerate', 'description', 'hint', 'hints', 'note', 'notes', 'remark', 'comment',
  'xy', 'xymatrix', 'tcbraster', 'mdframed', 'shaded', 'leftbar', 'boxed', 'fbox', 'framed', 'lrbox', 'otherlanguage',
  'otherlanguage*', 'selectlanguage', 'english', 'center', 'minipage', 'multicols', 'multicols*', 'frame', 'columns', 'column',
]);

/** Counts, in one segment, the uses of environments of unknown meaning and how many of their bodies state a task. */
function segmentUsage(text: string, seg: Segment<LatexSegData>, segStart: number, kinds: Map<string, ProblemKind | 'skip'>): Map<string, [number, number]> {
  const d = seg.data;
  if (d.usage && d.usage.kinds === kinds) return d.usage.stats;
  const stats = new Map<string, [number, number]>();
  const visit = (nodes: readonly LRecord[], depth: number): void => {
    if (depth > 20) return;
    for (const n of nodes) {
      if (n.t !== 'env') continue;
      const base = baseName(n.name);
      if (
        envKind(n.name, kinds) === undefined &&
        nodeSolutionType(n, base) === 0 &&
        !NESTABLE.has(n.name) &&
        !NOT_PROBLEM_ENVS.has(n.name) &&
        !LIST_ENVS.has(base) &&
        !CONTAINER_ENVS.has(base) &&
        /^[a-zA-Z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+\*?$/.test(n.name)
      ) {
        const st = stats.get(n.name) ?? [0, 0];
        st[0]++;
        const inner = text.slice(segStart + n.headEnd, segStart + Math.min(n.end, n.headEnd + 1500));
        if (statesTask(cleanLatex(inner.replace(/\\end\{[^}]*\}\s*$/, '')).slice(0, 800))) st[1]++;
        stats.set(n.name, st);
      }
      visit(n.children, depth + 1);
    }
  };
  visit(d.records, 0);
  // Commands of unknown meaning opening lines with {number}{...} (\\hw{3}{...}): counted under "\\name".
  const recs = d.records;
  for (let k = 0; k < recs.length; k++) {
    const r = recs[k]!;
    if (r.t !== 'mark' || !r.nmacro) continue;
    if (r.cmd === 'cand') {
      // A line-opening command of unknown meaning: does the text after it (to a blank line or the next mark) state a task?
      const key = '\\' + r.nmacro + CAND;
      const st = stats.get(key) ?? [0, 0];
      st[0]++;
      let end = segStart + seg.length;
      for (let j = k + 1; j < recs.length; j++) {
        const q = recs[j]!;
        if (q.t === 'mark' || q.t === 'env') {
          end = segStart + q.start;
          break;
        }
      }
      const blank = text.indexOf('\n\n', segStart + r.end);
      if (blank >= 0 && blank < end) end = blank;
      if (statesTask(cleanLatex(text.slice(segStart + r.end, Math.min(end, segStart + r.end + 1200))).slice(0, 800))) st[1]++;
      stats.set(key, st);
      continue;
    }
    const st = stats.get('\\' + r.nmacro) ?? [0, 0];
    st[0]++;
    st[1]++;
    stats.set('\\' + r.nmacro, st);
  }
  d.usage = { kinds, stats };
  return stats;
}

/** Suffix of usage-statistics keys of 'cand' marks. */
const CAND = '\u0001';

/**
 * Environments whose name says nothing we know (the preamble lives in another file) but whose bodies
 * state tasks in most of their uses (at least two): they are problem environments.
 */
function inferProblemEnvs(text: string, segs: readonly Segment<LatexSegData>[], starts: readonly number[], kinds: Map<string, ProblemKind | 'skip'>): string[] {
  const total = new Map<string, [number, number]>();
  for (let si = 0; si < segs.length; si++) {
    for (const [name, [u, t]] of segmentUsage(text, segs[si]!, starts[si]!, kinds)) {
      const st = total.get(name) ?? [0, 0];
      st[0] += u;
      st[1] += t;
      total.set(name, st);
    }
  }
  const out: string[] = [];
  // A fragment (no preamble, no document body: a file of a problem bank, \\input elsewhere) may hold a single problem.
  let fragment: boolean | undefined;
  const isFragment = (): boolean => (fragment ??= !text.includes('\\documentclass') && !text.includes('\\begin{document}'));
  for (const [name, [uses, tasks]] of total) {
    // Line-opening commands need three uses: \\Ese Si calcoli …, \\Ese Dimostrare …, \\Ese Quanti …; in a fragment
    // every use must open a task.
    if (name.endsWith(CAND)) {
      if ((uses >= 3 ? tasks >= 0.6 * uses : tasks === uses && isFragment()) && !kinds.has(name.slice(0, -1))) out.push(name.slice(0, -1));
    } else if (uses >= 2 && tasks >= 2 && tasks >= 0.6 * uses) out.push(name);
  }
  return out.sort();
}

function hasContent(ctx: Ctx, node: EnvNode): boolean {
  const inner = ctx.text.slice(ctx.segStart + node.headEnd, ctx.segStart + node.end - (node.closed ? node.name.length + 6 : 0));
  return /\S/.test(inner.replace(/(^|[^\\])%[^\n]*/g, '$1').replace(/\\(?:vspace|vfill|newpage|fillin)\*?(?:\{[^}]*\})?/g, ''));
}

/** A closed environment with nothing in it (comments and spacing aside) and no title argument. */
function placeholderEnv(ctx: Ctx, node: EnvNode): boolean {
  return node.closed && !hasContent(ctx, node) && !ctx.text.slice(ctx.segStart + node.start, ctx.segStart + node.headEnd).includes('[');
}

function emitEnvProblem(ctx: Ctx, node: EnvNode, kind: ProblemKind): DetectedProblem {
  let stmtEnd = node.closed ? node.end - (node.name.length + 6) : node.end;
  let solved = false;
  for (const c of node.children) {
    if (c.t !== 'env') continue;
    const st = nodeSolutionType(c);
    if (st === 1 || (st === 2 && hasContent(ctx, c))) {
      solved = true;
      if (st === 1) stmtEnd = Math.min(stmtEnd, c.start);
      break;
    }
  }
  const endRel = Math.max(node.start, node.closed ? node.end - 1 : stmtEnd - 1);
  const src = ctx.text;
  const segStart = ctx.segStart;
  if (node.label === undefined) {
    const m = /^\s*\[([^\]]{1,60})\]/.exec(src.slice(segStart + node.start + node.name.length + 8, segStart + node.headEnd));
    node.label = m ? detach(m[1]!.trim()) : '';
  }
  if (!node.cache && !ctx.lazy) envStatement(src, segStart, node, stmtEnd);
  if (node.cache) {
    // Text already known (the segment was reused): plain values, same keys as the lazy form below.
    const q: DetectedProblem = {
      startLine: lineOf(ctx, node.start),
      endLine: lineOf(ctx, endRel),
      startOffset: segStart + node.start,
      endOffset: segStart + (node.closed && !solved ? node.end : stmtEnd),
      blockEndOffset: segStart + node.end,
      kind,
      text: node.cache.text,
      solved,
      language: node.cache.language,
    };
    if (node.label) q.label = node.label;
    return q;
  }
  // The statement text (and the language told from it) is built on first access: most callers only need
  // ranges and kinds, and the cleaning is most of a full detection's cost. Both are own enumerable
  // properties, so spreading, JSON.stringify and deepEqual see them like plain values.
  const p: DetectedProblem = {
    startLine: lineOf(ctx, node.start),
    endLine: lineOf(ctx, endRel),
    startOffset: segStart + node.start,
    endOffset: segStart + (node.closed && !solved ? node.end : stmtEnd),
    blockEndOffset: segStart + node.end,
    kind,
    get text(): string {
      return envStatement(src, segStart, node, stmtEnd).text;
    },
    set text(v: string) {
      Object.defineProperty(this, 'text', { value: v, writable: true, enumerable: true, configurable: true });
    },
    solved,
    get language(): string | undefined {
      return envStatement(src, segStart, node, stmtEnd).language;
    },
    set language(v: string | undefined) {
      Object.defineProperty(this, 'language', { value: v, writable: true, enumerable: true, configurable: true });
    },
  };
  if (node.label) p.label = node.label;
  return p;
}

/** Cleaned statement of a problem environment, cached on the node (valid while its segment is reused). */
function envStatement(src: string, segStart: number, node: EnvNode, stmtEnd: number): { text: string; language?: string } {
  if (!node.cache) {
    // (Cached by source text: a re-scanned segment holds new nodes for problems whose text did not change.)
    const text = cleanLatexCached(src.slice(segStart + node.headEnd, segStart + Math.max(node.headEnd, stmtEnd)));
    node.cache = { text, language: guessLanguage(text) };
  }
  return node.cache;
}

function emitSpan(ctx: Ctx, start: number, stmtStart: number, end: number, kind: ProblemKind, text: string, language: string | undefined): DetectedProblem {
  void stmtStart;
  let e = end;
  while (e > start && /\s/.test(ctx.text[ctx.segStart + e - 1]!)) e--;
  const p: DetectedProblem = {
    startLine: lineOf(ctx, start),
    endLine: lineOf(ctx, Math.max(start, e - 1)),
    startOffset: ctx.segStart + start,
    endOffset: ctx.segStart + e,
    blockEndOffset: ctx.segStart + e,
    kind,
    text,
    solved: false,
  };
  if (language) p.language = language;
  return p;
}

/** What a walk over siblings carries from one sibling to the next (also across the segments of an open environment). */
interface WalkState {
  /** The problem of the previous sibling, which a solution after it marks solved. */
  last: DetectedProblem | undefined;
  /** The prose just before the next sibling (what introduces a list). */
  intro: IntroRef;
}

/** Walks a sequence of sibling nodes (top-level records or an environment's children). */
function walk(ctx: Ctx, nodes: readonly LRecord[], container: boolean, outerIntro: IntroRef, state: WalkState = { last: undefined, intro: undefined }): void {
  for (let idx = 0; idx < nodes.length; idx++) {
    if (ctx.out.length >= ctx.max) return;
    const node = nodes[idx]!;
    if (node.t === 'prose') {
      proseFacts(ctx.text, ctx.segStart, node);
      if (state.last && node.sol) state.last.solved = true;
      else if (node.long) state.last = undefined;
      state.intro = { p: node, segStart: ctx.segStart };
      continue;
    }
    if (node.t !== 'env') {
      if (node.t === 'mark') state.last = undefined;
      continue;
    }
    state.last = handleEnv(ctx, node, container, state.intro ?? outerIntro, state.last);
    state.intro = undefined;
  }
}

function handleEnv(ctx: Ctx, node: EnvNode, container: boolean, intro: IntroRef, last: DetectedProblem | undefined): DetectedProblem | undefined {
  const base = baseName(node.name);
  const st = nodeSolutionType(node, base);
  if (last && (st === 1 || (st === 2 && hasContent(ctx, node)))) {
    last.solved = true;
    last.blockEndOffset = ctx.segStart + node.end;
    emitNested(ctx, node);
    return undefined;
  }
  const kind = envKind(node.name, ctx.kinds);
  if (kind === 'skip') {
    // A question posed inside a proof, remark or example (Napkin's "Show that ..." inside a proof) is one.
    emitNested(ctx, node);
    return undefined;
  }
  if (kind) {
    // An exercise environment left empty (a placeholder for a list to come) states nothing.
    if (placeholderEnv(ctx, node)) return undefined;
    const p = emitEnvProblem(ctx, node, kind);
    ctx.out.push(p);
    return p;
  }
  if (CONTAINER_ENVS.has(base)) {
    handleItems(ctx, node, true, base === 'questions' ? 'question' : 'item');
    // Lists inside the questions are their parts; problem environments inside the container are problems.
    emitNested(ctx, node);
    return undefined;
  }
  if (LIST_ENVS.has(base)) {
    if (holdsProblemEnv(node, ctx.kinds)) {
      // Problem environments inside a list (or a list left open around them): they are the problems.
      walk(ctx, node.children, container, intro);
      return undefined;
    }
    const before = ctx.out.length;
    handleItems(ctx, node, container || introduces(ctx.text, intro), 'item');
    if (ctx.out.length === before && !container && !ctx.frame && !ctx.underProblem) {
      const p = taskOverData(ctx, node, intro);
      if (p) {
        ctx.out.push(p);
        return p;
      }
    }
    return undefined;
  }
  if (base === 'frame') {
    // A slide titled "Exercise" / "Problem 3" is the problem; its lists are its parts.
    const fk = frameProblem(ctx, node);
    if (fk && !holdsProblemEnv(node, ctx.kinds)) {
      const p = emitEnvProblem(ctx, node, fk.kind);
      if (fk.label) p.label = fk.label;
      if (last && FRAME_PROBLEMS.has(last) && last.label === p.label && !statesTask(last.text)) {
        // The slide before only set the exercise up ("Exercise" over a definition): this one continues it.
        last.text = tidyStatement(`${last.text}\n\n${p.text}`);
        last.endOffset = p.endOffset;
        last.blockEndOffset = p.blockEndOffset;
        last.endLine = p.endLine;
        return last;
      }
      FRAME_PROBLEMS.add(p);
      ctx.out.push(p);
      return p;
    }
    ctx.frame = (ctx.frame ?? 0) + 1;
    walk(ctx, node.children, container, intro);
    ctx.frame--;
    return undefined;
  }
  if (customListEnv(node) && directItems(node) >= 2 && !holdsProblemEnv(node, ctx.kinds)) {
    // A list environment of the document's own (\\newenvironment{xiti}{\\begin{list}…}, often defined in another
    // file) whose \\item's are its entries: read as a list.
    handleItems(ctx, node, container || introduces(ctx.text, intro), 'item');
    return undefined;
  }
  walk(ctx, node.children, container, intro);
  return undefined;
}

/** An environment of unknown meaning that may be a list of the document's own (not layout, math, slides or a known list). */
function customListEnv(node: EnvNode): boolean {
  const base = baseName(node.name);
  return !LIST_ENVS.has(base) && !NESTABLE.has(base) && !NOT_PROBLEM_ENVS.has(node.name) && !CONTAINER_ENVS.has(base) && base !== 'frame' && nodeSolutionType(node, base) === 0;
}

/** \\item marks directly in the environment (not in nested lists). */
function directItems(node: EnvNode): number {
  let n = 0;
  for (const c of node.children) if (c.t === 'mark' && c.cmd === 'item') n++;
  return n;
}

/**
 * A short paragraph that opens with a task ("Určete poloměr konvergence", "Compute the following integrals:") right
 * before a list of bare data (formulas, functions, no task of their own): one problem, the paragraph its start and the
 * list its parts. Only when the paragraph lies in the list's segment (positions are relative to it).
 */
function taskOverData(ctx: Ctx, node: EnvNode, intro: IntroRef): DetectedProblem | undefined {
  if (intro?.p.sol) return undefined;
  // The paragraph right before the list (prose inside environments is not recorded): back to a blank line, within
  // the list's segment, holding no structure of its own.
  const listAt = ctx.segStart + node.start;
  const lo = Math.max(ctx.segStart, listAt - 600);
  const back = ctx.text.slice(lo, listAt);
  const gap = back.search(/\n[ \t]*\n(?![\s\S]*\n[ \t]*\n)/);
  if (gap < 0 && lo > ctx.segStart) return undefined;
  let from = gap < 0 ? 0 : back.indexOf('\n', gap + 1) + 1;
  while (from < back.length && /\s/.test(back[from]!)) from++;
  const raw = back.slice(from);
  if (/\\(?:begin|end|item|section|subsection|subsubsection|paragraph|chapter|part)(?![a-zA-Z])|(?:^|\n)[ \t]*%/.test(raw)) return undefined;
  const para = detach(cleanLatex(raw)).trim();
  if (!para || para.length > 300 || !startsWithTask(para)) return undefined;
  const items: string[] = [];
  // The items' text and task facts as handleItems has just derived them.
  const marks = node.children.filter((c): c is Mark => c.t === 'mark' && c.cmd === 'item');
  if (marks.length < 2) return undefined;
  for (const m of marks) {
    const f = m.cache;
    // Data: mathematics with at most a few words around it ("$f_n(x) = x^n$ na $(0,1)$"), no task of its own.
    if (!f || !f.text || f.task || f.text.length > 400 || !hasMath(f.text)) return undefined;
    items.push(f.text.trim());
  }
  const start = lo - ctx.segStart + from;
  const text = tidyStatement(`${para}\n\n${items.map((t) => `- ${t}`).join('\n')}`);
  return emitSpan(ctx, start, start, node.end, 'problem', text, guessLanguage(para));
}

/** Problems that are beamer frames (a following frame with the same title may continue one). */
const FRAME_PROBLEMS = new WeakSet<DetectedProblem>();

/** The problem label of a beamer frame's title (\\begin{frame}{Exercise 2} or \\frametitle{Problem}), if any. */
function frameProblem(ctx: Ctx, node: EnvNode): { kind: ProblemKind; label: string } | undefined {
  const head = ctx.text.slice(ctx.segStart + node.headEnd, ctx.segStart + Math.min(node.end, node.headEnd + 300));
  const m = /^\s*(?:\[[^\]]*\]\s*)?\{([^{}]{1,80})\}/.exec(head) ?? /^\s*(?:\\[a-zA-Z]+(?:\[[^\]]*\])?\s*)*\\frametitle\{([^{}]{1,80})\}/.exec(head);
  if (!m) return undefined;
  const t = m[1]!.replace(/\\[a-zA-Z]+\*?|[{}]/g, ' ').trim();
  const l = matchProblemLabel(t);
  if (!l || SOLUTION_OF.test(l.rest) || isSolutionLabel(t)) return undefined;
  return { kind: l.kind, label: l.label };
}

/** Problem environments anywhere inside `node` (one of another meaning): emitted, their own contents not searched. */
function emitNested(ctx: Ctx, node: EnvNode, depth = 0): void {
  if (depth > 20) return;
  for (const c of node.children) {
    if (c.t !== 'env' || ctx.out.length >= ctx.max) continue;
    const k = envKind(c.name, ctx.kinds);
    if (k && k !== 'skip') {
      if (!placeholderEnv(ctx, c)) ctx.out.push(emitEnvProblem(ctx, c, k));
    } else emitNested(ctx, c, depth + 1);
  }
}

function holdsProblemEnv(node: EnvNode, kinds: Map<string, ProblemKind | 'skip'>, depth = 0): boolean {
  if (depth > 50) return false;
  for (const c of node.children) {
    if (c.t !== 'env') continue;
    const k = envKind(c.name, kinds);
    if (k === 'skip') continue;
    if (k || holdsProblemEnv(c, kinds, depth + 1)) return true;
  }
  return false;
}

/** A solution environment somewhere inside `node` (e.g. under a question's \\part). */
function holdsSolution(node: EnvNode, depth = 0): boolean {
  if (depth > 50) return false;
  for (const c of node.children) {
    if (c.t !== 'env') continue;
    if (nodeSolutionType(c) === 1 || holdsSolution(c, depth + 1)) return true;
  }
  return false;
}

/** An item's text that is one bold group and nothing else (\\textbf{…} or {\\bf …}, then blanks or a comment). */
const BOLD_ONLY_ITEM = /^\s*(?:\[[^\]]*\]\s*)?(?:\\textbf\{[^{}\n]{1,80}\}|\{\\(?:bf|bfseries)\s[^{}\n]{1,80}\})\s*(?:%[^\n]*)?\s*$/;

/** Layout environments that may wrap a list's items without being a list of their own. */
const WRAPPER_ENVS = new Set(['block', 'minipage', 'center', 'flushleft', 'flushright', 'multicols', 'columns', 'column', 'onlyenv', 'uncoverenv', 'visibleenv', 'small', 'footnotesize', 'large']);

function handleItems(ctx: Ctx, node: EnvNode, container: boolean, marker: 'item' | 'question'): void {
  const marks: Mark[] = [];
  // Items may sit in a wrapper inside the list (\\begin{itemize}\\begin{block}\\item …, a minipage, multicols).
  const collect = (nodes: readonly LNode[], depth: number): void => {
    for (const c of nodes) {
      if (c.t === 'mark' && (c.cmd === marker || (marker === 'question' && c.cmd === 'question'))) marks.push(c);
      else if (c.t === 'env' && depth < 3 && WRAPPER_ENVS.has(baseName(c.name))) collect(c.children, depth + 1);
    }
  };
  collect(node.children, 0);
  const listEnd = node.closed ? node.end - (node.name.length + 6) : node.end;
  const facts: { m: Mark; end: number; stmtEnd: number; solved: boolean }[] = [];
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k]!;
    const end = k + 1 < marks.length ? marks[k + 1]!.start : listEnd;
    // A solution inside the item (exam class \begin{solution}) ends the statement and marks it solved.
    let stmtEnd = end;
    let solved = false;
    for (const c of node.children) {
      if (c.t === 'mark' && c.cmd === 'answer' && c.start > m.start && c.start < end) {
        solved = true;
        stmtEnd = Math.min(stmtEnd, c.start);
        break;
      }
    }
    for (const c of node.children) {
      if (c.t !== 'env' || c.start <= m.start || c.start >= end) continue;
      const st = nodeSolutionType(c);
      if (st === 1) {
        solved = true;
        stmtEnd = c.start;
        break;
      }
      if (st === 2 && hasContent(ctx, c)) {
        solved = true;
        break;
      }
      // A solution given inside the question's parts (exam class \part ... \begin{solution}).
      if (!solved && holdsSolution(c)) solved = true;
    }
    if (!m.cache || m.cache.end !== stmtEnd) {
      let raw = ctx.text.slice(ctx.segStart + m.end, ctx.segStart + Math.min(stmtEnd, m.end + 6000));
      let title: string | undefined;
      if (marker === 'question' && raw.charCodeAt(0) === 123) {
        // \titledquestion{Title}[points]
        const e = groupEnd(raw, 0, 200);
        if (e > 0) {
          title = detach(raw.slice(1, e - 1).replace(/\\[a-zA-Z]+\*?|[{}]/g, ' ').replace(/\s+/g, ' ').trim()) || undefined;
          raw = raw.slice(e);
        }
      }
      const text = detach(cleanLatex(raw.replace(/^\s*\[[^\]]*\]/, '')));
      m.cache = { end: stmtEnd, text, task: !!text && !isAdvice(text) && (hasImperative(text) || statesTask(text.slice(0, 1500))), language: guessLanguage(text), title };
      if (BOLD_ONLY_ITEM.test(raw)) m.cache.bare = true;
    }
    facts.push({ m, end, stmtEnd, solved });
  }
  const loose = !(container || marker === 'question');
  let all = !loose;
  if (loose) {
    // Lists on slides are talk, not problem sets; otherwise the items of one list agree: mostly tasks → all
    // of them (also those without a task verb), a lone task among notes → none.
    const withText = facts.filter((f) => f.m.cache!.text).length;
    const tasks = facts.filter((f) => f.m.cache!.task).length;
    // …unless every item is a stated task of its own, with mathematics (a slide of olympiad problems).
    if (ctx.frame && !(withText >= 1 && tasks === withText && facts.every((f) => !f.m.cache!.text || (f.m.cache!.text.length >= 60 && hasMath(f.m.cache!.text))))) return;
    if (withText >= 3 && tasks * 2 < withText) return;
    all = withText >= 2 && tasks >= 0.6 * withText;
  }
  for (const { m, end, stmtEnd, solved } of facts) {
    if (ctx.out.length >= ctx.max) return;
    const { text, task } = m.cache!;
    if (!text) continue;
    if (!all && !task) continue;
    // In a list of tasks, an item without a task verb still counts when it holds mathematics.
    if (all && !task && !hasMath(text.replace(/\\url\{[^}]*\}|https?:\/\/\S+/g, ''))) continue;
    // An item that is only a bold title ("\\item \\textbf{IMO 2019 - 2}": a source named, no statement) states nothing.
    if (!task && m.cache!.bare) continue;
    const p = emitSpan(ctx, m.start, m.end, stmtEnd, marker === 'question' ? 'question' : 'item', text, m.cache!.language);
    if (m.cache!.title) p.label = m.cache!.title;
    if (solved) {
      p.solved = true;
      p.blockEndOffset = ctx.segStart + end;
    }
    if (loose) ctx.loose.add(p);
    ctx.out.push(p);
  }
}

const SOLUTION_OF = /(?:^|[\s(:,–—-])(?:proof|solution|solutions|answer|answers|sketch|lösung|loesung|beweis|soluzione|solución|solução|corrigé|решение|доказательство|ответ|løsning|lösning|解答|证明|풀이)(?![\p{L}])/iu;

function headingFacts(r: Mark): NonNullable<Mark['facts']> {
  if (!r.facts) {
    const t = (r.title ?? '').replace(/\\[a-zA-Z]+\*?|[{}]/g, ' ').trim();
    let label = matchProblemLabel(t);
    // "Question 1-ii proof by trichotomy", "Problem 3 (solution)": a heading over a solution.
    const solutionOf = !!label && SOLUTION_OF.test(label.rest);
    if (solutionOf) label = undefined;
    r.facts = { title: t, solution: solutionOf || isSolutionLabel(t), label, example: isExampleLabel(t), container: isContainerHeading(t) };
  }
  return r.facts;
}

/** Index of the first problem starting at or after `off` in a list sorted by start offset. */
function firstAtOrAfter(out: readonly DetectedProblem[], off: number): number {
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (out[mid]!.startOffset < off) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Section = { level: number; role: 'container' | 'example' | 'solution' | 'problem' | 'plain'; problem?: DetectedProblem; inner: number; title: string; hasBody?: boolean };
/** A heading problem whose statement is still open (no end yet). */
function openProblem(s: Section): s is Section & { problem: DetectedProblem } {
  return s.role === 'problem' && !!s.problem && !s.problem.endOffset;
}
/** A point inside an open environment walked segment by segment (see LatexReuse). */
interface ChainPoint {
  sig: string;
  pushed: number;
  /** The rules' state there: the sections (none a problem) and the walk's state. */
  snap: { sections: Section[]; solved: boolean[]; entry: string; container: boolean; outer: IntroRef; intro: IntroRef };
}

/** A copy of a scanned node with its positions moved by `d` (facts derived from positions dropped). */
function rebased(x: LNode, d: number): LNode {
  if (x.t === 'mark') {
    const m: Mark = { ...x, start: x.start + d, end: x.end + d };
    delete m.cache;
    delete m.stmt;
    delete m.own;
    delete m.labelTask;
    return m;
  }
  const e: EnvNode = { ...x, start: x.start + d, headEnd: x.headEnd + d, end: x.end + d, children: x.children.map((c) => rebased(c, d)) };
  delete e.cache;
  return e;
}

/** Applies the rules to scanned segments. `starts`/`lines` give each segment's current offset and first line. */
export function latexProblems(
  text: string,
  segs: readonly Segment<LatexSegData>[],
  starts: readonly number[],
  lines: readonly number[],
  options: LatexRuleOptions = {},
): DetectedProblem[] {
  const decls: Decl[] = [];
  for (const s of segs) {
    const ds = segDecls(s.data);
    if (ds.length) for (const r of ds) decls.push(r);
  }
  const declaredOnly = declaredKindsCached(decls, options.extraEnvironments ?? []);
  const inferred = inferProblemEnvs(text, segs, starts, declaredOnly);
  const kinds = inferred.length ? declaredKindsCached(decls, [...(options.extraEnvironments ?? []), ...inferred]) : declaredOnly;
  const out: DetectedProblem[] = [];
  const loose = new Set<DetectedProblem>();
  const max = options.maxProblems ?? 20000;
  const lazy = options.lazyText === true;
  const prev = options.reuse?.prev;
  const usable = !!prev && prev.kinds === kinds && prev.max === max && prev.pushed < max;
  const ok = new Map<number, number>();
  const chainOk = new Map<number, ChainPoint>();
  // Segments [tailFrom, end) are the previous run's segments [tailFrom + shift, end); [0, headTo) are its first ones.
  let tailFrom = segs.length;
  let headTo = 0;
  const shift = prev ? prev.segs.length - segs.length : 0;
  if (prev && usable) {
    while (tailFrom > 0 && tailFrom - 1 + shift >= 0 && segs[tailFrom - 1] === prev.segs[tailFrom - 1 + shift]) tailFrom--;
    while (headTo < segs.length && headTo < prev.segs.length && segs[headTo] === prev.segs[headTo]) headTo++;
  }
  let resumed: DetectedProblem[] | undefined;
  let resumedPushed = 0;
  // Problems pushed before the first segment run here in a full run (kept ones are in `out`).
  let prefixPushed = 0;
  let firstSeg = 0;
  /** The state restored at a continuation segment the run starts at. */
  let restore: ChainPoint['snap'] | undefined;
  if (prev && usable) {
    // The last point of the unchanged beginning where the previous run's state was empty — or, inside an open
    // environment, known from its snapshot: start there.
    let k0 = 0;
    for (const k of prev.ok.keys()) if (k < headTo && k > k0) k0 = k;
    for (const k of prev.chainOk.keys()) if (k < headTo && k > k0) k0 = k;
    if (k0 > 0) {
      const cp = prev.chainOk.get(k0);
      restore = cp?.snap;
      const cut = prev.starts[k0]!;
      for (const p of prev.out) {
        if (p.startOffset >= cut) break;
        out.push(p);
        if (prev.loose.has(p)) loose.add(p);
      }
      for (const [k, n] of prev.ok) if (k < k0) ok.set(k, n);
      for (const [k, c] of prev.chainOk) if (k < k0) chainOk.set(k, c);
      prefixPushed = cp ? cp.pushed : prev.ok.get(k0)!;
      firstSeg = k0;
    }
  }
  const prefixKept = out.length;
  // Heading context across segments.
  const sections: Section[] = [];
  let lastTop: DetectedProblem | undefined;
  let prevProse: { ctx: Ctx; p: Prose } | undefined;
  const inRole = (role: Section['role']): boolean => sections.some((s) => s.role === role);
  const lineAt = (off: number): number => {
    const si = Math.max(0, countBelow(starts, off + 1) - 1);
    const seg = segs[si];
    return seg ? lines[si]! + countBelow(seg.nl, off - starts[si]!) : 0;
  };
  const closeSection = (s: Section, endCtx: Ctx | undefined, endRel: number): void => {
    if (s.role !== 'problem' || !s.problem) return;
    const p = s.problem;
    if (endCtx && !p.endOffset) {
      // statement ends where the next heading starts
      const e = endCtx.segStart + endRel;
      let k = e;
      while (k > p.startOffset && /\s/.test(text[k - 1]!)) k--;
      p.endOffset = k;
      p.blockEndOffset = k;
      p.endLine = lineAt(Math.max(p.startOffset, k - 1));
    }
  };
  const pendingEnds: { s: Section; stmtStart: number; mark: Mark; segStart: number; segEnd: number }[] = [];
  const finalizeText = (pe: (typeof pendingEnds)[number]): void => {
    const p = pe.s.problem;
    if (!p) return;
    const stmtStart = pe.stmtStart;
    const endAbs = Math.min(p.endOffset, stmtStart + 6000);
    // Within the heading's own segment the text cannot have changed while the segment is reused.
    const local = endAbs <= pe.segEnd;
    const rel = endAbs - pe.segStart;
    let t: string;
    let lang: string | undefined;
    if (local && pe.mark.stmt && pe.mark.stmt.end === rel) {
      t = pe.mark.stmt.text;
      lang = pe.mark.stmt.language;
    } else {
      t = local ? detach(cleanLatex(text.slice(stmtStart, endAbs))) : cleanLatexCached(text.slice(stmtStart, endAbs));
      lang = guessLanguage(t);
      if (local) pe.mark.stmt = { end: rel, text: t, language: lang };
    }
    p.text = t;
    if (lang) p.language = lang;
  };

  /** Reuses the previous run's problems from its segment `pj` on (now at `ctx`), shifted; `base`: its problems pushed before. */
  const resumeAt = (pj: number, ctx: Ctx, base: number, pushedHere: number): void => {
    const p0 = prev!;
    const oldStart = p0.starts[pj]!;
    const dOff = ctx.segStart - oldStart;
    const dLine = ctx.segLine - p0.lines[pj]!;
    const tail: DetectedProblem[] = [];
    for (let k = firstAtOrAfter(p0.out, oldStart); k < p0.out.length; k++) {
      const p = p0.out[k]!;
      if (p.startOffset < oldStart) continue;
      const q = shiftProblem(p, dOff, dLine);
      if (p0.loose.has(p)) loose.add(q);
      tail.push(q);
    }
    resumed = tail;
    resumedPushed = p0.pushed - base;
    for (const [j, n] of p0.ok) if (j > pj) ok.set(j - shift, n - base + pushedHere);
    // A point whose snapshot holds heading problems is not carried over a shift: those are the previous run's objects,
    // replaced in the output by moved copies (a later run resuming there would restore the stale ones).
    const moved = dOff !== 0 || dLine !== 0;
    for (const [j, c] of p0.chainOk) {
      if (j > pj && !(moved && c.snap.sections.some((x) => x.problem))) chainOk.set(j - shift, { ...c, pushed: c.pushed - base + pushedHere });
    }
  };
  /** After a top-level environment (`before`: problems in `out` before it, `res`: what handleEnv returned). */
  const afterEnv = (ctx: Ctx, r: EnvNode, before: number, res: DetectedProblem | undefined): void => {
    const underProblem = sections.some(openProblem);
    if (underProblem && out.length > before && out.slice(before).every((p) => p.kind === 'item' && !p.solved)) {
      // List items under a "Problem 3" heading are its sub-parts (parent only).
      out.length = before;
    }
    for (const s of sections) if (openProblem(s)) s.hasBody = true;
    if (out.length > before) {
      for (const s of sections) {
        if (s.role !== 'problem' || !s.problem || s.problem.endOffset) continue;
        // Problems under a "Problem 3" heading: with a statement of its own the heading problem ends here,
        // without one the heading was only a title over them.
        if (s.hasBody) closeSection(s, ctx, r.start);
        else s.inner = -1;
      }
    }
    lastTop = res;
    prevProse = undefined;
  };
  /** The environment of segment `si` left open into the next segments, if any (its last record but declarations). */
  const chainHeadOf = (si: number): EnvNode | undefined => {
    const next = segs[si + 1];
    if (!next || next.entry === undefined || next.entry[0] !== 'e') return undefined;
    const recs = segs[si]!.data.records;
    for (let k = recs.length - 1; k >= 0; k--) {
      const r = recs[k]!;
      if (r.t === 'decl') continue;
      return r.t === 'env' && !r.closed && `e${r.name}` === next.entry ? r : undefined;
    }
    return undefined;
  };
  /** The continuation nodes of the environment open at the end of segment `si`. */
  const chainParts = (si: number): EnvNode[] => {
    const parts: EnvNode[] = [];
    const entry = segs[si + 1]!.entry;
    for (let k = si + 1; k < segs.length && segs[k]!.entry === entry; k++) parts.push(segs[k]!.data.records[0] as EnvNode);
    return parts;
  };
  /** Whether handleEnv would only walk the open environment's children (then that is done segment by segment). */
  const chainWalks = (si: number, r: EnvNode): boolean => {
    const base = baseName(r.name);
    if (nodeSolutionType(r, base) !== 0 || envKind(r.name, kinds) || CONTAINER_ENVS.has(base) || base === 'frame') return false;
    const parts = chainParts(si);
    if (!LIST_ENVS.has(base) && !(customListEnv(r) && directItems(r) + parts.reduce((n, c) => n + directItems(c), 0) >= 2)) return true;
    return holdsProblemEnv(r, kinds) || parts.some((c) => holdsProblemEnv(c, kinds));
  };
  /** The open environment as one node (positions relative to segment `si`) and a context for it. */
  const mergedChain = (si: number, r: EnvNode): [Ctx, EnvNode] => {
    const s0 = starts[si]!;
    const nl = segs[si]!.nl.slice();
    const children = r.children.slice();
    let end = r.end;
    let closed = r.closed;
    for (let k = si + 1; k < segs.length && segs[k]!.entry === segs[si + 1]!.entry; k++) {
      const d = starts[k]! - s0;
      for (const x of segs[k]!.nl) nl.push(x + d);
      const c = segs[k]!.data.records[0] as EnvNode;
      for (const x of c.children) children.push(rebased(x, d));
      end = c.end + d;
      closed = c.closed;
    }
    const node: EnvNode = { ...r, end, closed, children };
    delete node.cache;
    delete node.label;
    return [{ text, segStart: s0, segLine: lines[si]!, nl, kinds, out, loose, max, lazy }, node];
  };
  let chain:
    | { entry: string; mode: 'walk' | 'skip'; ctx0?: Ctx; head?: EnvNode; before?: number; scan?: number; container?: boolean; outer?: IntroRef; state?: WalkState }
    | undefined;

  if (restore) {
    restore.sections.forEach((x, k) => {
      const y = { ...x };
      if (y.problem) {
        // The heading problem as it was at that point (later solution headings may mark it solved again): a copy,
        // so that the previous run's object, shared with its output, is left as it is.
        const q = { ...y.problem, solved: restore!.solved[k]! };
        const at = out.indexOf(y.problem);
        if (at >= 0) out[at] = q;
        y.problem = q;
      }
      sections.push(y);
    });
    chain = { entry: restore.entry, mode: 'walk', container: restore.container, outer: restore.outer, state: { last: undefined, intro: restore.intro }, before: 0, head: segs[firstSeg]!.data.records[0] as EnvNode };
    chain.ctx0 = { text, segStart: starts[firstSeg]!, segLine: lines[firstSeg]!, nl: segs[firstSeg]!.nl, kinds, out, loose, max, lazy };
  }
  for (let si = firstSeg; si < segs.length && out.length < max; si++) {
    const seg = segs[si]!;
    const ctx: Ctx = { text, segStart: starts[si]!, segLine: lines[si]!, nl: seg.nl, kinds, out, loose, max, lazy };
    const first = seg.data.records[0];
    if (si > 0 && first && first.t === 'mark' && first.cmd === 'heading') {
      const level = first.level ?? 1;
      let clear = true;
      for (const s of sections) if (s.level < level) clear = false;
      if (clear && !headingFacts(first).solution) {
        const pushedHere = prefixPushed + out.length - prefixKept;
        ok.set(si, pushedHere);
        const pj = si + shift;
        if (prev && usable && si >= tailFrom && prev.ok.has(pj)) {
          // Same state as in the previous run from here on: close what the heading closes, reuse the rest.
          while (sections.length) closeSection(sections.pop()!, ctx, first.start);
          resumeAt(pj, ctx, prev.ok.get(pj)!, pushedHere);
          break;
        }
      }
    }
    const recs = seg.data.records;
    let r0 = 0;
    if (chain) {
      // A segment inside the open environment: its first record continues it.
      r0 = 1;
      const c = chain;
      if (c.mode === 'walk') {
        // A heading problem open around the environment ends where the environment starts once the environment
        // has given a problem that is not an unsolved list item (see afterEnv): decided now, closed now.
        if (sections.some((x) => x.problem && !x.problem.endOffset)) {
          let k = c.scan ?? c.before!;
          while (k < out.length && out[k]!.kind === 'item' && !out[k]!.solved) k++;
          c.scan = k;
          if (k < out.length) {
            for (const x of sections) {
              if (!x.problem || x.problem.endOffset) continue;
              x.hasBody = true;
              closeSection(x, c.ctx0, c.head!.start);
            }
          }
        }
        if (!c.state!.last && !sections.some((x) => x.problem && !x.problem.endOffset)) {
          // Nothing before this point is changed by what follows but the solved flags of the heading problems in
          // `sections` (set by later solution headings): a point to resume the previous run's output at.
          const secSig = sections.map((x) => `${x.level}${x.role}${x.problem ? (x.problem.solved ? 's' : 'u') : ''}`).join(',');
          const sig = `${c.entry}|${c.container}|${secSig}|${introduces(text, c.state!.intro ?? c.outer)}`;
          const pushedHere = prefixPushed + out.length - prefixKept;
          const snap = { sections: sections.map((x) => ({ ...x })), solved: sections.map((x) => !!x.problem?.solved), entry: c.entry, container: c.container!, outer: c.outer, intro: c.state!.intro };
          chainOk.set(si, { sig, pushed: pushedHere, snap });
          const pj = si + shift;
          const old = prev && usable && si >= tailFrom ? prev.chainOk.get(pj) : undefined;
          if (old && old.sig === sig) {
            // The same later effects as in the previous run: its final flags.
            sections.forEach((x, k) => {
              if (x.problem) x.problem.solved = !!old.snap.sections[k]!.problem?.solved;
            });
            resumeAt(pj, ctx, old.pushed, pushedHere);
            break;
          }
        }
        ctx.underProblem = sections.some(openProblem);
        walk(ctx, (recs[0] as EnvNode).children, c.container!, c.outer, c.state!);
      }
      if (segs[si + 1]?.entry !== c.entry) {
        if (c.mode === 'walk') afterEnv(c.ctx0!, c.head!, c.before!, undefined);
        chain = undefined;
      }
    }
    for (let ri = r0; ri < recs.length; ri++) {
      const r = recs[ri]!;
      if (r.t === 'decl') continue;
      if (r.t === 'prose') {
        proseFacts(text, ctx.segStart, r);
        if (r.sol) {
          // "\textbf{Solution.} ..." after a heading problem's statement: its solution.
          for (const s of sections) {
            if (openProblem(s) && s.hasBody) {
              closeSection(s, ctx, r.start);
              s.problem.solved = true;
            }
          }
        }
        if (!r.blank) for (const s of sections) if (openProblem(s)) s.hasBody = true;
        if (lastTop && r.sol) lastTop.solved = true;
        else if (r.long) lastTop = undefined;
        prevProse = { ctx, p: r };
        continue;
      }
      if (r.t === 'mark') {
        if (r.cmd === 'cand') {
          const ck = kinds.get('\\' + r.nmacro);
          if (!ck || ck === 'skip') continue;
        } else if (r.cmd !== 'heading') continue;
        const level = r.level ?? 1;
        const facts = headingFacts(r);
        const title = facts.title;
        const solutionHeading = facts.solution;
        while (sections.length && sections[sections.length - 1]!.level >= level) {
          const s = sections.pop()!;
          closeSection(s, ctx, r.start);
          // "\subsection{Problem 2}" ... "\subsection{Solution}": the solution of the problem above.
          if (solutionHeading && s.level === level && s.role === 'problem' && s.problem) s.problem.solved = true;
        }
        // A sub-heading inside a problem section ends its statement, unless the statement has not begun yet
        // ("\section{Esercizio 3}" then "\subsubsection*{Testo}"): then it is part of it, up to a solution.
        for (const s of sections) {
          if (openProblem(s) && (solutionHeading || s.hasBody)) {
            closeSection({ ...s, inner: s.inner }, ctx, r.start);
            if (solutionHeading) s.problem.solved = true;
          }
        }
        if (solutionHeading && lastTop) lastTop.solved = true;
        lastTop = undefined;
        prevProse = undefined;
        let label = facts.label;
        // "\\paragraph{1}" / "\\subsection*{2.}" under an "Exercises" heading: a numbered problem.
        if (!label && !solutionHeading && inRole('container') && !inRole('problem') && isNumberOnlyLabel(title)) label = { kind: 'problem', label: title.replace(/[.:)]\s*$/, ''), rest: '', numbered: true };
        const mk = r.macro ?? (r.nmacro ? kinds.get('\\' + r.nmacro) : undefined);
        if (mk && mk !== 'skip' && !solutionHeading) label = { kind: mk, label: r.title || '', rest: '', numbered: !!r.title };
        let role: Section['role'] = 'plain';
        let problem: DetectedProblem | undefined;
        if (solutionHeading) role = 'solution';
        else if (facts.example && !mk) role = 'example';
        else if (facts.container && !mk) role = 'container';
        else if (label && !inRole('example')) {
          role = 'problem';
          problem = {
            startLine: ctx.segLine + countBelow(ctx.nl, r.start),
            endLine: 0,
            startOffset: ctx.segStart + r.start,
            endOffset: 0,
            blockEndOffset: 0,
            kind: label.kind,
            text: '',
            solved: false,
          };
          if (label.label) problem.label = label.label;
          out.push(problem);
          pendingEnds.push({ s: { level, role, problem, inner: out.length - 1, title }, stmtStart: ctx.segStart + r.end, mark: r, segStart: ctx.segStart, segEnd: ctx.segStart + seg.length });
        }
        const sec: Section = { level, role, inner: out.length - 1, title };
        if (problem) {
          sec.problem = problem;
          pendingEnds[pendingEnds.length - 1]!.s = sec;
        }
        sections.push(sec);
        continue;
      }
      // environment at top level
      let ectx = ctx;
      let node = r;
      if (r === chainHeadOf(si)) {
        // An environment left open across the following segments (see scanLatex).
        const contEntry = segs[si + 1]!.entry!;
        if (inRole('example') && !envKind(r.name, kinds)) {
          lastTop = undefined;
          chain = { entry: contEntry, mode: 'skip' };
          continue;
        }
        if (chainWalks(si, r)) {
          // Its children are walked segment by segment with one state, as one node's children would be.
          const outer: IntroRef = prevProse ? { p: prevProse.p, segStart: prevProse.ctx.segStart } : undefined;
          const state: WalkState = { last: undefined, intro: undefined };
          chain = { entry: contEntry, mode: 'walk', ctx0: ctx, head: r, before: out.length, container: inRole('container'), outer, state };
          ctx.underProblem = sections.some(openProblem);
          walk(ctx, r.children, chain.container!, outer, state);
          continue;
        }
        // Otherwise the rules see it as the one node it is.
        [ectx, node] = mergedChain(si, r);
        chain = { entry: contEntry, mode: 'skip' };
      }
      const container = inRole('container');
      if (inRole('example') && !envKind(node.name, kinds)) {
        lastTop = undefined;
        continue;
      }
      const st = nodeSolutionType(node, baseName(node.name));
      if (st === 1 || (st === 2 && hasContent(ectx, node))) {
        // A solution (also one just inserted) after a heading problem's statement ends it and marks it solved.
        for (const s of sections) {
          if (openProblem(s) && s.hasBody) {
            closeSection(s, ectx, node.start);
            s.problem.solved = true;
            s.problem.blockEndOffset = ectx.segStart + node.end;
          }
        }
      }
      const before = out.length;
      ectx.underProblem = sections.some(openProblem);
      const res = handleEnv(ectx, node, container, prevProse ? { p: prevProse.p, segStart: prevProse.ctx.segStart } : undefined, lastTop);
      afterEnv(ectx, node, before, res);
    }
  }
  const endCtx: Ctx = {
    text,
    segStart: text.length,
    segLine: lines.length ? lines[lines.length - 1]! + (segs[segs.length - 1]?.nl.length ?? 0) : 0,
    nl: [],
    kinds,
    out,
    loose,
    max,
  };
  while (sections.length) closeSection(sections.pop()!, endCtx, 0);
  // Heading problems whose section held other problems are dropped; the rest get their text.
  const dropped = new Set<DetectedProblem>();
  for (const pe of pendingEnds) {
    const p = pe.s.problem;
    if (!p) continue;
    if (pe.s.inner === -1) {
      dropped.add(p);
      continue;
    }
    if (!p.endOffset) {
      p.endOffset = text.length;
      p.blockEndOffset = text.length;
      p.endLine = lineAt(Math.max(p.startOffset, text.length - 1));
    }
    finalizeText(pe);
    // A bare "\question" (its label is the macro, no task was checked) that only gives reading or study advice
    // ("Please read chapters 0 and 1 and write a couple sentences about …") sets no mathematical task.
    if (!p.text || (pe.mark.macro && !pe.mark.title && isAdvice(p.text) && !hasMath(p.text))) dropped.add(p);
  }
  const pushed = prefixPushed + out.length - prefixKept + resumedPushed;
  if ((firstSeg > 0 || resumed) && pushed >= max) {
    // A full run would have stopped at `max`: do it (no reuse) so the cut falls where it would.
    const fresh: LatexReuse = {};
    const res = latexProblems(text, segs, starts, lines, { ...options, reuse: fresh });
    if (options.reuse) options.reuse.prev = fresh.prev;
    return res;
  }
  if (dropped.size) {
    const kept = out.filter((p) => !dropped.has(p));
    out.length = 0;
    out.push(...kept);
  }
  sortByStart(out);
  if (resumed) for (const p of resumed) out.push(p);
  if (options.reuse) options.reuse.prev = { segs, starts, lines, out: out.slice(), loose, kinds, max, ok, chainOk, pushed };
  // The per-segment pass may overshoot `max` by a few; cut it where a full run cuts it before the document rules.
  if (out.length > max) out.length = max;
  const res = typesetOnly(text, segs, starts, documentRules(text, segs, starts, lines, out, loose));
  if (res.length > max) res.length = max;
  return res;
}

interface HeadingInfo {
  mark: Mark;
  abs: number;
  segEnd: number;
  level: number;
  /** Offset of the next heading of any level (or the end of the text). */
  ownEnd: number;
  /** Offset of the next heading of the same or a higher level (or the end of the text). */
  sectionEnd: number;
  parent: number;
}

/** A statement that is a formula and (almost) nothing else: "$\\int_0^1 x^2\\,dx$". */
function bareFormula(t: string): boolean {
  if (t.length > 300 || !hasMath(t)) return false;
  const words = t.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\[[\s\S]*?\\\]|\\\([\s\S]*?\\\)/g, ' ').match(/\p{L}{2,}/gu);
  return !words || words.length <= 3;
}

/** A title that is itself (part of) a statement: "Let A ⊆ R. Show that ..." rather than a topic name. */
function statementTitle(t: string): boolean {
  return /\$|\\\(/.test(t) || /[.?:;]\s*$/.test(t) || t.split(/\s+/).length >= 7;
}

/** Own text of a heading (cached on the mark while its body lies in the mark's own segment). */
function headingOwn(text: string, h: HeadingInfo, whole: boolean): { text: string; task: boolean } {
  const end = Math.min(whole ? h.sectionEnd : h.ownEnd, h.abs + (h.mark.end - h.mark.start) + 1500);
  const rel = end - h.abs;
  const key = whole ? 1 : 0;
  const c = h.mark.own;
  if (c && c.end === rel && c.whole === key && end <= h.segEnd) return c;
  const body = cleanLatexCached(text.slice(h.abs + (h.mark.end - h.mark.start), end));
  const title = headingFacts(h.mark).title;
  const t = (statementTitle(title) ? title + '\n' : '') + body;
  const head = t.slice(0, 700);
  const v = { end: rel, whole: key, text: t, task: hasImperative(head) || asksQuestion(head.slice(0, 400)) || (whole && statesTask(head)) };
  if (end <= h.segEnd) h.mark.own = v;
  return v;
}

/**
 * Rules that look at the whole document after the per-segment pass (recomputed on every run from the
 * segments, so an incremental run gives what a fresh one gives):
 * - "Problem N" headings of one sibling group over answers only (fewer than a third state a task) are not problems;
 * - sections with free titles whose bodies state a task are problems when most of their siblings do too
 *   (parent only: the outermost such section), and list items inside them are their parts;
 * - list items that are not in a list of problems ("loose" ones) are dropped when the document marks problems
 *   explicitly (environments, exam questions, problem headings).
 */
function documentRules(text: string, segs: readonly Segment<LatexSegData>[], starts: readonly number[], lines: readonly number[], out: DetectedProblem[], loose: ReadonlySet<DetectedProblem>): DetectedProblem[] {
  const hs: HeadingInfo[] = [];
  for (let si = 0; si < segs.length; si++) {
    const segStart = starts[si]!;
    const segEnd = segStart + segs[si]!.length;
    for (const r of segHeads(segs[si]!.data)) {
      hs.push({ mark: r, abs: segStart + r.start, segEnd, level: r.level ?? 1, ownEnd: text.length, sectionEnd: text.length, parent: -1 });
    }
  }
  const docEnd = (() => {
    const e = text.lastIndexOf('\\end{document}');
    return e >= 0 ? e : text.length;
  })();
  const stack: number[] = [];
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    h.ownEnd = i + 1 < hs.length ? hs[i + 1]!.abs : Math.max(h.abs, docEnd);
    while (stack.length && hs[stack[stack.length - 1]!]!.level >= h.level) hs[stack.pop()!]!.sectionEnd = h.abs;
    h.parent = stack.length ? stack[stack.length - 1]! : -1;
    stack.push(i);
  }
  for (const i of stack) hs[i]!.sectionEnd = Math.max(hs[i]!.abs, docEnd);
  if (!hs.length) return dropLooseItems(out, loose);

  // The problem starting at each heading, if any (both lists are in document order).
  const own: (DetectedProblem | undefined)[] = new Array(hs.length);
  for (let i = 0, k = 0; i < hs.length; i++) {
    while (k < out.length && out[k]!.startOffset < hs[i]!.abs) k++;
    own[i] = k < out.length && out[k]!.startOffset === hs[i]!.abs ? out[k] : undefined;
  }
  const drop = new Set<DetectedProblem>();
  // Sibling groups of "Problem N" headings that hold only answers.
  const labelGroups = new Map<number, number[]>();
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    if (!own[i] || !headingFacts(h.mark).label) continue;
    const key = (h.parent + 1) * 8 + h.level;
    const g = labelGroups.get(key);
    if (g) g.push(i);
    else labelGroups.set(key, [i]);
  }
  for (const g of labelGroups.values()) {
    if (g.length < 2) continue;
    let tasks = 0;
    for (const i of g) {
      const p = own[i]!;
      const m = hs[i]!.mark;
      if (!m.labelTask || m.labelTask.text !== p.text) m.labelTask = { text: p.text, task: statesTask(p.text) || bareFormula(p.text) };
      if (m.labelTask.task) tasks++;
      // Enough of them state a task (a short formula alone, "Problem 3. $\\int_0^1 x^2\\,dx$", counts): the group stands.
      if (tasks * 3 >= g.length) break;
    }
    if (tasks * 3 < g.length) for (const i of g) drop.add(own[i]!);
  }

  // Sections with free titles: candidates are plain headings outside problem/solution/example/container sections
  // that hold no explicitly marked problem.
  const explicitIn = (a: number, b: number): boolean => {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid]!.startOffset < a) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < out.length && out[k]!.startOffset < b; k++) if (out[k]!.kind !== 'item' && !drop.has(out[k]!)) return true;
    return false;
  };
  // Items of sections that are titles over a list of problems: a list of problems, not loose items.
  const listed = new Set<DetectedProblem>();
  const blocked = new Array<boolean>(hs.length).fill(false);
  const isProblem = new Array<boolean>(hs.length).fill(false);
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    const f = headingFacts(h.mark);
    const parentBlocked = h.parent >= 0 && blocked[h.parent]!;
    const mine = own[i];
    blocked[i] = parentBlocked || f.solution || f.example || f.container || (!!mine && !drop.has(mine)) || (!!f.label && !mine);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < hs.length; i++) {
    if (blocked[i]) continue;
    // Bold number heads ("\\textbf{7.}" on its own line) number one family of exercises across the topic sections
    // they are spread over (a solved-exercises book: one or two under each "Seção N"): they are siblings of each other.
    const numberHead = !!hs[i]!.mark.bold && isNumberOnlyLabel(headingFacts(hs[i]!.mark).title);
    const key = numberHead ? -1 - hs[i]!.level : (hs[i]!.parent + 1) * 8 + hs[i]!.level;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  if (!groups.size && !drop.size) return dropLooseItems(out, loose);
  const added: DetectedProblem[] = [];
  // Outer groups first: a section that is a problem makes its sub-sections parts.
  const order = [...groups.values()].sort((a, b) => hs[a[0]!]!.level - hs[b[0]!]!.level || hs[a[0]!]!.abs - hs[b[0]!]!.abs);
  const lineAt = (off: number): number => {
    const si = Math.max(0, countBelow(starts, off + 1) - 1);
    const seg = segs[si];
    return seg ? lines[si]! + countBelow(seg.nl, off - starts[si]!) : 0;
  };
  for (const g of order) {
    if (g.length < 2) continue;
    const live = g.filter((i) => {
      for (let a = hs[i]!.parent; a >= 0; a = hs[a]!.parent) if (isProblem[a]) return false;
      return true;
    });
    if (live.length < 2) continue;
    const facts = live.map((i) => {
      const h = hs[i]!;
      if (explicitIn(h.abs, h.sectionEnd)) return undefined;
      const items = titleOverItems(text, h, out);
      if (items) {
        for (const p of items) listed.add(p);
        return undefined;
      }
      const whole = statementTitle(headingFacts(h.mark).title);
      return headingOwn(text, h, whole);
    });
    const tasks = facts.filter((f) => f?.task).length;
    if (tasks < 2 || tasks * 2 < live.length) continue;
    live.forEach((i, k) => {
      const f = facts[k];
      if (!f?.task) return;
      const h = hs[i]!;
      isProblem[i] = true;
      let e = h.sectionEnd;
      // A solution sub-heading ends the statement.
      let solved = false;
      for (let j = i + 1; j < hs.length && hs[j]!.abs < h.sectionEnd; j++) {
        if (headingFacts(hs[j]!.mark).solution) {
          e = hs[j]!.abs;
          solved = true;
          break;
        }
      }
      while (e > h.abs && /\s/.test(text[e - 1]!)) e--;
      const p: DetectedProblem = {
        startLine: lineAt(h.abs),
        endLine: lineAt(Math.max(h.abs, e - 1)),
        startOffset: h.abs,
        endOffset: e,
        blockEndOffset: solved ? h.sectionEnd : e,
        kind: 'problem',
        text: tidyStatement(f.text),
        solved,
      };
      const lang = guessLanguage(f.text);
      if (lang) p.language = lang;
      const title = headingFacts(h.mark).title;
      if (title && !statementTitle(title) && title.length <= 60) p.label = title;
      added.push(p);
    });
  }
  let res = drop.size ? out.filter((p) => !drop.has(p)) : out.slice();
  if (added.length) {
    // List items inside a section that is a problem are its parts.
    const spans = added.map((p) => [p.startOffset, p.blockEndOffset] as const);
    res = res.filter((p) => p.kind !== 'item' || !spans.some(([a, b]) => p.startOffset >= a && p.startOffset < b));
    res.push(...added);
    res.sort((a, b) => a.startOffset - b.startOffset);
  }
  return dropLooseItems(res, loose, listed);
}

/**
 * A section (\\section{Combinatoria 1}) whose body is a list of at least three long task items with no setup of its own
 * before the list: a title over those problems, not one problem with parts.
 */
function titleOverItems(text: string, h: HeadingInfo, out: readonly DetectedProblem[]): DetectedProblem[] | undefined {
  const items: DetectedProblem[] = [];
  for (const p of out) if (p.startOffset >= h.abs && p.startOffset < h.sectionEnd && p.kind === 'item') items.push(p);
  const first = items[0];
  // Independent statements: several, each of some length (short questions under a title are its parts), and
  // not a description list ("\\item[SAT:] …" defines terms).
  if (!first || items.length < 3) return undefined;
  let chars = 0;
  for (const p of items) {
    if (/^\\item\s*\[/.test(text.slice(p.startOffset, p.startOffset + 12))) return undefined;
    chars += p.text.length;
  }
  if (chars < 80 * items.length) return undefined;
  const before = cleanLatexCached(text.slice(h.abs + (h.mark.end - h.mark.start), first.startOffset)).replace(/\\begin\{[^}]*\}(?:\[[^\]]*\])?/g, ' ').trim();
  return before.length < 40 ? items : undefined;
}

/**
 * Start of the first line in text[from, to) that holds only spaces or tabs before `cmd` (what /^[ \t]*\\end\{document\}/m
 * finds for \\end{document}, without a regular expression), or -1. `from` is a line start (every segment starts one).
 */
function lineOpenedIn(text: string, from: number, to: number, cmd: string): number {
  // (Searched in the slice: indexOf on the whole text would run on to the next occurrence, maybe the document's end.)
  const s = from === 0 && to === text.length ? text : text.slice(from, to);
  for (let i = s.indexOf(cmd); i >= 0; i = s.indexOf(cmd, i + 1)) {
    let k = i;
    while (k > 0 && (s.charCodeAt(k - 1) === 32 || s.charCodeAt(k - 1) === 9)) k--;
    const c = k > 0 ? s.charCodeAt(k - 1) : 10;
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return from + k;
  }
  return -1;
}

/**
 * The first line opened by `\\end{document}` (where TeX stops reading) or by `\\documentclass` (before which it
 * typesets nothing), or -1. Looked up per segment and kept on the segment (its text does not change while it is
 * reused), so a keystroke does not search the whole document again.
 */
function firstLineOpenedBy(text: string, segs: readonly Segment<LatexSegData>[], starts: readonly number[], key: 'endDoc' | 'docClass'): number {
  const cmd = key === 'endDoc' ? '\\end{document}' : '\\documentclass';
  for (let k = 0; k < segs.length; k++) {
    const d = segs[k]!.data;
    let rel = d[key];
    if (rel === undefined) {
      const at = lineOpenedIn(text, starts[k]!, starts[k]! + segs[k]!.length, cmd);
      rel = d[key] = at < 0 ? -1 : at - starts[k]!;
    }
    if (rel >= 0) return starts[k]! + rel;
  }
  return -1;
}

/** Problems after \\end{document} or before \\documentclass (TeX never typesets them): dropped. */
function typesetOnly(text: string, segs: readonly Segment<LatexSegData>[], starts: readonly number[], out: DetectedProblem[]): DetectedProblem[] {
  const end = firstLineOpenedBy(text, segs, starts, 'endDoc');
  const cls = firstLineOpenedBy(text, segs, starts, 'docClass');
  if (end < 0 && cls <= 0) return out;
  const kept = (p: DetectedProblem): boolean => (end < 0 || p.startOffset <= end) && (cls <= 0 || p.startOffset >= cls);
  return out.every(kept) ? out : out.filter(kept);
}

/** Items of lists that are not lists of problems, when the document marks problems explicitly (then such lists are instructions or notes). */
function dropLooseItems(out: DetectedProblem[], looseItems: ReadonlySet<DetectedProblem>, listed?: ReadonlySet<DetectedProblem>): DetectedProblem[] {
  if (looseItems.size === 0) return out;
  const isLoose = (p: DetectedProblem): boolean => looseItems.has(p) && !listed?.has(p);
  let loose = 0;
  for (const p of out) if (isLoose(p)) loose++;
  if (!loose || out.length - loose < 1) return out;
  return out.filter((p) => !isLoose(p));
}
