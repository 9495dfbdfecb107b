import type { EntityManager } from '@mikro-orm/postgresql';
import { MigrationJob, type MigrationStatus } from './migration-job.entity.js';

/** Named queries over migration jobs; every one is scoped to an organization. */
export class MigrationJobRepository {
  constructor(private readonly em: EntityManager) {}

  findInOrganization(organizationId: string, id: string): Promise<MigrationJob | null> {
    return this.em.findOne(MigrationJob, { id, organizationId });
  }

  /** Newest first, keyset-paged on (created_at, id); `after` is a job id from an earlier page. */
  async page(organizationId: string, first: number, after: MigrationJob | null) {
    const where = after
      ? {
          organizationId,
          $or: [
            { createdAt: { $lt: after.createdAt } },
            { createdAt: after.createdAt, id: { $lt: after.id } },
          ],
        }
      : { organizationId };
    const rows = await this.em.find(MigrationJob, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
    });
    return { jobs: rows.slice(0, first), hasMore: rows.length > first };
  }

  /**
   * Moves a job from one of `from` to `to` only if it is still there: API and workers race on
   * the same row, and the loser must see that it lost.
   */
  async transition(
    organizationId: string,
    id: string,
    from: readonly MigrationStatus[],
    changes: Partial<Record<string, unknown>> & { status: MigrationStatus },
  ): Promise<boolean> {
    const affected = await this.em.nativeUpdate(
      MigrationJob,
      { id, organizationId, status: { $in: [...from] } },
      { ...changes, updatedAt: new Date() },
    );
    return affected > 0;
  }
}
