import { setTimeout as sleep } from 'node:timers/promises';

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8_000;

/** Waits a random time up to base·2^(attempt−1), capped ("full jitter"), before a retry. */
export async function jitteredBackoff(attempt: number, baseMs = BACKOFF_BASE_MS, signal?: AbortSignal): Promise<void> {
  await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, baseMs * 2 ** (attempt - 1)), undefined, { signal });
}
