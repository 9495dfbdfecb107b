import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { notFound } from '../../errors/app-error.js';
import { etaSeconds, percentDone, type ProgressState } from './progress-state.js';
import { progressReader } from './progress.repository.js';
import { MigrationStatusEnum } from '../migrations/migration.schema.js';

const KindProgress = builder
  .objectRef<{ kind: string; processed: number; total: number | null }>('KindProgress')
  .implement({
    fields: (t) => ({
      kind: t.exposeString('kind'),
      processed: t.exposeInt('processed'),
      total: t.exposeInt('total', { nullable: true }),
    }),
  });

const MigrationProgress = builder.objectRef<ProgressState>('MigrationProgress').implement({
  description: 'A live view of a migration job: status, phase, per-kind counters, percent and ETA.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: MigrationStatusEnum, resolve: (s) => s.status }),
    phase: t.exposeString('phase', { nullable: true }),
    counts: t.field({
      type: [KindProgress],
      resolve: (s) => Object.entries(s.counts ?? {}).map(([kind, c]) => ({ kind, processed: c.processed, total: c.total ?? null })),
    }),
    percent: t.float({ nullable: true, description: 'Share of known work done, 0–100', resolve: (s) => percentDone(s) }),
    etaSeconds: t.int({ nullable: true, description: 'Seconds left at the pace so far', resolve: (s) => etaSeconds(s) }),
    errorMessage: t.string({ nullable: true, resolve: (s) => s.errorMessage ?? null }),
  }),
});

builder.subscriptionType({ authScopes: { readOnly: true } });

builder.subscriptionField('migrationProgress', (t) =>
  t.field({
    type: MigrationProgress,
    description: 'The job’s current state at once, then every update; completes after a terminal state.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async function* (_root, { id }, ctx) {
      const auth = requireAuth(ctx);
      const [state] = await progressReader(ctx.services.orm)([String(id)]);
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
