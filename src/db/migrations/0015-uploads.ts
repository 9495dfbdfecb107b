import { Migration } from '@mikro-orm/migrations';

/**
 * Files a customer uploads into a migration (a provider's dashboard CSV export). The bytes are
 * kept in `upload_chunks` only while they arrive (so an upload cut short resumes at its byte
 * offset); once complete they are read once into `upload_rows`, one row per record with its
 * line (a Mailgun unsubscribe with two tags is two records of one line), and the chunks are
 * deleted. Everything goes with its job and is deleted when the job completes.
 */
export class Migration0015Uploads extends Migration {
  override name = '0015-uploads';

  override up(): void {
    this.addSql(`
      create table migration_uploads (
        id text primary key,
        organization_id text not null references organizations(id) on delete cascade,
        job_id text not null references migration_jobs(id) on delete cascade,
        status text not null check (status in ('receiving', 'ready')),
        format text,
        content text check (content in ('contacts', 'suppressions')),
        filename text,
        request jsonb not null default '{}',
        expected_bytes bigint,
        received_bytes bigint not null default 0,
        row_count integer not null default 0,
        columns jsonb not null default '[]',
        problem_count integer not null default 0,
        problems jsonb not null default '[]',
        created_at timestamptz not null default now(),
        completed_at timestamptz
      );
      create index migration_uploads_job_idx on migration_uploads (job_id, created_at);
      comment on column migration_uploads.request is 'What the upload was created with: format, mapping, type (a JSON object)';

      create table upload_chunks (
        upload_id text not null references migration_uploads(id) on delete cascade,
        byte_offset bigint not null,
        bytes bytea not null,
        primary key (upload_id, byte_offset)
      );

      -- No foreign key: checking one for each of a million COPYed rows costs about an eighth of
      -- the COPY. Rows are deleted with their upload (upload.repository.ts) and orphans by the janitor.
      create table upload_rows (
        upload_id text not null,
        seq integer not null,
        line integer not null,
        email text not null,
        data jsonb not null,
        primary key (upload_id, seq)
      );
      create index upload_rows_email_idx on upload_rows (upload_id, email);
    `);
  }

  override down(): void {
    this.addSql('drop table upload_rows; drop table upload_chunks; drop table migration_uploads;');
  }
}
