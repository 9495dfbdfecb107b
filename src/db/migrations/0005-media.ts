import { Migration } from '@mikro-orm/migrations';

/** Re-hosted media (template images), content-addressed per organization. */
export class Migration0005Media extends Migration {
  override name = '0005-media';

  override up(): void {
    this.addSql(`
      create table media_assets (
        organization_id text not null references organizations (id) on delete cascade,
        sha256 text not null,
        content_type text not null,
        size integer not null,
        bytes bytea not null,
        source_url text,
        created_at timestamptz not null default now(),
        primary key (organization_id, sha256)
      );
      create index media_assets_sha_idx on media_assets (sha256);
    `);
  }

  override down(): void {
    this.addSql('drop table media_assets;');
  }
}
