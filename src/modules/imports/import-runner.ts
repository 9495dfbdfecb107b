import { createHash } from 'node:crypto';
import type pg from 'pg';
import { newId } from '../../db/ids.js';
import { emailProblem } from '../../sources/shared/email.js';
import type { SourceConnector, SourceContact, SourceDomain, SourceList } from '../../sources/source-types.js';
import { writeContactBatch, type ContactRow } from '../contacts/contact-bulk-writer.js';
import type { ImportOptions } from '../migrations/migration-options.js';
import type { ImportCheckpoints, ImportProgress } from './import-checkpoints.js';
import { ImportTally, type ImportResult } from './import-result.js';

export interface ImportJobState {
  id: string;
  organizationId: string;
  source: string;
  importOptions: ImportOptions;
  checkpoints: ImportCheckpoints;
  importResult: Partial<ImportResult> | null;
  scanResult: { audiences?: { id: string; contact_count?: number }[] } | null;
}

/** The job left `importing` (cancelled, or finished elsewhere): stop without writing more. */
export class ImportInterrupted extends Error {
  constructor() {
    super('import interrupted: the job is no longer importing');
    this.name = 'ImportInterrupted';
  }
}

/**
 * Runs the import phases in order (domains, audiences, contacts with memberships). Every batch
 * commits together with the checkpoint, the counters and the result, guarded on the job still
 * being `importing`, so a killed worker resumes exactly after the last committed batch and a
 * cancelled job gets no further writes.
 */
