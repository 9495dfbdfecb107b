import type pg from 'pg';
import { emailProblem } from '../../../sources/shared/email.js';
import type { SourceContact, SourceContactDetails, SourcePage } from '../../../sources/source-types.js';
import { contactRowProblem, writeContactBatch, type ContactRow } from '../../contacts/contact-bulk-writer.js';
import { analyzeContactTables } from '../../contacts/contact-statistics.js';
import { readAhead } from '../read-ahead.js';
import { pageGroups } from '../page-groups.js';
import { SeenEmails } from '../seen-emails.js';
import type { ImportContext } from '../import-context.js';
import type { KindCount } from '../../../model/import-state.js';
import { ContactEnrichment } from './contact-enrichment.js';

/**
 * Contacts with their memberships, list by list, then the contacts in no list (only when every
 * list was selected: a subset means "these"). Per-contact details are read once per contact: in
 * the global pass when it runs, otherwise in the segment passes.
 */
export async function importContacts(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('contacts');
  if (!ctx.options.contacts) return;
  const selected = new Set(ctx.options.audiences);
  const scanned = ctx.job.scanResult?.audiences ?? [];
  const counter = ctx.count('contacts');
  const globalPass = scanned.every((a) => selected.has(a.id));
  const enrichment = new ContactEnrichment(ctx);
  const insertedBefore = ctx.tally.result.imported.contacts ?? 0;
  const statistics = new EarlyStatistics(ctx, insertedBefore);
  // Where a list's records are complete, the pass over everyone only needs the contacts no list
  // pass of this run wrote. (A resumed run starts with an empty set: it reads them all again.)
  const seen = globalPass && ctx.connector.listRecordsAreComplete ? new SeenEmails() : null;

  const lists = (await ctx.connector.lists()).filter((l) => selected.has(l.sourceId));
  const localIds = await ctx.localIds('audience');
  ctx.checkpoints.lists ??= {};
  const marks = ctx.checkpoints.lists;
  ctx.connector.prepareContactReads?.(
    lists.filter((l) => !marks[l.sourceId]?.done && !marks[l.sourceId]?.after),
    globalPass && !ctx.checkpoints.global?.done && !ctx.checkpoints.global?.after,
  );
  for (const list of lists) {
    const mark = (ctx.checkpoints.lists[list.sourceId] ??= { after: null, done: false });
    if (mark.done) continue;
    const audienceId = localIds.get(list.sourceId) ?? null;
    const enrich = !globalPass && list.kind !== 'audience' && enrichment.wanted;
    const read = async (page: SourcePage<SourceContact>) => ({ page, details: enrich ? await enrichment.read(page.items) : new Map<string, SourceContactDetails>() });
    for await (const { page, details, fetched } of pageGroups(readAhead(ctx.connector.listMembers(list, mark.after)), read, GROUP_LIMITS)) {
      await ctx.commit(async (client) => {
        const written = await writeContacts(ctx, client, enrichment, page, details, audienceId, list.kind === 'audience');
        if (seen) for (const email of written) seen.add(email);
        for (const warning of page.warnings ?? []) ctx.tally.error('audience', warning, list.name);
        counter.processed += fetched;
        mark.after = page.nextCursor;
        mark.done = page.nextCursor === null;
      });
      await statistics.refreshWhenDue();
    }
    if (!mark.done) await ctx.commit(async () => void (mark.done = true));
  }

  if (globalPass) {
    await importUnlistedContacts(ctx, enrichment, seen, statistics, counter);
    await reportUploadedContactsNotInAccount(ctx);
  }
  if ((ctx.tally.result.imported.contacts ?? 0) - insertedBefore >= ANALYZE_AFTER_ROWS) await analyzeContactTables(ctx.pool);
}

/**
 * Pages of contacts written per transaction: about a thousand contacts, and never a page held
 * more than a quarter second for the next (see pageGroups).
 */
const GROUP_LIMITS = { records: 1_000, ms: 250 };

/** Rows a contacts phase must add before it refreshes the tables' planner statistics. */
const ANALYZE_AFTER_ROWS = 50_000;

/**
 * Rows an import adds before the planner is told about them, once. Until then the planner takes
 * a new organization for an empty one and may answer the per-address lookups of a batch with an
 * index on (organization_id, …) alone, reading every contact of the organization for each
 * address: quadratic, measured at 15, 29, then 44 s a batch of 10,000 beside a 200,000-contact
 * organization (found by `npm run chaos`). After one ANALYZE it uses the (organization_id,
 * email) key.
 */
const EARLY_ANALYZE_ROWS = 5_000;

class EarlyStatistics {
  private refreshed = false;

  constructor(
    private readonly ctx: ImportContext,
    private readonly insertedBefore: number,
  ) {}

