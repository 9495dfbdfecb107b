import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * One `COPY ... FROM STDIN` kept open while rows are produced: writes wait only when
 * PostgreSQL is behind, so parsing the next rows overlaps with the server storing the last.
 */
export class CopyStream {
  private readonly stream: ReturnType<typeof copyFrom>;
  private failure: Error | null = null;

  constructor(client: pg.ClientBase, sql: string) {
    this.stream = client.query(copyFrom(sql));
    this.stream.on('error', (err: Error) => (this.failure ??= err));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!text) return;
    // `once` rejects if the stream fails while we wait.
    if (!this.stream.write(text)) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }
}
