import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from '../../model/import-options.js';
import type { PropertyValue } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';
import type { StoredValue } from './value-text.js';

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

// --- reads -----------------------------------------------------------------------------------

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

const customFieldRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    field_type: z.enum(CUSTOM_FIELD_TYPES),
    fallback_value: z.json().nullable(),
    source_provider: z.string().nullable(),
    created_at: z.coerce.date(),
  })
  .transform((f) => ({
    id: f.id,
    name: f.name,
    fieldType: f.field_type,
    fallbackValue: f.fallback_value as StoredValue,
    sourceProvider: f.source_provider,
    createdAt: f.created_at,
  }));
export type CustomFieldRecord = z.infer<typeof customFieldRowSchema>;
const customFieldRows = z.array(customFieldRowSchema);

const COLUMNS = 'id, name, field_type, fallback_value, source_provider, created_at';

/** One custom field of the organization, or null. */
export async function findCustomField(db: Reader, organizationId: string, id: string): Promise<CustomFieldRecord | null> {
  const rows = await db.execute(`select ${COLUMNS} from custom_fields where organization_id = ? and id = ?`, [organizationId, id]);
  return customFieldRows.parse(rows)[0] ?? null;
}

/** The organization's custom fields by name (unique per organization: the key of the page). */
export async function pageCustomFields(db: Reader, organizationId: string, { first, afterKey }: PageRequest): Promise<Page<CustomFieldRecord>> {
  const rows = await db.execute(
    `select ${COLUMNS} from custom_fields where organization_id = ? and (?::text is null or name > ?) order by name limit ?`,
    [organizationId, afterKey, afterKey, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>('select count(*)::int as count from custom_fields where organization_id = ?', [organizationId]);
  return { rows: customFieldRows.parse(rows), totalCount: count };
}

/**
 * Every custom field of the organization by name: what a contact's values (stored by field
 * name) are read against. An organization has few; one read serves a whole page of contacts.
 */
export async function customFieldsByName(db: Reader, organizationId: string): Promise<Map<string, CustomFieldRecord>> {
  const rows = customFieldRows.parse(await db.execute(`select ${COLUMNS} from custom_fields where organization_id = ? order by name`, [organizationId]));
  return new Map(rows.map((f) => [f.name, f]));
}
