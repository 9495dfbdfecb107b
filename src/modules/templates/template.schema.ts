import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { storedValueText } from '../custom-fields/value-text.js';
import { findTemplate, pageTemplates, TEMPLATE_STATUSES, type TemplateRecord, type TemplateVariableRecord } from './template.repository.js';
import { REVIEW_REASON_CODES, type ReviewReason } from './template-review.js';

const TemplateStatusEnum = describedEnum('TemplateStatus', 'Whether a template was published at the source.', TEMPLATE_STATUSES, {
  draft: 'A draft at the source',
  published: 'Published at the source',
});

const TemplateReviewCodeEnum = describedEnum('TemplateReviewCode', 'What a review finding is about: a construct this platform’s template language renders differently, or a doubt about the version imported.', REVIEW_REASON_CODES, {
  loop: 'A loop (`{{#each}}`)',
  conditional: 'A conditional (`{{#if}}`, `{{#unless}}`)',
  block_helper: 'Another block helper (`{{#with}}`, custom ones)',
  inverse_section: 'An inverse section (`{{^name}}`)',
  partial: 'A partial (`{{> name}}`)',
  helper: 'A helper called with arguments',
  context_path: 'A path only meaningful inside a block (`this`, `../x`, `@index`)',
  raw_block: 'A raw block (`{{{{raw}}}}`)',
  syntax: 'A syntax problem, or a variable name this platform cannot substitute',
  unpublished_version: 'Not a construct: the source has a newer unpublished draft, so which version was imported is unclear',
  layout: 'Not a construct: a layout, or a template the source renders inside one; this platform has no layouts',
});

const TemplateReviewFindingRef = builder.objectRef<ReviewReason>('TemplateReviewFinding').implement({
  description: 'Why an imported template needs a look before it is sent, with where in the template.',
  fields: (t) => ({
    code: t.field({ type: TemplateReviewCodeEnum, description: 'What kind of finding it is', resolve: (r) => r.code }),
    construct: t.exposeString('construct', { description: 'The construct exactly as written (at most 80 characters); empty when the finding is about no construct' }),
    field: t.exposeString('field', { description: 'Which part of the template it is in: `subject`, `html`, `text` (or `template` for the whole)' }),
    line: t.exposeInt('line', { description: 'Its line in that part, from 1' }),
    column: t.exposeInt('column', { description: 'Its column in that line, from 1' }),
    message: t.exposeString('message', { description: 'For people: what was found, where, and what to do about it' }),
  }),
});

const TemplateVariableRef = builder.objectRef<TemplateVariableRecord>('TemplateVariable').implement({
  description: 'A variable the source declared for a template.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Its name, as the template uses it' }),
    type: t.exposeString('type', { description: 'Its type at the source (`string`, `number`, `boolean`, `object`, `list`)' }),
    fallback: t.string({
      nullable: true,
      description: 'Its fallback value at the source, as text (`42`, `true`); null when there is none',
      resolve: (v) => storedValueText(v.fallback),
    }),
  }),
});

export const TemplateRef = builder.objectRef<TemplateRecord>('Template');

function variableFallbacks(variables: TemplateVariableRecord[]): Record<string, unknown> | null {
  const withFallback = variables.filter((v) => v.fallback !== null);
  return withFallback.length ? Object.fromEntries(withFallback.map((v) => [v.key, v.fallback])) : null;
}

builder.node(TemplateRef, {
  description: 'An email template imported from a source, with what a person should review before sending it.',
  id: { resolve: (tpl) => tpl.id, description: 'Its id (`tpl_…`)' },
  loadOne: (id, ctx) => findTemplate(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name at the source' }),
    alias: t.exposeString('alias', { nullable: true, description: 'Its alias at the source (a name to send it by)' }),
    subject: t.exposeString('subject', { nullable: true, description: 'The subject line' }),
    from: t.exposeString('from', { nullable: true, description: 'The sender address it was set up with' }),
    replyTo: t.exposeStringList('replyTo', { nullable: true, description: 'Reply-to addresses; null when none were set' }),
    html: t.exposeString('html', { description: 'The HTML body (images the source hosted point at copies here)' }),
    text: t.exposeString('text', { nullable: true, description: 'The plain-text body, if the source had one' }),
    status: t.field({ type: TemplateStatusEnum, description: 'Whether it was published at the source', resolve: (tpl) => tpl.status }),
    needsReview: t.exposeBoolean('needsReview', { description: 'Whether anything in reviewFindings needs a look before it is sent' }),
    reviewFindings: t.field({
      type: [TemplateReviewFindingRef],
      description: 'What needs a look, in order of field and position; empty when nothing does',
      resolve: (tpl) => tpl.reviewFindings,
    }),
    variables: t.field({ type: [TemplateVariableRef], description: 'The variables the source declared for it', resolve: (tpl) => tpl.variables }),
    previewData: t.field({
      type: 'JSONObject',
      nullable: true,
      description: 'Values to preview it with: the sample data the source kept for it (SendGrid’s test data), else its variables’ fallbacks; null when there are neither',
      resolve: (tpl) => tpl.testData ?? variableFallbacks(tpl.variables),
    }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed (imported, or overwritten by a later import)' }),
  }),
});

builder.queryFields((t) => ({
  templates: t.connection({
    type: TemplateRef,
    description: 'The organization’s templates, by id',
    args: {
      needsReview: t.arg.boolean({ description: 'Only templates that need (true) or do not need (false) a review' }),
    },
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageTemplates(ctx.em, requireAuth(ctx).organizationId, { needsReview: args.needsReview ?? null }, request);
      return toConnection(page.rows, request, (tpl) => tpl.id, page.totalCount);
    },
  }),
}));
