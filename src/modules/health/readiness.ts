import type { AppServices } from '../../app-services.js';

/** A worker beats every 15 s; three beats missed and it is presumed gone. */
export const WORKER_ALIVE_SECONDS = 45;

export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  database: 'ok' | 'unreachable';
  /** Workers whose heartbeat is recent: without one, no migration moves. */
  workersAlive: number;
  /** When any worker process was last seen. */
  workerLastSeenAt: string | null;
}

/** Ready when the database answers and at least one worker is alive. */
export async function readiness({ orm, logger }: AppServices): Promise<ReadinessReport> {
  try {
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<{ last_seen_at: Date | null; alive: number }[]>(
        `select max(last_seen_at) as last_seen_at,
                count(*) filter (where last_seen_at > now() - make_interval(secs => ?))::int as alive
           from worker_heartbeats`,
        [WORKER_ALIVE_SECONDS],
      );
    const last = rows[0]?.last_seen_at;
    const alive = rows[0]?.alive ?? 0;
    return {
      status: alive > 0 ? 'ready' : 'unavailable',
      database: 'ok',
      workersAlive: alive,
      workerLastSeenAt: last ? new Date(last).toISOString() : null,
    };
  } catch (err) {
    logger.warn({ err }, 'readiness check failed');
    return { status: 'unavailable', database: 'unreachable', workersAlive: 0, workerLastSeenAt: null };
  }
}
