/**
 * WebSocket clients for the fuzz properties: graphql-ws clients kept per key (so a socket that an
 * operation closes shows), one-operation runs on them, and raw graphql-transport-ws sockets for
 * what the client library will not send.
 */
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { FuzzEnv } from './fuzz-env.js';
import type { WsOutcome } from './fuzz-harness.js';

/**
 * graphql-ws clients kept open per API key for a whole property, so that one bad operation
 * closing a socket shows (the other operations of that socket would be lost with it).
 */
export class WsPool {
  private readonly clients = new Map<string, { client: Client; closed?: { code: number; reason: string } }>();

  constructor(private readonly env: FuzzEnv) {}

  get wsUrl() {
    return `${this.env.apiUrl.replace(/^http/, 'ws')}/graphql`;
  }

  /** The open client for `key` (a new one if the previous one closed); reports a lost socket. */
  client(key: string, onLost?: (code: number, reason: string) => void): Client {
    const entry = this.clients.get(key);
    if (entry && !entry.closed) return entry.client;
    if (entry?.closed) {
      // 1000 is the client library's own close (see runOnClient), not the server's doing.
      if (entry.closed.code !== 1000) onLost?.(entry.closed.code, entry.closed.reason);
      void entry.client.dispose();
    }
    const fresh: { client: Client; closed?: { code: number; reason: string } } = {
      client: createClient({
        url: this.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
      }),
    };
    fresh.client.on('closed', (event) => {
      const e = event as { code?: number; reason?: string };
      fresh.closed = { code: e.code ?? 0, reason: String(e.reason ?? '') };
    });
    this.clients.set(key, fresh);
    return fresh.client;
  }

  /** Whether the client for `key` lost its socket (not by the library's own 1000) since it was made. */
  closedOf(key: string) {
    const closed = this.clients.get(key)?.closed;
    return closed && closed.code !== 1000 ? closed : undefined;
  }

  async closeAll() {
    await Promise.all([...this.clients.values()].map((e) => e.client.dispose()));
    this.clients.clear();
  }
}

/**
 * Runs one operation on a graphql-ws client; with `firstResultOnly` (subscriptions) it is ended
 * after its first result. The client is never told to stop an operation the server already
 * ended: graphql-ws (6.x) then releases its connection lock twice and closes the socket (1000).
 */
export function runOnClient(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  options: { timeoutMs?: number; firstResultOnly?: boolean } = {},
): Promise<WsOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const outcome: WsOutcome = { results: [], completed: false, timedOut: false, ms: 0 };
    let settled = false;
    let ended = false;
    let stopTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(stopTimer);
      outcome.ms = performance.now() - started;
      resolve(outcome);
    };
    const stop = () => {
      if (!ended) {
        ended = true;
        unsubscribe();
      }
      finish();
    };
    const timer = setTimeout(() => {
      outcome.timedOut = !(options.firstResultOnly && outcome.results.length);
      stop();
    }, options.timeoutMs ?? 5000);
    const unsubscribe = client.subscribe(payload as { query: string }, {
      next: (value) => {
        outcome.results.push(value as WsOutcome['results'][number]);
        // A subscription that ends by itself (a terminal job) sends complete right after.
        if (options.firstResultOnly && !stopTimer) stopTimer = setTimeout(stop, 300);
      },
      error: (err: unknown) => {
        ended = true;
        if (Array.isArray(err)) outcome.errors = err as WsOutcome['errors'];
        else if (err && typeof err === 'object' && 'code' in err) {
          outcome.closeCode = Number((err as { code: unknown }).code);
          outcome.closeReason = String((err as { reason?: unknown }).reason ?? '');
        } else outcome.errors = [{ message: `client error: ${err instanceof Error ? err.message : String(err)}`, extensions: { code: '(client)' } }];
        finish();
      },
      complete: () => {
        ended = true;
        outcome.completed = true;
        finish();
      },
    });
  });
}

/** A raw graphql-transport-ws socket, for what the client library will not send. */
export interface RawSocket {
  socket: WebSocket;
  messages: any[];
  /** Resolves with the close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  send(data: string | Buffer): void;
  /** Resolves with the first received message matching `test`, or undefined after `timeoutMs`. */
  next(test: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export function rawSocket(env: FuzzEnv): Promise<RawSocket> {
  const socket = new WebSocket(`${env.apiUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: any[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of waiters) w();
    });
  });
  socket.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)));
    } catch {
      messages.push({ unparsable: String(data) });
    }
    for (const w of waiters) w();
  });
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        closed,
        isOpen: () => socket.readyState === WebSocket.OPEN,
        send: (data) => socket.send(data),
        next(test, timeoutMs = 3000) {
          return new Promise((res) => {
            const check = () => {
              const found = messages.find(test);
              if (found !== undefined || socket.readyState !== WebSocket.OPEN) {
                waiters.delete(check);
                clearTimeout(timer);
                res(found);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              res(undefined);
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        async close() {
          if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
          await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
          socket.terminate();
        },
      }),
    );
    socket.once('error', reject);
  });
}
