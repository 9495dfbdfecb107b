import { Migration } from '@mikro-orm/migrations';

/**
 * What browsing needs beyond the import's own keys:
 * - `contacts.migration_job_id`: the migration job that first brought the contact here (set when
 *   its row is written, never changed by later imports that merge into it). Contacts are not in
 *   `source_links` (they are identified by address, not by a source id), so without it nothing
 *   could say which job brought which contact. Contacts written before this column existed keep
 *   null: nothing recorded it, so nothing is guessed. No foreign key: a check per COPY row is most
 *   of what a row costs (see 0006), and a job is only ever deleted before it ran.
 * - `contacts_migration_idx`: keyset pages (by id) and counts of one job's contacts.
 * - `contacts_unsubscribed_idx`: keyset pages (by id) of the unsubscribed contacts, which are few:
 *   without it a page of them reads the organization's contacts until it finds enough.
 * - `suppression_groups_listing_idx`: keyset pages of an organization's groups by id.
 * Pages by email prefix use `contacts_org_email_key` (bytewise, `collate "C"`) as a range, and
 * pages of suppressions use `suppressions_scope_email_key`: neither needs an index of its own.
 */
export class Migration0012BrowseIndexes extends Migration {
  override name = '0012-browse-indexes';

  override up(): void {
    this.addSql(`
      alter table contacts add column migration_job_id text;
      comment on column contacts.migration_job_id is 'The migration job that first brought the contact here; null when not recorded (before 0012, or not imported)';
      create index contacts_migration_idx on contacts (organization_id, migration_job_id, id);
      create index contacts_unsubscribed_idx on contacts (organization_id, id) where unsubscribed;
      create index suppression_groups_listing_idx on suppression_groups (organization_id, id);
    `);
  }

  override down(): void {
    this.addSql(`
      drop index if exists suppression_groups_listing_idx;
      drop index if exists contacts_unsubscribed_idx;
      drop index if exists contacts_migration_idx;
      alter table contacts drop column migration_job_id;
    `);
  }
}
