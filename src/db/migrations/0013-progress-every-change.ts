import { Migration } from '@mikro-orm/migrations';

/**
 * Progress NOTIFYs carry everything a subscriber is shown, for every change of a job's status,
 * progress or error, after the row is written. Coalescing moves out of the trigger into the API's
 * progress hub, which holds the latest state and delivers it on a trailing edge: a trigger that
 * drops an update cannot send it later, so the last counters of a phase used to wait for the next
 * event. A payload too big for NOTIFY (8000 bytes) says `partial` and the hub reads the row.
 */
export class Migration0013ProgressEveryChange extends Migration {
  override name = '0013-progress-every-change';

  override up(): void {
    this.addSql(`
      drop trigger migration_jobs_progress on migration_jobs;
      drop function migration_jobs_notify_progress();
      alter table migration_jobs drop column progress_notified_at;

      create function migration_jobs_notify_progress() returns trigger language plpgsql as $$
      declare
        payload text;
      begin
        if tg_op = 'UPDATE'
           and new.status = old.status
           and new.progress is not distinct from old.progress
           and new.error_message is not distinct from old.error_message then
          return null;
        end if;
        payload := json_build_object(
          'id', new.id, 'organizationId', new.organization_id, 'source', new.source, 'status', new.status,
          'progress', new.progress, 'errorMessage', left(new.error_message, 2000), 'failedPhase', new.failed_phase,
          'createdAt', new.created_at, 'updatedAt', new.updated_at, 'completedAt', new.completed_at)::text;
        if octet_length(payload) > 7900 then
          payload := json_build_object('id', new.id, 'organizationId', new.organization_id, 'status', new.status, 'partial', true)::text;
        end if;
        perform pg_notify('migration_progress', payload);
        return null;
      end $$;

      create trigger migration_jobs_progress after insert or update on migration_jobs
        for each row execute function migration_jobs_notify_progress();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger migration_jobs_progress on migration_jobs;
      drop function migration_jobs_notify_progress();
      alter table migration_jobs add column progress_notified_at timestamptz;

      create function migration_jobs_notify_progress() returns trigger language plpgsql as $$
      declare
        payload text;
      begin
        if tg_op = 'UPDATE' and new.status = old.status and new.progress is not distinct from old.progress then
          return new;
        end if;
        if tg_op = 'UPDATE'
           and new.status = old.status
           and (new.progress->>'phase') is not distinct from (old.progress->>'phase')
           and old.progress_notified_at is not null
           and clock_timestamp() - old.progress_notified_at < interval '250 milliseconds' then
          return new;
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
    `);
  }
}
