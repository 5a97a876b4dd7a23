import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { Attempt, AttemptResult, LoadInput, LoadOutput } from './booking-load.js';
import { HttpConnection } from './http-client.js';

/**
 * The HTTP client of the booking bench, in its own thread so its work does not run on the server's
 * event loop: `concurrency` keep-alive connections on loopback, one request in flight on each.
 */
const input = workerData as LoadInput;
const urls = (input.baseUrls ?? [input.baseUrl]).map((u) => new URL(u));

// Connect first (as a load balancer holds its connections), in batches so the listen backlog never
// overflows: the timed phase then measures bookings, not TCP handshakes and SYN retries.
const connections: HttpConnection[] = [];
for (let i = 0; i < input.concurrency; i += 100) {
  const batch = Array.from({ length: Math.min(100, input.concurrency - i) }, async (_, j) => {
    const url = urls[(i + j) % urls.length]!;
    const c = await HttpConnection.open(url.hostname, Number(url.port));
    const health = await c.request('GET', '/healthz', {});
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    return c;
  });
  connections.push(...(await Promise.all(batch)));
}
parentPort!.postMessage({ kind: 'ready', open: connections.length });

let started = performance.now();
let next = 0;
let done = 0;
const results = new Array<AttemptResult>(input.attempts.length);

async function book(c: HttpConnection, a: Attempt): Promise<AttemptResult> {
  const t0 = performance.now();
  try {
    const res = await c.request(
      'POST',
      '/api/v1/appointments',
      {
        'content-type': 'application/json',
        authorization: `Bearer ${a.token}`,
        'idempotency-key': randomUUID(),
      },
      JSON.stringify({ scheduleId: a.scheduleId }),
    );
    const json = JSON.parse(res.body) as { id?: string; code?: string };
    return {
      status: res.status,
      startMs: t0 - started,
      ms: performance.now() - t0,
      id: res.status === 201 ? (json.id ?? null) : null,
      code: json.code ?? null,
    };
  } catch (err) {
    const code = (err as { code?: string }).code ?? String(err);
    return { status: 0, startMs: t0 - started, ms: performance.now() - t0, id: null, code };
  }
}

async function lane(c: HttpConnection): Promise<void> {
  while (next < input.attempts.length) {
    const i = next++;
    results[i] = await book(c, input.attempts[i]!);
    if (++done % 1000 === 0) parentPort!.postMessage({ kind: 'progress', done });
  }
}

started = performance.now();
await Promise.all(connections.map(lane));
const wallMs = performance.now() - started;
for (const c of connections) c.close();
parentPort!.postMessage({ kind: 'done', output: { results, wallMs } satisfies LoadOutput });
