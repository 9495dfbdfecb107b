import { describe, expect, it } from 'vitest';
import { plannedCounts, ProgressMeter } from '../../src/modules/imports/progress-meter.js';
import type { ImportProgress } from '../../src/model/import-state.js';
import type { ImportResult } from '../../src/model/import-result.js';
import type { ImportOptions } from '../../src/model/import-options.js';
import type { ScanResult } from '../../src/model/scan-result.js';

const options: ImportOptions = {
  domains: [],
  audiences: ['a1', 'a2'],
  contacts: true,
  templates: ['t1', 't2'],
  suppressionGroups: [],
  customFields: [],
  suppressions: true,
};

const scan = {
  domains: [],
  audiences: [
    { id: 'a1', name: 'A', kind: 'list', contactCount: 600, unsubscribedCount: null, selectable: true, reasons: [] },
    { id: 'a2', name: 'B', kind: 'list', contactCount: 300, unsubscribedCount: null, selectable: true, reasons: [] },
  ],
  contacts: { total: 100, unsubscribed: null, invalid: null, withoutList: null },
  customFields: [],
  suppressionGroups: [],
  templates: [],
  suppressions: { total: 50, byOrigin: [] },
  permissions: null,
  estimate: {
    rateLimit: 10,
    kinds: [
      { kind: 'contacts', requests: 100, seconds: 10 },
      { kind: 'templates', requests: 20, seconds: 2 },
      { kind: 'suppressions', requests: 5, seconds: 1 },
    ],
    total: { requests: 125, seconds: 13 },
  },
  errors: [],
} satisfies ScanResult;

const result = (contacts: number): ImportResult => ({ imported: { contacts }, skipped: [], errors: [] });

function meterAt(progress: ImportProgress) {
  let now = 1_000_000;
  const meter = new ProgressMeter(progress, scan.estimate, () => now);
  return { meter, advance: (ms: number) => void (now += ms) };
}

describe('the progress an import shows', () => {
  it('plans every selected kind’s total from the scan: lists’ members plus the pass over everyone', () => {
    expect(plannedCounts(options, scan)).toEqual({
      audiences: { processed: 0, total: 2, imported: 0, skipped: 0, errors: 0 },
      contacts: { processed: 0, total: 1000, imported: 0, skipped: 0, errors: 0 },
      templates: { processed: 0, total: 2, imported: 0, skipped: 0, errors: 0 },
      suppressions: { processed: 0, total: 50, imported: 0, skipped: 0, errors: 0 },
    });
  });

  it('never lowers percent, even when a phase finds more than the scan counted, and shows 100 only when done', () => {
    const progress: ImportProgress = { counts: plannedCounts(options, scan), percent: 0 };
    const { meter, advance } = meterAt(progress);
    meter.enter('contacts');
    const contacts = meter.counter('contacts');
    contacts.processed = 900;
    advance(1000);
    meter.update(result(900));
    const before = progress.percent!;
    expect(before).toBeGreaterThan(80);
    // The source had more than the scan counted: the finished phase's total becomes what it read.
    contacts.processed = 1500;
    meter.finish('contacts');
    meter.update(result(1500));
    expect(progress.percent!).toBeGreaterThanOrEqual(before);
    expect(progress.percent!).toBeLessThan(100);
    meter.update(result(1500), 'done');
    expect(progress).toMatchObject({ percent: 100, etaSeconds: 0 });
  });

  it('estimates the current phase from its measured rate and the phases ahead from the provider allowance', () => {
    const progress: ImportProgress = { counts: plannedCounts(options, scan), percent: 0 };
    const { meter, advance } = meterAt(progress);
    meter.enter('contacts');
    meter.counter('contacts').processed = 250;
    advance(5_000); // 50 records a second: 750 left take 15 s
    meter.update(result(250));
    // + templates (2 s of allowance) + suppressions (1 s)
    expect(progress.etaSeconds).toBe(18);
    expect(progress.counts.contacts).toMatchObject({ processed: 250, imported: 250 });
  });

  it('has an ETA after the first batch even where the source publishes no rate', () => {
    const progress: ImportProgress = { counts: plannedCounts(options, scan), percent: 0 };
    let now = 0;
    const meter = new ProgressMeter(progress, { rateLimit: null, kinds: [], total: { requests: 0, seconds: null } }, () => now);
    meter.enter('audiences');
    meter.counter('audiences').processed = 2;
    now += 1000;
    meter.update(result(0));
    meter.finish('audiences');
    meter.enter('contacts');
    meter.update(result(0));
    // Nothing read yet in this phase: the run's overall pace (2 a second) stands in.
    expect(progress.etaSeconds).toBe(Math.round(1000 / 2 + 2 / 2 + 50 / 2));
  });
});
