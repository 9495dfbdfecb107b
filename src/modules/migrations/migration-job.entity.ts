import { defineEntity, p } from '@mikro-orm/core';
import type { SealedCredential } from '../credentials/credential-sealer.js';

export const MIGRATION_STATUSES = [
  'pending',
  'scanning',
  'ready_for_review',
  'importing',
  'completed',
  'failed',
] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly MigrationStatus[] = ['completed', 'failed'];

/** Where a failed job failed: decides what `retry` resumes. */
export const FAILED_PHASES = ['scan', 'import'] as const;
export type FailedPhase = (typeof FAILED_PHASES)[number];

export const MigrationJobSchema = defineEntity({
  name: 'MigrationJob',
  tableName: 'migration_jobs',
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    source: p.string(),
    status: p.enum(MIGRATION_STATUSES),
    /** AES-256-GCM envelope (see src/modules/credentials); null once wiped. */
    sealedCredential: p.json<SealedCredential>().nullable(),
    scanResult: p.json<Record<string, unknown>>().nullable(),
    importOptions: p.json<Record<string, unknown>>().nullable(),
    importResult: p.json<Record<string, unknown>>().nullable(),
    errorMessage: p.text().nullable(),
    failedPhase: p.enum(FAILED_PHASES).nullable(),
    /** Per-kind counters `{ kind: { processed, total } }` and the current phase. */
    progress: p.json<Record<string, unknown>>().onCreate(() => ({})),
    /** Resume points of the import, e.g. the last source cursor per list. */
    checkpoints: p.json<Record<string, unknown>>().onCreate(() => ({})),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    completedAt: p.datetime().nullable(),
    /** Which run of the job this is: every approve and retry starts a new one. */
    run: p.integer().onCreate(() => 1),
    /** How often the reconciler gave the job back to the queue after its queue work was lost. */
    recoveries: p.integer().onCreate(() => 0),
  },
});

export class MigrationJob extends MigrationJobSchema.class {}
MigrationJobSchema.setClass(MigrationJob);
