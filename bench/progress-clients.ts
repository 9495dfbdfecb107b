/**
 * A bench child process holding many graphql-ws subscribers of one job (the progress-fanout
 * scenario runs several, so the clients' own work is spread over processes and does not queue
 * behind itself). Speaks graphql-transport-ws directly on `ws`: connection_init, subscribe, then
 * it only notes when each `next` arrives and which update it carries, read with a regex rather
 * than a full parse, so what is measured is the server's fan-out, not this process's JSON work.
 *
 * argv: <ws urls, comma-separated> <api key> <job id> <subscribers>
 * stdout: `ready` once every subscriber has its initial state, then after the job's terminal
 * state `result {"arrivals":[[update, epochMs], ...]}` and `done`.
 */
import WebSocket from 'ws';

const [urlList, apiKey, jobId, countArg] = process.argv.slice(2);
const urls = urlList!.split(',');
const count = Number(countArg);
const QUERY = 'subscription ($id: ID!) { migrationProgress(id: $id) { status counts { kind processed } } }';
const PROCESSED = /"processed":(\d+)/;

const now = () => performance.timeOrigin + performance.now();
const arrivals: [number, number][] = [];
let ready = 0;
let completed = 0;

function open(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    let initial = true;
    let lastSeen = 0;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey } })));
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id: jobId } } }));
      } else if (text.includes('"type":"next"')) {
        const at = now();
        if (initial) {
          initial = false;
          ready++;
          resolve();
          return;
        }
        const processed = Number(PROCESSED.exec(text)?.[1] ?? 0);
        // Each update's first arrival (the terminal state repeats the last counters).
        if (processed > lastSeen) {
          lastSeen = processed;
          arrivals.push([processed, at]);
        }
      } else if (text.includes('"type":"complete"')) {
        completed++;
        socket.close();
        if (completed === count) finish();
      } else if (text.includes('"type":"error"')) {
        reject(new Error(text.slice(0, 300)));
      } else if (text.includes('"type":"ping"')) {
        socket.send('{"type":"pong"}');
      }
    });
  });
}

function finish() {
  // `done` on a line of its own: the result line is long and arrives in several chunks. Then
  // wait to be stopped, so the parent reads all of it before this process exits.
  process.stdout.write(`result ${JSON.stringify({ arrivals })}\ndone\n`);
  setInterval(() => {}, 60_000);
}

// Opened a hundred at a time: thousands of handshakes at once only measure the accept queue.
for (let i = 0; i < count; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => open(urls[(i + j) % urls.length]!)));
}
process.stdout.write(`ready ${ready}\n`);
