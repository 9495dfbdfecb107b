/** Small helpers for the Resend emulator tests: authorised GETs and a raw request without User-Agent. */
import http from 'node:http';
import type { ResendEmulator } from '../../emulators/resend/server.js';

export interface Got {
  status: number;
  headers: Headers;
  body: any;
}

export function fullKey(em: ResendEmulator): string {
  return em.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
}

export function sendingKey(em: ResendEmulator): string {
  return em.account.apiKeys.find((k) => k.permission === 'sending_access')!.token;
}

/** GET with the full-access key (or `token`; `null` sends no Authorization header). */
export async function get(em: ResendEmulator, path: string, token: string | null = fullKey(em)): Promise<Got> {
  const headers: Record<string, string> = { 'user-agent': 'emulator-test/1.0' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(em.url + path, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Walks a list endpoint with `after` cursors and returns every item id, checking has_more on the way. */
export async function walk(em: ResendEmulator, path: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(em, `${path}${sep}limit=${limit}${after ? `&after=${after}` : ''}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    const data = res.body.data as Array<{ id: string }>;
    ids.push(...data.map((d) => d.id));
    if (!res.body.has_more) return ids;
    after = data[data.length - 1]!.id;
  }
}

/** A GET through node:http, which (unlike fetch) sends no User-Agent unless told to. */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
