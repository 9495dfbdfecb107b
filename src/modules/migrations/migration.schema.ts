import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import {
  CredentialRejectedError, InvalidStatusError, NotFoundError, SourceUnavailableError, UnsupportedSourceError, ValidationError,
} from '../../graphql/error-types.js';
import { RecordKindEnum } from './migration-model.schema.js';
import { pageProblems, countProblems, type StoredProblem } from '../imports/import-problems.repository.js';
import { MigrationService } from './migration.service.js';
import type { MigrationJob } from './migration-job.store.js';
import { enabledSources, type SourceDescriptor } from '../source-catalog/source-catalog.js';
import { CustomFieldTypeEnum, ImportOptionsRef, ImportResultRef, ScanResultRef } from './migration-model.schema.js';
import { FailedPhaseEnum, MigrationStatusEnum, SourceProviderEnum } from './migration-enums.schema.js';
import { MigrationProgressRef } from '../progress/progress.schema.js';
import { progressOf } from '../progress/progress-state.js';

const service = (ctx: GraphQLContext) => new MigrationService(ctx.services);

const CredentialField = builder
  .objectRef<SourceDescriptor['credentialField']>('CredentialField')
  .implement({
    description: 'The one input a connect form shows for a source’s credential.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'The input’s name: `credential`' }),
      label: t.exposeString('label', { description: 'The input’s label' }),
      placeholder: t.exposeString('placeholder', { description: 'What a key looks like' }),
      help: t.exposeString('help', { description: 'Where to create the key, and the scopes it needs' }),
    }),
  });

const MigrationSource = builder.objectRef<SourceDescriptor>('MigrationSource').implement({
  description: 'A provider this deployment can migrate from, with what the connect form needs.',
  fields: (t) => ({
    id: t.field({ type: SourceProviderEnum, description: 'The value `startMigration` takes', resolve: (s) => s.id }),
    label: t.exposeString('label', { description: 'The provider’s name, for people' }),
    credentialField: t.field({ type: CredentialField, description: 'How to ask for the credential', resolve: (s) => s.credentialField }),
    notes: t.exposeStringList('notes', { description: 'What a migration from it brings, and what it leaves' }),
  }),
});

const Problem = builder.objectRef<StoredProblem>('ImportProblem').implement({
  description: 'One record an import could not bring, once per record and reason across runs.',
  fields: (t) => ({
    kind: t.field({ type: RecordKindEnum, description: 'The kind of record', resolve: (p) => p.kind }),
    sourceId: t.exposeString('sourceId', { description: 'The source’s id of the record (an address for contacts and suppressions)' }),
    reason: t.exposeString('reason', { description: 'Why it could not be imported' }),
    run: t.exposeInt('run', { description: 'The run of the job that met it first' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was met' }),
  }),
});

export const MigrationJobRef = builder.objectRef<MigrationJob>('MigrationJob');

builder.node(MigrationJobRef, {
  description: 'A migration: scan → review → approve → import. The credential is never returned.',
  id: { resolve: (j) => j.id, description: 'Also the REST id (`mig_…`)' },
  loadOne: (id, ctx) => service(ctx).find(requireAuth(ctx), id),
  fields: (t) => ({
    source: t.field({ type: SourceProviderEnum, description: 'Where it migrates from', resolve: (j) => j.source }),
    status: t.field({ type: MigrationStatusEnum, description: 'Where it stands', resolve: (j) => j.status }),
    scanResult: t.field({ type: ScanResultRef, nullable: true, description: 'Set once the scan completed', resolve: (j) => j.scanResult }),
    importOptions: t.field({ type: ImportOptionsRef, nullable: true, description: 'Set once approved (or at once, for targeted migrations)', resolve: (j) => j.importOptions }),
    importResult: t.field({ type: ImportResultRef, nullable: true, description: 'Set while and after the import runs', resolve: (j) => j.importResult }),
    progress: t.field({ type: MigrationProgressRef, description: 'The same state `migrationProgress` streams', resolve: (j) => progressOf(j) }),
    problems: t.connection({
      type: Problem,
      description: 'Every record the import could not bring (importResult.errors counts them by kind and reason). Also as CSV: GET /v1/migrate/:id/problems.csv',
      args: { kind: t.arg({ type: RecordKindEnum, description: 'Only problems of this kind' }) },
      resolve: async (job, args, ctx) => {
        const request = pageRequest(args);
        const filter = { kind: args.kind ?? null };
        const [rows, total] = await Promise.all([
          pageProblems(ctx.services.pool, job.id, request.first + 1, request.afterKey, filter),
          countProblems(ctx.services.pool, job.id, filter),
        ]);
        return toConnection(rows, request, (p) => p.key, total);
      },
    }),
    errorMessage: t.exposeString('errorMessage', { nullable: true, description: 'Why it failed ("cancelled" when cancelled)' }),
    failedPhase: t.field({ type: FailedPhaseEnum, nullable: true, description: 'Where it failed: decides what retry resumes', resolve: (j) => j.failedPhase }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was started' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Last change of status, counters or result' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it completed or failed' }),
  }),
});

const CustomFieldMappingInput = builder.inputType('CustomFieldMappingInput', {
  description: 'Maps a source contact property (by id, else by name) onto a custom field here.',
  fields: (t) => ({
    sourceFieldId: t.string({ description: 'The property’s id in the scan result' }),
    sourceFieldName: t.string({ description: 'Or its name at the source' }),
    fieldName: t.string({ required: true, description: 'The custom field here: a letter, then letters, digits or _ (at most 50)' }),
    fieldType: t.field({ type: CustomFieldTypeEnum, required: true, description: 'Its type here' }),
  }),
});

const ApproveMigrationInput = builder.inputType('ApproveMigrationInput', {
  description: 'What to import. Omitted selections default to everything the scan found; ignore* skips a whole kind.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The migration job, in ready_for_review' }),
    domains: t.stringList({ description: 'Domain names (ScanDomain.name); default: all' }),
    audiences: t.stringList({ description: 'Source list ids (ScanAudience.id); default: all' }),
    contacts: t.boolean({ description: 'Import the lists’ contacts; default: true' }),
    templates: t.stringList({ description: 'Source template ids; default: all' }),
    suppressionGroups: t.stringList({ description: 'Source topic / unsubscribe group ids; default: all' }),
    customFields: t.stringList({ description: 'Source contact property ids; default: all' }),
    customFieldMappings: t.field({ type: [CustomFieldMappingInput], description: 'Names and types other than the default for some properties' }),
    ignoreDomains: t.boolean({ description: 'Import no domains' }),
    ignoreAudiences: t.boolean({ description: 'Import no audiences' }),
    ignoreContacts: t.boolean({ description: 'Import no contacts' }),
    ignoreTemplates: t.boolean({ description: 'Import no templates' }),
    ignoreCustomFields: t.boolean({ description: 'Import no custom fields' }),
    ignoreSuppressionGroups: t.boolean({ description: 'Import no suppression groups' }),
    ignoreSuppressions: t.boolean({ description: 'Import no suppression list' }),
  }),
});

