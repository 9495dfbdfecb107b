import { describe, expect, it } from 'vitest';
import { JobFeed, OrganizationFeed } from '../../src/modules/progress/progress-slots.js';
import type { ProgressState } from '../../src/modules/progress/progress-state.js';

function state(id: string, status: ProgressState['status'], at: number, processed = 0): ProgressState {
  return {
    id,
    organizationId: 'org_a',
    source: 'resend',
    status,
    progress: { counts: { contacts: { processed, total: 10, imported: processed, skipped: 0, errors: 0 } } },
    errorMessage: null,
    failedPhase: null,
    result: null,
    createdAt: new Date(0),
    updatedAt: new Date(at),
    completedAt: null,
  };
}

describe('a job feed', () => {
  it('delivers nothing before the subscriber was checked, and nothing at all when refused', async () => {
    const feed = new JobFeed();
    const first = feed.next();
    feed.push(state('mig_1', 'importing', 1, 5));
    feed.refuse(new Error('not_found'));
    await expect(first).rejects.toThrow('not_found');
    await expect(feed.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('starts with the newer of the read and what was pushed meanwhile, keeps only the latest, and ends after a terminal state', async () => {
    const feed = new JobFeed();
    let ended = 0;
    feed.onEnd(() => ended++);
    feed.push(state('mig_1', 'importing', 20, 3));
    feed.start(state('mig_1', 'importing', 10, 1));
    expect((await feed.next()).value?.progress.counts.contacts?.processed).toBe(3);
    // A slow reader: two updates while it was away, it gets the second.
    feed.push(state('mig_1', 'importing', 30, 5));
    feed.push(state('mig_1', 'importing', 40, 7));
    expect((await feed.next()).value?.progress.counts.contacts?.processed).toBe(7);
    const waiting = feed.next();
    feed.push(state('mig_1', 'completed', 50, 10));
    expect((await waiting).value?.status).toBe('completed');
    await expect(feed.next()).resolves.toEqual({ done: true, value: undefined });
    expect(ended).toBe(1);
  });

  it('ends a waiting read at once when the subscriber leaves', async () => {
    const feed = new JobFeed();
    feed.start(state('mig_1', 'importing', 1));
    await feed.next();
    const waiting = feed.next();
    await feed.return();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });
});

describe('an organization feed', () => {
  it('keeps the latest state of each job, in the order the jobs changed', async () => {
    const feed = new OrganizationFeed();
    feed.push(state('mig_1', 'pending', 1));
    feed.push(state('mig_2', 'pending', 2));
    feed.push(state('mig_1', 'scanning', 3));
    const seen = [(await feed.next()).value!, (await feed.next()).value!].map((s) => `${s.id} ${s.status}`);
    expect(seen).toEqual(['mig_2 pending', 'mig_1 scanning']);
  });
});
