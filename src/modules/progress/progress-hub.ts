import type { Logger } from '../../logger.js';
import type { NotificationListener } from '../../db/notification-listener.js';
import {
  isTerminal,
  progressNotificationSchema,
  stateOfNotification,
  type ProgressNotification,
  type ProgressState,
} from './progress-state.js';
import { JobFeed, OrganizationFeed } from './progress-slots.js';
import { notFound } from '../../errors/app-error.js';

export const PROGRESS_CHANNEL = 'migration_progress';

export interface ProgressReader {
  /** The jobs' current states. */
  jobs(ids: string[]): Promise<ProgressState[]>;
  /** The organizations' jobs written since `since`. */
  changedSince(organizationIds: string[], since: Date): Promise<ProgressState[]>;
}

/** A job's throttle while its interval runs: the status it delivered, the latest state held back since. */
interface Throttle {
  status: ProgressState['status'];
  held: ProgressState | null;
  timer: NodeJS.Timeout;
}

/** Clock skew between this process and the database, allowed for when re-reading after a reconnect. */
const SKEW_MS = 5_000;

/**
 * Progress NOTIFYs fanned out to this process's subscribers, from the process's one LISTEN
 * connection. Per job at most `updatesPerSecond` states a second are delivered: the first at
 * once, later ones held and the latest delivered when the interval ends (a trailing edge, so
 * the last counters of a burst are never held until the next event); a change of status goes
 * at once, so no transition is coalesced away. Every subscriber of a job gets the same state
 * object, which lets GraphQL execute each (state, selection) once per process. After a
 * reconnect what changed meanwhile is re-read.
 */
export class ProgressHub {
  private readonly jobSlots = new Map<string, Set<JobFeed>>();
  private readonly organizationSlots = new Map<string, Set<OrganizationFeed>>();
  private readonly throttles = new Map<string, Throttle>();
  /** Per job: reads of the row still running, so states are delivered in the order they came. */
  private readonly pendingReads = new Map<string, Promise<void>>();
  private readonly intervalMs: number;

  constructor(
    listener: NotificationListener,
    private readonly read: ProgressReader,
    private readonly logger: Logger,
    options: { updatesPerSecond: number },
  ) {
    this.intervalMs = 1000 / options.updatesPerSecond;
    listener.on(PROGRESS_CHANNEL, (payload) => this.receive(payload));
    listener.onReconnect((lostAt) => this.rereadSince(lostAt));
  }

  /**
   * A subscriber of one job of `organizationId`: its current state first, then every update,
   * ending after a terminal state. Registered before the read, so no update falls between; a job
   * of another organization (or none) makes the first `next` reject with not_found.
   */
  follow(jobId: string, organizationId: string): JobFeed {
    const feed = new JobFeed();
    feed.onEnd(register(this.jobSlots, jobId, feed));
    this.read.jobs([jobId]).then(
      ([state]) => (state && state.organizationId === organizationId ? feed.start(state) : feed.refuse(notFound(`Migration job ${jobId}`))),
      (err: unknown) => feed.refuse(err),
    );
    return feed;
  }

  /** A subscriber of every job of the organization, until it ends. */
  followOrganization(organizationId: string): OrganizationFeed {
    const feed = new OrganizationFeed();
    feed.onEnd(register(this.organizationSlots, organizationId, feed));
    return feed;
  }

  private receive(payload: string): void {
    let notification: ProgressNotification;
    try {
      const raw = JSON.parse(payload) as { id?: unknown; organizationId?: unknown };
      // Every process hears every job's changes: only those someone here follows are read further.
      if (!this.jobSlots.has(String(raw.id)) && !this.organizationSlots.has(String(raw.organizationId))) return;
      notification = progressNotificationSchema.parse(raw);
    } catch (err) {
      this.logger.warn({ err }, 'unreadable progress notification');
      return;
    }
    const state = stateOfNotification(notification);
    // A terminal state carries the result, which the payload leaves out; a partial one everything.
    if (!state || isTerminal(state) || this.pendingReads.has(notification.id)) {
      this.after(notification.id, async () => {
        const fresh = !state || isTerminal(state) ? (await this.read.jobs([notification.id]))[0] : state;
        if (fresh) this.publish(fresh);
      });
      return;
    }
    this.publish(state);
  }

  /** Runs `step` after the job's reads still running, so its states keep their order. */
  private after(jobId: string, step: () => Promise<void>): void {
    const previous = this.pendingReads.get(jobId) ?? Promise.resolve();
    const next = previous
      .then(step)
      .catch((err: Error) => this.logger.warn({ err: err.message, jobId }, 'progress read failed'))
      .finally(() => {
        if (this.pendingReads.get(jobId) === next) this.pendingReads.delete(jobId);
      });
    this.pendingReads.set(jobId, next);
  }

  private publish(state: ProgressState): void {
    const throttle = this.throttles.get(state.id);
    // A new status (and so a terminal state) goes at once: only counters within a status are coalesced.
    if (throttle && throttle.status === state.status && !isTerminal(state)) {
      throttle.held = state;
      return;
    }
    if (throttle) {
      clearTimeout(throttle.timer);
      this.throttles.delete(state.id);
    }
    this.deliver(state);
    if (!isTerminal(state)) this.startInterval(state);
  }

  /** Holds later states of the job until the interval ends, then delivers the latest. */
  private startInterval(delivered: ProgressState): void {
    const jobId = delivered.id;
    const throttle: Throttle = {
      status: delivered.status,
      held: null,
      timer: setTimeout(() => {
        this.throttles.delete(jobId);
        const held = throttle.held;
        if (!held) return;
        this.deliver(held);
        this.startInterval(held);
      }, this.intervalMs),
    };
    throttle.timer.unref();
    this.throttles.set(jobId, throttle);
  }

  private deliver(state: ProgressState): void {
    for (const slot of this.jobSlots.get(state.id) ?? []) slot.push(state);
    for (const slot of this.organizationSlots.get(state.organizationId) ?? []) slot.push(state);
  }

  /** After a reconnect: what changed while we were not listening reaches every subscriber. */
  private async rereadSince(lostAt: Date): Promise<void> {
    const jobIds = [...this.jobSlots.keys()];
    const organizationIds = [...this.organizationSlots.keys()];
    const states = new Map<string, ProgressState>();
    for (const state of await this.read.jobs(jobIds)) states.set(state.id, state);
    if (organizationIds.length) {
      for (const state of await this.read.changedSince(organizationIds, new Date(lostAt.getTime() - SKEW_MS))) states.set(state.id, state);
    }
    for (const state of states.values()) this.publish(state);
  }
}

function register<T>(slots: Map<string, Set<T>>, key: string, slot: T): () => void {
  const set = slots.get(key) ?? new Set<T>();
  slots.set(key, set);
  set.add(slot);
  return () => {
    set.delete(slot);
    if (!set.size && slots.get(key) === set) slots.delete(key);
  };
}
