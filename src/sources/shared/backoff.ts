import { setTimeout as sleep } from 'node:timers/promises';

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8_000;

/** Waits a random time up to base·2^(attempt−1), capped ("full jitter") and at most `maxMs`, before a retry. */
export async function jitteredBackoff(attempt: number, baseMs = BACKOFF_BASE_MS, signal?: AbortSignal, maxMs = Infinity): Promise<void> {
  const wait = Math.random() * Math.min(BACKOFF_CAP_MS, baseMs * 2 ** (attempt - 1));
  await sleep(Math.max(0, Math.min(wait, maxMs)), undefined, { signal });
}
