// `reasonflux templates search | import | validate | stats`: the thought-template library from a terminal.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { importReasonFluxV1Text, TemplateImportError } from '../../core/templates/importer.js';
import { defaultBuiltinDir, loadTemplateIndex } from '../../core/templates/library.js';
import { loadTemplateDir, loadTemplateFile } from '../../core/templates/loader.js';
import { MATH_SUBJECTS, OTHER_SUBJECTS } from '../../core/templates/schema.js';
import { findNearDuplicates } from '../../core/templates/similarity.js';
import { coverageReport, formatCoverage, loadSyllabus, SyllabusError } from '../../core/templates/coverage.js';
import type { TemplateIndex, TemplateMatch, ThoughtTemplate } from '../../core/templates/types.js';
import { checkFlags, CliError, intFlag, parseArgs, stringFlag, type ParsedArgs } from '../util.js';
import { RETRIEVAL_FLAGS, RETRIEVAL_HELP, withEmbeddings } from '../retrieval.js';
import { createModels, MODEL_FLAGS, readModelSettings } from '../models.js';
import { TemplateUsageStore } from '../../core/templates/usage.js';
import { stepSearchRequest } from '../../core/reasoning/orchestrator.js';
import { describeResemblance, DistillError, distillTemplate, saveDistilled, trajectoryFromEvents } from '../../core/templates/distill.js';

export const summary = 'search | import | validate | stats | coverage of the template library';

const USAGE = `Usage:
  reasonflux templates search "TEXT" [--top K] [--subject S] [--context TEXT] [--step] [--json]
  reasonflux templates search --jsonl QUERIES [--top K] [--step] [--json]   (lines {"query": "…", "context"?: "…"})
  reasonflux templates import FILE [--dry-run] [--json] [--out FILE]
  reasonflux templates distill RUN --base-url URL --model M [--navigator-model N] [--dry-run] [--force] [--json]
      RUN: the event log of "reasonflux solve --json" (a solved run). The navigator drafts a template; it is
      validated, compared with the library (near-duplicates are not saved without --force) and added to
      <workspace>/distilled.json, where search finds it at once.
  reasonflux templates validate [PATH] [--json]
  reasonflux templates stats [PATH] [--json]
  reasonflux templates coverage [--syllabus FILE] [--json]   # syllabus methods with and without a template

Library options (search, stats):
  --library DIR      built-in template folder (default: the one shipped with reasonflux)
  --workspace DIR    your template folder (default: ./.reasonflux/templates)
  --user-file FILE   one more file of your own templates

Search options:
  --context TEXT     text the query comes from (e.g. the problem behind a plan step); counts less
  --step             the query is a plan step (its method and goal) and --context its problem: the search a
                     solve makes per step (BM25 candidates reordered by the step reranker), not plain BM25
  --stats FILE       your template statistics (from "solve --stats"): shown per result, used as a prior
${RETRIEVAL_HELP}`;

const LIBRARY_FLAGS = ['library', 'workspace', 'user-file'] as const;
const DEFAULT_WORKSPACE = join('.reasonflux', 'templates');

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return sub ? 0 : 2;
  }
  switch (sub) {
    case 'search':
      return search(rest);
    case 'import':
      return importCommand(rest);
    case 'distill':
      return distill(rest);
    case 'validate':
      return validate(rest);
    case 'stats':
      return stats(rest);
    case 'coverage':
      return coverage(rest);
    default:
      throw new CliError(`unknown templates subcommand "${sub}"`, 'use search, import, distill, validate, stats or coverage');
  }
}

