import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportChunks, runExport } from '../../src/sources/sendgrid/sendgrid-export.js';
import { SendGridHttp } from '../../src/sources/sendgrid/sendgrid-http.js';

const ROWS = Array.from({ length: 3000 }, (_, i) => `c${i},c${i}@example.com`);
const FILE = `contact_id,email\n${ROWS.join('\n')}\n`;
let server: http.Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'text/csv' });
    // The first download sends part of the file and then nothing, with the connection open.
    if (requests === 1) res.write(FILE.slice(0, FILE.length / 2));
    else res.end(FILE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exports/file-1.csv`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())).finally(() => server.closeAllConnections()));

describe('an export download that stalls', () => {
  it('is given up after the idle limit and read again, every row once', async () => {
    const emails: string[] = [];
    for await (const chunk of exportChunks([url], { idleMs: 300, retryBudgetMs: 10_000 })) {
      for (const row of chunk.rows) emails.push(row[1]!);
    }
    expect(requests).toBe(2);
    expect(emails).toEqual(ROWS.map((r) => r.split(',')[1]));
  });
});

describe('an export that is ready without readable file links', () => {
  it('fails the read instead of reading it as empty', async () => {
    const api = http.createServer((req, res) => {
      res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.method === 'POST' ? { id: 'exp_1' } : { id: 'exp_1', status: 'ready', urls: [5], contact_count: 10 }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const client = new SendGridHttp({ baseUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, apiKey: 'SG.test-key-for-a-fake' });
      await expect(runExport(client, ['list_1'])).rejects.toMatchObject({ kind: 'unexpected_response', message: expect.stringMatching(/no readable file links/) });
    } finally {
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });
});
