import { Migration } from '@mikro-orm/migrations';

/**
 * The destination store: domains, audiences, contacts and memberships, and the source link table
 * that makes imports idempotent (provider id → local id). Contacts are identified by their
 * lower-cased email per organization, which the importer's bulk upserts rely on.
 */
export class Migration0002Resources extends Migration {
  override name = '0002-resources';

  override up(): void {
    this.addSql(`
      create table domains (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text not null,
        source_provider text,
        source_status text,
        region text,
        verification_status text not null default 'pending'
          check (verification_status in ('pending', 'verified', 'failed')),
        dns_records jsonb not null default '[]',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (organization_id, name)
      );

      create table audiences (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text not null,
        source_provider text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index audiences_listing_idx on audiences (organization_id, created_at, id);

      create table contacts (
        id uuid primary key default gen_random_uuid(),
        organization_id text not null references organizations (id) on delete cascade,
        email text not null check (email = lower(email)),
        email_display text not null,
        first_name text,
        last_name text,
        unsubscribed boolean not null default false,
        custom_fields jsonb not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create unique index contacts_org_email_key on contacts (organization_id, email);
      create index contacts_listing_idx on contacts (organization_id, id);

      create table audience_members (
        audience_id text not null references audiences (id) on delete cascade,
        contact_id uuid not null references contacts (id) on delete cascade,
        organization_id text not null references organizations (id) on delete cascade,
        -- Opted out of this audience only (legacy per-audience unsubscribe), not globally.
        unsubscribed boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (audience_id, contact_id)
      );
      create index audience_members_contact_idx on audience_members (contact_id);

      create table source_links (
        organization_id text not null references organizations (id) on delete cascade,
        provider text not null,
        kind text not null,
        source_id text not null,
        local_id text not null,
        migration_job_id text references migration_jobs (id) on delete set null,
        created_at timestamptz not null default now(),
        primary key (organization_id, provider, kind, source_id)
      );
    `);
  }

  override down(): void {
    this.addSql(
      'drop table source_links; drop table audience_members; drop table contacts; drop table audiences; drop table domains;',
    );
  }
}
