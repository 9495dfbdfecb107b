import { Migration } from '@mikro-orm/migrations';

/**
 * Exactly-once counts. `import_problems` holds every row problem of a job once, keyed by
 * (kind, source record, reason): written in the batch's own transaction, so a resumed or
 * retried import that meets the same record again adds nothing, and the counts in
 * `import_result.errors` are counted from what was inserted. `import_media` does the same for
 * the images a job re-hosted.
 */
export class Migration0010ImportProblems extends Migration {
  override name = '0010-import-problems';

  override up(): void {
    this.addSql(`
      create table import_problems (
        job_id text not null references migration_jobs (id) on delete cascade,
        kind text not null,
        source_id text not null,
        reason text not null,
        run integer not null,
        created_at timestamptz not null default now(),
        primary key (job_id, kind, source_id, reason)
      );
      create table import_media (
        job_id text not null references migration_jobs (id) on delete cascade,
        sha256 text not null,
        primary key (job_id, sha256)
      );
    `);
  }

  override down(): void {
    this.addSql('drop table import_media; drop table import_problems;');
  }
}
