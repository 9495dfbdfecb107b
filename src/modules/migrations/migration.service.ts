import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError, notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AppServices } from '../../app-services.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import { migrationImportJob, migrationScanJob } from '../../jobs/job-definitions.js';
import { createConnector } from '../../sources/connector-factory.js';
import { SourceError } from '../../sources/source-types.js';
import { quoteInput, redactSecret } from '../../errors/message-text.js';
import { findSource, isKnownSource, type KnownSource } from '../sources/source-catalog.js';
import { MigrationJob, TERMINAL_STATUSES, type MigrationStatus } from './migration-job.entity.js';
import { MigrationJobRepository } from './migration-job.repository.js';
import { emitMigrationEvent } from '../webhooks/webhook-events.js';
import { summarizeProblems } from '../imports/import-problems.repository.js';
import { resolveImportOptions, type ApproveOptions, type ImportOptions } from './migration-options.js';

export const CANCELLED_MESSAGE = 'cancelled';
const NON_TERMINAL: readonly MigrationStatus[] = ['pending', 'scanning', 'ready_for_review', 'importing'];

const startInput = z.object({
  source: z
    .string({ error: (issue) => (issue.input === undefined ? 'source is required' : 'source must be a string') })
    .trim()
    .min(1, 'source is required'),
  credential: z
    .string({ error: (issue) => (issue.input === undefined ? 'credential is required' : 'credential must be a string') })
    .min(8, 'credential must be at least 8 characters')
    .max(4096, 'credential must be at most 4096 characters')
    // Provider keys are printable ASCII; anything else cannot travel in an HTTP header.
    .regex(/^[\x21-\x7e]+$/, 'credential must be printable ASCII, without spaces or control characters'),
});

/** The lifecycle rules of a migration job, in one place; GraphQL and REST only call these. */
export class MigrationService {
  private readonly jobs: MigrationJobRepository;

  constructor(
    private readonly em: EntityManager,
    private readonly services: AppServices,
  ) {
    this.jobs = new MigrationJobRepository(em);
  }

  async get(auth: AuthContext, id: string): Promise<MigrationJob> {
    const job = await this.jobs.findInOrganization(auth.organizationId, id);
    if (!job) throw notFound(`Migration job ${id}`);
    return job;
  }

  async list(auth: AuthContext, first: number, after: string | null | undefined) {
    if (!Number.isInteger(first) || first < 1 || first > 100) {
      throw validationError('limit must be an integer between 1 and 100');
    }
    let cursorJob: MigrationJob | null = null;
    if (after) {
      cursorJob = await this.jobs.findInOrganization(auth.organizationId, after);
      if (!cursorJob) throw validationError(`cursor ${quoteInput(after)} is not a migration job id from a previous page`);
    }
    return this.jobs.page(auth.organizationId, first, cursorJob);
  }

  /**
   * Validates the credential against the provider before anything is stored: a bad key answers
   * at once and no job is created. Then seals it, creates the job and enqueues the scan.
   */
  async start(auth: AuthContext, input: { source?: unknown; credential?: unknown }): Promise<MigrationJob> {
    const { source, credential } = await this.checkCredential(input);
    return this.createJob(auth, source, credential, 'pending', null);
  }

