// Reads template files (`{ "$schema", "templates": [...] }` or a bare array) and validates each template.
// One bad file or template never stops the others: problems are collected as one-line errors naming the
// file, the template (id or index) and the field.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { templateFileSchema, thoughtTemplateSchema } from './schema.js';
import type { TemplateOrigin, ThoughtTemplate } from './types.js';

export interface LoadResult {
  templates: ThoughtTemplate[];
  errors: string[];
  /** Files read (for watching and reporting). */
  files: string[];
}

/** Files in a template folder: *.json except JSON Schemas, sorted for a stable order. */
export function isTemplateFileName(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.schema.json') && !name.startsWith('.');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(template)';
  return `${path}: ${issue.message}`;
}

/** Validates parsed JSON of one file. `file` is only used in messages and `ThoughtTemplate.file`. */
export function parseTemplateData(data: unknown, file: string, origin: TemplateOrigin): { templates: ThoughtTemplate[]; errors: string[] } {
  const errors: string[] = [];
  const templates: ThoughtTemplate[] = [];
  const shape = templateFileSchema.safeParse(data);
  if (!shape.success) {
    errors.push(`${file}: not a template file: expected {"templates": [...]} or an array of templates`);
    return { templates, errors };
  }
  const entries = Array.isArray(shape.data) ? shape.data : shape.data.templates;
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const rawId = entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : undefined;
    const label = rawId ? `template "${rawId}" (#${i + 1})` : `template #${i + 1}`;
    const r = thoughtTemplateSchema.safeParse(entry);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(`${file}: ${label}: ${describeIssue(issue)}`);
      return;
    }
    if (seen.has(r.data.id)) {
      errors.push(`${file}: ${label}: id: duplicate id "${r.data.id}" in the same file (the first one is kept)`);
      return;
    }
    seen.add(r.data.id);
    templates.push({ ...r.data, origin, file });
  });
  return { templates, errors };
}

/** Parses the text of one file; JSON syntax errors become one error line. */
export function parseTemplateText(text: string, file: string, origin: TemplateOrigin): { templates: ThoughtTemplate[]; errors: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { templates: [], errors: [`${file}: invalid JSON: ${(err as Error).message}`] };
  }
  return parseTemplateData(data, file, origin);
}

/** Loads one template file. A missing or unreadable file is an error line, not an exception. */
export async function loadTemplateFile(file: string, origin: TemplateOrigin): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { templates: [], errors: [`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], files: [] };
  }
  return { ...parseTemplateText(text, file, origin), files: [file] };
}

export function loadTemplateFileSync(file: string, origin: TemplateOrigin): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { templates: [], errors: [`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], files: [] };
  }
  return { ...parseTemplateText(text, file, origin), files: [file] };
}

/** Merges per-file results of one folder, reporting ids defined in two files (the first file wins). */
function mergeFolder(results: LoadResult[]): LoadResult {
  const out: LoadResult = { templates: [], errors: [], files: [] };
  const where = new Map<string, string>();
  for (const r of results) {
    out.errors.push(...r.errors);
    out.files.push(...r.files);
    for (const t of r.templates) {
      const first = where.get(t.id);
      if (first !== undefined) {
        out.errors.push(`${t.file}: template "${t.id}": id: duplicate id, already defined in ${basename(first)} (that one is kept)`);
        continue;
      }
      where.set(t.id, t.file ?? '');
      out.templates.push(t);
    }
  }
  return out;
}

/**
 * Loads every template file of a folder (not recursive). A folder that does not exist yields nothing and
 * no error when `optional`, else one error line.
 */
export async function loadTemplateDir(dir: string, origin: TemplateOrigin, optional = false): Promise<LoadResult> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return { templates: [], errors: [`${dir}: not a folder`], files: [] };
    names = (await readdir(dir)).filter(isTemplateFileName).sort();
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return { templates: [], errors: [], files: [] };
    return { templates: [], errors: [`${dir}: cannot read folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], files: [] };
  }
  const results = await Promise.all(names.map((n) => loadTemplateFile(join(dir, n), origin)));
  return mergeFolder(results);
}

export function loadTemplateDirSync(dir: string, origin: TemplateOrigin, optional = false): LoadResult {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return { templates: [], errors: [`${dir}: not a folder`], files: [] };
    names = readdirSync(dir).filter(isTemplateFileName).sort();
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return { templates: [], errors: [], files: [] };
    return { templates: [], errors: [`${dir}: cannot read folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], files: [] };
  }
  return mergeFolder(names.map((n) => loadTemplateFileSync(join(dir, n), origin)));
}

/** Loads a file or a folder, whichever `path` is. */
export async function loadTemplatePath(path: string, origin: TemplateOrigin): Promise<LoadResult> {
  if (existsSync(path) && statSync(path).isDirectory()) return loadTemplateDir(path, origin);
  return loadTemplateFile(path, origin);
}
