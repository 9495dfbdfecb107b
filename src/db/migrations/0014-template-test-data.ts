import { Migration } from '@mikro-orm/migrations';

/**
 * `templates.test_data`: the sample values the source keeps for previewing a template (SendGrid's
 * `test_data` of the imported version), as a JSON object; null when the source has none.
 */
export class Migration0014TemplateTestData extends Migration {
  override name = '0014-template-test-data';

  override up(): void {
    this.addSql(`
      alter table templates add column test_data jsonb;
      comment on column templates.test_data is 'The source''s sample values for previews (a JSON object); null when it has none';
    `);
  }

  override down(): void {
    this.addSql('alter table templates drop column test_data;');
  }
}