  /** Validates source and credential, and the credential with the provider. */
  private async checkCredential(input: { source?: unknown; credential?: unknown }) {
    const parsed = startInput.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues.map((i) => i.message).join('; '));
    const source = this.enabledSource(parsed.data.source);
    const descriptor = findSource(source)!;
    try {
      // The caller waits for this answer: a short retry budget, not an import's.
      const env = { ...this.services.env, PROVIDER_RETRY_SECONDS: Math.min(this.services.env.PROVIDER_RETRY_SECONDS, 10) };
      await createConnector(source, parsed.data.credential, env, AbortSignal.timeout(30_000)).validateCredential();
    } catch (err) {
      const error = this.credentialError(err, descriptor.credentialErrorCode, descriptor.label);
      throw new AppError(error.code, redactSecret(error.message, parsed.data.credential));
    }
    return { source, credential: parsed.data.credential };
  }

  /** Seals the credential, stores the job and queues its first work (scan, or import). */
  private async createJob(
    auth: AuthContext,
    source: KnownSource,
    credential: string,
    status: 'pending' | 'importing',
    importOptions: ImportOptions | null,
  ): Promise<MigrationJob> {
    const id = newId('mig');
    const sealed = await this.services.sealer.seal(credential, { organizationId: auth.organizationId, jobId: id });
    const job = this.em.create(MigrationJob, {
      id,
      organizationId: auth.organizationId,
      source,
      status,
      sealedCredential: sealed,
      importOptions: importOptions as Record<string, unknown> | null,
    });
    await this.em.flush();
    const ref = { jobId: id, organizationId: auth.organizationId, run: 1 };
    try {
      if (status === 'pending') await this.services.jobs.send(migrationScanJob, ref, { singletonKey: `scan:${id}:1` });
      else await this.services.jobs.send(migrationImportJob, ref);
    } catch (err) {
      // Without queued work the job would sit there forever: take it back.
      await this.em.nativeDelete(MigrationJob, { id });
      throw err;
    }
    return job;
  }

  /**
   * A targeted migration of a few templates, for one-off moves and resyncs: no scan or review,
   * the job starts importing at once and its result lists what was created or updated.
   */
  async migrateTemplates(
    auth: AuthContext,
    input: { source?: unknown; credential?: unknown; templateIds?: unknown; overwriteExisting?: unknown },
  ): Promise<MigrationJob> {
    const ids = z.array(z.string().min(1).max(200)).min(1, 'templateIds needs at least one id').max(100).safeParse(input.templateIds);
    if (!ids.success) throw validationError(`templateIds: ${ids.error.issues[0]?.message ?? 'invalid'}`);
    const { source, credential } = await this.checkCredential(input);
    const importOptions: ImportOptions = {
      domains: [],
      audiences: [],
      contacts: false,
      templates: [...new Set(ids.data)],
      topics: [],
      customFields: [],
      suppressions: false,
      overwriteTemplates: input.overwriteExisting === true,
    };
    return this.createJob(auth, source, credential, 'importing', importOptions);
  }

  /**
   * A targeted migration of one unsubscribe group (SendGrid): creates the group (or, with
   * `groupExist`, only fills the one imported before) and, unless `addEmailsInSuppression` is
   * false, brings its suppressed addresses.
   */
  async migrateUnsubscribeGroup(
    auth: AuthContext,
    input: { source?: unknown; credential?: unknown; groupId?: unknown; addEmailsInSuppression?: unknown; groupExist?: unknown },
  ): Promise<MigrationJob> {
    const groupId = z.union([z.string().min(1).max(100), z.number().int()]).safeParse(input.groupId);
    if (!groupId.success) throw validationError('groupId is required');
    const { source, credential } = await this.checkCredential(input);
    const importOptions: ImportOptions = {
      domains: [],
      audiences: [],
      contacts: false,
      templates: [],
      topics: [String(groupId.data)],
      customFields: [],
      suppressions: false,
      groupMembers: input.addEmailsInSuppression !== false,
      existingGroupsOnly: input.groupExist === true,
    };
    return this.createJob(auth, source, credential, 'importing', importOptions);
  }

  /** ready_for_review → importing (a new run), with options resolved against the scan. */
  async approve(auth: AuthContext, id: string, options: ApproveOptions | null | undefined): Promise<MigrationJob> {
    const job = await this.get(auth, id);
    if (job.status !== 'ready_for_review') throw invalidStatus('approve', job.status);
    const importOptions = resolveImportOptions(options, (job.scanResult ?? {}) as Parameters<typeof resolveImportOptions>[1]);
    const moved = await this.moveAndQueue(auth, id, ['ready_for_review'], { status: 'importing', import_options: importOptions }, migrationImportJob);
    if (!moved) throw invalidStatus('approve', (await this.reload(job)).status);
    return this.reload(job);
  }

  /**
   * Moves the job to a new run and queues the work that run needs, in one transaction: either
   * both happen or neither, so no job waits in a live status with nothing queued for it.
   */
  private async moveAndQueue(
    auth: AuthContext,
    id: string,
    from: readonly MigrationStatus[],
    set: Record<string, unknown>,
    work: typeof migrationImportJob | typeof migrationScanJob,
  ): Promise<boolean> {
    const client = await this.services.pool.connect();
    try {
      await client.query('begin');
      const columns = Object.keys(set);
      const { rows } = await client.query<{ run: number }>(
        `update migration_jobs set ${columns.map((c, i) => `${c} = $${i + 4}`).join(', ')}, run = run + 1, updated_at = now()
          where id = $1 and organization_id = $2 and status = any($3::text[]) returning run`,
        [id, auth.organizationId, from, ...columns.map((c) => set[c])],
      );
      const run = rows[0]?.run;
      if (run === undefined) {
        await client.query('rollback');
        return false;
      }
      const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
      const singletonKey = work === migrationScanJob ? `scan:${id}:${run}` : undefined;
      await this.services.jobs.send(work, { jobId: id, organizationId: auth.organizationId, run }, { db, singletonKey });
      await client.query('commit');
      return true;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Any non-terminal job → failed "cancelled"; a running worker stops at its next batch. */
  async cancel(auth: AuthContext, id: string): Promise<MigrationJob> {
    const job = await this.get(auth, id);
    if (TERMINAL_STATUSES.includes(job.status)) throw invalidStatus('cancel', job.status);
    const moved = await this.jobs.transition(auth.organizationId, id, NON_TERMINAL, {
      status: 'failed',
      errorMessage: CANCELLED_MESSAGE,
      failedPhase: job.status === 'importing' ? 'import' : 'scan',
      completedAt: new Date(),
    });
    if (!moved) throw invalidStatus('cancel', (await this.reload(job)).status);
    const { pool, jobs, logger } = this.services;
    await emitMigrationEvent(pool, jobs, logger, id, 'migration.failed');
    return this.reload(job);
  }

  /**
   * failed → pending (failed while scanning) or importing (failed after approval, resuming from
   * checkpoints), as a new run. Per-row errors are recounted from the stored row problems;
   * imported counts and skipped entries are kept.
   */
  async retry(auth: AuthContext, id: string): Promise<MigrationJob> {
    const job = await this.get(auth, id);
    if (job.status !== 'failed') throw invalidStatus('retry', job.status);
    if (!job.sealedCredential) {
      throw new AppError('invalid_status', 'The credential of this job was wiped after its retention period; start a new migration');
    }
    const resumeImport = job.failedPhase === 'import' && job.importOptions !== null;
    // Errors are counted afresh from the stored row problems: once per record across runs, so
    // they neither accumulate nor lose what an earlier run found in rows it will not read again.
    const importResult = job.importResult ? { ...job.importResult, errors: await summarizeProblems(this.services.pool, id) } : null;
    const moved = await this.moveAndQueue(
      auth,
      id,
      ['failed'],
      { status: resumeImport ? 'importing' : 'pending', error_message: null, failed_phase: null, completed_at: null, import_result: importResult, recoveries: 0 },
      resumeImport ? migrationImportJob : migrationScanJob,
    );
    if (!moved) throw invalidStatus('retry', (await this.reload(job)).status);
    return this.reload(job);
  }

  private async reload(job: MigrationJob): Promise<MigrationJob> {
    await this.em.refresh(job);
    return job;
  }

  private enabledSource(source: string): KnownSource {
    if (!isKnownSource(source)) {
      throw validationError(`source must be one of the supported sources (see GET /v1/migrate/sources); got ${quoteInput(source)}`);
    }
    if (!findSource(source)?.enabled) {
      throw new AppError('unsupported_source', `source "${source}" is reserved but not supported yet`);
    }
    return source;
  }

  private credentialError(err: unknown, code: AppError['code'], label: string): AppError {
    if (err instanceof SourceError) {
      if (err.kind === 'invalid_credential' || err.kind === 'restricted_credential') {
        return new AppError(code, err.kind === 'restricted_credential' ? err.message : `${label} rejected the provided credential`);
      }
      return new AppError('source_unavailable', `Could not reach ${label} to validate the credential: ${err.message}`);
    }
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return new AppError('source_unavailable', `${label} did not answer in time while validating the credential`);
    }
    return new AppError('source_unavailable', `Could not validate the credential with ${label}`);
  }
}

function invalidStatus(action: string, status: MigrationStatus): AppError {
  return new AppError('invalid_status', `Cannot ${action} a migration job in status ${status}`);
}
