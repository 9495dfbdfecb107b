import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { InvalidStatusError, NotFoundError, ValidationError } from '../../graphql/error-types.js';
import { validationError } from '../../errors/app-error.js';
import { publicBaseUrl } from '../../config/env.js';
import { MigrationJobRef } from '../migrations/migration.schema.js';
import type { MigrationJob } from '../migrations/migration-job.store.js';
import { MigrationService } from '../migrations/migration.service.js';
import { UploadService } from './upload.service.js';
import { genericMappingSchema, SUPPRESSION_TYPES, UPLOAD_FORMATS, type UploadedField, type UploadRequest } from './upload-formats.js';
import { CustomFieldTypeEnum } from '../migrations/migration-model.schema.js';
import type { CustomFieldType } from '../../model/import-options.js';
import type { MigrationUpload } from './upload.repository.js';

const service = (ctx: GraphQLContext) => new UploadService(ctx.services);

export const UploadFormatEnum = describedEnum('UploadFormat', 'What an uploaded CSV is, recognized from its header row.', UPLOAD_FORMATS, {
  resend_contacts: 'Resend’s contacts export: email, names, unsubscribed, one column per property',
  resend_suppressions: 'Resend’s suppression list download',
  sendgrid_contacts: 'SendGrid’s contacts export (EMAIL, FIRST_NAME, …, CONTACT_ID, custom fields)',
  sendgrid_suppressions: 'A SendGrid suppression export (bounces, blocks, spam reports, invalid emails, unsubscribes)',
  mailgun_suppressions: 'A Mailgun suppression export (bounces, unsubscribes with tags, complaints)',
  postmark_suppressions: 'Postmark’s suppression dump (email, reason, origin, stream)',
  generic_contacts: 'Any contacts CSV, read by the column mapping given with it',
});

const SuppressionTypeEnum = describedEnum('UploadSuppressionType', 'What a SendGrid or Mailgun suppression file holds, when its columns do not say.', SUPPRESSION_TYPES, {
  bounce: 'Bounces',
  block: 'Blocks',
  spam_report: 'Spam reports',
  invalid_email: 'Invalid emails',
  unsubscribe: 'Unsubscribes',
  complaint: 'Complaints',
});

const UploadStatusEnum = describedEnum('UploadStatus', 'Where an upload stands.', ['receiving', 'ready'] as const, {
  receiving: 'Bytes are arriving (or a cut upload waits to be resumed at receivedBytes)',
  ready: 'Read whole and accepted: the import will use it',
});

const UploadColumn = builder.objectRef<MigrationUpload['columns'][number]>('UploadColumn').implement({
  description: 'A column of the header row, and what the import uses it for.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As the file names it' }),
    use: t.exposeString('use', { description: 'email, first_name, last_name, unsubscribed, property, reason, created_at, group, or ignored' }),
  }),
});

const UploadProblem = builder.objectRef<MigrationUpload['problems'][number]>('UploadProblem').implement({
  description: 'A row of the file that will not be imported, and why.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: 'Line of the file (the header is line 1)' }),
    reason: t.exposeString('reason', { description: 'Why' }),
  }),
});

export const MigrationUploadRef = builder.objectRef<MigrationUpload>('MigrationUpload').implement({
  description: 'A file uploaded into a migration. Its contents are never served back, and are deleted when the job completes.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The upload’s id (`upl_…`)' }),
    status: t.field({ type: UploadStatusEnum, description: 'Where it stands', resolve: (u) => u.status }),
    filename: t.exposeString('filename', { nullable: true, description: 'The name it was given' }),
    format: t.field({ type: UploadFormatEnum, nullable: true, description: 'What it was recognized as; null while receiving', resolve: (u) => u.format }),
    content: t.exposeString('content', { nullable: true, description: 'contacts or suppressions; null while receiving' }),
    receivedBytes: t.float({ description: 'Bytes stored so far (a cut upload resumes here)', resolve: (u) => u.received_bytes }),
    expectedBytes: t.float({ nullable: true, description: 'Bytes announced for the whole file', resolve: (u) => u.expected_bytes }),
    rows: t.int({ description: 'Data rows read', resolve: (u) => u.row_count }),
    columns: t.field({ type: [UploadColumn], description: 'The header row, and the use of each column', resolve: (u) => u.columns }),
    problemCount: t.int({ description: 'Rows that will not be imported', resolve: (u) => u.problem_count }),
    problems: t.field({ type: [UploadProblem], description: 'The first 100 of them', resolve: (u) => u.problems }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was created', resolve: (u) => u.created_at }),
  }),
});

builder.objectField(MigrationJobRef, 'uploads', (t) =>
  t.field({
    type: [MigrationUploadRef],
    description: 'Files uploaded into the job, oldest first',
    resolve: (job: MigrationJob, _args, ctx) => service(ctx).list(requireAuth(ctx), job.id),
  }),
);

const GenericMappingInput = builder.inputType('GenericContactsMappingInput', {
  description: 'How to read a contacts CSV of no known format: header names as the file spells them.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'The email column' }),
    firstName: t.string({ description: 'The first-name column' }),
    lastName: t.string({ description: 'The last-name column' }),
    unsubscribed: t.string({ description: 'A true/false column: an opt-out in it is kept' }),
    properties: t.field({ type: [PropertyColumnInput()], description: 'Columns holding contact properties: the account’s, or new custom fields' }),
  }),
});

