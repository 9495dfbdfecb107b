import { isTerminal, type ProgressState } from './progress-state.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One subscriber's stream, as a hand-written async iterator: the hub resolves a waiting `next`
 * directly with the state (no generator or wrapper between them: with thousands of subscribers,
 * every promise per delivery counts), and `return` ends it at once, even while it waits.
 * Holds only what is still undelivered: a slow client never grows a queue.
 */
abstract class Feed implements AsyncIterableIterator<ProgressState> {
  private waiting: ((step: IteratorResult<ProgressState, undefined>) => void) | null = null;
  private failWaiting: ((err: unknown) => void) | null = null;
  private failure: unknown = null;
  protected ended = false;
  private readonly endHooks: (() => void)[] = [];

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Runs `hook` once when the stream ends (unsubscribed, revoked, completed or failed). */
  onEnd(hook: () => void): void {
    if (this.ended) hook();
    else this.endHooks.push(hook);
  }

  next(): Promise<IteratorResult<ProgressState, undefined>> {
    if (this.failure) {
      const err = this.failure;
      this.end();
      return Promise.reject(err);
    }
    const state = this.take();
    if (state) return Promise.resolve({ done: false, value: state });
    if (this.ended || this.exhausted()) {
      this.end();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<ProgressState, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  /** Ends the stream; a waiting `next` resolves done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.settle(DONE);
    for (const hook of this.endHooks.splice(0)) hook();
  }

  /** The stream fails: the waiting (or next) `next` rejects with `err`. */
  protected fail(err: unknown): void {
    if (this.ended) return;
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = null;
      this.end();
      reject(err);
    } else {
      this.failure = err;
    }
  }

  /** Hands `state` to a waiting `next`, or keeps it for the next one. */
  protected offer(state: ProgressState): void {
    if (this.waiting) this.settle({ done: false, value: state });
    else this.keep(state);
  }

  private settle(step: IteratorResult<ProgressState, undefined>): void {
    const resolve = this.waiting;
    this.waiting = this.failWaiting = null;
    resolve?.(step);
  }

  protected abstract take(): ProgressState | null;
  protected abstract keep(state: ProgressState): void;
  /** Nothing more will come (a job's terminal state was delivered). */
  protected exhausted(): boolean {
    return false;
  }
}

/**
 * A subscriber of one job: its current state first, then the latest of each update, ending
 * after a terminal state. Nothing is delivered before `start` (the subscriber's organization
 * was checked against the job); what the hub pushed meanwhile is kept if newer than the read.
 */
export class JobFeed extends Feed {
  private latest: ProgressState | null = null;
  private started = false;
  private finished = false;

  start(initial: ProgressState): void {
    const pushed = this.latest;
    this.latest = null;
    this.started = true;
    this.push(pushed && pushed.updatedAt.getTime() >= initial.updatedAt.getTime() ? pushed : initial);
  }

  refuse(err: unknown): void {
    this.latest = null;
    this.fail(err);
  }

  push(state: ProgressState): void {
    if (this.ended || this.finished) return;
    if (!this.started) return void (this.latest = state);
    if (isTerminal(state)) this.finished = true;
    this.offer(state);
  }

  protected keep(state: ProgressState): void {
    this.latest = state;
  }

  protected take(): ProgressState | null {
    if (!this.started) return null;
    const state = this.latest;
    this.latest = null;
    return state;
  }

  protected override exhausted(): boolean {
    return this.finished && !this.latest;
  }
}

/** A subscriber of an organization: the latest state of each job, in the order jobs changed. */
export class OrganizationFeed extends Feed {
  private readonly latest = new Map<string, ProgressState>();

  push(state: ProgressState): void {
    if (this.ended) return;
    this.offer(state);
  }

  protected keep(state: ProgressState): void {
    // Re-inserted at the end: a job that changed again waits behind the others that changed.
    this.latest.delete(state.id);
    this.latest.set(state.id, state);
  }

  protected take(): ProgressState | null {
    const first = this.latest.entries().next();
    if (first.done) return null;
    this.latest.delete(first.value[0]);
    return first.value[1];
  }
}
