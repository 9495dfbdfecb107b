/**
 * The progress-fanout scenario's floor: a bare `ws` server speaking just enough
 * graphql-transport-ws for bench/progress-clients.ts, with no GraphQL, database or hub. Each
 * `update <n>` line on stdin sends every socket the `next` message the API would send for that
 * update; `complete` ends every subscription. What it measures is the machine: loopback TCP,
 * the kernel's per-socket cost and the clients, on the same cores.
 *
 * stdout: `listening <port>`.
 */
import { createInterface } from 'node:readline';
import { WebSocketServer, type WebSocket } from 'ws';

const subscribers = new Map<WebSocket, string>();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });

const next = (id: string, processed: number) =>
  JSON.stringify({ id, type: 'next', payload: { data: { migrationProgress: { status: 'importing', counts: [{ kind: 'contacts', processed }] } } } });

wss.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    if (message.type === 'subscribe' && message.id) {
      subscribers.set(socket, message.id);
      socket.send(next(message.id, 0));
    }
  });
  socket.on('close', () => subscribers.delete(socket));
});

wss.on('listening', () => {
  const address = wss.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : address}\n`);
});

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ');
  for (const [socket, id] of subscribers) {
    if (command === 'update') socket.send(next(id, Number(arg)));
    if (command === 'complete') socket.send(JSON.stringify({ id, type: 'complete' }));
  }
}
