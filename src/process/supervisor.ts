import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { childProcessEnv } from '../config/env.js';
import type { Logger } from '../logger.js';
import { WORKER_NODE_FLAGS } from './worker-flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Restart delays grow from 1 s to 30 s while a child keeps dying within a minute of its start. */
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

const SERVICES = [
  { name: 'api', entry: 'src/api.ts', flags: [] as string[] },
  { name: 'worker', entry: 'workers/main.ts', flags: WORKER_NODE_FLAGS },
] as const;

/**
 * Runs one API and one worker process with `overrides` in their environment. A child that dies
 * is started again (with growing delays while it keeps dying at once), so a crashed worker
 * never takes the service down; on Ctrl-C / SIGTERM both are stopped, then `afterStop` runs
 * (e.g. stopping the embedded database) and this process exits.
 */
export function superviseServiceProcesses(
  overrides: Record<string, string>,
  logger: Logger,
  afterStop: () => Promise<void>,
): void {
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const launch = (service: (typeof SERVICES)[number], failures: number) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [...service.flags, '--import', 'tsx', path.join(root, service.entry)], {
      cwd: root,
      env: childProcessEnv(overrides),
      stdio: 'inherit',
    });
    running.set(service.name, child);
    child.on('exit', (code, signal) => {
      running.delete(service.name);
      if (stopping) return;
      // Bad settings (EX_CONFIG) will not fix themselves: stop instead of looping.
      if (code === 78) {
        logger.error({ process: service.name, code }, 'child process refused its configuration; stopping');
        void stopAll(78);
        return;
      }
      const streak = Date.now() - startedAt < STABLE_AFTER_MS ? failures + 1 : 1;
      const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (streak - 1));
      logger.error({ process: service.name, code, signal, restartInMs: delay }, 'child process exited; restarting');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) launch(service, streak);
      }, delay);
      timers.add(timer);
    });
  };

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(
      [...running.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await afterStop();
    process.exit(code);
  };

  for (const service of SERVICES) launch(service, 0);
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
}
