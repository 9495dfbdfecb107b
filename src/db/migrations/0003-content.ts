import { Migration } from '@mikro-orm/migrations';

/**
 * Custom field definitions, templates, suppression groups and suppressions. A suppression with
 * no group is global; one address has at most one suppression per group (or globally).
 */
export class Migration0003Content extends Migration {
  override name = '0003-content';

  override up(): void {
    this.addSql(`
      create table custom_fields (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text not null,
        field_type text not null check (field_type in ('string', 'number', 'boolean', 'date')),
        fallback_value jsonb,
        source_provider text,
        created_at timestamptz not null default now(),
        unique (organization_id, name)
      );

      create table templates (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text not null,
        alias text,
        subject text,
        from_address text,
        reply_to jsonb,
        html text not null default '',
        text_body text,
        variables jsonb not null default '[]',
        status text not null default 'draft' check (status in ('draft', 'published')),
        needs_review boolean not null default false,
        review_reasons jsonb not null default '[]',
        source_provider text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index templates_listing_idx on templates (organization_id, id);

      create table suppression_groups (
        id text primary key,
        organization_id text not null references organizations (id) on delete cascade,
        name text not null,
        description text,
        source_provider text,
        -- Why the group has no members, when the source could not say who opted out.
        members_note text,
        created_at timestamptz not null default now()
      );

      create table suppressions (
        id uuid primary key default gen_random_uuid(),
        organization_id text not null references organizations (id) on delete cascade,
        group_id text references suppression_groups (id) on delete cascade,
        email text not null check (email = lower(email)),
        reason text not null check (reason in ('unsubscribe', 'bounce', 'spam_complaint', 'invalid', 'block', 'manual')),
        source_provider text,
        source_created_at timestamptz,
        created_at timestamptz not null default now()
      );
      create unique index suppressions_scope_email_key on suppressions (organization_id, coalesce(group_id, ''), email);
      create index suppressions_email_idx on suppressions (organization_id, email);
    `);
  }

  override down(): void {
    this.addSql('drop table suppressions; drop table suppression_groups; drop table templates; drop table custom_fields;');
  }
}
