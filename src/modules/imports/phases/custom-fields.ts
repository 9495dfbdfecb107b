import { createOrFindCustomField } from '../../custom-fields/custom-field.repository.js';
import type { ImportContext } from '../import-context.js';
import { customFieldNameProblem } from '../../custom-fields/custom-field-name.js';

/** Contact properties → custom field definitions; an existing field of that name is linked. */
export async function importCustomFields(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('custom_fields');
  const mappings = ctx.options.customFields;
  const counter = ctx.count('custom_fields');
  if (!mappings.length) return;
  const fallbacks = new Map((await ctx.connector.customFields()).map((f) => [f.sourceId, f.fallback]));
  for (const m of mappings) {
    await ctx.commit(async (client) => {
      // Committed by an earlier run of this job (the phase has no checkpoint of its own).
      if (await ctx.broughtByThisJob(client, 'custom_field', m.sourceFieldId)) return;
      const problem = customFieldNameProblem(m.fieldName);
      if (problem) {
        if (ctx.firstReport(`custom_field:${m.sourceFieldId}`)) ctx.tally.error('custom_field', problem, m.fieldName.replaceAll('\0', '').slice(0, 200));
        counter.processed++;
        return;
      }
      const field = await createOrFindCustomField(client, {
        organizationId: ctx.job.organizationId,
        name: m.fieldName,
        fieldType: m.fieldType,
        fallbackValue: fallbacks.get(m.sourceFieldId) ?? null,
        sourceProvider: ctx.job.source,
      });
      if (field.created) ctx.tally.imported('custom_fields');
      else {
        const reason =
          field.fieldType === m.fieldType
            ? 'a custom field with this name already exists; linked'
            : `a custom field with this name already exists as ${field.fieldType}; values are written as that type`;
        ctx.tally.skipped('custom_field', reason, m.fieldName);
      }
      await ctx.link(client, 'custom_field', m.sourceFieldId, field.id);
      counter.processed++;
    });
  }
}
