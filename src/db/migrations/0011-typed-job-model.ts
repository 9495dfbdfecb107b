import { Migration } from '@mikro-orm/migrations';

/**
 * The typed job model: record kinds from one singular vocabulary ('list' → 'audience', 'topic'
 * → 'suppression_group', 'contact_topic' → 'group_suppression') in row problems and source
 * links. JSON columns written before it are read into the typed shape by src/model. Webhook
 * endpoints lose `disabled_at`, which nothing ever set.
 */
export class Migration0011TypedJobModel extends Migration {
  override name = '0011-typed-job-model';

  override up(): void {
    this.addSql(`
      update import_problems p set kind = r.kind
        from (values ('list', 'audience'), ('topic', 'suppression_group'), ('contact_topic', 'group_suppression')) as r(old, kind)
       where p.kind = r.old
         and not exists (select 1 from import_problems q where q.job_id = p.job_id and q.kind = r.kind and q.source_id = p.source_id and q.reason = p.reason);
      update source_links set kind = 'suppression_group' where kind = 'topic';
      alter table webhook_endpoints drop column disabled_at;
    `);
  }

  override down(): void {
    this.addSql(`update source_links set kind = 'topic' where kind = 'suppression_group'; alter table webhook_endpoints add column disabled_at timestamptz;`);
  }
}
