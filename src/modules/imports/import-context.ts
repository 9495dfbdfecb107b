import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SourceConnector } from '../../sources/source-types.js';
import type { ImportOptions } from '../../model/import-options.js';
import type { ImportCheckpoints, ImportPhase, ImportProgress, KindCount } from '../../model/import-state.js';
import type { ImportCounter, RecordKind } from '../../model/record-kinds.js';
import { plannedCounts, ProgressMeter } from './progress-meter.js';
import { MigrationJobStore, type MigrationJob, type Queryable } from '../migrations/migration-job.store.js';
import * as sourceLinks from '../source-links/source-link.repository.js';
import { ImportTally, type PendingProblem } from './import-result.js';
import { UploadedFiles } from './uploaded-files.js';

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
  /** The files uploaded into the job (read when the run starts). */
  uploads = UploadedFiles.none;
  private readonly meter: ProgressMeter;
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
    // A resumed run goes on from the committed counters and percent, so progress never falls back.
    this.progress = {
      ...structuredClone(job.progress),
      phase: 'custom_fields',
      counts: { ...plannedCounts(job.importOptions, job.scanResult), ...structuredClone(job.progress.counts) },
      startedAt: this.checkpoints.startedAt,
    };
    this.meter = new ProgressMeter(this.progress, job.scanResult?.estimate ?? null);
  }

  get options(): ImportOptions {
    return this.job.importOptions;
  }

  /** The work counter of `kind` (its total planned from the scan at approval). */
  count(kind: ImportCounter): KindCount {
    return this.meter.counter(kind);
  }

  /** A phase begins (shown to subscribers; its rate is measured from here). */
  enterPhase(phase: ImportPhase): void {
    this.meter.enter(phase);
  }

  /** The final figures of a completed import. */
  finalProgress() {
    this.meter.update(this.tally.result, 'done');
    this.progress.phase = 'done';
    return this.progress;
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

  /** Whether an earlier run of this job already brought the record (committed with its counters). */
  async broughtByThisJob(db: Queryable, kind: RecordKind, sourceId: string): Promise<boolean> {
    return (await sourceLinks.linkingJob(db, this.linkScope, kind, sourceId)) === this.job.id;
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
    const progressBefore = structuredClone(this.progress);
    // Records the connector skipped since the last commit are reported with this batch.
    const problems = this.connector.problems.drain();
    let rowProblems: PendingProblem[] = [];
    try {
      await client.query('begin');
      await write(client);
      for (const p of problems) this.tally.error(p.kind, p.reason, p.sourceId);
      rowProblems = this.tally.takePending();
      await this.tally.persistProblems(client, this.job.id, this.job.run, rowProblems);
      this.meter.update(this.tally.result);
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
      // In place: phases hold their counters.
      const { counts, ...rest } = progressBefore;
      Object.assign(this.progress, rest);
      for (const [kind, c] of Object.entries(counts)) Object.assign(this.meter.counter(kind as ImportCounter), c);
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
      this.meter.finish(name);
    });
  }

  isDone(name: string): boolean {
    return this.checkpoints.done?.[name] === true;
  }
}

