import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded setup's local key-encryption key: generated on first start and kept beside the
 * embedded data (mode 0600), so sealed credentials survive restarts.
 */
export async function loadOrCreateLocalKek(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), 'migrate-kek.b64');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(path.dirname(file), { recursive: true });
    const key = randomBytes(32).toString('base64');
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
    return (await readFile(file, 'utf8')).trim();
  }
}
