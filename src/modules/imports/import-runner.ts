import type pg from 'pg';
import type { SourceConnector } from '../../sources/source-types.js';
import { ImportContext, type ImportJobState } from './import-context.js';
import type { ImportProgress } from '../../model/import-state.js';
import type { ImportResult } from '../../model/import-result.js';
import type { ImportCounter } from '../../model/record-kinds.js';
import { importCustomFields } from './phases/custom-fields.js';
import { importAudiences, importDomains } from './phases/domains-and-audiences.js';
import { importSuppressionGroups } from './phases/suppression-groups.js';
import { importContacts } from './phases/contacts.js';
import { importTemplates } from './phases/templates.js';
import { importSuppressions } from './phases/suppressions.js';
import { UploadedFiles } from './uploaded-files.js';

export { ImportInterrupted, type ImportJobState } from './import-context.js';

/**
 * The phases, in order. Suppression groups come before contacts because who opted out of a
 * topic is read per contact during the contacts pass; suppressions come last so every contact
 * unsubscribed by the import is suppressed.
 */
const PHASES: [string, (ctx: ImportContext) => Promise<void>][] = [
  ['custom_fields', importCustomFields],
  ['domains', importDomains],
  ['audiences', importAudiences],
  ['suppression_groups', importSuppressionGroups],
  ['contacts', importContacts],
  ['templates', importTemplates],
  ['suppressions', importSuppressions],
];

/**
 * Runs an approved import. Every batch commits with its checkpoint, counters and result, guarded
 * on the job still being `importing`, so a killed worker resumes after the last committed batch
 * and a cancelled job gets no further writes.
 */
export class ImportRunner {
  private readonly ctx: ImportContext;

  constructor(
    private readonly pool: pg.Pool,
    job: ImportJobState,
    connector: SourceConnector,
  ) {
    this.ctx = new ImportContext(pool, job, connector);
  }

  get currentProgress(): ImportProgress {
    return this.ctx.progress;
  }

  /** The figures the completed job keeps: phase `done`, 100 %. */
  finalProgress(): ImportProgress {
    return this.ctx.finalProgress();
  }

  async run(): Promise<ImportResult> {
    this.ctx.uploads = await UploadedFiles.load(this.pool, this.ctx.job.id);
    const o = this.ctx.options;
    const kinds: ImportCounter[] = ['domains', 'audiences', 'contacts', 'memberships'];
    if (o.customFields.length) kinds.push('custom_fields');
    if (o.suppressionGroups.length) kinds.push('suppression_groups');
    if (o.templates.length) kinds.push('templates');
    if (o.suppressions) kinds.push('suppressions');
    for (const kind of kinds) this.ctx.tally.ensureKind(kind);
    for (const [name, phase] of PHASES) {
      if (this.ctx.isDone(name)) continue;
      await phase(this.ctx);
      await this.ctx.finishPhase(name);
    }
    return this.ctx.tally.result;
  }
}
