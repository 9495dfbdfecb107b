import type { Logger } from '../../logger.js';
import type { NotificationListener } from '../../db/notification-listener.js';
import { isTerminal, progressStateSchema, type ProgressState } from './progress-state.js';

export const PROGRESS_CHANNEL = 'migration_progress';

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
 * Progress NOTIFYs fanned out to this process's subscribers, from the process's one LISTEN
 * connection; after a reconnect every watched job is re-read, so no subscriber misses a
 * transition.
 */
export class ProgressHub {
  private readonly slots = new Map<string, Set<Slot>>();

  constructor(
    listener: NotificationListener,
    private readonly readStates: Reader,
    private readonly logger: Logger,
  ) {
    listener.on(PROGRESS_CHANNEL, (payload) => {
      try {
        this.deliver(progressStateSchema.parse(JSON.parse(payload)));
      } catch (err) {
        this.logger.warn({ err }, 'unreadable progress notification');
      }
    });
    listener.onReconnect(() => this.rereadWatched());
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

  private deliver(state: ProgressState): void {
    for (const slot of this.slots.get(state.id) ?? []) slot.push(state);
  }

  /** After a reconnect: what changed while we were not listening reaches every subscriber. */
  private async rereadWatched(): Promise<void> {
    const ids = [...this.slots.keys()];
    if (!ids.length) return;
    for (const state of await this.readStates(ids)) this.deliver(state);
  }
}