export class ImportRunner {
  private readonly tally: ImportTally;
  private readonly checkpoints: ImportCheckpoints;
  private readonly progress: ImportProgress;
  private readonly startedAt: Date;
  /** Digests of addresses already reported, so a contact in several lists is reported once. */
  private readonly reported = new Set<number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly job: ImportJobState,
    private readonly connector: SourceConnector,
  ) {
    this.tally = new ImportTally(job.importResult);
    this.checkpoints = structuredClone(job.checkpoints ?? {});
    this.checkpoints.startedAt ??= new Date().toISOString();
    this.startedAt = new Date(this.checkpoints.startedAt);
    const memberTotal = (job.scanResult?.audiences ?? [])
      .filter((a) => job.importOptions.audiences.includes(a.id))
      .reduce((sum, a) => sum + (a.contact_count ?? 0), 0);
    this.progress = {
      phase: 'domains',
      counts: {
        domains: { processed: 0, total: job.importOptions.domains.length },
        audiences: { processed: 0, total: job.importOptions.audiences.length },
        contacts: { processed: 0, total: job.importOptions.contacts ? memberTotal : 0 },
      },
    };
  }

  get result(): ImportResult {
    return this.tally.result;
  }

  get currentProgress(): ImportProgress {
    return this.progress;
  }

  async run(): Promise<ImportResult> {
    for (const kind of ['domains', 'audiences', 'contacts', 'memberships']) this.tally.ensureKind(kind);
    if (!this.checkpoints.domainsDone) await this.importDomains();
    if (!this.checkpoints.audiencesDone) await this.importAudiences();
    if (this.job.importOptions.contacts) await this.importContacts();
    this.progress.phase = 'done';
    return this.tally.result;
  }

  private async importDomains(): Promise<void> {
    this.progress.phase = 'domains';
    const wanted = new Set(this.job.importOptions.domains);
    for await (const domain of this.connector.domains()) {
      if (!wanted.has(domain.name)) continue;
      await this.commit((client) => this.writeDomain(client, domain));
      this.progress.counts.domains!.processed++;
    }
    await this.commit(async () => {
      this.checkpoints.domainsDone = true;
    });
  }

  private async writeDomain(client: pg.PoolClient, domain: SourceDomain): Promise<void> {
    const { organizationId, source } = this.job;
    const inserted = await client.query(
      `insert into domains (id, organization_id, name, source_provider, source_status, region, dns_records)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (organization_id, name) do nothing returning id`,
      [newId('dom'), organizationId, domain.name, source, domain.status, domain.region, JSON.stringify(domain.records)],
    );
    const localId =
      inserted.rows[0]?.id ??
      (await client.query('select id from domains where organization_id = $1 and name = $2', [organizationId, domain.name]))
        .rows[0].id;
    if (inserted.rowCount) this.tally.imported('domains');
    else this.tally.skipped('domain', 'a domain with this name already exists here', domain.name);
    await this.link(client, 'domain', domain.sourceId, localId);
  }

  private async importAudiences(): Promise<void> {
    this.progress.phase = 'audiences';
    const wanted = new Set(this.job.importOptions.audiences);
    for (const list of await this.connector.lists()) {
      if (!wanted.has(list.sourceId)) continue;
      await this.commit((client) => this.writeAudience(client, list));
      this.progress.counts.audiences!.processed++;
    }
    await this.commit(async () => {
      this.checkpoints.audiencesDone = true;
    });
  }

  private async writeAudience(client: pg.PoolClient, list: SourceList): Promise<void> {
    const { organizationId, source } = this.job;
    const linked = await client.query(
      `select a.id from source_links l join audiences a on a.id = l.local_id
        where l.organization_id = $1 and l.provider = $2 and l.kind = 'audience' and l.source_id = $3`,
      [organizationId, source, list.sourceId],
    );
    if (linked.rowCount) {
      this.tally.skipped('audience', 'already imported from this source', list.sourceId);
      return;
    }
    const id = newId('aud');
    await client.query(
      `insert into audiences (id, organization_id, name, source_provider) values ($1, $2, $3, $4)`,
      [id, organizationId, list.name, source],
    );
    this.tally.imported('audiences');
    await this.link(client, 'audience', list.sourceId, id);
  }

  private async importContacts(): Promise<void> {
    this.progress.phase = 'contacts';
    const selected = new Set(this.job.importOptions.audiences);
    const lists = (await this.connector.lists()).filter((l) => selected.has(l.sourceId));
    const localIds = await this.localAudienceIds();
    this.checkpoints.lists ??= {};
    for (const list of lists) {
      const mark = (this.checkpoints.lists[list.sourceId] ??= { after: null, done: false });
      if (mark.done) continue;
      const audienceId = localIds.get(list.sourceId) ?? null;
      for await (const page of this.connector.listMembers(list, mark.after)) {
        await this.commit(async (client) => {
          await this.writeContacts(client, page.items, audienceId, list.kind === 'audience');
          mark.after = page.nextCursor;
          mark.done = page.nextCursor === null;
        });
      }
      if (!mark.done) await this.commit(async () => void (mark.done = true));
    }
    // Contacts in no list come along only when every list was selected: a subset means "these".
    const scanned = this.job.scanResult?.audiences?.map((a) => a.id) ?? [];
    if (scanned.every((id) => selected.has(id))) {
      const mark = (this.checkpoints.global ??= { after: null, done: false });
      if (!mark.done) {
        for await (const page of this.connector.globalContacts(mark.after)) {
          await this.commit(async (client) => {
            await this.writeContacts(client, page.items, null, false);
            mark.after = page.nextCursor;
            mark.done = page.nextCursor === null;
          });
        }
        if (!mark.done) await this.commit(async () => void (mark.done = true));
      }
    }
  }

  /**
   * Legacy audiences carry a per-audience opt-out: it lands on the membership, never on the
   * contact globally. Segment and global contacts carry the global flag.
   */
  private async writeContacts(client: pg.PoolClient, items: SourceContact[], audienceId: string | null, perAudience: boolean) {
    const rows: ContactRow[] = [];
    for (const c of items) {
      const problem = emailProblem(c.email);
      if (problem) {
        if (this.firstReport(c.email)) this.tally.error('contact', problem, c.emailOriginal);
        continue;
      }
      rows.push({
        email: c.email,
        emailDisplay: c.emailOriginal.trim(),
        firstName: c.firstName,
        lastName: c.lastName,
        unsubscribed: perAudience ? false : c.unsubscribed,
        audienceUnsubscribed: perAudience ? c.unsubscribed : false,
      });
    }
    const outcome = await writeContactBatch(client, this.job.organizationId, rows, audienceId, this.startedAt);
    this.tally.imported('contacts', outcome.inserted);
    this.tally.imported('memberships', outcome.membershipsAdded);
    for (const email of outcome.preexisting) {
      if (this.firstReport(email)) this.tally.skipped('contact', 'already existed here; merged', email);
    }
    this.progress.counts.contacts!.processed += items.length;
  }

  private firstReport(email: string): boolean {
    const key = createHash('sha1').update(email).digest().readUIntBE(0, 6);
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  private async localAudienceIds(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ source_id: string; local_id: string }>(
      `select source_id, local_id from source_links where organization_id = $1 and provider = $2 and kind = 'audience'`,
      [this.job.organizationId, this.job.source],
    );
    return new Map(rows.map((r) => [r.source_id, r.local_id]));
  }

  private async link(client: pg.PoolClient, kind: string, sourceId: string, localId: string) {
    await client.query(
      `insert into source_links (organization_id, provider, kind, source_id, local_id, migration_job_id)
       values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, provider, kind, source_id) do nothing`,
      [this.job.organizationId, this.job.source, kind, sourceId, localId, this.job.id],
    );
  }

  /** Runs `write` and saves checkpoint, progress and result in one transaction. */
  private async commit(write: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    const tallyBefore = structuredClone(this.tally.result);
    const checkpointsBefore = structuredClone(this.checkpoints);
    try {
      await client.query('begin');
      await write(client);
      const saved = await client.query(
        `update migration_jobs set checkpoints = $3, import_result = $4, progress = $5, updated_at = now()
          where id = $1 and organization_id = $2 and status = 'importing'`,
        [this.job.id, this.job.organizationId, this.checkpoints, this.tally.result, this.progress],
      );
      if (!saved.rowCount) throw new ImportInterrupted();
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      // What the rolled-back batch counted did not happen.
      Object.assign(this.tally.result, tallyBefore);
      Object.assign(this.checkpoints, checkpointsBefore);
      throw err;
    } finally {
      client.release();
    }
  }
}