  async refreshWhenDue(): Promise<void> {
    if (this.refreshed || (this.ctx.tally.result.imported.contacts ?? 0) - this.insertedBefore < EARLY_ANALYZE_ROWS) return;
    this.refreshed = true;
    await analyzeContactTables(this.ctx.pool);
  }
}

async function importUnlistedContacts(
  ctx: ImportContext,
  enrichment: ContactEnrichment,
  seen: SeenEmails | null,
  statistics: EarlyStatistics,
  counter: KindCount,
): Promise<void> {
  const mark = (ctx.checkpoints.global ??= { after: null, done: false });
  if (mark.done) return;
  const read = async (fetched: SourcePage<SourceContact>) => {
    const page = seen ? { ...fetched, items: fetched.items.filter((c) => !seen.has(c.email)) } : fetched;
    return { page, details: await enrichment.read(page.items) };
  };
  for await (const { page, details, fetched } of pageGroups(readAhead(ctx.connector.globalContacts(mark.after)), read, GROUP_LIMITS)) {
    await ctx.commit(async (client) => {
      await writeContacts(ctx, client, enrichment, page, details, null, false);
      counter.processed += fetched;
      mark.after = page.nextCursor;
      mark.done = page.nextCursor === null;
    });
    await statistics.refreshWhenDue();
  }
  if (!mark.done) await ctx.commit(async () => void (mark.done = true));
}

/**
 * The account decides who is a contact: an uploaded contact no page of it brought is not
 * imported, and reported with its line. (Only after a pass over everyone: an import of some
 * lists leaves the others' contacts out on purpose.)
 */
async function reportUploadedContactsNotInAccount(ctx: ImportContext): Promise<void> {
  const marks = (ctx.checkpoints.uploads ??= {});
  if (!ctx.uploads.hasContacts || marks.unmatchedReported) return;
  const source = ctx.job.source;
  for await (const rows of ctx.uploads.unmatched(ctx.pool, ctx.job.organizationId)) {
    for (const r of rows) ctx.tally.error('contact', `in the uploaded export${r.filename ? ` ${r.filename}` : ''} (line ${r.line}) but not in the ${source} account: not imported`, r.email);
    await ctx.commit(async () => {}); // the batch's problems
  }
  await ctx.commit(async () => void (marks.unmatchedReported = true));
}

/**
 * Legacy audiences carry a per-audience opt-out: it lands on the membership, never on the
 * contact globally. Segment and global contacts carry the global flag.
 */
async function writeContacts(
  ctx: ImportContext,
  client: pg.PoolClient,
  enrichment: ContactEnrichment,
  page: SourcePage<SourceContact>,
  details: Map<string, SourceContactDetails>,
  audienceId: string | null,
  perAudience: boolean,
): Promise<string[]> {
  const rows: ContactRow[] = [];
  const optOuts: { email: string; details: SourceContactDetails | undefined }[] = [];
  for (const reject of page.rejects ?? []) ctx.tally.error('contact', reject.reason, reject.example);
  for (const c of page.items) {
    const problem = emailProblem(c.email);
    if (problem) {
      if (ctx.firstReport(c.email)) ctx.tally.error('contact', problem, c.email);
      continue;
    }
    // Values that came with the record (SendGrid's export) are used in every pass; per-contact reads only in one.
    const d = details.get(c.sourceId) ?? (c.properties ? { properties: c.properties } : undefined);
    const uploaded = d?.uploaded;
    const row: ContactRow = {
      email: c.email,
      emailDisplay: c.emailOriginal.trim(),
      firstName: c.firstName ?? uploaded?.firstName ?? null,
      lastName: c.lastName ?? uploaded?.lastName ?? null,
      // An opt-out in either the account or the uploaded export is kept.
      unsubscribed: perAudience ? false : c.unsubscribed || uploaded?.unsubscribed === true,
      audienceUnsubscribed: perAudience ? c.unsubscribed : false,
      customFields: enrichment.fieldValues(c, d),
    };
    const tooLong = contactRowProblem(row);
    if (tooLong) {
      if (ctx.firstReport(c.email)) ctx.tally.error('contact', tooLong, c.email);
      continue;
    }
    rows.push(row);
    if (d) optOuts.push({ email: c.email, details: d });
  }
  const outcome = await writeContactBatch(client, ctx.job.organizationId, rows, audienceId, ctx.startedAt, ctx.job.id);
  ctx.tally.imported('contacts', outcome.inserted);
  ctx.tally.imported('memberships', outcome.membershipsAdded);
  for (const email of outcome.preexisting) {
    if (ctx.firstReport(email)) ctx.tally.skipped('contact', 'already existed here; merged', email);
  }
  await enrichment.writeTopicOptOuts(client, optOuts);
  return rows.map((r) => r.email);
}
