import { z } from 'zod';
import type { QueueOptions } from 'pg-boss';

/** A background job: its queue name, payload schema and queue policy, declared once. */
export interface JobDefinition<TPayload> {
  name: string;
  payload: z.ZodType<TPayload>;
  queue: QueueOptions;
}

export function defineJob<TPayload>(
  name: string,
  payload: z.ZodType<TPayload>,
  queue: QueueOptions,
): JobDefinition<TPayload> {
  return { name, payload, queue };
}

/** Round trip API → worker: proves a worker is consuming and records when it last did. */
export const systemPingJob = defineJob(
  'system.ping',
  z.object({ pingId: z.string().min(1), sentBy: z.string().min(1) }),
  { retryLimit: 0, expireInSeconds: 60, deleteAfterSeconds: 3600 },
);


/** A migration job and the run this queue work belongs to (absent in work queued before runs existed). */
const jobRef = z.object({ jobId: z.string().min(1), organizationId: z.string().min(1), run: z.number().int().positive().optional() });

/** Finds migration jobs whose queue work was lost and gives them back (or fails them, with the reason). */
export const migrationReconcileJob = defineJob('maintenance.reconcile-migrations', z.object({}).passthrough(), {
  retryLimit: 0,
  expireInSeconds: 300,
});

/** Scans a source account: pending → scanning → ready_for_review. */
export const migrationScanJob = defineJob('migration.scan', jobRef, {
  retryLimit: 1,
  retryDelay: 5,
  expireInSeconds: 6 * 3600,
  heartbeatSeconds: 60,
});

/** Imports what was approved, resuming from the job's checkpoints when run again. */
export const migrationImportJob = defineJob('migration.import', jobRef, {
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  expireInSeconds: 24 * 3600,
  heartbeatSeconds: 60,
});

/** Wipes sealed credentials of failed jobs past their retention period. */
export const credentialJanitorJob = defineJob('maintenance.wipe-credentials', z.object({}).passthrough(), {
  retryLimit: 0,
  expireInSeconds: 600,
});

/** Delivers one webhook event to one endpoint; retried with exponential backoff. */
export const webhookDeliveryJob = defineJob('webhook.deliver', z.object({ deliveryId: z.string().min(1) }), {
  retryLimit: 8,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 3600,
  expireInSeconds: 120,
});

/** Every queue the workers create on boot. */
export const ALL_JOBS: JobDefinition<unknown>[] = [
  systemPingJob,
  migrationScanJob,
  migrationImportJob,
  credentialJanitorJob,
  webhookDeliveryJob,
  migrationReconcileJob,
] as JobDefinition<unknown>[];
