import type { Scenario } from '../harness.js';
import { sendgridImport } from './sendgrid-import.js';

/**
 * Memory of a streamed import: the worker's peak RSS for a SendGrid migration of 100,000 and of
 * 1,000,000 contacts, each in a fresh worker process (the larger run is the ingest scenario's
 * when both run).
 */
export const memoryScenario: Scenario = {
  name: 'memory',
  describe: 'SendGrid migration of 100,000 vs 1,000,000 contacts: worker peak RSS',
  async run(ctx) {
    const small = await sendgridImport(ctx, ctx.scaled(100_000), false);
    const large = await sendgridImport(ctx, ctx.scaled(1_000_000), true);
    const ratio = Math.round((large.workerPeakMb / small.workerPeakMb) * 1000) / 1000;
    return [
      {
        name: `worker peak RSS (${large.contacts} vs ${small.contacts} contacts)`,
        figure: large.workerPeakMb,
        baseline: small.workerPeakMb,
        ratio,
        unit: 'MB',
        target: '≤ 1.3× and < 300 MB',
        met: ratio <= 1.3 && large.workerPeakMb < 300,
        notes: `imports took ${Math.round(small.importSeconds)} s and ${Math.round(large.importSeconds)} s; both exact`,
      },
    ];
  },
};
