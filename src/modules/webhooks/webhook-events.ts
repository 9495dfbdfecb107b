import type pg from 'pg';
import { MigrationJobStore } from '../migrations/migration-job.store.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { webhookDeliveryJob } from '../../jobs/job-definitions.js';
import type { Logger } from '../../logger.js';
import { endpointsWanting, type WebhookEvent } from './webhook-endpoint.repository.js';
import { insertDelivery } from './webhook-delivery.repository.js';

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
    const endpointIds = await endpointsWanting(db, job.organizationId, event);
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
    for (const endpointId of endpointIds) {
      const id = await insertDelivery(db, { endpointId, organizationId: job.organizationId, event, payload });
      await jobs.send(webhookDeliveryJob, { deliveryId: id });
    }
  } catch (err) {
    // A webhook problem must never fail the migration it reports on.
    logger.error({ err, jobId, event }, 'could not queue webhook deliveries');
  }
}
