import type { MikroORM } from '@mikro-orm/postgresql';
import type { MigrationStatus } from '../migrations/migration-job.entity.js';
import type { ProgressState } from './progress-state.js';

interface Row {
  id: string;
  organization_id: string;
  status: MigrationStatus;
  progress: { phase?: string; counts?: ProgressState['counts']; startedAt?: string } | null;
  error_message: string | null;
}

/** Reads jobs' progress states from the database (the truth the notifications summarise). */
export function progressReader(orm: MikroORM) {
  return async (jobIds: string[]): Promise<ProgressState[]> => {
    if (!jobIds.length) return [];
    const rows = await orm.em
      .fork()
      .execute<Row[]>(
        `select id, organization_id, status, progress, error_message from migration_jobs
          where id in (select jsonb_array_elements_text(?::jsonb))`,
        [JSON.stringify(jobIds)],
      );
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      status: r.status,
      phase: r.progress?.phase ?? null,
      counts: r.progress?.counts ?? {},
      errorMessage: r.error_message,
      startedAt: r.progress?.startedAt ?? null,
    }));
  };
}
