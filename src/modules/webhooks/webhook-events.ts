import type pg from 'pg';
import { newId } from '../../db/ids.js';
import { MigrationJobStore } from '../migrations/migration-job.store.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { webhookDeliveryJob } from '../../jobs/job-definitions.js';
import type { Logger } from '../../logger.js';

export const WEBHOOK_EVENTS = ['migration.scan_completed', 'migration.completed', 'migration.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

type Sender = Pick<JobQueue, 'send'>;

const toIso = (d: Date | string | null) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

/**
 * Records one delivery per endpoint of the organization that wants `event`, and queues them.
 * The payload is the job as the REST API shows it (without the scan details), in a Standard
 * Webhooks envelope `{ type, timestamp, data }`.
 */
export async function emitMigrationEvent(
  db: pg.Pool,
  jobs: Sender,
  logger: Logger,
  jobId: string,
  event: WebhookEvent,
): Promise<void> {
  try {
    const [job] = await new MigrationJobStore(db).findMany([jobId]);
    if (!job) return;
    const { rows: endpoints } = await db.query<{ id: string }>(
      `select id from webhook_endpoints where organization_id = $1 and $2 = any(events)`,
      [job.organizationId, event],
    );
    const payload = {
      type: event,
      timestamp: toIso(new Date()),
      data: {
        id: job.id,
        source: job.source,
        status: job.status,
        import_result: job.importResult,
        error_message: job.errorMessage,
        created_at: toIso(job.createdAt),
        updated_at: toIso(job.updatedAt),
        completed_at: toIso(job.completedAt),
      },
    };
    for (const endpoint of endpoints) {
      const id = newId('msg');
      await db.query(
        `insert into webhook_deliveries (id, endpoint_id, organization_id, event, payload) values ($1, $2, $3, $4, $5)`,
        [id, endpoint.id, job.organizationId, event, payload],
      );
      await jobs.send(webhookDeliveryJob, { deliveryId: id });
    }
  } catch (err) {
    // A webhook problem must never fail the migration it reports on.
    logger.error({ err, jobId, event }, 'could not queue webhook deliveries');
  }
}
