// The template format of ReasonFlux Tutor's own library (templates/*.json and user libraries).
// The zod schema is the single source of truth: the JSON Schema in templates/ is generated from it.
import { z } from 'zod';

/** Difficulty scale shared by templates and the navigator's complexity estimate.
 *  1-2 elementary / prealgebra, 3-5 MATH levels 3-5 and AMC 10, 6-7 AMC 12 / AIME and
 *  first university courses, 8-10 olympiad and advanced university work. */
export const DIFFICULTY_MIN = 1;
export const DIFFICULTY_MAX = 10;

export const MATH_SUBJECTS = [
  'Prealgebra',
  'Algebra',
  'Number Theory',
  'Counting & Probability',
  'Geometry',
  'Intermediate Algebra',
  'Precalculus',
] as const;

/** Subjects beyond MATH's seven that the library uses. Free text is allowed, these are the usual ones. */
export const OTHER_SUBJECTS = [
  'Calculus',
  'Linear Algebra',
  'Differential Equations',
  'Probability',
  'Statistics',
  'Real Analysis',
  'Abstract Algebra',
  'Discrete Mathematics',
  'Proofs',
  'Complex Analysis',
] as const;

/** A string with at least one non-space character (`.regex` only adds the pattern to the JSON Schema). */
const nonEmpty = z.string().trim().min(1).regex(/\S/, 'must not be empty');

/** Field documentation: `description` for tools, `markdownDescription` for VS Code hovers and completion. */
function doc(description: string, markdown?: string) {
  return { description, markdownDescription: markdown ?? description };
}

export const templateIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'ids are lower-case words joined by "-" or "." (e.g. "nt.modular-inverse")')
  .meta(
    doc(
      'Stable unique id: lower-case words joined by "-" or "." (e.g. "nt.modular-inverse"). A template in your own library with the id of a built-in one replaces it.',
      'Stable unique id: lower-case words joined by `-` or `.` (e.g. `nt.modular-inverse`).\n\nA template in your own library with the **same id** as a built-in one replaces it.',
    ),
  );

export const templateExampleSchema = z
  .object({
    problem: nonEmpty.meta(doc('The worked example\'s problem statement (Markdown with $LaTeX$).')),
    solution: z
      .array(nonEmpty)
      .min(1)
      .meta(doc('The solution, one entry per step, following the template\'s steps.')),
    answer: nonEmpty.meta(doc('The final answer (LaTeX allowed, no \\boxed). It must be correct.', 'The final answer (LaTeX allowed, without `\\boxed{}`). It must be correct.')),
  })
  .meta(doc('A worked example: problem, solution steps and the (checked) answer.'));

export const difficultySchema = z
  .object({
    min: z.number().int().min(DIFFICULTY_MIN).max(DIFFICULTY_MAX).meta(doc('Easiest level the method is useful at (1-10).')),
    max: z.number().int().min(DIFFICULTY_MIN).max(DIFFICULTY_MAX).meta(doc('Hardest level the method is typical for (1-10).')),
  })
  .refine((d) => d.min <= d.max, { message: 'difficulty.min must not exceed difficulty.max' })
  .meta(
    doc(
      'Difficulty range on a 1-10 scale: 1-2 elementary/prealgebra, 3-5 MATH levels 3-5 and AMC 10, 6-7 AMC 12/AIME and first university courses, 8-10 olympiad and advanced university work.',
      'Difficulty range on a 1–10 scale:\n\n- 1–2 elementary / prealgebra\n- 3–5 MATH levels 3–5, AMC 10\n- 6–7 AMC 12 / AIME, first university courses\n- 8–10 olympiad, advanced university work',
    ),
  );

/** Normalised kinds of template (the upstream library's many spellings map onto these). */
export const TEMPLATE_KINDS = ['method', 'theorem', 'formula', 'conclusion', 'application'] as const;

/** How widely a template applies: a specific method, or a general fallback (see `scope`). */
export const TEMPLATE_SCOPES = ['specific', 'general'] as const;

export const thoughtTemplateSchema = z
  .object({
    id: templateIdSchema,
    name: nonEmpty.meta(doc('Short name of the method, e.g. "Chinese Remainder Theorem".')),
    chapter: nonEmpty.meta(doc('Chapter of the library, e.g. "Number Theory".')),
    section: nonEmpty.meta(doc('Section within the chapter, e.g. "Modular Arithmetic".')),
    subjects: z
      .array(nonEmpty)
      .min(1)
      .max(3)
      .meta(
        doc(
          `The one to three subjects the template mainly serves. MATH's seven spelled as MATH does (${MATH_SUBJECTS.join(', ')}), otherwise e.g. ${OTHER_SUBJECTS.join(', ')}.`,
          `The one to three subjects the template mainly serves.\n\nMATH's seven, spelled as MATH does: ${MATH_SUBJECTS.map((s) => '`' + s + '`').join(', ')}; otherwise e.g. ${OTHER_SUBJECTS.map((s) => '`' + s + '`').join(', ')}.`,
        ),
      ),
    tags: z
      .array(nonEmpty)
      .min(1)
      .meta(
        doc(
          "Keywords and the method's usual names, including in Korean, Chinese and Japanese, so that retrieval works for problems in those languages.",
          "Keywords and the method's usual names — include the names in **Korean, Chinese and Japanese** so retrieval works for problems written in those languages.",
        ),
      ),
    description: nonEmpty.meta(doc('What the method is, in one or two sentences.')),
    whenToUse: z
      .array(nonEmpty)
      .min(1)
      .meta(doc('Recognisable signals in a problem that this template applies (one per entry).')),
    steps: z
      .array(nonEmpty)
      .min(2)
      .meta(doc('Abstract, reusable steps of the method (no problem-specific numbers), in order.')),
    pitfalls: z.array(nonEmpty).default([]).meta(doc('Common mistakes when applying the method.')),
    difficulty: difficultySchema,
    example: templateExampleSchema,
    scope: z
      .enum(TEMPLATE_SCOPES)
      .optional()
      .meta(
        doc(
          'Optional: "general" for a catch-all method (organised casework, coordinate bash) that is right only when nothing specific fits; retrieval ranks specific templates above it and shows it as a fallback. Default "specific".',
          'Optional: `"general"` for a catch-all method (organised casework, coordinate bash) that is right only when nothing specific fits — retrieval ranks specific templates above it and shows it as a **fallback**. Default `"specific"`.',
        ),
      ),
    kind: z
      .enum(TEMPLATE_KINDS)
      .optional()
      .meta(doc('Optional: what sort of template this is (method, theorem, formula, conclusion, application).')),
  })
  .meta(doc('A thought template: a reusable high-level method with its signals, steps, pitfalls and a worked example.'));

/** A template file: an object with a `templates` array (and optional `$schema`), or a bare array. */
export const templateFileSchema = z.union([
  z.object({ $schema: z.string().optional(), templates: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);

export type ThoughtTemplateInput = z.input<typeof thoughtTemplateSchema>;
