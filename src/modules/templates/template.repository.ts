import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import type { SourceTemplateVariable } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';
import type { StoredValue } from '../custom-fields/value-text.js';
import { REVIEW_REASON_CODES, type ReviewReason } from './template-review.js';

export interface NewTemplate {
  organizationId: string;
  name: string;
  alias: string | null;
  subject: string | null;
  fromAddress: string | null;
  replyTo: string[] | null;
  html: string;
  textBody: string | null;
  variables: SourceTemplateVariable[];
  testData: Record<string, unknown> | null;
  status: 'draft' | 'published';
  needsReview: boolean;
  reviewReasons: ReviewReason[];
  sourceProvider: KnownSource;
}

/** Creates a template and returns its id. */
export async function insertTemplate(db: Queryable, t: NewTemplate): Promise<string> {
  const id = newId('tpl');
  await db.query(
    `insert into templates (id, organization_id, name, alias, subject, from_address, reply_to, html, text_body,
                                  variables, test_data, status, needs_review, review_reasons, source_provider)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [id, t.organizationId, t.name, t.alias, t.subject, t.fromAddress, JSON.stringify(t.replyTo), t.html, t.textBody,
      JSON.stringify(t.variables), JSON.stringify(t.testData), t.status, t.needsReview, JSON.stringify(t.reviewReasons), t.sourceProvider],
  );
  return id;
}

export interface TemplateContent {
  id: string;
  organizationId: string;
  subject: string | null;
  html: string;
  testData: Record<string, unknown> | null;
  needsReview: boolean;
  reviewReasons: ReviewReason[];
}

/**
 * Overwrites subject, html and test data (and the review that goes with them). True when the
 * template changed: one whose content already matches is not touched, so it is not reported updated.
 */
export async function updateTemplateContent(db: Queryable, t: TemplateContent): Promise<boolean> {
  const { rowCount } = await db.query(
    `update templates set subject = $3, html = $4, test_data = $7::jsonb, needs_review = $5, review_reasons = $6, updated_at = now()
            where id = $1 and organization_id = $2
              and (subject is distinct from $3 or html is distinct from $4 or test_data is distinct from $7::jsonb)`,
    [t.id, t.organizationId, t.subject, t.html, t.needsReview, JSON.stringify(t.reviewReasons), JSON.stringify(t.testData)],
  );
  return Boolean(rowCount);
}

// --- reads -----------------------------------------------------------------------------------

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

/** One entry of `templates.review_reasons`, as the import writes it (`ReviewReason`). */
export const reviewReasonSchema = z.object({
  code: z.enum(REVIEW_REASON_CODES),
  construct: z.string(),
  field: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
}) satisfies z.ZodType<ReviewReason>;

/** One entry of `templates.variables`: a variable the source declared (`SourceTemplateVariable`). */
export const templateVariableSchema = z.object({
  key: z.string(),
  type: z.string(),
  fallback: z.json().nullable(),
});

export const TEMPLATE_STATUSES = ['draft', 'published'] as const;

const templateRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    alias: z.string().nullable(),
    subject: z.string().nullable(),
    from_address: z.string().nullable(),
    reply_to: z.array(z.string()).nullable(),
    html: z.string(),
    text_body: z.string().nullable(),
    variables: z.array(templateVariableSchema),
    test_data: z.record(z.string(), z.json()).nullable(),
    status: z.enum(TEMPLATE_STATUSES),
    needs_review: z.boolean(),
    review_reasons: z.array(reviewReasonSchema),
    source_provider: z.string().nullable(),
    created_at: z.coerce.date(),
    updated_at: z.coerce.date(),
  })
  .transform((t) => ({
    id: t.id,
    name: t.name,
    alias: t.alias,
    subject: t.subject,
    from: t.from_address,
    replyTo: t.reply_to,
    html: t.html,
    text: t.text_body,
    variables: t.variables.map((v) => ({ key: v.key, type: v.type, fallback: v.fallback as StoredValue })),
    testData: t.test_data,
    status: t.status,
    needsReview: t.needs_review,
    reviewFindings: t.review_reasons,
    sourceProvider: t.source_provider,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  }));
export type TemplateRecord = z.infer<typeof templateRowSchema>;
export type TemplateVariableRecord = TemplateRecord['variables'][number];
const templateRows = z.array(templateRowSchema);

const COLUMNS = `id, name, alias, subject, from_address, reply_to, html, text_body, variables, test_data, status, needs_review, review_reasons,
  source_provider, created_at, updated_at`;

/** One template of the organization, or null. */
export async function findTemplate(db: Reader, organizationId: string, id: string): Promise<TemplateRecord | null> {
  const rows = await db.execute(`select ${COLUMNS} from templates where organization_id = ? and id = ?`, [organizationId, id]);
  return templateRows.parse(rows)[0] ?? null;
}

/** The organization's templates by id (`templates_listing_idx`), all or only those that do (not) need review. */
export async function pageTemplates(
  db: Reader,
  organizationId: string,
  filter: { needsReview: boolean | null },
  { first, afterKey }: PageRequest,
): Promise<Page<TemplateRecord>> {
  const rows = await db.execute(
    `select ${COLUMNS} from templates
      where organization_id = ? and (?::text is null or id > ?) and (?::boolean is null or needs_review = ?)
      order by id limit ?`,
    [organizationId, afterKey, afterKey, filter.needsReview, filter.needsReview, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>(
    'select count(*)::int as count from templates where organization_id = ? and (?::boolean is null or needs_review = ?)',
    [organizationId, filter.needsReview, filter.needsReview],
  );
  return { rows: templateRows.parse(rows), totalCount: count };
}
