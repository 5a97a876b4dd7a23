import { parentPort, workerData } from 'node:worker_threads';
import type { Check, Command, FhirRequest, LoadOutput, Message, RequestResult } from './fhir-load.js';
import { HttpConnection } from './http-client.js';

/**
 * The HTTP client of the FHIR bench, in its own thread so its work (and checking every answer) does not
 * run on the server's event loop: one phase at a time on `concurrency` keep-alive connections, one request
 * in flight on each.
 */
const input = workerData as { baseUrl: string };
const url = new URL(input.baseUrl);
const post = (m: Message) => parentPort!.postMessage(m);

/**
 * Opens `count` connections (before the clock starts, as a load balancer holds its connections), in
 * batches so the listen backlog never overflows; each answers /healthz once.
 */
async function connect(count: number): Promise<HttpConnection[]> {
  const out: HttpConnection[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, async () => {
      const c = await HttpConnection.open(url.hostname, Number(url.port));
      const health = await c.request('GET', '/healthz', {});
      if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
      return c;
    });
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

interface Coding {
  system?: string;
  code?: string;
}
interface Resource {
  resourceType?: string;
  id?: string;
  subject?: { reference?: string };
  code?: { coding?: Coding[] };
  effectiveDateTime?: string;
}
interface Bundle extends Resource {
  type?: string;
  entry?: { resource?: Resource; search?: { mode?: string } }[];
}

/** Why the answer is wrong, or null. */
function problemOf(status: number, body: string, check: Check): string | null {
  if (status !== 200) {
    let code = '';
    try {
      const o = JSON.parse(body) as { issue?: { details?: { coding?: Coding[] } }[] };
      code = o.issue?.[0]?.details?.coding?.[0]?.code ?? '';
    } catch {}
    return `status ${status}${code ? ` ${code}` : ''}`;
  }
  let json: Bundle;
  try {
    json = JSON.parse(body) as Bundle;
  } catch {
    return 'not JSON';
  }
  if (check.kind === 'read') {
    if (json.resourceType !== check.type) return `read: resourceType ${json.resourceType}`;
    if (json.id !== check.id) return 'read: another id';
    return null;
  }
  if (json.resourceType !== 'Bundle' || json.type !== 'searchset') return 'search: not a searchset Bundle';
  const entries = json.entry ?? [];
  if (entries.length !== check.expected)
    return `search: ${entries.length} entries, expected ${check.expected}`;
  let last = Number.POSITIVE_INFINITY;
  const subjects = new Set(check.patients.map((id) => `Patient/${id}`));
  const since = check.since ? Date.parse(check.since) : null;
  for (const e of entries) {
    const r = e.resource;
    if (r?.resourceType !== 'Observation') return 'search: an entry is not an Observation';
    if (!subjects.has(r.subject?.reference ?? '')) return 'search: another patient’s Observation';
    if (check.code && !r.code?.coding?.some((c) => c.system === 'http://loinc.org' && c.code === check.code))
      return 'search: another code';
    const at = Date.parse(r.effectiveDateTime ?? '');
    if (!Number.isFinite(at)) return 'search: no effectiveDateTime';
    if (since !== null && at < since) return 'search: before the date asked for';
    if (at > last) return 'search: not newest first';
    last = at;
  }
  return null;
}

async function runPhase(requests: FhirRequest[], concurrency: number): Promise<LoadOutput> {
  let next = 0;
  let done = 0;
  const results = new Array<RequestResult>(requests.length);
  const every = Math.max(1000, Math.ceil(requests.length / 5 / 1000) * 1000);
  async function lane(c: HttpConnection): Promise<void> {
    while (next < requests.length) {
      const i = next++;
      const req = requests[i]!;
      const t0 = performance.now();
      let result: RequestResult;
      try {
        const res = await c.request('GET', req.path, {
          authorization: `Bearer ${req.token}`,
          accept: 'application/fhir+json',
        });
        const ms = performance.now() - t0;
        result = { status: res.status, ms, problem: problemOf(res.status, res.body, req.check) };
      } catch (err) {
        const code = (err as { code?: string }).code ?? String(err);
        result = { status: 0, ms: performance.now() - t0, problem: `network ${code}` };
      }
      results[i] = result;
      if (++done % every === 0) post({ kind: 'progress', done });
    }
  }
  // Fresh connections per phase: the server closes idle keep-alive connections (72 s) while the bench grows.
  const connections = await connect(Math.max(1, concurrency));
  const started = performance.now();
  await Promise.all(connections.map(lane));
  const wallMs = performance.now() - started;
  for (const c of connections) c.close();
  return { results, wallMs };
}

parentPort!.on('message', async (m: Command) => {
  if (m.kind === 'stop') {
    parentPort!.close();
    return;
  }
  post({ kind: 'done', output: await runPhase(m.requests, m.concurrency) });
});
post({ kind: 'ready' });
