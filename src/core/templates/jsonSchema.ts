// The JSON Schema of template files, generated from the zod schema (the single source of truth).
// `scripts/gen-template-schema.ts` writes it to templates/template.schema.json; a unit test checks it is current.
import { z } from 'zod';
import { thoughtTemplateSchema } from './schema.js';

const DRAFT7 = 'http://json-schema.org/draft-07/schema#';

/**
 * JSON Schema (draft-07, which VS Code's JSON language service understands) for a template file:
 * `{ "$schema"?, "templates": [...] }` or a bare array. The template object is generated from
 * `thoughtTemplateSchema` (field descriptions included) and referenced from both shapes.
 */
export function buildTemplateJsonSchema(): Record<string, unknown> {
  const template = z.toJSONSchema(thoughtTemplateSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  delete template.$schema;
  const ref = { $ref: '#/definitions/ThoughtTemplate' };
  return {
    $schema: DRAFT7,
    $id: 'https://reasonflux-tutor.invalid/template.schema.json',
    title: 'ReasonFlux Tutor thought templates',
    description: 'A file of thought templates: {"templates": [...]} or a bare array of templates.',
    markdownDescription: 'A file of thought templates: `{"templates": [...]}` or a bare array of templates.',
    anyOf: [
      {
        type: 'object',
        properties: {
          $schema: { type: 'string', description: 'Path or URL of this JSON Schema (enables completion in editors).' },
          templates: { type: 'array', items: ref, description: 'The templates of this file.' },
        },
        required: ['templates'],
      },
      { type: 'array', items: ref },
    ],
    definitions: { ThoughtTemplate: template },
  };
}

/** The file's exact text (2-space indentation, trailing newline). */
export function renderTemplateJsonSchema(): string {
  return JSON.stringify(buildTemplateJsonSchema(), null, 2) + '\n';
}
