import type { ImportOptions } from '../../model/import-options.js';
import type { ImportResult } from '../../model/import-result.js';
import { IMPORT_PHASES, PROGRESS_COUNTERS, type ImportPhase, type ImportProgress, type KindCount, type ProgressPhase } from '../../model/import-state.js';
import type { ImportCounter, RecordKind } from '../../model/record-kinds.js';
import type { ScanEstimate, ScanResult } from '../../model/scan-result.js';

/** The counter each phase advances (its unit of work). */
const PHASE_COUNTER: Record<ImportPhase, ImportCounter> = {
  custom_fields: 'custom_fields',
  domains: 'domains',
  audiences: 'audiences',
  suppression_groups: 'suppression_groups',
  contacts: 'contacts',
  templates: 'templates',
  suppressions: 'suppressions',
};

/** The counter a skipped or failed record is shown under. */
const COUNTER_OF: Record<RecordKind, ImportCounter> = {
  domain: 'domains',
  audience: 'audiences',
  contact: 'contacts',
  membership: 'memberships',
  custom_field: 'custom_fields',
  custom_field_value: 'contacts',
  template: 'templates',
  image: 'images',
  suppression_group: 'suppression_groups',
  group_suppression: 'group_suppressions',
  suppression: 'suppressions',
};

/** Kinds shown in progress without a phase of their own: what they count is what was done. */
const SIDE_COUNTERS: ImportCounter[] = PROGRESS_COUNTERS.filter((kind) => !Object.values(PHASE_COUNTER).includes(kind));

/** The most `percent` shows before the job is completed: 100 means done, never "nearly". */
const MAX_RUNNING_PERCENT = 99.9;

/**
 * The work an import will do, per kind, from what was selected and what the scan counted, so
 * every selected kind's total is known from the first update on and `percent` has a fixed
 * denominator. Contacts count the records read: each selected list's members, and (when every
 * list was selected) the pass over everyone.
 */
export function plannedCounts(options: ImportOptions, scan: ScanResult | null): ImportProgress['counts'] {
  const counts: ImportProgress['counts'] = {};
  const plan = (kind: ImportCounter, total: number | null) => void (counts[kind] = { processed: 0, total, imported: 0, skipped: 0, errors: 0 });
  if (options.customFields.length) plan('custom_fields', options.customFields.length);
  if (options.domains.length) plan('domains', options.domains.length);
  if (options.audiences.length) plan('audiences', options.audiences.length);
  if (options.suppressionGroups.length) plan('suppression_groups', options.suppressionGroups.length);
  if (options.contacts && scan) {
    const selected = new Set(options.audiences);
    const members = scan.audiences.filter((a) => selected.has(a.id)).reduce((sum, a) => sum + a.contactCount, 0);
    const everyList = scan.audiences.every((a) => selected.has(a.id));
    plan('contacts', members + (everyList ? (scan.contacts.total ?? 0) : 0));
  }
  if (options.templates.length) plan('templates', options.templates.length);
  if (options.suppressions) {
    const listed = scan?.suppressions.total;
    plan('suppressions', listed === null || listed === undefined ? null : listed + (options.uploadedSuppressions ?? 0));
  }
  return counts;
}

/** What an approved (or targeted) import shows before its first batch: every total, 0 %. */
export function startingProgress(previous: ImportProgress, options: ImportOptions, scan: ScanResult | null): ImportProgress {
  return { ...previous, phase: null, counts: plannedCounts(options, scan), percent: 0, etaSeconds: null, updatedAt: new Date().toISOString() };
}

/** Share of the known work done, 0–100 to one decimal; null while no kind has a known total. */
export function shareDone(counts: ImportProgress['counts']): number | null {
  let processed = 0;
  let total = 0;
  for (const c of Object.values(counts)) {
    if (!c || c.total === null || c.total <= 0) continue;
    processed += Math.min(c.processed, c.total);
    total += c.total;
  }
  return total > 0 ? Math.floor((processed / total) * 1000) / 10 : null;
}

type Clock = () => number;

/**
 * Keeps an import's `progress` what a subscriber should see, at every commit: per-kind outcome
 * counts from the tally, a `percent` that never falls, and an ETA from the measured rate of the
 * current phase plus the provider allowance (the scan's request estimate) of the phases ahead.
 */
