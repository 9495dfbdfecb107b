import { z } from 'zod';
import { newId } from '../../db/ids.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from '../../model/import-options.js';
import type { PropertyValue } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';

export interface NewCustomField {
  organizationId: string;
  name: string;
  fieldType: CustomFieldType;
  fallbackValue: PropertyValue;
  sourceProvider: KnownSource;
}

/** The field found under the name: its type decides how values are written, so it is returned. */
export type CustomFieldOutcome = { id: string; created: true } | { id: string; created: false; fieldType: CustomFieldType };

const existingFieldSchema = z.object({ id: z.string(), field_type: z.enum(CUSTOM_FIELD_TYPES) });

/** Creates the field, or finds the organization's field of that name (names are unique), left as it is. */
export async function createOrFindCustomField(db: Queryable, field: NewCustomField): Promise<CustomFieldOutcome> {
  const inserted = await db.query<{ id: string }>(
    `insert into custom_fields (id, organization_id, name, field_type, fallback_value, source_provider)
         values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, name) do nothing returning id`,
    [newId('fld'), field.organizationId, field.name, field.fieldType, JSON.stringify(field.fallbackValue), field.sourceProvider],
  );
  const created = inserted.rows[0];
  if (created) return { id: created.id, created: true };
  const { rows } = await db.query('select id, field_type from custom_fields where organization_id = $1 and name = $2', [
    field.organizationId,
    field.name,
  ]);
  const existing = existingFieldSchema.parse(rows[0]);
  return { id: existing.id, created: false, fieldType: existing.field_type };
}
