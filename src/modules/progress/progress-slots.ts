import type { ProgressState } from './progress-state.js';

/** Waits for a push or the subscriber's end (`signal`), whichever comes first. */
abstract class Slot {
  private wake: (() => void) | null = null;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  protected notify(): void {
    this.wake?.();
    this.wake = null;
  }

  protected abstract take(): ProgressState | null;

  /** The next state, or null once the subscriber has gone. */
  async next(): Promise<ProgressState | null> {
    for (;;) {
      if (this.signal.aborted) return null;
      const state = this.take();
      if (state) return state;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** One subscriber of a job: holds only the latest state (a slow client never grows a queue). */
export class JobSlot extends Slot {
  private latest: ProgressState | null = null;

  push(state: ProgressState): void {
    this.latest = state;
    this.notify();
  }

  protected take(): ProgressState | null {
    const state = this.latest;
    this.latest = null;
    return state;
  }
}

/** One subscriber of an organization: the latest state of each job, in the order jobs changed. */
export class OrganizationSlot extends Slot {
  private readonly latest = new Map<string, ProgressState>();

  push(state: ProgressState): void {
    // Re-inserted at the end: a job that changed again waits behind the others that changed.
    this.latest.delete(state.id);
    this.latest.set(state.id, state);
    this.notify();
  }

  protected take(): ProgressState | null {
    const first = this.latest.entries().next();
    if (first.done) return null;
    this.latest.delete(first.value[0]);
    return first.value[1];
  }
}
