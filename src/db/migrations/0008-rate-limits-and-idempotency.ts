import { Migration } from '@mikro-orm/migrations';

/**
 * - `rate_limits`: the store of rate-limiter-flexible's RateLimiterPostgres, shared by every API
 *   process. The shape is the library's own (`_getCreateTableStmt`, and its upsert inserts
 *   `VALUES (key, points, expire)` by position, so the column order matters); `expire` is epoch
 *   milliseconds. Created here so the limiter never runs DDL (`tableCreated: true`). Unlogged:
 *   counters are worth no WAL, and losing them in a crash only resets the current windows.
 *   The index serves the limiter's periodic `delete ... where expire < $1`.
 * - `idempotency_keys`: one row per (organization, Idempotency-Key) of a POST, reserved while
 *   the request runs (`completed_at` null), then holding its response for replay until expiry.
 */
export class Migration0008RateLimitsAndIdempotency extends Migration {
  override name = '0008-rate-limits-and-idempotency';

  override up(): void {
    this.addSql(`
      create unlogged table rate_limits (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      );
      create index rate_limits_expire_idx on rate_limits (expire);

      create table idempotency_keys (
        organization_id text not null references organizations (id) on delete cascade,
        key text not null check (length(key) between 1 and 255),
        request_hash text not null,
        method text not null,
        path text not null,
        status_code integer,
        response_headers jsonb,
        response_body bytea,
        created_at timestamptz not null default now(),
        completed_at timestamptz,
        expires_at timestamptz not null,
        primary key (organization_id, key)
      );
      create index idempotency_keys_expires_idx on idempotency_keys (expires_at);
    `);
  }

  override down(): void {
    this.addSql(`
      drop table idempotency_keys;
      drop table rate_limits;
    `);
  }
}
