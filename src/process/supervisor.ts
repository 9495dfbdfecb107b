import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { childProcessEnv } from '../config/env.js';
import type { Logger } from '../logger.js';
import { WORKER_NODE_FLAGS } from './worker-flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs one API and one worker process with `overrides` in their environment. When either exits
 * unexpectedly, or on Ctrl-C / SIGTERM, both are stopped, then `afterStop` runs (e.g. stopping
 * the embedded database) and this process exits.
 */
export function superviseServiceProcesses(
  overrides: Record<string, string>,
  logger: Logger,
  afterStop: () => Promise<void>,
): void {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
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

  for (const [name, entry] of [
    ['api', 'src/api.ts'],
    ['worker', 'workers/main.ts'],
  ] as const) {
    const flags = name === 'worker' ? WORKER_NODE_FLAGS : [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(root, entry)], {
      cwd: root,
      env: childProcessEnv(overrides),
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        logger.error({ process: name, code, signal }, 'child process exited; stopping');
        void stopAll(code ?? 1);
      }
    });
    children.push(child);
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
}