async function openLibrary(args: ParsedArgs, usage?: TemplateUsageStore): Promise<{ index: TemplateIndex; templates: ThoughtTemplate[]; errors: string[] }> {
  const library = stringFlag(args, 'library');
  if (library && !existsSync(library)) throw new CliError(`template folder not found: ${library}`, 'check --library');
  const userFile = stringFlag(args, 'user-file');
  if (userFile && !existsSync(userFile)) throw new CliError(`template file not found: ${userFile}`, 'check --user-file');
  const result = await loadTemplateIndex({
    builtinDir: library ? resolve(library) : undefined,
    workspaceDir: resolve(stringFlag(args, 'workspace') ?? DEFAULT_WORKSPACE),
    userFile: userFile ? resolve(userFile) : undefined,
    ...(usage ? { prior: usage.priorOf() } : {}),
  });
  // A broken template folder must not bury the results: a few problems, then a count.
  const shown = result.errors.slice(0, 3);
  for (const e of shown) process.stderr.write(`reasonflux: warning: ${e}\n`);
  if (result.errors.length > shown.length) {
    process.stderr.write(`reasonflux: warning: … and ${result.errors.length - shown.length} more template problem(s) — run "reasonflux templates validate FOLDER" to list them\n`);
  }
  return result;
}

function resultRow(m: TemplateMatch, usage?: TemplateUsageStore) {
  const t = m.template;
  const u = usage?.get(t.id);
  return { id: t.id, name: t.name, chapter: t.chapter, section: t.section, subjects: t.subjects, score: m.score, ...(m.general ? { general: true } : {}), ...(u ? { usage: u } : {}) };
}

