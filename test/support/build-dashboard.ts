import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds the dashboard from the sources under test once per run, before any file starts: a
 * stale dist/ would test old code, and two browser files building at once would empty each
 * other's output.
 */
export default async function setup() {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'src/dashboard/vite.config.ts'), logLevel: 'warn' });
}
