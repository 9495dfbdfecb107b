import type { AppServices } from '../../app-services.js';

export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  database: 'ok' | 'unreachable';
  /** When any worker process was last seen; informative, not a readiness condition. */
  workerLastSeenAt: string | null;
}

/** Ready when the database answers; a missing worker only delays jobs, so it is reported. */
export async function readiness({ orm, logger }: AppServices): Promise<ReadinessReport> {
  try {
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<{ last_seen_at: Date | null }[]>(
        'select max(last_seen_at) as last_seen_at from worker_heartbeats',
      );
    const last = rows[0]?.last_seen_at;
    return {
      status: 'ready',
      database: 'ok',
      workerLastSeenAt: last ? new Date(last).toISOString() : null,
    };
  } catch (err) {
    logger.warn({ err }, 'readiness check failed');
    return { status: 'unavailable', database: 'unreachable', workerLastSeenAt: null };
  }
}
