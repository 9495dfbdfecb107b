import type pg from 'pg';
import { emailProblem } from '../../../sources/shared/email.js';
import type { SourceContact, SourceContactDetails } from '../../../sources/source-types.js';
import { writeContactBatch, type ContactRow } from '../../contacts/contact-bulk-writer.js';
import type { ImportContext } from '../import-context.js';
import { ContactEnrichment } from './contact-enrichment.js';

/**
 * Contacts with their memberships, list by list, then the contacts in no list (only when every
 * list was selected: a subset means "these"). Per-contact details are read once per contact: in
 * the global pass when it runs, otherwise in the segment passes.
 */
export async function importContacts(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'contacts';
  if (!ctx.options.contacts) return;
  const selected = new Set(ctx.options.audiences);
  const scanned = ctx.job.scanResult?.audiences ?? [];
  const memberTotal = scanned.filter((a) => selected.has(a.id)).reduce((sum, a) => sum + (a.contact_count ?? 0), 0);
  const counter = ctx.count('contacts', memberTotal || null);
  const globalPass = scanned.every((a) => selected.has(a.id));
  const enrichment = new ContactEnrichment(ctx);

  const lists = (await ctx.connector.lists()).filter((l) => selected.has(l.sourceId));
  const localIds = await ctx.localIds('audience');
  ctx.checkpoints.lists ??= {};
  for (const list of lists) {
    const mark = (ctx.checkpoints.lists[list.sourceId] ??= { after: null, done: false });
    if (mark.done) continue;
    const audienceId = localIds.get(list.sourceId) ?? null;
    const enrich = !globalPass && list.kind !== 'audience' && enrichment.wanted;
    for await (const page of ctx.connector.listMembers(list, mark.after)) {
      const details = enrich ? await enrichment.read(page.items) : new Map<string, SourceContactDetails>();
      await ctx.commit(async (client) => {
        await writeContacts(ctx, client, enrichment, page.items, details, audienceId, list.kind === 'audience');
        for (const warning of page.warnings ?? []) ctx.tally.error('list', warning, list.name);
        counter.processed += page.items.length;
        mark.after = page.nextCursor;
        mark.done = page.nextCursor === null;
      });
    }
    if (!mark.done) await ctx.commit(async () => void (mark.done = true));
  }

  if (!globalPass) return;
  const mark = (ctx.checkpoints.global ??= { after: null, done: false });
  if (mark.done) return;
  for await (const page of ctx.connector.globalContacts(mark.after)) {
    const details = await enrichment.read(page.items);
    await ctx.commit(async (client) => {
      await writeContacts(ctx, client, enrichment, page.items, details, null, false);
      mark.after = page.nextCursor;
      mark.done = page.nextCursor === null;
    });
  }
  if (!mark.done) await ctx.commit(async () => void (mark.done = true));
}

/**
 * Legacy audiences carry a per-audience opt-out: it lands on the membership, never on the
 * contact globally. Segment and global contacts carry the global flag.
 */
async function writeContacts(
  ctx: ImportContext,
  client: pg.PoolClient,
  enrichment: ContactEnrichment,
  items: SourceContact[],
  details: Map<string, SourceContactDetails>,
  audienceId: string | null,
  perAudience: boolean,
) {
  const rows: ContactRow[] = [];
  const optOuts: { email: string; details: SourceContactDetails | undefined }[] = [];
  for (const c of items) {
    const problem = emailProblem(c.email);
    if (problem) {
      if (ctx.firstReport(c.email)) ctx.tally.error('contact', problem, c.emailOriginal);
      continue;
    }
    const d = details.get(c.sourceId);
    rows.push({
      email: c.email,
      emailDisplay: c.emailOriginal.trim(),
      firstName: c.firstName,
      lastName: c.lastName,
      unsubscribed: perAudience ? false : c.unsubscribed,
      audienceUnsubscribed: perAudience ? c.unsubscribed : false,
      customFields: enrichment.fieldValues(c, d),
    });
    if (d) optOuts.push({ email: c.email, details: d });
  }
  const outcome = await writeContactBatch(client, ctx.job.organizationId, rows, audienceId, ctx.startedAt);
  ctx.tally.imported('contacts', outcome.inserted);
  ctx.tally.imported('memberships', outcome.membershipsAdded);
  for (const email of outcome.preexisting) {
    if (ctx.firstReport(email)) ctx.tally.skipped('contact', 'already existed here; merged', email);
  }
  await enrichment.writeTopicOptOuts(client, optOuts);
}