async function search(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'step']);
  checkFlags(args, ['top', 'json', 'jsonl', 'subject', 'context', 'step', 'base-url', 'stats', ...LIBRARY_FLAGS, ...RETRIEVAL_FLAGS]);
  const asStep = args.flags.step === true;
  // --step: the search a solve makes for a plan step (the orchestrator's stepSearchRequest: the step's text as
  // the query, the problem as context, planStep so the step reranker applies); otherwise plain BM25.
  const request = (query: string, context: string | undefined): { query: string; context?: string; planStep?: true } =>
    asStep ? stepSearchRequest({ goal: query, query: '' }, context ?? '') : { query, ...(context ? { context } : {}) };
  const statsFile = stringFlag(args, 'stats') ?? process.env.REASONFLUX_STATS_FILE;
  let usage: TemplateUsageStore | undefined;
  try {
    usage = statsFile ? await TemplateUsageStore.load(statsFile) : undefined;
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const top = intFlag(args, 'top') ?? 5;
  const subject = stringFlag(args, 'subject');
  const subjects = subject ? subject.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const jsonl = stringFlag(args, 'jsonl');
  const json = args.flags.json === true;
  if (jsonl === undefined && args.positional.join(' ').trim() === '') throw new CliError('templates search needs a query', 'templates search "TEXT" or --jsonl FILE');
  if (jsonl !== undefined && args.positional.join(' ').trim() !== '') throw new CliError('give either a query or --jsonl FILE, not both');
  let input = '';
  if (jsonl !== undefined) {
    try {
      input = jsonl === '-' ? readFileSync(0, 'utf8') : readFileSync(jsonl, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${jsonl}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the --jsonl path');
    }
  }
  const lib = await openLibrary(args, usage);
  if (lib.index.size === 0) throw new CliError('the template library is empty', 'check --library / --workspace, or run "reasonflux templates validate"');
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const baseUrl = stringFlag(args, 'base-url');
  const index = await withEmbeddings(lib.index, args, env, { ...(baseUrl ? { baseUrl } : {}), ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) }, (line) => process.stderr.write(line + '\n'));
  const contextFlag = stringFlag(args, 'context');

  if (jsonl !== undefined) {
    const out: string[] = [];
    const lines = input.split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    const parsed = lines.map((line) => {
      try {
        const x = JSON.parse(line) as { query?: unknown; context?: unknown };
        return typeof x?.query === 'string' ? { query: x.query, ...(typeof x.context === 'string' ? { context: x.context } : {}) } : undefined;
      } catch {
        return undefined;
      }
    });
    if (index.prepare) {
      const ok = parsed.filter((q): q is { query: string; context?: string } => q !== undefined);
      for (let i = 0; i < ok.length; i += 64) await index.prepare(ok.slice(i, i + 64));
    }
    parsed.forEach((q, i) => {
      if (!q) {
        out.push(JSON.stringify({ results: [], error: `line ${i + 1}: expected {"query": "…"}` }));
        return;
      }
      const r = request(q.query, q.context);
      out.push(JSON.stringify({ results: index.search(r.query, { ...r, top, subjects }).map((m) => resultRow(m, usage)) }));
    });
    process.stdout.write(out.length ? out.join('\n') + '\n' : '');
    return 0;
  }

  const r = request(args.positional.join(' '), contextFlag);
  await index.prepare?.([{ query: r.query, ...(r.context ? { context: r.context } : {}) }]);
  const matches = index.search(r.query, { ...r, top, subjects });
  if (json) {
    process.stdout.write(JSON.stringify({ results: matches.map((m) => resultRow(m, usage)) }) + '\n');
    return 0;
  }
  if (matches.length === 0) {
    process.stdout.write('no matching templates\n');
    return 0;
  }
  const lines = matches.map((m, i) => {
    const t = m.template;
    return (
      `${i + 1}. ${t.name}  (${t.id}, score ${m.score.toFixed(2)}${m.general ? ', general: a fallback when nothing specific fits' : ''})\n` +
      `   ${t.chapter} › ${t.section} · ${t.subjects.join(', ')}${t.origin !== 'builtin' ? ` · ${t.origin}` : ''}\n` +
      `   matched ${m.matchedFields.join(', ')}: ${m.matchedTerms.slice(0, 12).join(' ')}` +
      (usage?.describe(t.id) ? `\n   your use: ${usage.describe(t.id)}` : '')
    );
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function distill(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'dry-run', 'force']);
  checkFlags(args, ['json', 'dry-run', 'force', ...MODEL_FLAGS, ...LIBRARY_FLAGS]);
  const file = args.positional[0];
  if (!file || args.positional.length > 1) throw new CliError('templates distill needs one run file', 'templates distill RUN.jsonl --base-url URL --model M (RUN: the output of "reasonflux solve --json")');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path');
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  let trajectory;
  try {
    trajectory = trajectoryFromEvents(text, file);
  } catch (err) {
    if (err instanceof DistillError) throw new CliError(err.message);
    throw err;
  }
  const { navigator } = createModels(readModelSettings(args, env));
  const lib = await openLibrary(args);
  let result;
  try {
    result = await distillTemplate(trajectory, navigator, lib.index);
  } catch (err) {
    if (err instanceof DistillError) throw new CliError(`cannot distil ${file}: ${err.message}`, 'try again, or with another --navigator-model');
    throw err;
  }
  const { template, resembles, duplicate } = result;
  const save = args.flags['dry-run'] !== true && (!duplicate || args.flags.force === true);
  let written: string | undefined;
  if (save) {
    try {
      written = await saveDistilled(resolve(stringFlag(args, 'workspace') ?? DEFAULT_WORKSPACE), template);
    } catch (err) {
      if (err instanceof DistillError) throw new CliError(err.message);
      throw err;
    }
  }
  if (args.flags.json === true) {
    process.stdout.write(
      JSON.stringify({
        template,
        resembles: resembles.map((r) => ({ id: r.template.id, name: r.template.name, nameSimilarity: round(r.name), contentSimilarity: round(r.content), duplicate: r.duplicate })),
        ...(duplicate ? { duplicateOf: duplicate.template.id } : {}),
        ...(written ? { file: written } : {}),
        saved: !!written,
      }) + '\n',
    );
  } else {
    const lines = [
      `drafted "${template.name}" (${template.id}) from ${file}: ${template.steps.length} steps, ${template.tags.length} tags`,
      `resembles: ${resembles.length ? resembles.map(describeResemblance).join('; ') : '(nothing in the library)'}`,
      written
        ? `saved to ${written} — retrievable now (reasonflux templates search "…")`
        : duplicate && args.flags['dry-run'] !== true
          ? `not saved: a near-duplicate of ${duplicate.template.id} "${duplicate.template.name}" — improve that one, or pass --force to save anyway`
          : 'dry run: nothing written',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  return written || args.flags['dry-run'] === true ? 0 : 1;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function importCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'dry-run']);
  checkFlags(args, ['json', 'dry-run', 'out']);
  const file = args.positional[0];
  if (!file) throw new CliError('templates import needs a file', 'templates import FILE [--dry-run] [--json]');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path');
  }
  let result;
  try {
    result = importReasonFluxV1Text(text, { file: basename(file) });
  } catch (err) {
    if (err instanceof TemplateImportError) throw new CliError(`cannot import ${file}: ${err.message}`, 'expected the ReasonFlux v1 format (chapter → section → list)');
    throw err;
  }
  // Upstream libraries repeat some templates; `templates validate` rejects near-duplicates, so say so now.
  const warnings = [...result.warnings];
  for (const p of findNearDuplicates(result.templates)) {
    warnings.push(`template "${p.b.id}" ("${p.b.name}") is a near-duplicate of "${p.a.id}"; "templates validate" will report it — merge or delete one`);
  }
  let written: string | undefined;
  if (args.flags['dry-run'] !== true) {
    const out = stringFlag(args, 'out') ?? join(DEFAULT_WORKSPACE, basename(file).replace(/\.json$/i, '') + '.imported.json');
    const target = resolve(out);
    mkdirSync(dirname(target), { recursive: true });
    // VS Code already validates .reasonflux/templates/*.json and *.rftemplates.json (package.json
    // jsonValidation); elsewhere point "$schema" at the shipped schema.
    const schemaPath = join(defaultBuiltinDir(), 'template.schema.json');
    const covered = /[\\/]\.reasonflux[\\/]templates[\\/][^\\/]+\.json$/.test(target) || target.endsWith('.rftemplates.json');
    const body = {
      $schema: !covered && existsSync(schemaPath) ? relative(dirname(target), schemaPath).split('\\').join('/') : undefined,
      templates: result.templates.map(({ origin: _o, file: _f, ...t }) => t),
    };
    writeFileSync(target, JSON.stringify(body, null, 2) + '\n');
    written = target;
  }
  if (args.flags.json === true) {
    process.stdout.write(JSON.stringify({ imported: result.templates.length, warnings, ...(written ? { file: written } : {}) }) + '\n');
  } else {
    process.stdout.write(
      `imported ${result.templates.length} templates from ${file}${written ? ` into ${written}` : ' (dry run, nothing written)'}\n` +
        (warnings.length ? `${warnings.length} warnings:\n` + warnings.map((w) => `  ${w}`).join('\n') + '\n' : ''),
    );
  }
  return 0;
}

