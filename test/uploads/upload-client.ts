import { eventually } from '../support/test-worker.js';
import { restClient } from '../support/rest-client.js';

/** Sends a file to the uploads endpoint as a client would (any body, any headers). */
export async function sendUpload(
  baseUrl: string,
  key: string | null,
  path: string,
  body: string | Buffer | ReadableStream<Uint8Array>,
  options: { method?: 'POST' | 'PATCH'; query?: Record<string, string>; headers?: Record<string, string>; signal?: AbortSignal } = {},
) {
  const url = new URL(`${baseUrl}${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: options.method ?? 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'text/csv', ...options.headers },
    body,
    signal: options.signal,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : null };
}

/** Starts a Resend migration as `key` and waits for its review. */
export async function scannedJob(baseUrl: string, key: string, source: string, credential: string): Promise<string> {
  const client = restClient(baseUrl, key);
  const started = await client.post('/v1/migrate', { source, credential });
  if (started.status !== 201) throw new Error(`start: ${JSON.stringify(started.body)}`);
  const id = started.body.id as string;
  const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 60_000);
  if (scanned.body.status !== 'ready_for_review') throw new Error(`scan: ${JSON.stringify(scanned.body)}`);
  return id;
}
