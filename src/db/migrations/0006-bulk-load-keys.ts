import { Migration } from '@mikro-orm/migrations';

/**
 * Keys for loading contacts at the speed of COPY (measured in bench/scenarios/ingest.ts):
 * - Emails compare bytewise (`collate "C"`): they are stored lower-cased, only equality and a
 *   stable order matter, and the unique index then costs the same on any database locale.
 * - The contact listing index becomes unique on (organization_id, id), so memberships can
 *   reference a contact *of their organization*. Two composite foreign keys replace the three
 *   single ones on audience_members: one check fewer per membership row (each check is a
 *   lookup and a row lock, most of a membership insert's cost), and a membership can no longer
 *   join an audience and a contact of different organizations.
 */
export class Migration0006BulkLoadKeys extends Migration {
  override name = '0006-bulk-load-keys';

  override up(): void {
    this.addSql(`
      alter table contacts alter column email type text collate "C";
      drop index contacts_listing_idx;
      alter table contacts add constraint contacts_org_id_key unique (organization_id, id);
      alter table audiences add constraint audiences_org_id_key unique (organization_id, id);

      alter table audience_members
        drop constraint audience_members_audience_id_fkey,
        drop constraint audience_members_contact_id_fkey,
        drop constraint audience_members_organization_id_fkey,
        add constraint audience_members_audience_fkey foreign key (organization_id, audience_id)
          references audiences (organization_id, id) on delete cascade,
        add constraint audience_members_contact_fkey foreign key (organization_id, contact_id)
          references contacts (organization_id, id) on delete cascade;
    `);
  }

  override down(): void {
    this.addSql(`
      alter table audience_members
        drop constraint audience_members_audience_fkey,
        drop constraint audience_members_contact_fkey,
        add constraint audience_members_audience_id_fkey foreign key (audience_id) references audiences (id) on delete cascade,
        add constraint audience_members_contact_id_fkey foreign key (contact_id) references contacts (id) on delete cascade,
        add constraint audience_members_organization_id_fkey foreign key (organization_id) references organizations (id) on delete cascade;
      alter table audiences drop constraint audiences_org_id_key;
      alter table contacts drop constraint contacts_org_id_key;
      create index contacts_listing_idx on contacts (organization_id, id);
      alter table contacts alter column email type text collate "default";
    `);
  }
}
