import { z } from 'zod';
import { validationError } from '../../errors/app-error.js';
import { CUSTOM_FIELD_TYPES, customFieldNameSchema, type CustomFieldType, type FieldMapping, type ImportOptions } from '../../model/import-options.js';
import type { ScanResult } from '../../model/scan-result.js';

const ids = z.array(z.string().min(1).max(200)).max(10_000);

export const customFieldMappingSchema = z
  .object({
    sourceFieldId: z.string().min(1).max(200).optional(),
    sourceFieldName: z.string().min(1).max(200).optional(),
    fieldName: customFieldNameSchema,
    fieldType: z.enum(CUSTOM_FIELD_TYPES),
  })
  .strict()
  .refine((m) => m.sourceFieldId || m.sourceFieldName, 'a mapping needs sourceFieldId or sourceFieldName');

export type CustomFieldMapping = z.infer<typeof customFieldMappingSchema>;

/**
 * What the user approved. The documented fields (domains, audiences, contacts) keep their
 * meaning; the rest select the other kinds. Anything omitted defaults to everything the scan
 * found; `ignore*` flags skip a whole phase.
 */
export const approveOptionsSchema = z
  .object({
    domains: z.array(z.string().min(1).max(253)).max(10_000).optional(),
    audiences: ids.optional(),
    contacts: z.boolean().optional(),
    templates: ids.optional(),
    suppressionGroups: ids.optional(),
    customFields: ids.optional(),
    customFieldMappings: z.array(customFieldMappingSchema).max(500).optional(),
    ignoreDomains: z.boolean().optional(),
    ignoreAudiences: z.boolean().optional(),
    ignoreContacts: z.boolean().optional(),
    ignoreTemplates: z.boolean().optional(),
    ignoreCustomFields: z.boolean().optional(),
    ignoreSuppressionGroups: z.boolean().optional(),
    ignoreSuppressions: z.boolean().optional(),
  })
  .strict();

export type ApproveOptions = z.infer<typeof approveOptionsSchema>;

/** A source's property type onto ours (text is a string; anything unknown stays a string). */
export function mapFieldType(sourceType: string): CustomFieldType {
  const t = sourceType.toLowerCase();
  if (t === 'number' || t === 'integer' || t === 'float') return 'number';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'date' || t === 'datetime' || t === 'timestamp') return 'date';
  return 'string';
}

function pick(field: string, requested: string[] | undefined, available: string[], ignored: boolean): string[] {
  if (ignored) return [];
  if (requested === undefined) return available;
  const known = new Set(available);
  const unknown = requested.filter((r) => !known.has(r));
  if (unknown.length) throw validationError(`options.${field}: not in the scan result: ${unknown.slice(0, 10).join(', ')}`);
  return [...new Set(requested)];
}

/** What the files uploaded into the job add to its import. */
export interface UploadedWork {
  /** Custom fields generic uploads declare (filled only from those files). */
  fields: FieldMapping[];
  /** Suppression records to import after the account's list. */
  suppressionRecords: number;
}
export const NO_UPLOADED_WORK: UploadedWork = { fields: [], suppressionRecords: 0 };

function resolveMappings(o: ApproveOptions, scan: ScanResult, uploadedFields: FieldMapping[]): FieldMapping[] {
  const properties = scan.customFields;
  const chosen = pick('customFields', o.customFields, properties.map((p) => p.id), o.ignoreCustomFields === true);
  const explicit = new Map<string, FieldMapping>();
  for (const m of o.customFieldMappings ?? []) {
    const property = properties.find((p) => (m.sourceFieldId ? p.id === m.sourceFieldId : p.key === m.sourceFieldName));
    if (!property) {
      throw validationError(`options.customFieldMappings: ${m.sourceFieldId ?? m.sourceFieldName} is not a contact property in the scan result`);
    }
    explicit.set(property.id, { sourceFieldId: property.id, sourceKey: property.key, fieldName: m.fieldName, fieldType: m.fieldType });
  }
  const resolved = properties
    .filter((p) => chosen.includes(p.id) || explicit.has(p.id))
    .map((p) => explicit.get(p.id) ?? { sourceFieldId: p.id, sourceKey: p.key, fieldName: p.key, fieldType: mapFieldType(p.type) });
  const names = resolved.map((m) => m.fieldName.toLowerCase());
  const clash = names.find((n, i) => names.indexOf(n) !== i);
  if (clash) throw validationError(`options.customFieldMappings: two properties map onto the field "${clash}"`);
  const declared = uploadedFields.find((f) => names.includes(f.fieldName.toLowerCase()));
  if (declared && !o.ignoreCustomFields) {
    throw validationError(
      `options.customFieldMappings: an uploaded file declares the field "${declared.fieldName}", which an account property also fills; ` +
        'map that property onto another field name, or upload the file again mapping the column onto the property key',
    );
  }
  return o.ignoreCustomFields ? [] : [...resolved, ...uploadedFields];
}

/**
 * Resolves the approval against the scan: defaults to all, and names anything the scan did not
 * find instead of silently ignoring it.
 */
export function resolveImportOptions(options: ApproveOptions | null | undefined, scan: ScanResult, uploaded: UploadedWork = NO_UPLOADED_WORK): ImportOptions {
  const parsed = approveOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw validationError(parsed.error.issues.map((i) => `options.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const o = parsed.data;
  const ids = (list: { id: string }[]) => list.map((x) => x.id);
  return {
    domains: pick('domains', o.domains?.map((d) => d.trim().toLowerCase()), scan.domains.map((d) => d.name), o.ignoreDomains === true),
    audiences: pick('audiences', o.audiences, ids(scan.audiences), o.ignoreAudiences === true),
    contacts: o.ignoreContacts === true ? false : (o.contacts ?? true),
    templates: pick('templates', o.templates, ids(scan.templates), o.ignoreTemplates === true),
    suppressionGroups: pick('suppressionGroups', o.suppressionGroups, ids(scan.suppressionGroups), o.ignoreSuppressionGroups === true),
    customFields: resolveMappings(o, scan, uploaded.fields),
    suppressions: o.ignoreSuppressions !== true,
    ...(uploaded.suppressionRecords && o.ignoreSuppressions !== true ? { uploadedSuppressions: uploaded.suppressionRecords } : {}),
  };
}
