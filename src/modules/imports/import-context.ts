import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SourceConnector } from '../../sources/source-types.js';
import type { ImportOptions } from '../../model/import-options.js';
import type { ImportCheckpoints, ImportProgress } from '../../model/import-state.js';
import type { ImportCounter, RecordKind } from '../../model/record-kinds.js';
import { MigrationJobStore, type MigrationJob, type Queryable } from '../migrations/migration-job.store.js';
import * as sourceLinks from '../source-links/source-link.repository.js';
import { ImportTally, type PendingProblem } from './import-result.js';

/**
 * The job an import runs for: `run` is the run it belongs to (a commit of an older run is
 * refused), `progress` what the last batch committed (of this run or an earlier one).
 */
export type ImportJobState = Pick<MigrationJob, 'id' | 'run' | 'organizationId' | 'source' | 'checkpoints' | 'importResult' | 'progress' | 'scanResult'> & {
  importOptions: ImportOptions;
  /** Public base URL that re-hosted media is served from (the API's). */
  mediaBaseUrl: string;
};

/** The job left `importing` (cancelled, or finished elsewhere): stop without writing more. */
export class ImportInterrupted extends Error {
  constructor() {
    super('import interrupted: the job is no longer importing');
    this.name = 'ImportInterrupted';
  }
}

/**
 * What every phase shares: the connector, the tally, the checkpoints, and `commit`, which saves
 * a batch together with checkpoint, progress and result in one transaction guarded on the job
 * still being `importing`.
 */
export class ImportContext {
  readonly tally: ImportTally;
  readonly checkpoints: ImportCheckpoints;
  readonly progress: ImportProgress;
  readonly startedAt: Date;
  /** Digests of addresses already reported, so a contact in several lists is reported once. */
  private readonly reported = new Set<number>();

  constructor(
    readonly pool: pg.Pool,
    readonly job: ImportJobState,
    readonly connector: SourceConnector,
  ) {
    this.tally = new ImportTally(job.importResult);
    this.checkpoints = structuredClone(job.checkpoints ?? {});
    this.checkpoints.startedAt ??= new Date().toISOString();
    this.startedAt = new Date(this.checkpoints.startedAt);
    // A resumed run goes on from the committed counters, so progress never falls back.
    this.progress = { phase: 'custom_fields', counts: structuredClone(job.progress.counts), startedAt: this.checkpoints.startedAt };
  }

  get options(): ImportOptions {
    return this.job.importOptions;
  }

  count(kind: ImportCounter, total: number | null): { processed: number; total: number | null } {
    return (this.progress.counts[kind] ??= { processed: 0, total });
  }

  /** True the first time an address is reported in this run. */
  firstReport(email: string): boolean {
    const key = createHash('sha1').update(email).digest().readUIntBE(0, 6);
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  async link(db: Queryable, kind: RecordKind, sourceId: string, localId: string): Promise<void> {
    await sourceLinks.link(db, this.linkScope, kind, sourceId, localId, this.job.id);
  }

  linkedId(db: Queryable, kind: RecordKind, sourceId: string): Promise<string | null> {
    return sourceLinks.linkedId(db, this.linkScope, kind, sourceId);
  }

  /** Links committed so far: read on the pool, so not those of a batch still being written. */
  localIds(kind: RecordKind): Promise<Map<string, string>> {
    return sourceLinks.localIds(this.pool, this.linkScope, kind);
  }

  private get linkScope(): sourceLinks.SourceLinkScope {
    return { organizationId: this.job.organizationId, provider: this.job.source };
  }

  /** Runs `write` and saves checkpoint, progress and result in one transaction. */
  async commit(write: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    const tallyBefore = structuredClone(this.tally.result);
    const checkpointsBefore = structuredClone(this.checkpoints);
    // Records the connector skipped since the last commit are reported with this batch.
    const problems = this.connector.problems.drain();
    let rowProblems: PendingProblem[] = [];
    try {
      await client.query('begin');
      await write(client);
      for (const p of problems) this.tally.error(p.kind, p.reason, p.sourceId);
      rowProblems = this.tally.takePending();
      await this.tally.persistProblems(client, this.job.id, this.job.run, rowProblems);
      const saved = await new MigrationJobStore(client).transition(
        this.job,
        { from: ['importing'], run: this.job.run },
        { checkpoints: this.checkpoints, importResult: this.tally.result, progress: this.progress },
      );
      if (!saved) throw new ImportInterrupted();
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      // What the rolled-back batch counted did not happen.
      Object.assign(this.tally.result, tallyBefore);
      Object.assign(this.checkpoints, checkpointsBefore);
      this.connector.problems.restore(problems);
      this.tally.restorePending(rowProblems);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Marks a phase done (committed, so a resumed run skips it). */
  async finishPhase(name: string): Promise<void> {
    await this.commit(async () => {
      this.checkpoints.done = { ...this.checkpoints.done, [name]: true };
    });
  }

  isDone(name: string): boolean {
    return this.checkpoints.done?.[name] === true;
  }
}

