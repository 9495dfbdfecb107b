import { newId } from '../../../db/ids.js';
import type { ImportContext } from '../import-context.js';

/** Contact properties → custom field definitions; an existing field of that name is linked. */
export async function importCustomFields(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'custom_fields';
  const mappings = ctx.options.customFields;
  const counter = ctx.count('custom_fields', mappings.length);
  if (!mappings.length) return;
  const fallbacks = new Map((await ctx.connector.customFields()).map((f) => [f.sourceId, f.fallback]));
  for (const m of mappings) {
    await ctx.commit(async (client) => {
      const inserted = await client.query(
        `insert into custom_fields (id, organization_id, name, field_type, fallback_value, source_provider)
         values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, name) do nothing returning id`,
        [newId('fld'), ctx.job.organizationId, m.fieldName, m.fieldType, JSON.stringify(fallbacks.get(m.sourceFieldId) ?? null), ctx.job.source],
      );
      let localId = inserted.rows[0]?.id as string | undefined;
      if (localId) ctx.tally.imported('custom_fields');
      else {
        const existing = await client.query<{ id: string; field_type: string }>(
          'select id, field_type from custom_fields where organization_id = $1 and name = $2',
          [ctx.job.organizationId, m.fieldName],
        );
        localId = existing.rows[0]!.id;
        const reason =
          existing.rows[0]!.field_type === m.fieldType
            ? 'a custom field with this name already exists; linked'
            : `a custom field with this name already exists as ${existing.rows[0]!.field_type}; values are written as that type`;
        ctx.tally.skipped('custom_field', reason, m.fieldName);
      }
      await ctx.link(client, 'custom_field', m.sourceFieldId, localId);
      counter.processed++;
    });
  }
}
