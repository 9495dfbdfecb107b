import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth } from '../../graphql/context.js';
import { etaOf, percentOf, type ProgressState } from './progress-state.js';
import { FailedPhaseEnum, MigrationStatusEnum, SourceProviderEnum } from '../migrations/migration-enums.schema.js';
import { PROGRESS_COUNTERS, PROGRESS_PHASES, type KindCount } from '../../model/import-state.js';
import type { ImportCounter } from '../../model/record-kinds.js';
import type { ScanKind } from '../../model/scan-result.js';
import { ImportCounterEnum, ImportResultRef, ScanKindEnum } from '../migrations/migration-model.schema.js';
import type { GraphQLContext } from '../../graphql/context.js';

const PhaseEnum = describedEnum('ImportPhase', 'The phases of an import, in the order they run.', PROGRESS_PHASES, {
  custom_fields: 'Custom field definitions',
  domains: 'Sending domains',
  audiences: 'Audiences and lists',
  suppression_groups: 'Suppression groups (and, where the source lists them, who opted out)',
  contacts: 'Contacts, memberships, custom field values and topic opt-outs',
  templates: 'Templates and their images',
  suppressions: 'The suppression list',
  done: 'Every phase finished',
});

const KindProgress = builder.objectRef<KindCount & { kind: ImportCounter }>('KindProgress').implement({
  description: 'Work done of one kind: records read against the total, and what became of them.',
  fields: (t) => ({
    kind: t.field({ type: ImportCounterEnum, description: 'What is counted', resolve: (k) => k.kind }),
    processed: t.exposeInt('processed', { description: 'Records read so far (the unit of `total`)' }),
    total: t.exposeInt('total', { nullable: true, description: 'Records to read, known from the scan at approval; null while unknown' }),
    imported: t.exposeInt('imported', { description: 'Records created here' }),
    skipped: t.exposeInt('skipped', { description: 'Records not created, by rule (already here, merged, not selected…)' }),
    errors: t.exposeInt('errors', { description: 'Records that could not be imported (listed in MigrationJob.problems)' }),
  }),
});

const ScanCount = builder.objectRef<{ kind: ScanKind; found: number }>('ScanCount').implement({
  description: 'What a running scan has counted so far of one kind.',
  fields: (t) => ({
    kind: t.field({ type: ScanKindEnum, description: 'The kind counted', resolve: (c) => c.kind }),
    found: t.exposeInt('found', { description: 'Found so far' }),
  }),
});

export const MigrationProgressRef = builder.objectRef<ProgressState>('MigrationProgress').implement({
  description: 'A live view of a migration job: status, phase, per-kind counters, percent, ETA, and on the terminal update the result or the error.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The migration job’s id' }),
    source: t.field({ type: SourceProviderEnum, description: 'Where it migrates from', resolve: (s) => s.source }),
    status: t.field({ type: MigrationStatusEnum, description: 'Where the job stands', resolve: (s) => s.status }),
    phase: t.field({ type: PhaseEnum, nullable: true, description: 'The import phase running (null before the import)', resolve: (s) => s.progress.phase ?? null }),
    counts: t.field({
      type: [KindProgress],
      description: 'Per kind, in the order the phases run, work done and to do; every selected kind is here with its total from approval on (a kind with nothing to do is left out)',
      resolve: (s) =>
        PROGRESS_COUNTERS.flatMap((kind) => {
          const c = s.progress.counts[kind];
          return c && ((c.total ?? 0) > 0 || c.processed + c.imported + c.skipped + c.errors > 0) ? [{ ...c, kind }] : [];
        }),
    }),
    scanned: t.field({
      type: [ScanCount],
      description: 'While scanning (and after): what the scan has counted so far, per kind',
      resolve: (s) => Object.entries(s.progress.scanned ?? {}).map(([kind, found]) => ({ kind: kind as ScanKind, found })),
    }),
    percent: t.float({
      nullable: true,
      description: 'Share of the selected records read, 0–100; never decreases within a job, 100 only once completed; null before approval',
      resolve: (s) => percentOf(s),
    }),
    etaSeconds: t.int({
      nullable: true,
      description: 'While importing: seconds left as of `updatedAt`, from the current phase’s measured rate and the provider allowance the phases ahead need; 0 once completed',
      resolve: (s) => etaOf(s),
    }),
    errorMessage: t.string({ nullable: true, description: 'Why it failed (“cancelled” when cancelled)', resolve: (s) => s.errorMessage }),
    failedPhase: t.field({ type: FailedPhaseEnum, nullable: true, description: 'Where it failed: decides what retry resumes', resolve: (s) => s.failedPhase }),
    result: t.field({
      type: ImportResultRef,
      nullable: true,
      description: 'The import’s result: set on the terminal update (and on the first one of a finished job), null on the updates between',
      resolve: (s) => s.result,
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the import began (its first run)',
      resolve: (s) => (s.progress.startedAt ? new Date(s.progress.startedAt) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the job was started' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When this state was written' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it completed or failed' }),
  }),
});

builder.subscriptionType({ authScopes: { readOnly: true }, description: 'Live updates over graphql-ws or server-sent events; any key of the organization.' });

/** Ends a subscriber's stream when its key is revoked, by whichever process revoked it. */
function untilRevoked<F extends { end(): void; onEnd(hook: () => void): void }>(ctx: GraphQLContext, apiKeyId: string, feed: F): F {
  feed.onEnd(ctx.services.revocations.track(apiKeyId, () => feed.end()));
  return feed;
}

builder.subscriptionField('migrationProgress', (t) =>
  t.field({
    type: MigrationProgressRef,
    description: 'The job’s current state at once, then every update (at most PROGRESS_UPDATES_PER_SECOND a second, the latest always); completes after a terminal state.',
    args: { id: t.arg.id({ required: true, description: 'The migration job’s id' }) },
    subscribe: (_root, { id }, ctx) => {
      const auth = requireAuth(ctx);
      // A refusal (another organization's job, or none) is the first read's error: graphql-ws sends it as the operation's error message.
      return untilRevoked(ctx, auth.apiKeyId, ctx.services.progress.follow(String(id), auth.organizationId));
    },
    resolve: (state) => state,
  }),
);

builder.subscriptionField('migrationsChanged', (t) =>
  t.field({
    type: MigrationProgressRef,
    description:
      'Every job of the key’s organization as it is created, moves or ends (the same state `migrationProgress` streams), so a job list stays live. Subscribe first, then query `migrations`: an update newer than the list replaces its row. A slow client gets each job’s latest state.',
    subscribe: (_root, _args, ctx) => {
      const auth = requireAuth(ctx);
      return untilRevoked(ctx, auth.apiKeyId, ctx.services.progress.followOrganization(auth.organizationId));
    },
    resolve: (state) => state,
  }),
);
