import type pg from 'pg';
import type { SourceTemplate } from '../../../sources/source-types.js';
import { reviewTemplate, type ReviewReason } from '../../templates/template-review.js';
import type { ImportContext } from '../import-context.js';
import { mediaPath, storeMedia } from '../../media/media-store.js';
import { recordJobMedia } from '../../media/media.repository.js';
import { insertTemplate, updateTemplateContent } from '../../templates/template.repository.js';
import { findSource } from '../../source-catalog/source-catalog.js';

/** A finding about the whole template, not a construct in it. */
const aboutTemplate = (code: ReviewReason['code'], message: string): ReviewReason => ({ code, construct: '', field: 'template', line: 1, column: 1, message });

/** Why a template needs a look even when it parses cleanly: the version imported, a layout. */
function sourceReasons(t: SourceTemplate, source: string): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  if (t.hasUnpublishedVersions) {
    reasons.push(aboutTemplate('unpublished_version', `${source} has an unpublished draft newer than this version and offers no way to read a specific version: compare with ${source} before sending`));
  }
  if (t.layout?.kind === 'layout') {
    reasons.push(aboutTemplate('layout', `A ${source} layout: this platform has no layouts, so it is imported as a template of its own and the templates that used it come without it`));
  } else if (t.layout) {
    reasons.push(aboutTemplate('layout', `${source} renders this template inside the layout "${t.layout.alias}": this platform has no layouts, so it is imported without it; merge the layout's HTML in before sending`));
  }
  return reasons;
}

/**
 * Images on the provider's own hosting are downloaded, stored content-addressed and the HTML
 * pointed at our copies, so templates keep working after the old account is closed.
 */
async function rehostImages(ctx: ImportContext, html: string): Promise<{ html: string; images: string[] }> {
  const urls = ctx.connector.hostedImageUrls?.(html) ?? [];
  let out = html;
  const images: string[] = [];
  for (const url of urls) {
    try {
      const { bytes, contentType } = await ctx.connector.fetchImage!(url);
      const { sha256 } = await storeMedia(ctx.pool, ctx.job.organizationId, bytes, contentType, url);
      out = out.split(url).join(`${ctx.job.mediaBaseUrl.replace(/\/+$/, '')}${mediaPath(sha256, contentType)}`);
      images.push(sha256);
    } catch (err) {
      ctx.tally.error('image', `could not re-host: ${(err as Error).message}`, url);
    }
  }
  return { html: out, images };
}

/** Counts the job's re-hosted images once each, in the transaction of the template that uses them. */
async function countImages(ctx: ImportContext, client: pg.PoolClient, images: string[]): Promise<void> {
  ctx.tally.imported('images', await recordJobMedia(client, ctx.job.id, images));
}

/**
 * Templates, upserted by source template id: one imported before is left alone, or, when the
 * user asked to overwrite, gets the source's subject and html. Constructs our renderer cannot
 * reproduce (loops, conditionals, partials, helpers) mark it needs_review with their positions.
 */
export async function importTemplates(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('templates');
  const done = new Set(ctx.checkpoints.templates ?? []);
  const todo = ctx.options.templates.filter((id) => !done.has(id));
  const counter = ctx.count('templates');
  counter.processed = done.size;
  for (const sourceId of todo) {
    const t = await ctx.connector.template(sourceId);
    if (!t) {
      // An unreadable one was reported by the connector, with its reason: once is enough.
      const unreadable = ctx.connector.problems.has('template', sourceId);
      await ctx.commit(async () => {
        if (!unreadable) ctx.tally.error('template', 'no template with this id at the source', sourceId);
        ctx.checkpoints.templates = [...(ctx.checkpoints.templates ?? []), sourceId];
      });
      continue;
    }
    const { html, images } = await rehostImages(ctx, t.html);
    const review = reviewTemplate({ subject: t.subject, html, text: t.text });
    const reasons = [...review.reasons, ...sourceReasons(t, findSource(ctx.job.source)?.label ?? ctx.job.source)];
    const needsReview = reasons.length > 0;
    // Sources that do not list a template's variables (SendGrid) get the ones its body uses.
    const variables = t.variables.length
      ? t.variables.map((v) => ({ key: v.key, type: v.type, fallback: v.fallback }))
      : review.variables.map((v) => ({ key: v.name, type: 'string', fallback: v.fallback }));
    await ctx.commit(async (client) => {
      await countImages(ctx, client, images);
      const linked = await ctx.linkedId(client, 'template', t.sourceId);
      let id = linked;
      let action: 'created' | 'updated' | 'unchanged' | 'skipped';
      if (!linked) {
        id = await insertTemplate(client, {
          organizationId: ctx.job.organizationId,
          name: t.name,
          alias: t.alias,
          subject: t.subject,
          fromAddress: t.from,
          replyTo: t.replyTo,
          html,
          textBody: t.text,
          variables,
          testData: t.testData,
          status: t.status,
          needsReview,
          reviewReasons: reasons,
          sourceProvider: ctx.job.source,
        });
        await ctx.link(client, 'template', t.sourceId, id);
        ctx.tally.imported('templates');
        action = 'created';
      } else if (ctx.options.overwriteTemplates) {
        const updated = await updateTemplateContent(client, {
          id: linked,
          organizationId: ctx.job.organizationId,
          subject: t.subject,
          html,
          testData: t.testData,
          needsReview,
          reviewReasons: reasons,
        });
        action = updated ? 'updated' : 'unchanged';
        if (updated) ctx.tally.imported('templates_updated');
      } else {
        action = 'skipped';
        ctx.tally.skipped('template', 'already imported from this source (overwrite not requested)', t.name);
      }
      if (needsReview && action !== 'skipped' && action !== 'unchanged') ctx.tally.imported('templates_needing_review');
      ctx.tally.template({ source_id: t.sourceId, id: id!, name: t.name, action, needs_review: needsReview });
      ctx.checkpoints.templates = [...(ctx.checkpoints.templates ?? []), t.sourceId];
      counter.processed++;
    });
  }
}
