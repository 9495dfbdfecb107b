import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logger.js';

const MAX_BACKOFF_MS = 5_000;

type Handler = (payload: string) => void;

/**
 * A process's one dedicated LISTEN connection (not pooled, with TCP keepalive) for every
 * channel it follows. When the connection drops it reconnects with backoff and LISTENs again,
 * then tells each `onReconnect` callback, whose owner re-reads what it may have missed.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly reconnectHooks: ((lostAt: Date) => Promise<void>)[] = [];
  /** When the connection last dropped: what changed since may have been missed. */
  private lostAt = new Date();
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private connectedBefore = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly applicationName = 'migrate-listener',
  ) {}

  /** Registers a channel's handler; call before `start`. */
  on(channel: string, handler: Handler): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  /**
   * Called after every reconnect (not the first connect), once LISTEN is in place again, with
   * when the connection was lost.
   */
  onReconnect(hook: (lostAt: Date) => Promise<void>): void {
    this.reconnectHooks.push(hook);
  }

  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => {});
  }

  private connect(): Promise<void> {
    this.connecting ??= this.connectWithBackoff().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectWithBackoff(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const client = new pg.Client({
        connectionString: this.databaseUrl,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        application_name: this.applicationName,
      });
      try {
        await client.connect();
        client.on('notification', (msg) => {
          for (const handler of this.handlers.get(msg.channel) ?? []) {
            try {
              handler(msg.payload ?? '');
            } catch (err) {
              this.logger.warn({ err, channel: msg.channel }, 'notification handler failed');
            }
          }
        });
        client.on('error', (err) => this.onLost(client, err));
        client.on('end', () => this.onLost(client, new Error('connection ended')));
        for (const channel of this.handlers.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
        this.client = client;
        if (this.connectedBefore) await this.afterReconnect();
        this.connectedBefore = true;
        return;
      } catch (err) {
        await client.end().catch(() => {});
        const wait = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.logger.warn({ err: (err as Error).message, retryInMs: Math.round(wait) }, 'notification listener reconnecting');
        await sleep(wait);
      }
    }
  }

  private async afterReconnect(): Promise<void> {
    for (const hook of this.reconnectHooks) {
      await hook(this.lostAt).catch((err: Error) => this.logger.warn({ err: err.message }, 're-read after reconnect failed'));
    }
  }

  private onLost(client: pg.Client, err: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.lostAt = new Date();
    this.logger.warn({ err: err.message }, 'notification listener connection lost');
    client.end().catch(() => {});
    void this.connect();
  }
}
