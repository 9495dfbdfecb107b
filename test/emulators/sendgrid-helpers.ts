/** Small helpers for the SendGrid emulator tests: authorised requests, key picks and export downloads. */
import { gunzipSync } from 'node:zlib';
import type { SendGridEmulator } from '../../emulators/sendgrid/server.js';

export interface Got {
  status: number;
  headers: Headers;
  body: any;
}

/** The key holding every read scope; `marketingKey` holds only marketing.read; `sendKey` only mail.send. */
export const fullKey = (em: SendGridEmulator) => em.account.apiKeys[0]!.token;
export const marketingKey = (em: SendGridEmulator) => em.account.apiKeys[1]!.token;
export const sendKey = (em: SendGridEmulator) => em.account.apiKeys[2]!.token;

/** A request with the full key (or `token`; null sends no Authorization). `path` may be absolute. */
export async function call(em: SendGridEmulator, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<Got> {
  const token = init.token === undefined ? fullKey(em) : init.token;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path.startsWith('http') ? path : em.url + path, {
    method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export const get = (em: SendGridEmulator, path: string, token?: string | null) => call(em, path, { token });

/** POST an export, poll until ready (bounded), and return the job body. */
export async function runExport(em: SendGridEmulator, body: unknown): Promise<any> {
  const created = await call(em, '/v3/marketing/contacts/exports', { method: 'POST', body });
  if (created.status !== 202) throw new Error(`export: ${created.status} ${JSON.stringify(created.body)}`);
  for (let i = 0; i < 20; i++) {
    const job = await get(em, `/v3/marketing/contacts/exports/${created.body.id}`);
    if (job.body.status === 'ready') return job.body;
  }
  throw new Error('export never became ready');
}

/** Downloads one export file without Authorization (as from S3) and gunzips it. */
export async function download(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`download ${url}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new Error('not gzip');
  return gunzipSync(bytes).toString('utf8');
}

/** Minimal CSV parser for quoted cells, bare empty cells, doubled quotes (no embedded newlines). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const parseLine = (line: string) => {
    const cells: string[] = [];
    let i = 0;
    for (;;) {
      if (line[i] === '"') {
        let value = '';
        for (i++; ;) {
          const q = line.indexOf('"', i);
          value += line.slice(i, q);
          if (line[q + 1] === '"') { value += '"'; i = q + 2; } else { i = q + 1; break; }
        }
        cells.push(value);
      } else {
        const comma = line.indexOf(',', i);
        const end = comma < 0 ? line.length : comma;
        cells.push(line.slice(i, end));
        i = end;
      }
      if (line[i] !== ',') return cells;
      i++;
    }
  };
  const [header, ...rows] = lines.map(parseLine);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
