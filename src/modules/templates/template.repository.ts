import { newId } from '../../db/ids.js';
import type { SourceTemplateVariable } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';
import type { ReviewReason } from './template-review.js';

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
                                  variables, status, needs_review, review_reasons, source_provider)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [id, t.organizationId, t.name, t.alias, t.subject, t.fromAddress, JSON.stringify(t.replyTo), t.html, t.textBody,
      JSON.stringify(t.variables), t.status, t.needsReview, JSON.stringify(t.reviewReasons), t.sourceProvider],
  );
  return id;
}

export interface TemplateContent {
  id: string;
  organizationId: string;
  subject: string | null;
  html: string;
  needsReview: boolean;
  reviewReasons: ReviewReason[];
}

/**
 * Overwrites subject and html (and the review that goes with them). True when the template
 * changed: one whose subject and html already match is not touched, so it is not reported updated.
 */
export async function updateTemplateContent(db: Queryable, t: TemplateContent): Promise<boolean> {
  const { rowCount } = await db.query(
    `update templates set subject = $3, html = $4, needs_review = $5, review_reasons = $6, updated_at = now()
            where id = $1 and organization_id = $2 and (subject is distinct from $3 or html is distinct from $4)`,
    [t.id, t.organizationId, t.subject, t.html, t.needsReview, JSON.stringify(t.reviewReasons)],
  );
  return Boolean(rowCount);
}