export class ProgressMeter {
  private readonly runStartedAt: number;
  private readonly processedAtRunStart: number;
  private phaseStartedAt: number;
  private processedAtPhaseStart = 0;

  constructor(
    private readonly progress: ImportProgress,
    private readonly estimate: ScanEstimate | null,
    private readonly clock: Clock = Date.now,
  ) {
    this.runStartedAt = this.phaseStartedAt = clock();
    this.processedAtRunStart = this.totalProcessed();
  }

  /** A phase begins: its rate is measured from here. */
  enter(phase: ImportPhase): void {
    this.progress.phase = phase;
    this.phaseStartedAt = this.clock();
    this.processedAtPhaseStart = this.progress.counts[PHASE_COUNTER[phase]]?.processed ?? 0;
  }

  /** The counter of `kind`, created (total unknown) if the plan had none. */
  counter(kind: ImportCounter): KindCount {
    return (this.progress.counts[kind] ??= { processed: 0, total: null, imported: 0, skipped: 0, errors: 0 });
  }

  /** A finished phase's total is what it did (the scan's count was an estimate). */
  finish(phase: string): void {
    const counter = this.progress.counts[PHASE_COUNTER[phase as ImportPhase]];
    if (counter) counter.total = counter.processed;
  }

  /** Brings the figures up to date with `result`, as of now. */
  update(result: ImportResult, phase: ProgressPhase | null = this.progress.phase ?? null): void {
    const { counts } = this.progress;
    for (const kind of SIDE_COUNTERS) if (result.imported[kind] !== undefined) this.counter(kind);
    for (const [kind, c] of Object.entries(counts) as [ImportCounter, KindCount][]) {
      c.imported = result.imported[kind] ?? 0;
      c.skipped = sumFor(result.skipped, kind);
      c.errors = sumFor(result.errors, kind);
      if (SIDE_COUNTERS.includes(kind)) c.processed = c.imported + c.skipped + c.errors;
    }
    const share = phase === 'done' ? 100 : Math.min(MAX_RUNNING_PERCENT, shareDone(counts) ?? 0);
    this.progress.percent = Math.max(this.progress.percent ?? 0, share);
    this.progress.etaSeconds = phase === 'done' ? 0 : this.eta();
    this.progress.updatedAt = new Date(this.clock()).toISOString();
  }

  private eta(): number | null {
    const phase = this.progress.phase;
    if (!phase || phase === 'done') return null;
    const overall = this.rate(this.totalProcessed() - this.processedAtRunStart, this.runStartedAt);
    let seconds = 0;
    for (const ahead of IMPORT_PHASES.slice(IMPORT_PHASES.indexOf(phase))) {
      const c = this.progress.counts[PHASE_COUNTER[ahead]];
      if (!c || c.total === null) continue;
      const remaining = Math.max(0, c.total - c.processed);
      if (!remaining) continue;
      const measured = ahead === phase ? this.rate(c.processed - this.processedAtPhaseStart, this.phaseStartedAt) : null;
      const allowance = this.allowanceSeconds(ahead, remaining / Math.max(c.total, 1));
      const part = measured ? remaining / measured : (allowance ?? (overall ? remaining / overall : null));
      if (part === null) return null;
      seconds += part;
    }
    return Math.round(seconds);
  }

  /** Records a second since `since`; null before there is a pace to go by. */
  private rate(records: number, since: number): number | null {
    const elapsed = (this.clock() - since) / 1000;
    return records > 0 && elapsed > 0 ? records / elapsed : null;
  }

  /** Seconds the provider's allowance needs for `share` of a kind's requests; null when unknown. */
  private allowanceSeconds(kind: ImportPhase, share: number): number | null {
    const estimated = this.estimate?.kinds.find((k) => k.kind === kind);
    if (!estimated) return null;
    const seconds = estimated.seconds ?? (this.estimate?.rateLimit ? estimated.requests / this.estimate.rateLimit : null);
    return seconds === null ? null : seconds * share;
  }

  private totalProcessed(): number {
    return IMPORT_PHASES.reduce((sum, phase) => sum + (this.progress.counts[PHASE_COUNTER[phase]]?.processed ?? 0), 0);
  }
}

function sumFor(entries: ImportResult['skipped'], counter: ImportCounter): number {
  return entries.reduce((sum, e) => (COUNTER_OF[e.kind] === counter ? sum + e.count : sum), 0);
}
