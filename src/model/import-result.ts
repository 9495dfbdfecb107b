import { z } from 'zod';
import { IMPORT_COUNTERS, RECORD_KINDS } from './record-kinds.js';
import { upgradeKind } from './legacy-shapes.js';

/** How many records of one kind were skipped or failed for one reason, with a few examples. */
export const reasonEntrySchema = z.object({
  kind: z.preprocess(upgradeKind, z.enum(RECORD_KINDS)),
  reason: z.string(),
  count: z.number().int().nonnegative(),
  examples: z.array(z.string()),
});

export const TEMPLATE_ACTIONS = ['created', 'updated', 'unchanged', 'skipped'] as const;

/** What happened to one template (targeted template migrations list these). */
export const templateOutcomeSchema = z.object({
  source_id: z.string(),
  id: z.string(),
  name: z.string(),
  action: z.enum(TEMPLATE_ACTIONS),
  needs_review: z.boolean(),
});

/**
 * What an import did: counts per kind, and skipped records and row problems grouped by kind and
 * reason (every problem itself is in `import_problems`). Stored as the job's `import_result` in
 * the shape the REST contract documents.
 */
export const importResultSchema = z.object({
  imported: z.partialRecord(z.enum(IMPORT_COUNTERS), z.number().int().nonnegative()),
  skipped: z.array(reasonEntrySchema),
  errors: z.array(reasonEntrySchema),
  templates: z.array(templateOutcomeSchema).optional(),
});

export type ReasonEntry = z.infer<typeof reasonEntrySchema>;
export type TemplateOutcome = z.infer<typeof templateOutcomeSchema>;
export type ImportResult = z.infer<typeof importResultSchema>;
