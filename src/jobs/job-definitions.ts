import { z } from 'zod';
import type { QueueOptions } from 'pg-boss';

/** A background job: its queue name, payload schema and queue policy, declared once. */
export interface JobDefinition<TPayload> {
  name: string;
  payload: z.ZodType<TPayload>;
  queue: QueueOptions;
}

export function defineJob<TPayload>(
  name: string,
  payload: z.ZodType<TPayload>,
  queue: QueueOptions,
): JobDefinition<TPayload> {
  return { name, payload, queue };
}

/** Round trip API → worker: proves a worker is consuming and records when it last did. */
export const systemPingJob = defineJob(
  'system.ping',
  z.object({ pingId: z.string().min(1), sentBy: z.string().min(1) }),
  { retryLimit: 0, expireInSeconds: 60, deleteAfterSeconds: 3600 },
);

/** Every queue the workers create on boot. */
export const ALL_JOBS: JobDefinition<unknown>[] = [systemPingJob];
