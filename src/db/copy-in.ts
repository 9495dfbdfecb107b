import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Feeds `data` (COPY text) to a `COPY ... FROM STDIN` on `client`. */
export function copyIn(client: pg.ClientBase, sql: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(data);
  });
}
