import { z } from 'zod';

/**
 * What a scan found, the same shape for every source: the kinds an import can bring, each item
 * with its id, name, counts, whether it can be selected and why not (or what to watch for).
 * Source-specific facts live in typed sub-objects that any source may fill (the key's
 * permissions, the request estimate). Stored as the job's `scan_result` and parsed on every read.
 */

const count = z.number().int().nonnegative();

/** Why an item cannot be selected, or what an import of it will do differently. */
const choice = {
  selectable: z.boolean(),
  reasons: z.array(z.string()),
};

export const scanDomainSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  /** The source's verification status, as it names it. */
  status: z.string(),
  region: z.string().nullable(),
  ...choice,
});

export const LIST_KINDS = ['audience', 'segment', 'list'] as const;

export const scanAudienceSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(LIST_KINDS),
  contactCount: count,
  /** Members unsubscribed from this list; null when the source does not say. */
  unsubscribedCount: count.nullable(),
  ...choice,
});

export const scanContactsSchema = z.object({
  /** Distinct contacts; null when the source could not count them. */
  total: count.nullable(),
  unsubscribed: count.nullable(),
  /** Addresses that are not plausible email addresses (reported, not imported). */
  invalid: count.nullable(),
  /** Contacts in no list. */
  withoutList: count.nullable(),
});

export const scanCustomFieldSchema = z.object({
  id: z.string(),
  key: z.string(),
  /** The source's type name ('string', 'number', 'text', ...). */
  type: z.string(),
  ...choice,
});

export const SUBSCRIPTION_DEFAULTS = ['opt_in', 'opt_out'] as const;

/** A source's topic or unsubscribe group: becomes a suppression group here. */
export const scanSuppressionGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  defaultSubscription: z.enum(SUBSCRIPTION_DEFAULTS).nullable(),
  ...choice,
});

export const scanTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().nullable(),
  alias: z.string().nullable(),
  ...choice,
});

export const scanSuppressionsSchema = z.object({
  total: count,
  /** Per origin as the source names it (bounce, complaint, unsubscribe list, ...). */
  byOrigin: z.array(z.object({ origin: z.string(), count })),
});

/** The kinds a source's credential may or may not read. */
export const SCAN_KINDS = ['domains', 'audiences', 'contacts', 'custom_fields', 'suppression_groups', 'templates', 'suppressions'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export const scanPermissionSchema = z.object({
  /** The source's own name of what the scope covers ('contacts', 'groups', ...). */
  resource: z.string(),
  kinds: z.array(z.enum(SCAN_KINDS)),
  allowed: z.boolean(),
  missingScopes: z.array(z.string()),
});

export const scanEstimateSchema = z.object({
  /** Requests per second the source allows this credential; null when it does not say. */
  rateLimit: z.number().positive().nullable(),
  kinds: z.array(z.object({ kind: z.enum(SCAN_KINDS), requests: count, seconds: count.nullable() })),
  total: z.object({ requests: count, seconds: count.nullable() }),
  /**
   * The total when a contacts export is uploaded into the job (it stands in for per-contact
   * property reads); null where it would save nothing. Absent on scans stored before uploads.
   */
  withContactsUpload: z.object({ requests: count, seconds: count.nullable() }).nullable().optional(),
});

export const scanErrorSchema = z.object({ resource: z.string(), message: z.string() });

export const scanResultSchema = z.object({
  domains: z.array(scanDomainSchema),
  audiences: z.array(scanAudienceSchema),
  contacts: scanContactsSchema,
  customFields: z.array(scanCustomFieldSchema),
  suppressionGroups: z.array(scanSuppressionGroupSchema),
  templates: z.array(scanTemplateSchema),
  suppressions: scanSuppressionsSchema,
  /** Null when the source's credentials are all-or-nothing. */
  permissions: z.array(scanPermissionSchema).nullable(),
  estimate: scanEstimateSchema,
  /** Kinds that could not be read, and records that could not be read. */
  errors: z.array(scanErrorSchema),
});

export type ScanDomain = z.infer<typeof scanDomainSchema>;
export type ScanAudience = z.infer<typeof scanAudienceSchema>;
export type ScanCustomField = z.infer<typeof scanCustomFieldSchema>;
export type ScanSuppressionGroup = z.infer<typeof scanSuppressionGroupSchema>;
export type ScanTemplate = z.infer<typeof scanTemplateSchema>;
export type ScanPermission = z.infer<typeof scanPermissionSchema>;
export type ScanEstimate = z.infer<typeof scanEstimateSchema>;
export type ScanError = z.infer<typeof scanErrorSchema>;
export type ScanResult = z.infer<typeof scanResultSchema>;

/** An item anyone may select, with nothing to report. */
export const selectable = { selectable: true, reasons: [] as string[] };
