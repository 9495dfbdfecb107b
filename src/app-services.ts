import type { MikroORM } from '@mikro-orm/postgresql';
import type { Env } from './config/env.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './logger.js';
import type { CredentialSealer } from './modules/credentials/credential-sealer.js';

/** Long-lived, per-process dependencies handed to the HTTP layer and the service layer. */
export interface AppServices {
  env: Env;
  orm: MikroORM;
  jobs: JobQueue;
  logger: Logger;
  sealer: CredentialSealer;
}
