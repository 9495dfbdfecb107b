import { z } from 'zod';
import {
  AppError, CredentialRejectedError, InvalidStatusError, SourceUnavailableError, UnsupportedSourceError, notFound, validationError,
} from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AppServices } from '../../app-services.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import { migrationImportJob, migrationScanJob } from '../../jobs/job-definitions.js';
import { createConnector } from '../../sources/connector-factory.js';
import { SourceError } from '../../sources/source-types.js';
import { redactSecret } from '../../errors/message-text.js';
import type { PageRequest } from '../../graphql/pagination.js';
import { findSource, isKnownSource, unknownSourceMessage, type KnownSource } from '../source-catalog/source-catalog.js';
import { LIVE_STATUSES, TERMINAL_STATUSES, type MigrationStatus } from './migration-status.js';
import { MigrationJobStore, type JobChanges, type JobFilter, type MigrationJob, type QueuedWork } from './migration-job.store.js';
import { emitMigrationEvent } from '../webhooks/webhook-events.js';
import { summarizeProblems } from '../imports/import-problems.repository.js';
import { resolveImportOptions, type ApproveOptions } from './migration-options.js';
import type { ImportOptions } from '../../model/import-options.js';
import { plannedCounts, startingProgress } from '../imports/progress-meter.js';
import { uploadedWork } from '../uploads/upload.service.js';
import { suppressionRecordCount } from '../uploads/upload.repository.js';

export const CANCELLED_MESSAGE = 'cancelled';

