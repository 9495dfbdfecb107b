import { z } from 'zod';

/**
 * The only reader of `process.env`. Every setting the service understands is declared here,
 * validated with zod, and a bad or missing one stops the process at boot with the whole list.
 */

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /**
   * The API's public base URL. Template images re-hosted by an import are stored in the
   * template HTML as <PUBLIC_URL>/media/<sha256>, so mail clients must reach it; required in
   * production (defaults to http://HOST:PORT elsewhere). Also used in printed examples.
   */
  PUBLIC_URL: z.url().optional(),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  DATA_DIR: z.string().min(1).default('.data'),

  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** The largest file one upload into a migration may be, as sent (gzip counts compressed): 2 GB. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(2_000_000_000),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(100).default(5000),
  /** Parse-time limits, checked before validation so a huge document costs almost nothing. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(2000),
  GRAPHQL_MAX_FIELDS: z.coerce.number().int().min(10).default(500),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  /** Comma-separated origins allowed by CORS (REST and GraphQL alike); unset: no CORS headers. */
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.url()])))
    .default([]),
  GRAPHIQL: boolean.optional(),

  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** A worker that stops heart-beating this long is presumed dead and its job is redelivered. */
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** How often pg-boss looks for expired or heart-beat-less jobs. */
  JOB_MONITOR_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(600).default(30),

  /** Local key-encryption key for sealed credentials (AES-256-GCM). */
  MIGRATE_KEK: base64Key.optional(),
  /** When set, credentials are sealed with a KMS data key (envelope encryption). */
  MIGRATE_KEK_ARN: z.string().min(1).optional(),
  KMS_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),

  /** Sealed credentials of failed jobs are wiped this long after the failure. */
  CREDENTIAL_RETENTION_HOURS: z.coerce.number().min(0).default(168),

  /** Live progress: at most this many updates a second per job reach a subscriber (the latest always does). */
  PROGRESS_UPDATES_PER_SECOND: z.coerce.number().min(1).max(50).default(4),

  /** Allow webhook endpoints on loopback and private addresses (tests, local development). */
  WEBHOOK_ALLOW_PRIVATE: boolean.default(false),

  /** Rate limits, counted in PostgreSQL so every API process shares them; 0 disables a limit. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(0).default(1200),
  /** Counted before authentication, so it also bounds unauthenticated traffic. */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(2400),
  /** Behind a proxy: the client address is the first X-Forwarded-For entry. */
  TRUST_PROXY: boolean.default(false),
  /** How long a POST's Idempotency-Key and its stored response are kept. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(24),

  /** `npm run demo`: where the sample Resend account is served. */
  DEMO_RESEND_PORT: z.coerce.number().int().min(1024).max(65535).default(4010),
  /** `npm run demo`: the port of its own embedded database (beside `npm start`'s). */
  DEMO_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54330),

  /** How long one provider request (or export file) is retried across 5xx, cuts and 429s before the job fails. */
  PROVIDER_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  RESEND_BASE_URL: z.url().default('https://api.resend.com'),
  SENDGRID_BASE_URL: z.url().default('https://api.sendgrid.com'),
  /** Where SendGrid's image CDN (cdn.mcauto-images-production.sendgrid.net) is fetched from. */
  SENDGRID_CDN_URL: z.url().default('https://cdn.mcauto-images-production.sendgrid.net'),
  /** Mailgun's two regions: a key works in one of them only, and the connector finds which. */
  MAILGUN_BASE_URL: z.url().default('https://api.mailgun.net'),
  MAILGUN_EU_BASE_URL: z.url().default('https://api.eu.mailgun.net'),
  POSTMARK_BASE_URL: z.url().default('https://api.postmarkapp.com'),
});

export type Env = z.infer<typeof EnvSchema>;

const CheckedEnvSchema = EnvSchema.superRefine((e, ctx) => {
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required in production: re-hosted template images link to it' });
  }
});

/** Where the API is reached from outside: re-hosted media links and printed examples use it. */
export function publicBaseUrl(e: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/+$/, '');
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a settings object (process.env by default); throws ConfigError listing every problem. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Treat empty strings as unset, as shells and .env files commonly produce them.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = CheckedEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated settings of this process; exits with the list of problems when they are bad. */
export function env(): Env {
  if (cached) return cached;
  try {
    cached = parseEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  return cached;
}

/** The environment handed to child processes, with overrides (e.g. the embedded DATABASE_URL). */
export function childProcessEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
