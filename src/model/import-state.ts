import { z } from 'zod';
import { IMPORT_COUNTERS } from './record-kinds.js';
import { SCAN_KINDS } from './scan-result.js';

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
  /** Uploaded files: contacts of them the account lacks were reported; suppressions, by upload, after record `after`. */
  uploads: z
    .object({
      unmatchedReported: z.boolean().optional(),
      suppressions: z.record(z.string(), z.object({ after: z.number().int(), done: z.boolean() })).optional(),
    })
    .optional(),
});

/** The import's phases, in the order they run; `done` once all have. */
export const IMPORT_PHASES = ['custom_fields', 'domains', 'audiences', 'suppression_groups', 'contacts', 'templates', 'suppressions'] as const;
export const PROGRESS_PHASES = [...IMPORT_PHASES, 'done'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** The counters progress shows, in the order their phases run (each side count after its phase's). */
export const PROGRESS_COUNTERS = [
  'custom_fields', 'domains', 'audiences', 'suppression_groups', 'group_suppressions', 'contacts', 'memberships', 'templates', 'images', 'suppressions',
] as const satisfies readonly (typeof IMPORT_COUNTERS)[number][];
export type ProgressPhase = (typeof PROGRESS_PHASES)[number];

/**
 * Work done of one kind. `processed` counts records read (the unit of `total`), `imported`,
 * `skipped` and `errors` what became of them; `total` is null while unknown.
 */
export const kindCountSchema = z.object({
  processed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  imported: z.number().int().nonnegative().default(0),
  skipped: z.number().int().nonnegative().default(0),
  errors: z.number().int().nonnegative().default(0),
});

/**
 * What a subscriber is shown, saved with every batch (the `progress` column) so the NOTIFY its
 * commit sends carries it: the phase, per-kind counters, `percent` (never lower than the last
 * saved one within a job) and `etaSeconds` as of `updatedAt`. While scanning, `scanned` holds
 * what the scan has counted so far.
 */
export const importProgressSchema = z.object({
  phase: z.enum(PROGRESS_PHASES).nullable().optional(),
  counts: z.partialRecord(z.enum(IMPORT_COUNTERS), kindCountSchema).default({}),
  /** When the import began (its first run). */
  startedAt: z.string().optional(),
  percent: z.number().min(0).max(100).nullable().optional(),
  etaSeconds: z.number().int().nonnegative().nullable().optional(),
  /** When these figures were taken. */
  updatedAt: z.string().optional(),
  scanned: z.partialRecord(z.enum(SCAN_KINDS), z.number().int().nonnegative()).optional(),
});

export type ImportCheckpoints = z.infer<typeof importCheckpointsSchema>;
export type KindCount = z.infer<typeof kindCountSchema>;
export type ImportProgress = z.infer<typeof importProgressSchema>;
export type ScanCounts = NonNullable<ImportProgress['scanned']>;
