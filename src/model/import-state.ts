import { z } from 'zod';

const cursorMark = z.object({ after: z.string().nullable(), done: z.boolean() });

/** Where an import stands, saved with every committed batch so a rerun resumes right there. */
export const importCheckpointsSchema = z.object({
  /** When the first run of this import began: contacts older than this existed before it. */
  startedAt: z.string().optional(),
  /** Phases completed. */
  done: z.record(z.string(), z.boolean()).optional(),
  /** Per source list: the cursor after the last committed page. */
  lists: z.record(z.string(), cursorMark).optional(),
  global: cursorMark.optional(),
  suppressions: cursorMark.optional(),
  /** Source template ids already handled. */
  templates: z.array(z.string()).optional(),
});

/** The import's phases, in the order they run; `done` once all have. */
export const IMPORT_PHASES = ['custom_fields', 'domains', 'audiences', 'suppression_groups', 'contacts', 'templates', 'suppressions'] as const;
export const PROGRESS_PHASES = [...IMPORT_PHASES, 'done'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];
export type ProgressPhase = (typeof PROGRESS_PHASES)[number];

/** Work done of one kind; `total` is null while unknown (e.g. a list's members before the read). */
export const kindCountSchema = z.object({ processed: z.number().int().nonnegative(), total: z.number().int().nonnegative().nullable() });

/** Per-kind counters and the current phase, saved with every batch (the `progress` column). */
export const importProgressSchema = z.object({
  phase: z.enum(PROGRESS_PHASES).nullable().optional(),
  counts: z.record(z.string(), kindCountSchema).default({}),
  /** When the import began (for the ETA). */
  startedAt: z.string().optional(),
});

export type ImportCheckpoints = z.infer<typeof importCheckpointsSchema>;
export type KindCount = z.infer<typeof kindCountSchema>;
export type ImportProgress = z.infer<typeof importProgressSchema>;