/** What starting a migration takes; REST parses its body with the same schema. */
export const startInput = z.object({
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
  private readonly jobs: MigrationJobStore;

  constructor(private readonly services: AppServices) {
    this.jobs = new MigrationJobStore(services.pool);
  }

  /** The job, or null when the organization has none with this id (for `node(id:)`). */
  find(auth: AuthContext, id: string): Promise<MigrationJob | null> {
    return this.jobs.find({ id, organizationId: auth.organizationId });
  }

  async get(auth: AuthContext, id: string): Promise<MigrationJob> {
    const job = await this.jobs.find({ id, organizationId: auth.organizationId });
    if (!job) throw notFound(`Migration job ${id}`);
    return job;
  }

  /** A page of the organization's jobs, newest first (`first + 1` rows: the extra says more follow). */
  async list(auth: AuthContext, request: PageRequest, filter: JobFilter = {}): Promise<{ jobs: MigrationJob[]; totalCount: number }> {
    let after: MigrationJob | null = null;
    if (request.afterKey) {
      after = await this.jobs.find({ id: request.afterKey, organizationId: auth.organizationId });
      if (!after) throw validationError('after is not a cursor of this connection', ['after']);
    }
    const [jobs, totalCount] = await Promise.all([
      this.jobs.page(auth.organizationId, request.first + 1, after, filter),
      this.jobs.count(auth.organizationId, filter),
    ]);
    return { jobs, totalCount };
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
      throw error instanceof CredentialRejectedError
        ? new CredentialRejectedError(error.code, redactSecret(error.message, parsed.data.credential))
        : new SourceUnavailableError(redactSecret(error.message, parsed.data.credential));
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
    const key = { id: newId('mig'), organizationId: auth.organizationId };
    const sealed = await this.services.sealer.seal(credential, { organizationId: auth.organizationId, ownerId: key.id });
    // A targeted migration imports at once: its totals are what it was asked for.
    const progress = importOptions ? startingProgress({ counts: {} }, importOptions, null) : { counts: {} };
    const job = { ...key, source, status, sealedCredential: sealed, importOptions, progress };
    if (status === 'pending') await this.jobs.insertAndQueue(this.services.pool, this.services.jobs, job, migrationScanJob, { singletonKey: `scan:${key.id}:1` });
    else await this.jobs.insertAndQueue(this.services.pool, this.services.jobs, job, migrationImportJob);
    return (await this.jobs.find(key))!;
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
      suppressionGroups: [],
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
      suppressionGroups: [String(groupId.data)],
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
    if (job.status !== 'ready_for_review' || !job.scanResult) throw invalidStatus('approve', job.status);
    const importOptions = resolveImportOptions(options, job.scanResult, await uploadedWork(this.services.pool, job.id));
    const progress = startingProgress(job.progress, importOptions, job.scanResult);
    const moved = await this.moveAndQueue(job, ['ready_for_review'], { status: 'importing', importOptions, progress }, { work: migrationImportJob, runChange: 'next_run' });
    if (!moved) throw invalidStatus('approve', (await this.reload(job)).status);
    return this.reload(job);
  }

  /** Any non-terminal job → failed "cancelled"; a running worker stops at its next batch. */
  async cancel(auth: AuthContext, id: string): Promise<MigrationJob> {
    const job = await this.get(auth, id);
    if (TERMINAL_STATUSES.includes(job.status)) throw invalidStatus('cancel', job.status);
    const moved = await this.jobs.transition(job, { from: LIVE_STATUSES }, {
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
      throw new InvalidStatusError('The credential of this job was wiped after its retention period; start a new migration');
    }
    const resumeImport = job.failedPhase === 'import' && job.importOptions !== null;
    // Errors are counted afresh from the stored row problems: once per record across runs, so
    // they neither accumulate nor lose what an earlier run found in rows it will not read again.
    const importResult = job.importResult ? { ...job.importResult, errors: await summarizeProblems(this.services.pool, id) } : null;
    const moved = await this.moveAndQueue(
      job,
      ['failed'],
      // A scan runs again from nothing; a resumed import keeps its counters (so percent never falls).
      {
        status: resumeImport ? 'importing' : 'pending',
        errorMessage: null,
        failedPhase: null,
        completedAt: null,
        importResult,
        ...(resumeImport ? await this.withUploadsOfNow(job) : { progress: { counts: {} } }),
      },
      resumeImport ? { work: migrationImportJob, runChange: 'next_run' } : { work: migrationScanJob, runChange: 'next_run', singleton: true },
    );
    if (!moved) throw invalidStatus('retry', (await this.reload(job)).status);
    return this.reload(job);
  }

  /**
   * A resumed import takes the suppression files uploaded (or deleted) while it was failed: the
   * planned total follows, before the new run's first update.
   */
  private async withUploadsOfNow(job: MigrationJob): Promise<Pick<JobChanges, 'importOptions' | 'progress'>> {
    const options = job.importOptions!;
    if (!options.suppressions) return {};
    const suppressionRecords = await suppressionRecordCount(this.services.pool, job.id);
    const importOptions: ImportOptions = { ...options, uploadedSuppressions: suppressionRecords || undefined };
    const kept = job.progress.counts.suppressions;
    const total = plannedCounts(importOptions, job.scanResult).suppressions?.total ?? null;
    return { importOptions, progress: kept ? { ...job.progress, counts: { ...job.progress.counts, suppressions: { ...kept, total } } } : job.progress };
  }

  /** A new run of the job with its work queued, in one transaction (see MigrationJobStore). */
  private async moveAndQueue(job: MigrationJob, from: readonly MigrationStatus[], changes: JobChanges, queued: QueuedWork): Promise<boolean> {
    const run = await this.jobs.transitionAndQueue(this.services.pool, this.services.jobs, job, { from }, changes, queued);
    return run !== null;
  }

  private async reload(job: MigrationJob): Promise<MigrationJob> {
    return (await this.jobs.find(job)) ?? job;
  }

  private enabledSource(source: string): KnownSource {
    if (!isKnownSource(source)) {
      throw validationError(unknownSourceMessage(source), ['source']);
    }
    if (!findSource(source)?.enabled) {
      throw new UnsupportedSourceError(`source "${source}" is reserved but not supported yet`);
    }
    return source;
  }

  private credentialError(err: unknown, code: AppError['code'], label: string): CredentialRejectedError | SourceUnavailableError {
    if (err instanceof SourceError) {
      if (err.kind === 'invalid_credential' || err.kind === 'restricted_credential') {
        return new CredentialRejectedError(code, err.kind === 'restricted_credential' ? err.message : `${label} rejected the provided credential`);
      }
      return new SourceUnavailableError(`Could not reach ${label} to validate the credential: ${err.message}`);
    }
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return new SourceUnavailableError(`${label} did not answer in time while validating the credential`);
    }
    return new SourceUnavailableError(`Could not validate the credential with ${label}`);
  }
}

function invalidStatus(action: string, status: MigrationStatus): InvalidStatusError {
  return new InvalidStatusError(`Cannot ${action} a migration job in status ${status}`);
}