const StartMigrationInput = builder.inputType('StartMigrationInput', {
  description: 'A provider and a credential of its account.',
  fields: (t) => ({
    source: t.field({ type: SourceProviderEnum, required: true, description: 'The provider' }),
    credential: t.string({ required: true, description: 'An API key of the source account; validated with the provider at once, then sealed' }),
  }),
});

const MigrateTemplatesInput = builder.inputType('MigrateTemplatesInput', {
  description: 'A targeted migration of a few templates: no scan or review.',
  fields: (t) => ({
    source: t.field({ type: SourceProviderEnum, required: true, description: 'The provider' }),
    credential: t.string({ required: true, description: 'An API key of the source account' }),
    templateIds: t.stringList({ required: true, description: 'Source template ids, 1–100' }),
    overwriteExisting: t.boolean({ defaultValue: false, description: 'Templates imported before get the source’s subject and html' }),
  }),
});

const MigrateUnsubscribeGroupInput = builder.inputType('MigrateUnsubscribeGroupInput', {
  description: 'A targeted migration of one unsubscribe group (SendGrid).',
  fields: (t) => ({
    source: t.field({ type: SourceProviderEnum, required: true, description: 'The provider (sendgrid)' }),
    credential: t.string({ required: true, description: 'An API key of the source account' }),
    groupId: t.string({ required: true, description: 'The SendGrid unsubscribe group id' }),
    addEmailsInSuppression: t.boolean({ defaultValue: true, description: 'Bring its suppressed addresses too' }),
    groupExist: t.boolean({ defaultValue: false, description: 'Only fill the group imported before; never create one' }),
  }),
});

const JobIdInput = (name: string, description: string) =>
  builder.inputType(name, { description, fields: (t) => ({ id: t.id({ required: true, description: 'The migration job' }) }) });
const CancelMigrationInput = JobIdInput('CancelMigrationInput', 'The job to cancel: any job that has not finished.');
const RetryMigrationInput = JobIdInput('RetryMigrationInput', 'The failed job to retry: a scan runs again, an import resumes.');

/** GraphQL gives null for omitted optional fields; the options schema wants them absent. */
function withoutNulls<T extends object>(value: T | null | undefined): Record<string, unknown> {
  if (!value) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? withoutNulls(x) : x)) : v]),
  );
}

const payload = (name: string, description: string) =>
  builder.objectRef<{ migration: MigrationJob }>(name).implement({
    description,
    fields: (t) => ({ migration: t.field({ type: MigrationJobRef, description: 'The job, as it is now', resolve: (p) => p.migration }) }),
  });

