import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { MigrationService } from './migration.service.js';
import type { MigrationJob } from './migration-job.store.js';
import { enabledSources, type SourceDescriptor } from '../source-catalog/source-catalog.js';
import { CustomFieldTypeEnum, ImportOptionsRef, ImportResultRef, ScanResultRef } from './migration-model.schema.js';
import { FailedPhaseEnum, MigrationStatusEnum, SourceProviderEnum } from './migration-enums.schema.js';
import { MigrationProgressRef } from '../progress/progress.schema.js';
import { progressOf } from '../progress/progress-state.js';

const service = (ctx: Parameters<typeof requireAuth>[0]) => new MigrationService(ctx.services);

const CredentialField = builder
  .objectRef<SourceDescriptor['credentialField']>('CredentialField')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      label: t.exposeString('label'),
      placeholder: t.exposeString('placeholder'),
      help: t.exposeString('help'),
    }),
  });

const MigrationSource = builder.objectRef<SourceDescriptor>('MigrationSource').implement({
  description: 'A provider this deployment can migrate from, with what the connect form needs.',
  fields: (t) => ({
    id: t.field({ type: SourceProviderEnum, resolve: (s) => s.id }),
    label: t.exposeString('label'),
    credentialField: t.field({ type: CredentialField, resolve: (s) => s.credentialField }),
    notes: t.exposeStringList('notes'),
  }),
});

export const MigrationJobRef = builder.objectRef<MigrationJob>('MigrationJob').implement({
  description: 'A migration: scan → review → approve → import. The credential is never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    source: t.field({ type: SourceProviderEnum, resolve: (j) => j.source }),
    status: t.field({ type: MigrationStatusEnum, resolve: (j) => j.status }),
    scanResult: t.field({ type: ScanResultRef, nullable: true, description: 'Set once the scan completed', resolve: (j) => j.scanResult }),
    importOptions: t.field({ type: ImportOptionsRef, nullable: true, description: 'Set once approved (or at once, for targeted migrations)', resolve: (j) => j.importOptions }),
    importResult: t.field({ type: ImportResultRef, nullable: true, description: 'Set while and after the import runs', resolve: (j) => j.importResult }),
    progress: t.field({ type: MigrationProgressRef, description: 'The same state `migrationProgress` streams', resolve: (j) => progressOf(j) }),
    errorMessage: t.exposeString('errorMessage', { nullable: true, description: 'Why it failed ("cancelled" when cancelled)' }),
    failedPhase: t.field({ type: FailedPhaseEnum, nullable: true, description: 'Where it failed: decides what retry resumes', resolve: (j) => j.failedPhase }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
  }),
});

const MigrationJobPage = builder
  .objectRef<{ jobs: MigrationJob[]; hasMore: boolean }>('MigrationJobConnection')
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [MigrationJobRef], resolve: (p) => p.jobs }),
      hasNextPage: t.exposeBoolean('hasMore'),
      endCursor: t.string({ nullable: true, resolve: (p) => (p.hasMore ? (p.jobs.at(-1)?.id ?? null) : null) }),
    }),
  });

const CustomFieldMappingInput = builder.inputType('CustomFieldMappingInput', {
  description: 'Maps a source contact property (by id, else by name) onto a custom field here.',
  fields: (t) => ({
    sourceFieldId: t.string(),
    sourceFieldName: t.string(),
    fieldName: t.string({ required: true }),
    fieldType: t.field({ type: CustomFieldTypeEnum, required: true }),
  }),
});

const ApproveOptionsInput = builder.inputType('ApproveMigrationOptions', {
  description: 'What to import. Omitted selections default to everything the scan found.',
  fields: (t) => ({
    domains: t.stringList({ description: 'Domain names to import; default: all from the scan' }),
    audiences: t.stringList({ description: 'Source audience/segment ids; default: all' }),
    contacts: t.boolean({ description: 'Import audience contacts; default: true' }),
    templates: t.stringList({ description: 'Source template ids; default: all' }),
    topics: t.stringList({ description: 'Source topic ids (→ suppression groups); default: all' }),
    customFields: t.stringList({ description: 'Source contact property ids (→ custom fields); default: all' }),
    customFieldMappings: t.field({ type: [CustomFieldMappingInput], description: 'Explicit names and types' }),
    ignoreDomains: t.boolean(),
    ignoreAudiences: t.boolean(),
    ignoreContacts: t.boolean(),
    ignoreTemplates: t.boolean(),
    ignoreCustomFields: t.boolean(),
    ignoreTopics: t.boolean(),
    ignoreSuppressions: t.boolean(),
  }),
});

/** GraphQL gives null for omitted optional fields; the options schema wants them absent. */
function withoutNulls<T extends object>(value: T | null | undefined): Record<string, unknown> {
  if (!value) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? withoutNulls(x) : x)) : v]),
  );
}

builder.queryFields((t) => ({
  migrationSources: t.field({ type: [MigrationSource], resolve: () => enabledSources() }),
  migration: t.field({
    type: MigrationJobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => service(ctx).get(requireAuth(ctx), String(id)),
  }),
  migrations: t.field({
    type: MigrationJobPage,
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    resolve: (_r, { first, after }, ctx) => service(ctx).list(requireAuth(ctx), first ?? 50, after),
  }),
}));

builder.mutationFields((t) => ({
  startMigration: t.field({
    type: MigrationJobRef,
    description: 'Validates the credential with the provider at once, then queues the scan.',
    // Nullable so a missing value is reported as validation_error by the service, like REST.
    args: { source: t.arg.string(), credential: t.arg.string() },
    resolve: (_r, args, ctx) => service(ctx).start(requireAuth(ctx), args),
  }),
  approveMigration: t.field({
    type: MigrationJobRef,
    args: { id: t.arg.id({ required: true }), options: t.arg({ type: ApproveOptionsInput }) },
    resolve: (_r, { id, options }, ctx) =>
      service(ctx).approve(requireAuth(ctx), String(id), withoutNulls(options)),
  }),
  migrateTemplates: t.field({
    type: MigrationJobRef,
    description:
      'Imports the given source templates at once (no scan or review), upserting by source template id; with overwriteExisting, templates imported before get the source subject and html. importResult.templates says what was created or updated.',
    args: {
      source: t.arg.string(),
      credential: t.arg.string(),
      templateIds: t.arg.stringList(),
      overwriteExisting: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_r, args, ctx) => service(ctx).migrateTemplates(requireAuth(ctx), args),
  }),
  migrateUnsubscribeGroup: t.field({
    type: MigrationJobRef,
    description:
      'Imports one SendGrid unsubscribe group at once: with addEmailsInSuppression (default true) its suppressed addresses too; with groupExist, only into the group imported before.',
    args: {
      source: t.arg.string(),
      credential: t.arg.string(),
      groupId: t.arg.string(),
      addEmailsInSuppression: t.arg.boolean({ defaultValue: true }),
      groupExist: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_r, args, ctx) => service(ctx).migrateUnsubscribeGroup(requireAuth(ctx), args),
  }),
  cancelMigration: t.field({
    type: MigrationJobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => service(ctx).cancel(requireAuth(ctx), String(id)),
  }),
  retryMigration: t.field({
    type: MigrationJobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => service(ctx).retry(requireAuth(ctx), String(id)),
  }),
}));
