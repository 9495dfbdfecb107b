import { z } from 'zod';

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
/** Our custom field names: a letter, then letters, digits or _ (at most 50). */
export const customFieldNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, 'a letter, then letters, digits or _ (at most 50)');

/** A source contact property mapped onto one of our custom fields. */
export const fieldMappingSchema = z.object({
  sourceFieldId: z.string(),
  sourceKey: z.string(),
  fieldName: z.string(),
  fieldType: z.enum(CUSTOM_FIELD_TYPES),
});

/**
 * What an import brings, resolved against the scan when the user approved (or given by a
 * targeted migration). Stored as the job's `import_options`; the importer reads nothing else.
 */
export const importOptionsSchema = z.object({
  /** Domain names. */
  domains: z.array(z.string()),
  /** Source list ids. */
  audiences: z.array(z.string()),
  /** Whether the contacts of those lists (and, where the source has them, contacts in no list) come along. */
  contacts: z.boolean(),
  /** Source template ids. */
  templates: z.array(z.string()),
  /** Source topic / unsubscribe group ids. */
  suppressionGroups: z.array(z.string()),
  customFields: z.array(fieldMappingSchema),
  /** The account's suppression list. */
  suppressions: z.boolean(),
  /** Suppression records in the files uploaded into the job, imported after the account's list (part of its planned total). */
  uploadedSuppressions: z.number().int().nonnegative().optional(),
  /** Targeted template migrations: overwrite subject and html of templates imported before. */
  overwriteTemplates: z.boolean().optional(),
  /** Targeted group migrations: bring the group's suppressed addresses. */
  groupMembers: z.boolean().optional(),
  /** Targeted group migrations: only fill a group imported before; never create one. */
  existingGroupsOnly: z.boolean().optional(),
});

export type FieldMapping = z.infer<typeof fieldMappingSchema>;
export type ImportOptions = z.infer<typeof importOptionsSchema>;
