import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { LIST_KINDS, SCAN_KINDS, SUBSCRIPTION_DEFAULTS, type ScanResult } from '../../model/scan-result.js';
import { CUSTOM_FIELD_TYPES, type FieldMapping, type ImportOptions } from '../../model/import-options.js';
import { TEMPLATE_ACTIONS, type ImportResult, type ReasonEntry, type TemplateOutcome } from '../../model/import-result.js';
import { IMPORT_COUNTERS, RECORD_KINDS, type ImportCounter } from '../../model/record-kinds.js';
import { mapFieldType } from './migration-options.js';

/** The typed model of src/model as GraphQL types: what a scan found, what was approved, what an import did. */

export const RecordKindEnum = describedEnum('RecordKind', 'A kind of record a migration carries.', RECORD_KINDS, {
  domain: 'A sending domain',
  audience: 'An audience, segment or contact list',
  contact: 'A contact',
  membership: 'A contact’s membership of an audience',
  custom_field: 'A custom field definition (a source contact property)',
  custom_field_value: 'A contact’s value of a custom field',
  template: 'A template',
  image: 'An image of a template, re-hosted here',
  suppression_group: 'A suppression group (a Resend topic, a SendGrid unsubscribe group)',
  group_suppression: 'An address suppressed in one suppression group',
  suppression: 'An address on the account-wide suppression list',
});

export const ImportCounterEnum = describedEnum('ImportCounter', 'What an import result counts.', IMPORT_COUNTERS, {
  domains: 'Domains created',
  audiences: 'Audiences created',
  contacts: 'Contacts created (contacts that existed here are merged and counted as skipped)',
  memberships: 'Audience memberships created',
  custom_fields: 'Custom field definitions created',
  templates: 'Templates created',
  templates_updated: 'Templates imported before and overwritten (targeted template migrations)',
  templates_needing_review: 'Templates created or updated with constructs to review',
  images: 'Template images re-hosted',
  suppression_groups: 'Suppression groups created',
  group_suppressions: 'Addresses suppressed in a suppression group',
  suppressions: 'Addresses added to the suppression list',
  unsubscribe_suppressions: 'Of those, addresses suppressed because the source had the contact unsubscribed',
});

export const ScanKindEnum = describedEnum('ScanKind', 'A kind of resource a scan counts and an import brings.', SCAN_KINDS, {
  domains: 'Sending domains',
  audiences: 'Audiences, segments and lists',
  contacts: 'Contacts and their memberships',
  custom_fields: 'Custom fields and their values',
  suppression_groups: 'Suppression groups and who opted out of them',
  templates: 'Templates',
  suppressions: 'The suppression list',
});

const ListKindEnum = describedEnum('ListKind', 'What a source calls a list.', LIST_KINDS, {
  audience: 'A list whose members belong to it, each with an opt-out of that list alone: a Resend audience (legacy API), a Mailgun mailing list',
  segment: 'A Resend segment: a view over the account’s contacts',
  list: 'A plain contact list (SendGrid)',
});

const SubscriptionDefaultEnum = describedEnum('SubscriptionDefault', 'Whether contacts are in a suppression group’s mailing until they act.', SUBSCRIPTION_DEFAULTS, {
  opt_in: 'Everyone receives it until they opt out',
  opt_out: 'Nobody receives it until they opt in',
});

export const CustomFieldTypeEnum = describedEnum('CustomFieldType', 'The type of a custom field here.', CUSTOM_FIELD_TYPES, {
  string: 'Text',
  number: 'A number',
  boolean: 'true or false',
  date: 'A date and time',
});

const TemplateActionEnum = describedEnum('TemplateAction', 'What a targeted template migration did with one template.', TEMPLATE_ACTIONS, {
  created: 'Created here',
  updated: 'Imported before, overwritten with the source’s subject and html',
  unchanged: 'Imported before and identical',
  skipped: 'Imported before and left alone (overwrite not requested)',
});

const ScanItem = builder.interfaceRef<{ selectable: boolean; reasons: string[] }>('ScanItem').implement({
  description: 'Something the scan found that an approval can choose.',
  fields: (t) => ({
    selectable: t.exposeBoolean('selectable', { description: 'Whether it can be chosen when approving' }),
    reasons: t.exposeStringList('reasons', { description: 'Why it cannot be chosen, or what its import will do differently' }),
  }),
});

