import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { NotificationListener } from '../../db/notification-listener.js';

/** Published by a trigger on api_keys whenever a key is revoked (GraphQL, CLI or SQL alike). */
export const KEY_REVOKED_CHANNEL = 'api_key_revoked';

/**
 * What this process holds open on behalf of a key (graphql-ws sockets, subscriptions) and must
 * end the moment the key is revoked, on whichever process the revocation happened. After a
 * lost LISTEN connection every tracked key is checked again, so a revocation made meanwhile
 * still ends them.
 */
export class KeyRevocations {
  private readonly holders = new Map<string, Set<() => void>>();

  constructor(
    listener: NotificationListener,
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    listener.on(KEY_REVOKED_CHANNEL, (apiKeyId) => this.revoked(apiKeyId));
    listener.onReconnect(() => this.recheckAll());
  }

  /** Calls `onRevoked` once if the key is revoked while tracked; the result stops tracking. */
  track(apiKeyId: string, onRevoked: () => void): () => void {
    const set = this.holders.get(apiKeyId) ?? new Set();
    this.holders.set(apiKeyId, set);
    set.add(onRevoked);
    return () => {
      set.delete(onRevoked);
      if (!set.size) this.holders.delete(apiKeyId);
    };
  }

  /** Whether the key is still usable right now (checked in the database, not remembered). */
  async isActive(apiKeyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from api_keys where id = $1 and revoked_at is null', [apiKeyId]);
    return rowCount === 1;
  }

  private revoked(apiKeyId: string): void {
    const set = this.holders.get(apiKeyId);
    if (!set) return;
    this.holders.delete(apiKeyId);
    this.logger.info({ apiKeyId, holders: set.size }, 'API key revoked; ending what it holds open');
    for (const end of set) end();
  }

  private async recheckAll(): Promise<void> {
    const ids = [...this.holders.keys()];
    if (!ids.length) return;
    const { rows } = await this.pool.query<{ id: string }>(
      'select id from api_keys where id = any($1) and revoked_at is not null',
      [ids],
    );
    for (const { id } of rows) this.revoked(id);
  }
}
