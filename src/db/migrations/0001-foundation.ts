import { Migration } from '@mikro-orm/migrations';

/** Tenants, API keys and migration jobs. */
export class Migration0001Foundation extends Migration {
  override name = '0001-foundation';

  override up(): void {
    this.addSql(`
      create table organizations (
        id text primary key,
        name text not null,
        created_at timestamptz not null default now()
      );
      create unique index organizations_name_key on organizations (lower(name));

      create table api_keys (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text,
        scope text not null check (scope in ('read_only', 'full_access')),
        prefix text not null,
        key_hash text not null unique,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      create index api_keys_organization_idx on api_keys (organization_id, created_at);

      create table migration_jobs (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        source text not null,
        status text not null check (status in
          ('pending', 'scanning', 'ready_for_review', 'importing', 'completed', 'failed')),
        sealed_credential jsonb,
        scan_result jsonb,
        import_options jsonb,
        import_result jsonb,
        error_message text,
        failed_phase text check (failed_phase in ('scan', 'import')),
        progress jsonb not null default '{}',
        checkpoints jsonb not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        completed_at timestamptz
      );
      -- Listing newest first with keyset paging on (created_at, id).
      create index migration_jobs_listing_idx
        on migration_jobs (organization_id, created_at desc, id desc);

      -- One row per worker process: readiness shows whether anything consumes the queues.
      create table worker_heartbeats (
        worker_id text primary key,
        hostname text not null,
        pid integer not null,
        started_at timestamptz not null,
        last_seen_at timestamptz not null,
        last_ping_id text
      );
    `);
  }

  override down(): void {
    this.addSql('drop table worker_heartbeats; drop table migration_jobs; drop table api_keys; drop table organizations;');
  }
}