function PropertyColumnInput() {
  return builder.inputType('UploadPropertyColumnInput', {
    description: 'A column holding one contact property.',
    fields: (t) => ({
      column: t.string({ required: true, description: 'The column, as the file names it' }),
      key: t.string({ description: 'The account’s property key, as the scan lists it under customFields (or give field and type)' }),
      field: t.string({ description: 'A custom field the account does not have, created with type at approval and filled from this column' }),
      type: t.field({ type: CustomFieldTypeEnum, description: 'The type of field' }),
    }),
  });
}

/** A property column's input as the mapping takes it: a key, or a new field with its type. */
function propertyTarget(p: { column: string; key?: string | null; field?: string | null; type?: CustomFieldType | null }): string | UploadedField {
  if (p.key && !p.field && !p.type) return p.key;
  if (!p.key && p.field && p.type) return { field: p.field, type: p.type };
  throw validationError(`mapping.properties: the column “${p.column.slice(0, 80)}” needs a key, or a field and a type`, ['input', 'mapping', 'properties']);
}

const CreateUploadInput = builder.inputType('CreateMigrationUploadInput', {
  description: 'An upload to create; its bytes then go to uploadUrl.',
  fields: (t) => ({
    migrationId: t.id({ required: true, description: 'The job, ready_for_review (or failed, before a retry)' }),
    filename: t.string({ description: 'The file’s name, for people' }),
    format: t.field({ type: UploadFormatEnum, description: 'What the file is; default: recognized from its header row' }),
    suppressionType: t.field({ type: SuppressionTypeEnum, description: 'For a SendGrid or Mailgun suppression file whose columns do not say' }),
    mapping: t.field({ type: GenericMappingInput, description: 'For generic_contacts: which column is what' }),
    byteLength: t.float({ description: 'The whole file’s size in bytes, if known (a PATCH that ends short of it leaves the upload receiving)' }),
  }),
});

const CreateUploadPayload = builder.objectRef<{ upload: MigrationUpload; uploadUrl: string }>('CreateMigrationUploadPayload').implement({
  description: 'The upload created, and where its bytes go.',
  fields: (t) => ({
    upload: t.field({ type: MigrationUploadRef, description: 'The upload, receiving', resolve: (p) => p.upload }),
    uploadUrl: t.exposeString('uploadUrl', {
      description: 'PATCH the file here with `Upload-Offset: 0` and your API key (a cut upload resumes at its receivedBytes); the answer is the upload, read',
    }),
  }),
});

const DeleteUploadInput = builder.inputType('DeleteMigrationUploadInput', {
  description: 'An upload to delete before the import.',
  fields: (t) => ({
    migrationId: t.id({ required: true, description: 'The job' }),
    uploadId: t.id({ required: true, description: 'The upload (`upl_…`)' }),
  }),
});

const DeleteUploadPayload = builder.objectRef<{ migration: MigrationJob }>('DeleteMigrationUploadPayload').implement({
  description: 'The job, without the upload.',
  fields: (t) => ({ migration: t.field({ type: MigrationJobRef, description: 'The job', resolve: (p) => p.migration }) }),
});

builder.mutationFields((t) => ({
  createMigrationUpload: t.field({
    type: CreateUploadPayload,
    description: 'Creates an upload into a job in review; the file’s bytes then stream to its uploadUrl (GraphQL does not carry them).',
    args: { input: t.arg({ type: CreateUploadInput, required: true, description: 'What to upload' }) },
    errors: { types: [NotFoundError, InvalidStatusError, ValidationError], union: { name: 'CreateMigrationUploadResult' } },
    resolve: async (_r, { input }, ctx) => {
      const request: UploadRequest = {};
      if (input.format) request.format = input.format;
      if (input.suppressionType) request.type = input.suppressionType;
      if (input.mapping) {
        const m = input.mapping;
        const parsed = genericMappingSchema.safeParse({
          email: m.email,
          ...(m.firstName ? { first_name: m.firstName } : {}),
          ...(m.lastName ? { last_name: m.lastName } : {}),
          ...(m.unsubscribed ? { unsubscribed: m.unsubscribed } : {}),
          ...(m.properties?.length ? { properties: Object.fromEntries(m.properties.map((p) => [p.column, propertyTarget(p)])) } : {}),
        });
        if (!parsed.success) throw validationError(`mapping: ${parsed.error.issues.map((i) => i.message).join('; ')}`, ['input', 'mapping']);
        request.mapping = parsed.data;
      }
      const byteLength = input.byteLength ?? null;
      if (byteLength !== null && (!Number.isSafeInteger(byteLength) || byteLength < 1)) throw validationError('byteLength must be a positive whole number', ['input', 'byteLength']);
      const upload = await service(ctx).create(requireAuth(ctx), String(input.migrationId), { filename: input.filename ?? null, request, expectedBytes: byteLength });
      return { upload, uploadUrl: `${publicBaseUrl(ctx.services.env)}/v1/migrate/${upload.job_id}/uploads/${upload.id}` };
    },
  }),
  deleteMigrationUpload: t.field({
    type: DeleteUploadPayload,
    description: 'Deletes an upload (and what was read of it) before the import.',
    args: { input: t.arg({ type: DeleteUploadInput, required: true, description: 'Which' }) },
    errors: { types: [NotFoundError, InvalidStatusError], union: { name: 'DeleteMigrationUploadResult' } },
    resolve: async (_r, { input }, ctx) => {
      const auth = requireAuth(ctx);
      await service(ctx).remove(auth, String(input.migrationId), String(input.uploadId));
      return { migration: await new MigrationService(ctx.services).get(auth, String(input.migrationId)) };
    },
  }),
}));
