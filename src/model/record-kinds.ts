/**
 * The kinds of record a migration carries, singular: what a row problem, a skip or a source
 * link is about. Counters of an import result use the plural names (`IMPORT_COUNTERS`).
 */
export const RECORD_KINDS = [
  'domain',
  'audience',
  'contact',
  'membership',
  'custom_field',
  'custom_field_value',
  'template',
  'image',
  'suppression_group',
  'group_suppression',
  'suppression',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * What an import result counts. The kinds' plural names (as the REST contract shows them), and
 * three sub-counts: templates updated in place, templates flagged for review, and suppressions
 * made from contacts the source had unsubscribed.
 */
export const IMPORT_COUNTERS = [
  'domains',
  'audiences',
  'contacts',
  'memberships',
  'custom_fields',
  'templates',
  'templates_updated',
  'templates_needing_review',
  'images',
  'suppression_groups',
  'group_suppressions',
  'suppressions',
  'unsubscribe_suppressions',
] as const;
export type ImportCounter = (typeof IMPORT_COUNTERS)[number];
