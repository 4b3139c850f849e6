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

const nonEmpty = z.string().trim().min(1);

export const templateIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'ids are lower-case words joined by "-" or "." (e.g. "nt.modular-inverse")');

export const templateExampleSchema = z.object({
  problem: nonEmpty,
  solution: z.array(nonEmpty).min(1),
  answer: nonEmpty,
});

export const difficultySchema = z
  .object({
    min: z.number().int().min(DIFFICULTY_MIN).max(DIFFICULTY_MAX),
    max: z.number().int().min(DIFFICULTY_MIN).max(DIFFICULTY_MAX),
  })
  .refine((d) => d.min <= d.max, { message: 'difficulty.min must not exceed difficulty.max' });

export const thoughtTemplateSchema = z.object({
  id: templateIdSchema,
  name: nonEmpty,
  chapter: nonEmpty,
  section: nonEmpty,
  subjects: z.array(nonEmpty).min(1).max(3),
  tags: z.array(nonEmpty).min(1),
  description: nonEmpty,
  whenToUse: z.array(nonEmpty).min(1),
  steps: z.array(nonEmpty).min(2),
  pitfalls: z.array(nonEmpty).default([]),
  difficulty: difficultySchema,
  example: templateExampleSchema,
});

/** A template file: an object with a `templates` array (and optional `$schema`), or a bare array. */
export const templateFileSchema = z.union([
  z.object({ $schema: z.string().optional(), templates: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);

export type ThoughtTemplateInput = z.input<typeof thoughtTemplateSchema>;
