// Benchmark datasets as they are: MATH-500 ({problem, solution, answer (LaTeX), subject, level,
// unique_id}), AIME ({id, problem, answer "025", …}), AMC ({id, problem|question, answer 27.0, …}).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { answerText } from '../answers/grade.js';

export type DatasetFormat = 'math500' | 'aime' | 'amc' | 'generic';

export interface EvalProblem {
  /** Stable id: MATH-500 unique_id ("test/algebra/1.json"), else the row's id as text. */
  id: string;
  problem: string;
  /** Reference answer as text (AMC floats become "27", AIME keeps "025"). */
  answer: string;
  subject?: string;
  level?: number;
  /** 1-based line in the file. */
  line: number;
}

export interface Dataset {
  name: string;
  format: DatasetFormat;
  problems: EvalProblem[];
}

export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'DatasetError';
  }
}

function detectFormat(row: Record<string, unknown>): DatasetFormat {
  if (typeof row.unique_id === 'string' && 'level' in row) return 'math500';
  if (typeof row.answer === 'number') return 'amc';
  if (typeof row.answer === 'string' && /^\d{3}$/.test(row.answer) && row.id !== undefined) return 'aime';
  return 'generic';
}

/** Parses JSON Lines text into problems. Throws a `DatasetError` naming the line on bad input. */
export function parseDataset(text: string, file = 'dataset'): Dataset {
  const problems: EvalProblem[] = [];
  const seen = new Set<string>();
  const formats = new Set<DatasetFormat>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const lineNo = i + 1;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      throw new DatasetError('not valid JSON', file, lineNo);
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new DatasetError('expected a JSON object', file, lineNo);
    const r = row as Record<string, unknown>;
    const problem = typeof r.problem === 'string' ? r.problem : typeof r.question === 'string' ? r.question : undefined;
    if (!problem || !problem.trim()) throw new DatasetError('missing "problem" (or "question") text', file, lineNo);
    const answer = answerText(r.answer).trim();
    if (!answer) throw new DatasetError('missing "answer" (a string or a number)', file, lineNo);
    const idRaw = r.unique_id ?? r.id;
    const id = typeof idRaw === 'string' || typeof idRaw === 'number' ? String(idRaw) : `line-${lineNo}`;
    if (seen.has(id)) throw new DatasetError(`duplicate id "${id}"`, file, lineNo);
    seen.add(id);
    formats.add(detectFormat(r));
    const p: EvalProblem = { id, problem, answer, line: lineNo };
    if (typeof r.subject === 'string' && r.subject.trim()) p.subject = r.subject.trim();
    const level = typeof r.level === 'number' ? r.level : typeof r.level === 'string' ? Number(/\d+/.exec(r.level)?.[0]) : NaN;
    if (Number.isInteger(level)) p.level = level;
    problems.push(p);
  }
  if (problems.length === 0) throw new DatasetError('no problems found (expected JSON Lines with "problem" and "answer")', file);
  const format: DatasetFormat = formats.size === 1 ? [...formats][0]! : 'generic';
  return { name: basename(file), format, problems };
}

/** Reads a dataset file. Throws a `DatasetError` when missing or malformed. */
export function loadDataset(file: string): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`, file);
  }
  return parseDataset(text, file);
}
