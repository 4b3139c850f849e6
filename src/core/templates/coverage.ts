// Syllabus coverage of the template library: `templates/coverage/syllabus.json` lists the methods that
// standard problem-solving texts and courses teach (chapter topics, in our own words) with the ids of
// the templates that cover each. `reasonflux templates coverage` reports, per source and chapter, how
// many methods have a template, and which are still open.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const methodSchema = z.object({
  method: z.string().trim().min(1),
  templates: z.array(z.string().trim().min(1)),
});

export const syllabusSchema = z.object({
  $comment: z.string().optional(),
  sources: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/),
        title: z.string().trim().min(1),
        kind: z.enum(['book', 'course', 'handouts']),
        chapters: z.array(z.object({ chapter: z.string().trim().min(1), methods: z.array(methodSchema).min(1) })).min(1),
      }),
    )
    .min(1),
});

export type Syllabus = z.infer<typeof syllabusSchema>;

export class SyllabusError extends Error {}

export function parseSyllabus(text: string, file = 'syllabus.json'): Syllabus {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SyllabusError(`${file}: not JSON (${(err as Error).message})`);
  }
  const r = syllabusSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SyllabusError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const s of r.data.sources) {
    if (seen.has(s.id)) throw new SyllabusError(`${file}: source id "${s.id}" appears twice`);
    seen.add(s.id);
  }
  return r.data;
}

export function loadSyllabus(file: string): Syllabus {
  return parseSyllabus(readFileSync(file, 'utf8'), file);
}

export interface ChapterCoverage {
  chapter: string;
  methods: number;
  covered: number;
  /** Methods with no template at all. */
  open: string[];
  /** Methods whose listed ids are not in the library (a renamed or deleted template). */
  unknown: { method: string; ids: string[] }[];
}

export interface SourceCoverage {
  id: string;
  title: string;
  methods: number;
  covered: number;
  chapters: ChapterCoverage[];
}

export interface CoverageReport {
  methods: number;
  covered: number;
  /** Distinct open method names over all sources. */
  open: string[];
  sources: SourceCoverage[];
  /** Library templates that no syllabus method names (not an error: the library is broader). */
  unlisted: number;
}

/**
 * A method counts as covered when at least one of its listed ids is in the library. Listed ids that
 * are missing are reported separately: the coverage file must not claim a template that is gone.
 */
export function coverageReport(syllabus: Syllabus, libraryIds: Iterable<string>): CoverageReport {
  const ids = new Set(libraryIds);
  const named = new Set<string>();
  const open = new Set<string>();
  let methods = 0;
  let covered = 0;
  const sources = syllabus.sources.map((s): SourceCoverage => {
    const chapters = s.chapters.map((c): ChapterCoverage => {
      const ch: ChapterCoverage = { chapter: c.chapter, methods: c.methods.length, covered: 0, open: [], unknown: [] };
      for (const m of c.methods) {
        const present = m.templates.filter((t) => ids.has(t));
        const missing = m.templates.filter((t) => !ids.has(t));
        for (const t of present) named.add(t);
        if (missing.length) ch.unknown.push({ method: m.method, ids: missing });
        if (present.length) ch.covered++;
        else {
          ch.open.push(m.method);
          open.add(m.method);
        }
      }
      return ch;
    });
    const sm = chapters.reduce((a, c) => a + c.methods, 0);
    const sc = chapters.reduce((a, c) => a + c.covered, 0);
    methods += sm;
    covered += sc;
    return { id: s.id, title: s.title, methods: sm, covered: sc, chapters };
  });
  return { methods, covered, open: [...open], sources, unlisted: [...ids].filter((i) => !named.has(i)).length };
}

/** The report as text for a terminal: one line per source and chapter, open methods listed under it. */
export function formatCoverage(r: CoverageReport): string {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)} %` : '-');
  const out: string[] = [`syllabus coverage: ${r.covered} of ${r.methods} methods have a template (${pct(r.covered, r.methods)}); ${r.open.length} distinct methods open`];
  for (const s of r.sources) {
    out.push('', `${s.title}`, `  ${s.covered}/${s.methods} covered (${pct(s.covered, s.methods)})`);
    for (const c of s.chapters) {
      out.push(`  ${String(c.covered).padStart(3)}/${String(c.methods).padEnd(3)} ${c.chapter}`);
      for (const m of c.open) out.push(`          open: ${m}`);
      for (const u of c.unknown) out.push(`          not in the library: ${u.ids.join(', ')} (for "${u.method}")`);
    }
  }
  return out.join('\n');
}