const ScanDomain = builder.objectRef<ScanResult['domains'][number]>('ScanDomain').implement({
  interfaces: [ScanItem],
  description: 'A sending domain at the source.',
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: 'The source’s id' }),
    name: t.exposeString('name', { description: 'The domain name; what `approveMigration` selects by' }),
    status: t.exposeString('status', { description: 'Verification status at the source, as it names it' }),
    region: t.exposeString('region', { nullable: true, description: 'Sending region at the source' }),
  }),
});

const ScanAudience = builder.objectRef<ScanResult['audiences'][number]>('ScanAudience').implement({
  interfaces: [ScanItem],
  description: 'An audience, segment or list at the source.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The source’s id; what `approveMigration` selects by' }),
    name: t.exposeString('name', { description: 'Its name at the source (the audience here gets it)' }),
    kind: t.field({ type: ListKindEnum, description: 'What the source calls it', resolve: (a) => a.kind }),
    contactCount: t.exposeInt('contactCount', { description: 'Members counted by the scan (or reported by the source)' }),
    unsubscribedCount: t.exposeInt('unsubscribedCount', { nullable: true, description: 'Members unsubscribed from it; null when the source does not say' }),
  }),
});

const ScanContacts = builder.objectRef<ScanResult['contacts']>('ScanContacts').implement({
  description: 'The account’s contacts; a count is null when the source could not give it.',
  fields: (t) => ({
    total: t.exposeInt('total', { nullable: true, description: 'Distinct contacts' }),
    unsubscribed: t.exposeInt('unsubscribed', { nullable: true, description: 'Contacts unsubscribed (globally or from a list)' }),
    invalid: t.exposeInt('invalid', { nullable: true, description: 'Addresses that are not plausible email addresses: reported, not imported' }),
    withoutList: t.exposeInt('withoutList', { nullable: true, description: 'Contacts in no list' }),
  }),
});

const ScanCustomField = builder.objectRef<ScanResult['customFields'][number]>('ScanCustomField').implement({
  interfaces: [ScanItem],
  description: 'A contact property at the source: becomes a custom field here.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The source’s id; what `approveMigration` selects by' }),
    key: t.exposeString('key', { description: 'Its name at the source (the default field name here)' }),
    type: t.exposeString('type', { description: 'Its type at the source, as the source names it' }),
    fieldType: t.field({
      type: CustomFieldTypeEnum,
      description: 'The type its custom field gets here unless `customFieldMappings` says otherwise',
      resolve: (f) => mapFieldType(f.type),
    }),
  }),
});

const ScanSuppressionGroup = builder.objectRef<ScanResult['suppressionGroups'][number]>('ScanSuppressionGroup').implement({
  interfaces: [ScanItem],
  description: 'A Resend topic or SendGrid unsubscribe group: becomes a suppression group here, with who opted out.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The source’s id; what `approveMigration` selects by' }),
    name: t.exposeString('name', { description: 'Its name at the source' }),
    defaultSubscription: t.field({ type: SubscriptionDefaultEnum, nullable: true, description: 'Null when the source does not say', resolve: (g) => g.defaultSubscription }),
  }),
});

const ScanTemplate = builder.objectRef<ScanResult['templates'][number]>('ScanTemplate').implement({
  interfaces: [ScanItem],
  description: 'A template at the source.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The source’s id; what `approveMigration` selects by' }),
    name: t.exposeString('name', { description: 'Its name at the source' }),
    status: t.exposeString('status', { nullable: true, description: 'Publication status at the source, as it names it' }),
    alias: t.exposeString('alias', { nullable: true, description: 'The source’s alias of the template' }),
  }),
});

const OriginCount = builder.objectRef<{ origin: string; count: number }>('SuppressionOriginCount').implement({
  description: 'Suppressed addresses of one origin.',
  fields: (t) => ({
    origin: t.exposeString('origin', { description: 'As the source names it: bounce, complaint, unsubscribe, block, ...' }),
    count: t.exposeInt('count', { description: 'Addresses of this origin' }),
  }),
});

const ScanSuppressions = builder.objectRef<ScanResult['suppressions']>('ScanSuppressions').implement({
  description: 'The account’s suppression list.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Addresses on it' }),
    byOrigin: t.field({ type: [OriginCount], description: 'How many of each origin', resolve: (s) => s.byOrigin }),
  }),
});