const STARTING_ERRORS = [ValidationError, UnsupportedSourceError, CredentialRejectedError, SourceUnavailableError];
const CHANGING_ERRORS = [NotFoundError, InvalidStatusError];

builder.queryFields((t) => ({
  migrationSources: t.field({ type: [MigrationSource], description: 'The providers this deployment can migrate from', resolve: () => enabledSources() }),
  migration: t.field({
    type: MigrationJobRef,
    description: 'One migration job of the organization (not_found otherwise)',
    args: { id: t.arg.id({ required: true, description: 'The job’s id (`mig_…`)' }) },
    resolve: (_r, { id }, ctx) => service(ctx).get(requireAuth(ctx), String(id)),
  }),
  migrations: t.connection({
    type: MigrationJobRef,
    description: 'The organization’s migration jobs, newest first',
    args: {
      status: t.arg({ type: MigrationStatusEnum, description: 'Only jobs in this status' }),
      source: t.arg({ type: SourceProviderEnum, description: 'Only jobs from this source' }),
    },
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const { jobs, totalCount } = await service(ctx).list(requireAuth(ctx), request, { status: args.status ?? undefined, source: args.source ?? undefined });
      return toConnection(jobs, request, (j) => j.id, totalCount);
    },
  }),
}));

builder.mutationFields((t) => ({
  startMigration: t.field({
    type: payload('StartMigrationPayload', 'The job created: its scan is queued.'),
    description: 'Validates the credential with the provider at once, then queues the scan.',
    args: { input: t.arg({ type: StartMigrationInput, required: true, description: 'What to do' }) },
    errors: { types: STARTING_ERRORS, union: { name: 'StartMigrationResult' } },
    resolve: async (_r, { input }, ctx) => ({ migration: await service(ctx).start(requireAuth(ctx), input) }),
  }),
  approveMigration: t.field({
    type: payload('ApproveMigrationPayload', 'The job, now importing.'),
    description: 'ready_for_review → importing, with what to import resolved against the scan.',
    args: { input: t.arg({ type: ApproveMigrationInput, required: true, description: 'What to do' }) },
    errors: { types: [...CHANGING_ERRORS, ValidationError], union: { name: 'ApproveMigrationResult' } },
    resolve: async (_r, { input }, ctx) => {
      const { id, ...options } = input;
      return { migration: await service(ctx).approve(requireAuth(ctx), String(id), withoutNulls(options)) };
    },
  }),
  migrateTemplates: t.field({
    type: payload('MigrateTemplatesPayload', 'The job created, importing at once.'),
    description:
      'Imports the given source templates at once (no scan or review), upserting by source template id; with overwriteExisting, templates imported before get the source subject and html. importResult.templates says what was created or updated.',
    args: { input: t.arg({ type: MigrateTemplatesInput, required: true, description: 'What to do' }) },
    errors: { types: STARTING_ERRORS, union: { name: 'MigrateTemplatesResult' } },
    resolve: async (_r, { input }, ctx) => ({ migration: await service(ctx).migrateTemplates(requireAuth(ctx), input) }),
  }),
  migrateUnsubscribeGroup: t.field({
    type: payload('MigrateUnsubscribeGroupPayload', 'The job created, importing at once.'),
    description:
      'Imports one SendGrid unsubscribe group at once: with addEmailsInSuppression (default true) its suppressed addresses too; with groupExist, only into the group imported before.',
    args: { input: t.arg({ type: MigrateUnsubscribeGroupInput, required: true, description: 'What to do' }) },
    errors: { types: STARTING_ERRORS, union: { name: 'MigrateUnsubscribeGroupResult' } },
    resolve: async (_r, { input }, ctx) => ({ migration: await service(ctx).migrateUnsubscribeGroup(requireAuth(ctx), input) }),
  }),
  cancelMigration: t.field({
    type: payload('CancelMigrationPayload', 'The job, now failed with errorMessage "cancelled".'),
    description: 'Stops a job that has not finished; a running worker stops at its next batch and writes nothing more.',
    args: { input: t.arg({ type: CancelMigrationInput, required: true, description: 'What to do' }) },
    errors: { types: CHANGING_ERRORS, union: { name: 'CancelMigrationResult' } },
    resolve: async (_r, { input }, ctx) => ({ migration: await service(ctx).cancel(requireAuth(ctx), String(input.id)) }),
  }),
  retryMigration: t.field({
    type: payload('RetryMigrationPayload', 'The job, pending (scan again) or importing (resuming).'),
    description: 'Retries a failed job as a new run: a failed scan scans again; a failed import resumes after its last committed batch.',
    args: { input: t.arg({ type: RetryMigrationInput, required: true, description: 'What to do' }) },
    errors: { types: CHANGING_ERRORS, union: { name: 'RetryMigrationResult' } },
    resolve: async (_r, { input }, ctx) => ({ migration: await service(ctx).retry(requireAuth(ctx), String(input.id)) }),
  }),
}));
