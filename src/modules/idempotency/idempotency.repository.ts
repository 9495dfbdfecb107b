import type pg from 'pg';
import { z } from 'zod';

/** One Idempotency-Key of one organization. */
export interface KeySlot {
  organizationId: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * - `reserved`: this request owns the key; `token` (its reservation's created_at, to the
 *   microsecond) guards the later complete/release against a reservation that took it over.
 * - `existing`: a live row (in flight when `response` is null).
 */
export type Claim =
  | { kind: 'reserved'; token: string }
  | { kind: 'existing'; requestHash: string; response: StoredResponse | null };

const ExistingRow = z.object({
  request_hash: z.string(),
  completed: z.boolean(),
  status_code: z.number().int().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.instanceof(Buffer).nullable(),
});

/**
 * Reserves the key, or reads the live row holding it. An expired row, or one left in flight
 * longer than `inFlightTimeoutSeconds` (its process died mid-request), is taken over.
 */
export async function claimKey(
  pool: pg.Pool,
  slot: KeySlot,
  request: { requestHash: string; method: string; path: string; ttlHours: number; inFlightTimeoutSeconds: number },
): Promise<Claim> {
  // A row released between our insert and our select is gone: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const reserved = await pool.query<{ token: string }>(
      `insert into idempotency_keys as k (organization_id, key, request_hash, method, path, expires_at)
       values ($1, $2, $3, $4, $5, now() + $6::float8 * interval '1 hour')
       on conflict (organization_id, key) do update
         set request_hash = excluded.request_hash, method = excluded.method, path = excluded.path,
             status_code = null, response_headers = null, response_body = null,
             created_at = excluded.created_at, completed_at = null, expires_at = excluded.expires_at
         where k.expires_at <= now()
            or (k.completed_at is null and k.created_at < now() - $7::float8 * interval '1 second')
       returning k.created_at::text as token`,
      [slot.organizationId, slot.key, request.requestHash, request.method, request.path, request.ttlHours, request.inFlightTimeoutSeconds],
    );
    if (reserved.rows[0]) return { kind: 'reserved', token: reserved.rows[0].token };

    const existing = await pool.query(
      `select request_hash, completed_at is not null as completed, status_code, response_headers, response_body from idempotency_keys
        where organization_id = $1 and key = $2 and expires_at > now()`,
      [slot.organizationId, slot.key],
    );
    if (!existing.rows[0]) continue;
    const row = ExistingRow.parse(existing.rows[0]);
    const response =
      row.completed && row.status_code !== null
        ? { status: row.status_code, headers: row.response_headers ?? {}, body: row.response_body ?? Buffer.alloc(0) }
        : null;
    return { kind: 'existing', requestHash: row.request_hash, response };
  }
  throw new Error('idempotency key kept changing hands');
}

/** Stores the response for replay; false when the reservation was lost meanwhile. */
export async function completeKey(pool: pg.Pool, slot: KeySlot, token: string, response: StoredResponse): Promise<boolean> {
  const { rowCount } = await pool.query(
    `update idempotency_keys
        set status_code = $4, response_headers = $5, response_body = $6, completed_at = now()
      where organization_id = $1 and key = $2 and created_at = $3::timestamptz and completed_at is null`,
    [slot.organizationId, slot.key, token, response.status, JSON.stringify(response.headers), response.body],
  );
  return rowCount === 1;
}

/** Frees the key so the client's retry runs the request again. */
export async function releaseKey(pool: pg.Pool, slot: KeySlot, token: string): Promise<void> {
  await pool.query(
    `delete from idempotency_keys
      where organization_id = $1 and key = $2 and created_at = $3::timestamptz and completed_at is null`,
    [slot.organizationId, slot.key, token],
  );
}

/** For the janitor: expired rows are already ignored, this only reclaims their space. */
export async function deleteExpiredIdempotencyKeys(pool: pg.Pool | pg.PoolClient): Promise<number> {
  const { rowCount } = await pool.query('delete from idempotency_keys where expires_at <= now()');
  return rowCount ?? 0;
}