const KNOWN_SUBJECTS = new Set<string>([...MATH_SUBJECTS, ...OTHER_SUBJECTS]);

async function validate(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json']);
  checkFlags(args, ['json']);
  const path = resolve(args.positional[0] ?? defaultBuiltinDir());
  if (!existsSync(path)) throw new CliError(`not found: ${path}`, 'give a template file or folder');
  const isDir = statSync(path).isDirectory();
  const loaded = isDir ? await loadTemplateDir(path, 'builtin') : await loadTemplateFile(path, 'builtin');
  const errors = [...loaded.errors];
  const warnings: string[] = [];
  const where = (t: ThoughtTemplate) => `${t.file ? relative(process.cwd(), t.file) || t.file : path}: template "${t.id}"`;
  for (const t of loaded.templates) {
    for (const s of t.subjects) {
      if (!KNOWN_SUBJECTS.has(s)) warnings.push(`${where(t)}: subjects: "${s}" is not one of the usual subjects (${MATH_SUBJECTS.join(', ')}, …)`);
    }
  }
  for (const p of findNearDuplicates(loaded.templates)) {
    errors.push(
      `${where(p.b)}: near-duplicate of "${p.a.id}" (${p.a.file ? basename(p.a.file) : ''}): ` +
        `${p.reason === 'name' ? `names ${pct(p.name)} alike` : p.reason === 'content' ? `content ${pct(p.content)} alike` : `names ${pct(p.name)} and content ${pct(p.content)} alike`} — merge them or make them distinct`,
    );
  }
  if (isDir && loaded.files.length === 0) errors.push(`${path}: no template files (*.json) found`);
  const ok = errors.length === 0;
  if (args.flags.json === true) {
    process.stdout.write(JSON.stringify({ ok, templates: loaded.templates.length, files: loaded.files.length, errors, warnings }) + '\n');
  } else {
    for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
    for (const e of errors) process.stdout.write(`error: ${e}\n`);
    process.stdout.write(
      ok
        ? `ok: ${loaded.templates.length} templates in ${loaded.files.length} file(s) are valid\n`
        : `${errors.length} error(s) in ${loaded.files.length} file(s); ${loaded.templates.length} templates passed the schema\n`,
    );
  }
  return ok ? 0 : 1;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

async function stats(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json']);
  checkFlags(args, ['json', ...LIBRARY_FLAGS]);
  if (args.positional[0]) args.flags.library = args.positional[0];
  const { templates, errors } = await openLibrary(args);
  const byChapter: Record<string, number> = {};
  const bySubject: Record<string, number> = {};
  const byDifficulty: Record<string, number> = {};
  const byOrigin: Record<string, number> = {};
  for (let d = 1; d <= 10; d++) byDifficulty[String(d)] = 0;
  for (const t of templates) {
    byChapter[t.chapter] = (byChapter[t.chapter] ?? 0) + 1;
    for (const s of t.subjects) bySubject[s] = (bySubject[s] ?? 0) + 1;
    for (let d = t.difficulty.min; d <= t.difficulty.max; d++) byDifficulty[String(d)] = (byDifficulty[String(d)] ?? 0) + 1;
    byOrigin[t.origin] = (byOrigin[t.origin] ?? 0) + 1;
  }
  const report = { count: templates.length, byChapter, bySubject, byDifficulty, byOrigin, errors: errors.length };
  if (args.flags.json === true) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return 0;
  }
  const table = (title: string, rec: Record<string, number>, sort = true) =>
    `${title}:\n` +
    (sort ? Object.entries(rec).sort((a, b) => b[1] - a[1]) : Object.entries(rec)).map(([k, v]) => `  ${String(v).padStart(4)}  ${k}`).join('\n');
  process.stdout.write(
    [
      `${templates.length} templates${errors.length ? ` (${errors.length} problems: run "reasonflux templates validate")` : ''}`,
      table('by subject', bySubject),
      table('by chapter', byChapter),
      table('by difficulty level (templates whose range covers it)', byDifficulty, false),
    ].join('\n') + '\n',
  );
  return 0;
}

async function coverage(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json']);
  checkFlags(args, ['json', 'syllabus', ...LIBRARY_FLAGS]);
  const file = resolve(stringFlag(args, 'syllabus') ?? join(stringFlag(args, 'library') ?? defaultBuiltinDir(), 'coverage', 'syllabus.json'));
  if (!existsSync(file)) throw new CliError(`syllabus not found: ${file}`, 'give one with --syllabus FILE');
  let syllabus;
  try {
    syllabus = loadSyllabus(file);
  } catch (err) {
    if (err instanceof SyllabusError) throw new CliError(err.message, 'fix the syllabus file');
    throw err;
  }
  const { templates } = await openLibrary(args);
  const report = coverageReport(syllabus, templates.map((t) => t.id));
  if (args.flags.json === true) process.stdout.write(JSON.stringify(report) + '\n');
  else process.stdout.write(formatCoverage(report) + '\n');
  const unknown = report.sources.some((s) => s.chapters.some((c) => c.unknown.length > 0));
  return unknown ? 1 : 0;
}
