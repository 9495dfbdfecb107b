import type { Logger } from '../../logger.js';
import type { ScanCounts } from '../../model/import-state.js';
import type { ScanKind, ScanResult } from '../../model/scan-result.js';
import { MigrationJobStore, type MigrationJob } from '../migrations/migration-job.store.js';

/** How often a running scan's counts are saved (each save is one NOTIFY to subscribers). */
const SAVE_INTERVAL_MS = 250;

/** What a finished scan counted, per kind, as the running counts showed it. */
export function scanCounts(scan: ScanResult): ScanCounts {
  return {
    domains: scan.domains.length,
    audiences: scan.audiences.length,
    ...(scan.contacts.total !== null ? { contacts: scan.contacts.total } : {}),
    custom_fields: scan.customFields.length,
    suppression_groups: scan.suppressionGroups.length,
    templates: scan.templates.length,
    suppressions: scan.suppressions.total,
  };
}

/**
 * Saves a running scan's counts into the job's progress, at most every 250 ms and always the
 * latest (trailing edge), guarded on the job still scanning in this run. A failed save is
 * logged and the scan goes on: the counts are a view, the scan result is the record.
 */
export class ScanCountWriter {
  private readonly counts: ScanCounts = {};
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: MigrationJobStore,
    private readonly job: MigrationJob,
    private readonly logger: Logger,
  ) {}

  readonly counted = (kind: ScanKind, found: number): void => {
    this.counts[kind] = found;
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, SAVE_INTERVAL_MS);
  };

  /** No more saves; resolves once a save under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.saving;
  }

  private save(): void {
    const scanned = { ...this.counts };
    this.saving = this.saving
      .then(() => this.store.transition(this.job, { from: ['scanning'], run: this.job.run }, { progress: { ...this.job.progress, counts: {}, scanned } }))
      .then(
        () => undefined,
        (err: Error) => this.logger.warn({ jobId: this.job.id, err: err.message }, 'scan counts not saved'),
      );
  }
}
