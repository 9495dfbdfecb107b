import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { isTerminal, type ProgressState } from './progress-state.js';

export const PROGRESS_CHANNEL = 'migration_progress';
const LISTENER_APPLICATION_NAME = 'migrate-progress-listener';
const MAX_BACKOFF_MS = 5_000;

type Reader = (jobIds: string[]) => Promise<ProgressState[]>;

/** One subscriber: holds only the latest state (a slow client never grows a queue). */
class Slot {
  latest: ProgressState | null = null;
  private wake: (() => void) | null = null;

  push(state: ProgressState): void {
    this.latest = state;
    this.wake?.();
    this.wake = null;
  }

  async next(signal: AbortSignal): Promise<ProgressState | null> {
    while (!this.latest) {
      if (signal.aborted) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const state = this.latest;
    this.latest = null;
    return state;
  }
}

/**
 * The API process's one LISTEN connection, fanned out to its subscribers. The connection is
 * dedicated (not pooled) with TCP keepalive; when it drops, it reconnects with backoff,
 * LISTENs again and re-reads every watched job, so no subscriber misses a transition.
 */
export class ProgressHub {
  private client: pg.Client | null = null;
  private readonly slots = new Map<string, Set<Slot>>();
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private connectedBefore = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly readStates: Reader,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => {});
  }

  /** Yields the job's states from `initial` on, completing after a terminal one. */
  async *watch(initial: ProgressState, signal: AbortSignal): AsyncGenerator<ProgressState> {
    const slot = new Slot();
    const set = this.slots.get(initial.id) ?? new Set<Slot>();
    this.slots.set(initial.id, set);
    set.add(slot);
    try {
      yield initial;
      if (isTerminal(initial)) return;
      // A change between the read and the LISTEN registration: re-read once.
      const [fresh] = await this.readStates([initial.id]);
      if (fresh && (fresh.status !== initial.status || JSON.stringify(fresh.counts) !== JSON.stringify(initial.counts))) {
        slot.push(fresh);
      }
      for (;;) {
        const state = await slot.next(signal);
        if (!state) return;
        yield state;
        if (isTerminal(state)) return;
      }
    } finally {
      set.delete(slot);
      if (!set.size) this.slots.delete(initial.id);
    }
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.slots.values()) n += set.size;
    return n;
  }

  private deliver(state: ProgressState): void {
    for (const slot of this.slots.get(state.id) ?? []) slot.push(state);
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
        application_name: LISTENER_APPLICATION_NAME,
      });
      try {
        await client.connect();
        client.on('notification', (msg) => {
          if (msg.channel !== PROGRESS_CHANNEL || !msg.payload) return;
          try {
            this.deliver(JSON.parse(msg.payload) as ProgressState);
          } catch (err) {
            this.logger.warn({ err }, 'unreadable progress notification');
          }
        });
        client.on('error', (err) => this.onLost(client, err));
        client.on('end', () => this.onLost(client, new Error('connection ended')));
        await client.query(`listen ${PROGRESS_CHANNEL}`);
        this.client = client;
        if (this.connectedBefore) await this.rereadWatched();
        this.connectedBefore = true;
        return;
      } catch (err) {
        await client.end().catch(() => {});
        const wait = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.logger.warn({ err: (err as Error).message, retryInMs: Math.round(wait) }, 'progress listener reconnecting');
        await sleep(wait);
      }
    }
  }

  private onLost(client: pg.Client, err: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.logger.warn({ err: err.message }, 'progress listener connection lost');
    client.end().catch(() => {});
    void this.connect();
  }

  /** After a reconnect: what changed while we were not listening reaches every subscriber. */
  private async rereadWatched(): Promise<void> {
    const ids = [...this.slots.keys()];
    if (!ids.length) return;
    for (const state of await this.readStates(ids)) this.deliver(state);
  }
}
