import type { JobHandler } from '../worker-runtime.js';

/** Records that this worker consumed a ping, so readiness can show a live worker. */
export const handleSystemPing: JobHandler<{ pingId: string; sentBy: string }> = async (
  payload,
  _job,
  { orm, workerId, logger },
) => {
  await orm.em
    .fork()
    .getConnection()
    .execute('update worker_heartbeats set last_seen_at = now(), last_ping_id = ? where worker_id = ?', [
      payload.pingId,
      workerId,
    ]);
  logger.info({ pingId: payload.pingId, from: payload.sentBy }, 'ping received');
};
