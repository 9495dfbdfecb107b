/** PostgreSQL and socket errors that mean the connection (or the server) went away, not the query. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006']);

/** Connection refused, terminated or not accepting connections: the same work may succeed later. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: string }).code;
  return CONNECTION_CODES.has(code ?? '') || /Connection terminated|terminating connection|Client has encountered a connection error/.test(err.message);
}