const ScanPermission = builder.objectRef<NonNullable<ScanResult['permissions']>[number]>('ScanPermission').implement({
  description: 'What the credential may read of one resource of the source.',
  fields: (t) => ({
    resource: t.exposeString('resource', { description: 'The source’s name of the resource' }),
    kinds: t.field({ type: [ScanKindEnum], description: 'The kinds it holds', resolve: (p) => p.kinds }),
    allowed: t.exposeBoolean('allowed', { description: 'Whether the credential may read it (its kinds are imported)' }),
    missingScopes: t.exposeStringList('missingScopes', { description: 'Scopes to add to the key (then rescan) to include it' }),
  }),
});

const KindEstimate = builder.objectRef<ScanResult['estimate']['kinds'][number]>('KindEstimate').implement({
  description: 'Requests an import of one kind needs, and how long they take at the rate limit.',
  fields: (t) => ({
    kind: t.field({ type: ScanKindEnum, resolve: (k) => k.kind, description: 'The kind' }),
    requests: t.exposeInt('requests', { description: 'Requests to the source an import of it makes' }),
    seconds: t.exposeInt('seconds', { nullable: true, description: 'Null when the source publishes no rate limit' }),
  }),
});

const EstimateTotal = builder.objectRef<ScanResult['estimate']['total']>('EstimateTotal').implement({
  description: 'Requests of the whole import.',
  fields: (t) => ({
    requests: t.exposeInt('requests', { description: 'Requests to the source in all' }),
    seconds: t.exposeInt('seconds', { nullable: true, description: 'Null when the source publishes no rate limit' }),
  }),
});

const ScanEstimate = builder.objectRef<ScanResult['estimate']>('ScanEstimate').implement({
  description: 'What an import of everything costs at the source: its requests share your rate limit with your own traffic.',
  fields: (t) => ({
    rateLimit: t.exposeFloat('rateLimit', { nullable: true, description: 'Requests per second the source allows this credential' }),
    kinds: t.field({ type: [KindEstimate], description: 'Per kind', resolve: (e) => e.kinds }),
    total: t.field({ type: EstimateTotal, description: 'For everything', resolve: (e) => e.total }),
    withContactsUpload: t.field({
      type: EstimateTotal,
      nullable: true,
      description: 'For everything when a contacts export is uploaded into the job (it stands in for one request per contact); null where it saves nothing',
      resolve: (e) => e.withContactsUpload ?? null,
    }),
  }),
});

const ScanError = builder.objectRef<ScanResult['errors'][number]>('ScanError').implement({
  description: 'A kind the scan could not read, or a record it could not read.',
  fields: (t) => ({
    resource: t.exposeString('resource', { description: 'What could not be read (a kind, or a record’s kind)' }),
    message: t.exposeString('message', { description: 'Why, and what to do about it' }),
  }),
});

export const ScanResultRef = builder.objectRef<ScanResult>('ScanResult').implement({
  description: 'What the scan found: the same shape for every source.',
  fields: (t) => ({
    domains: t.field({ type: [ScanDomain], description: 'Sending domains (empty where the source’s do not carry over)', resolve: (s) => s.domains }),
    audiences: t.field({ type: [ScanAudience], description: 'Audiences, segments and lists', resolve: (s) => s.audiences }),
    contacts: t.field({ type: ScanContacts, description: 'The contacts, counted', resolve: (s) => s.contacts }),
    customFields: t.field({ type: [ScanCustomField], description: 'Contact properties (custom fields here)', resolve: (s) => s.customFields }),
    suppressionGroups: t.field({ type: [ScanSuppressionGroup], description: 'Topics / unsubscribe groups (suppression groups here)', resolve: (s) => s.suppressionGroups }),
    templates: t.field({ type: [ScanTemplate], description: 'Templates', resolve: (s) => s.templates }),
    suppressions: t.field({ type: ScanSuppressions, description: 'The suppression list', resolve: (s) => s.suppressions }),
    permissions: t.field({
      type: [ScanPermission],
      nullable: true,
      description: 'Per resource, what the credential may read; null when the source’s credentials are all-or-nothing',
      resolve: (s) => s.permissions,
    }),
    estimate: t.field({ type: ScanEstimate, description: 'What an import costs at the source', resolve: (s) => s.estimate }),
    errors: t.field({ type: [ScanError], description: 'What could not be read; the rest of the scan stands', resolve: (s) => s.errors }),
  }),
});

