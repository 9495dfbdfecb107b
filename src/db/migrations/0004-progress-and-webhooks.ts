import { Migration } from '@mikro-orm/migrations';

/**
 * Progress: every change of a job's status or phase, and at most four counter updates a second,
 * is published with NOTIFY on `migration_progress` by a trigger, so every writer (API or worker)
 * publishes in the same transaction as the change. Webhooks: endpoints and their delivery log.
 */
export class Migration0004ProgressAndWebhooks extends Migration {
  override name = '0004-progress-and-webhooks';

  override up(): void {
    this.addSql(`
      alter table migration_jobs add column progress_notified_at timestamptz;

      create function migration_jobs_notify_progress() returns trigger language plpgsql as $$
      declare
        payload text;
      begin
        if tg_op = 'UPDATE'
           and new.status = old.status
           and (new.progress->>'phase') is not distinct from (old.progress->>'phase')
           and new.progress is not distinct from old.progress then
          return new;
        end if;
        if tg_op = 'UPDATE'
           and new.status = old.status
           and (new.progress->>'phase') is not distinct from (old.progress->>'phase')
           and old.progress_notified_at is not null
           and clock_timestamp() - old.progress_notified_at < interval '250 milliseconds' then
          return new; -- coalesced: a later update (or the terminal one) carries the latest counts
        end if;
        new.progress_notified_at := clock_timestamp();
        payload := json_build_object(
          'id', new.id, 'organizationId', new.organization_id, 'status', new.status,
          'phase', new.progress->>'phase', 'counts', new.progress->'counts')::text;
        if octet_length(payload) > 7900 then
          payload := json_build_object('id', new.id, 'organizationId', new.organization_id, 'status', new.status)::text;
        end if;
        perform pg_notify('migration_progress', payload);
        return new;
      end $$;

      create trigger migration_jobs_progress before insert or update on migration_jobs
        for each row execute function migration_jobs_notify_progress();

      create table webhook_endpoints (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        url text not null,
        events text[] not null,
        sealed_secret jsonb not null,
        created_at timestamptz not null default now(),
        disabled_at timestamptz
      );
      create index webhook_endpoints_org_idx on webhook_endpoints (organization_id);

      create table webhook_deliveries (
        id text primary key,
        endpoint_id text not null references webhook_endpoints (id) on delete cascade,
        organization_id text not null references organizations (id) on delete cascade,
        event text not null,
        payload jsonb not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz not null default now(),
        delivered_at timestamptz
      );
      create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc);
    `);
  }

  override down(): void {
    this.addSql(`
      drop table webhook_deliveries; drop table webhook_endpoints;
      drop trigger migration_jobs_progress on migration_jobs;
      drop function migration_jobs_notify_progress();
      alter table migration_jobs drop column progress_notified_at;
    `);
  }
}
