import { Migration } from '@mikro-orm/migrations';

/**
 * Runs: every approve and retry starts a new run of a job. Queue jobs carry the run they were
 * sent for, and every commit of a worker is guarded on it, so a handler of an older run (a
 * cancelled import still finishing its batch) changes nothing once a newer run exists.
 * `recoveries` counts how often the reconciler had to give a job whose queue work was lost
 * (retries exhausted, a crash at the wrong moment) back to the queue.
 */
export class Migration0009JobRuns extends Migration {
  override name = '0009-job-runs';

  override up(): void {
    this.addSql(`
      alter table migration_jobs add column run integer not null default 1;
      alter table migration_jobs add column recoveries integer not null default 0;
      create index migration_jobs_live_idx on migration_jobs (updated_at) where status in ('pending', 'scanning', 'importing');
    `);
  }

  override down(): void {
    this.addSql(`
      drop index if exists migration_jobs_live_idx;
      alter table migration_jobs drop column recoveries;
      alter table migration_jobs drop column run;
    `);
  }
}
