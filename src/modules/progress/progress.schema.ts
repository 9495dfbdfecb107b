import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth } from '../../graphql/context.js';
import { notFound } from '../../errors/app-error.js';
import { etaSeconds, percentDone, readProgressStates, type ProgressState } from './progress-state.js';
import { MigrationStatusEnum } from '../migrations/migration-enums.schema.js';
import { PROGRESS_PHASES } from '../../model/import-state.js';
import { IMPORT_COUNTERS, type ImportCounter } from '../../model/record-kinds.js';
import { ImportCounterEnum } from '../migrations/migration-model.schema.js';

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

const KindProgress = builder
  .objectRef<{ kind: ImportCounter; processed: number; total: number | null }>('KindProgress')
  .implement({
    description: 'Work done of one kind.',
    fields: (t) => ({
      kind: t.field({ type: ImportCounterEnum, description: 'What is counted', resolve: (k) => k.kind }),
      processed: t.exposeInt('processed', { description: 'Records read and written so far' }),
      total: t.exposeInt('total', { nullable: true, description: 'Records to do; null while unknown' }),
    }),
  });

const isCounter = (kind: string): kind is ImportCounter => (IMPORT_COUNTERS as readonly string[]).includes(kind);

export const MigrationProgressRef = builder.objectRef<ProgressState>('MigrationProgress').implement({
  description: 'A live view of a migration job: status, phase, per-kind counters, percent and ETA.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The migration job’s id' }),
    status: t.field({ type: MigrationStatusEnum, description: 'Where the job stands', resolve: (s) => s.status }),
    phase: t.field({ type: PhaseEnum, nullable: true, description: 'The import phase running (null before the import)', resolve: (s) => s.phase }),
    counts: t.field({
      type: [KindProgress],
      description: 'Per kind, work done and to do',
      resolve: (s) => Object.entries(s.counts).flatMap(([kind, c]) => (isCounter(kind) ? [{ kind, processed: c.processed, total: c.total }] : [])),
    }),
    percent: t.float({ nullable: true, description: 'Share of known work done, 0–100', resolve: (s) => percentDone(s) }),
    etaSeconds: t.int({ nullable: true, description: 'Seconds left at the pace so far', resolve: (s) => etaSeconds(s) }),
    errorMessage: t.string({ nullable: true, description: 'Why it failed', resolve: (s) => s.errorMessage ?? null }),
  }),
});

builder.subscriptionType({ authScopes: { readOnly: true }, description: 'Live updates over graphql-ws (or SSE); any key of the organization.' });

builder.subscriptionField('migrationProgress', (t) =>
  t.field({
    type: MigrationProgressRef,
    description: 'The job’s current state at once, then every update; completes after a terminal state.',
    args: { id: t.arg.id({ required: true, description: 'The migration job’s id' }) },
    subscribe: async function* (_root, { id }, ctx) {
      const auth = requireAuth(ctx);
      const [state] = await readProgressStates(ctx.services.pool, [String(id)]);
      if (!state || state.organizationId !== auth.organizationId) throw notFound(`Migration job ${id}`);
      const stop = new AbortController();
      // A revoked key's subscriptions end (over SSE as over WebSocket), whichever process revoked it.
      const untrack = ctx.services.revocations.track(auth.apiKeyId, () => stop.abort());
      try {
        yield* ctx.services.progress.watch(state, stop.signal);
      } finally {
        untrack();
        stop.abort();
      }
    },
    resolve: (state) => state,
  }),
);