const FieldMappingRef = builder.objectRef<FieldMapping>('FieldMapping').implement({
  description: 'A source contact property mapped onto a custom field here.',
  fields: (t) => ({
    sourceFieldId: t.exposeString('sourceFieldId', { description: 'The property’s id at the source' }),
    sourceKey: t.exposeString('sourceKey', { description: 'Its name at the source' }),
    fieldName: t.exposeString('fieldName', { description: 'The custom field it fills here' }),
    fieldType: t.field({ type: CustomFieldTypeEnum, description: 'Its type here', resolve: (m) => m.fieldType }),
  }),
});

export const ImportOptionsRef = builder.objectRef<ImportOptions>('ImportOptions').implement({
  description: 'What the import brings, resolved against the scan when it was approved.',
  fields: (t) => ({
    domains: t.exposeStringList('domains', { description: 'Domain names' }),
    audiences: t.exposeStringList('audiences', { description: 'Source list ids' }),
    contacts: t.exposeBoolean('contacts', { description: 'Whether their contacts come along' }),
    templates: t.exposeStringList('templates', { description: 'Source template ids' }),
    suppressionGroups: t.exposeStringList('suppressionGroups', { description: 'Source topic / unsubscribe group ids' }),
    customFields: t.field({ type: [FieldMappingRef], description: 'Properties and the custom fields they fill', resolve: (o) => o.customFields }),
    suppressions: t.exposeBoolean('suppressions', { description: 'Whether the suppression list comes along' }),
    overwriteTemplates: t.boolean({ description: 'Targeted template migrations: templates imported before are overwritten', resolve: (o) => o.overwriteTemplates === true }),
    groupMembers: t.boolean({ description: 'Targeted group migrations: the group’s suppressed addresses come along', resolve: (o) => o.groupMembers !== false }),
    existingGroupsOnly: t.boolean({ description: 'Targeted group migrations: only a group imported before is filled', resolve: (o) => o.existingGroupsOnly === true }),
  }),
});

const ImportCount = builder.objectRef<{ counter: ImportCounter; count: number }>('ImportCount').implement({
  description: 'One counter of an import result.',
  fields: (t) => ({
    counter: t.field({ type: ImportCounterEnum, description: 'What is counted', resolve: (c) => c.counter }),
    count: t.exposeInt('count', { description: 'How many' }),
  }),
});

const ReasonEntryRef = builder.objectRef<ReasonEntry>('ReasonEntry').implement({
  description: 'Records of one kind skipped or failed for one reason. Every failed record is in `MigrationJob.problems`.',
  fields: (t) => ({
    kind: t.field({ type: RecordKindEnum, description: 'The kind of record', resolve: (e) => e.kind }),
    reason: t.exposeString('reason', { description: 'Why' }),
    count: t.exposeInt('count', { description: 'How many records, once each across runs' }),
    examples: t.exposeStringList('examples', { description: 'Up to five of them (source ids or addresses)' }),
  }),
});

const TemplateOutcomeRef = builder.objectRef<TemplateOutcome>('TemplateOutcome').implement({
  description: 'What a targeted template migration did with one template.',
  fields: (t) => ({
    sourceId: t.exposeString('source_id', { description: 'The source’s template id' }),
    id: t.exposeString('id', { description: 'The template here' }),
    name: t.exposeString('name', { description: 'Its name' }),
    action: t.field({ type: TemplateActionEnum, description: 'What was done', resolve: (o) => o.action }),
    needsReview: t.exposeBoolean('needs_review', { description: 'It has constructs to review' }),
  }),
});

export const ImportResultRef = builder.objectRef<ImportResult>('ImportResult').implement({
  description: 'What the import did, kept up to date while it runs.',
  fields: (t) => ({
    imported: t.field({
      type: [ImportCount],
      description: 'Counters in a fixed order; a kind that was selected appears even at 0',
      resolve: (r) => IMPORT_COUNTERS.flatMap((counter) => (r.imported[counter] === undefined ? [] : [{ counter, count: r.imported[counter]! }])),
    }),
    skipped: t.field({ type: [ReasonEntryRef], description: 'Records left alone on purpose (already here, not requested)', resolve: (r) => r.skipped }),
    errors: t.field({ type: [ReasonEntryRef], description: 'Records that could not be imported, once each across runs', resolve: (r) => r.errors }),
    templates: t.field({ type: [TemplateOutcomeRef], nullable: true, description: 'Targeted template migrations only', resolve: (r) => r.templates ?? null }),
  }),
});
