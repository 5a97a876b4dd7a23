/**
 * [9/12] item 7: NATS, then Redis, restarted under load. Bookings (Idempotency-Key, retried until answered)
 * and chat messages (clientId, retried until answered) keep coming through nginx while this file's own
 * nats-server stops and starts again, then its redis-server. Nothing acknowledged is lost or made twice;
 * the nodes say they are degraded (/readyz may answer 503) and come back ready; the live fan-out between
 * nodes works again after each restart; the outbox delivers every event in the end.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BenchPatient, releaseScheduleSets, type ScheduleSet } from '../../bench/booking-setup.js';
import { verify } from '../../bench/booking-verify.js';
import { type Doctor, giveOfflineDiagnoses, loginDoctor, openVisits } from '../../bench/chat-setup.js';
import type { VisitMessage } from '../../src/shared/visits.js';
import {
  type BookingAttempt,
  book,
  type ClusterFixture,
  duplicates,
  finalOf,
  isTransient,
  makePatients,
  ResumingSocket,
  request,
  sleep,
  socketsOnTwoNodes,
  startClusterFixture,
  untilAnswered,
  withContext,
} from './support.js';

const ADMIN = { phone: '13600000001', password: 'Demo@2026' };
const DOCTOR = { phone: '13900000001', password: 'Demo@2026' };
/** Bookings come at about 15 a second, long enough to span both restarts. */
const BOOKERS = 500;

let f: ClusterFixture;
let set: ScheduleSet;
let bookers: BenchPatient[];
let chatter: BenchPatient;
let doctor: Doctor;
let visitId: string;

beforeAll(async () => {
  f = await startClusterFixture('nats-redis-restart');
  [set] = (await releaseScheduleSets(
    f.cluster.url,
    ADMIN,
    { schedules: 10, perSchedule: 20, hotCapacity: 20 },
    1,
  )) as [ScheduleSet];
  bookers = await makePatients(f.databaseUrl, BOOKERS);
  [chatter] = (await makePatients(f.databaseUrl, 1, BOOKERS)) as [BenchPatient];
  const node0 = f.cluster.nodes[0]!.url;
  doctor = await loginDoctor(node0, DOCTOR.phone, DOCTOR.password);
  await withContext(f.databaseUrl, (ctx) => giveOfflineDiagnoses(ctx, [chatter], doctor.practitionerId));
  [{ visitId }] = (await openVisits(node0, [chatter], doctor)) as [{ visitId: string; token: string }];
});

afterAll(async () => {
  await f?.close();
});

/** Every node's /readyz status, straight (not through nginx). */
async function readiness(): Promise<number[]> {
  return Promise.all(f.cluster.nodes.map(async (n) => (await request(n.url, 'GET', '/readyz')).status));
}

async function untilReady(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await readiness();
    if (s.every((x) => x === 200)) return;
    if (Date.now() > deadline) throw new Error(`nodes still not ready: ${s.join(', ')}`);
    await sleep(250);
  }
}

/** The visit's whole history through the API, page by page. */
async function history(): Promise<VisitMessage[]> {
  const out: VisitMessage[] = [];
  for (;;) {
    const after = out.length ? out[out.length - 1]!.id : 0;
    const a = await request(
      f.cluster.url,
      'GET',
      `/api/v1/visits/${visitId}/messages?after=${after}&limit=500`,
      {
        token: doctor.token,
      },
    );
    expect(a.status).toBe(200);
    const items = a.body.items as VisitMessage[];
    out.push(...items);
    if (items.length < 500) return out;
  }
}

/** A message through the front and its id once stored: the live fan-out is checked with it. */
async function say(token: string, clientId: string): Promise<{ status: number; id: number | null }> {
  const a = finalOf({
    answers: await untilAnswered(() =>
      request(f.cluster.url, 'POST', `/api/v1/visits/${visitId}/messages`, {
        token,
        body: { clientId, kind: 'text', text: `消息 ${clientId}` },
      }),
    ),
  });
  return { status: a.status, id: typeof a.body.id === 'number' ? a.body.id : null };
}

it('loses no booking and no message while NATS and then Redis restart', { timeout: 300_000 }, async () => {
  const front = f.cluster.url;
  const { p, d } = await socketsOnTwoNodes(front, visitId, chatter.token, doctor.token);

  // The load: bookings on 4 lanes and one conversation, until told to stop.
  let stop = false;
  const attempts: BookingAttempt[] = [];
  let nextBooker = 0;
  const spread = [set.hot, ...set.spread];
  const bookingLane = async () => {
    while (!stop && nextBooker < bookers.length) {
      const i = nextBooker++;
      attempts.push(await book(front, bookers[i]!, spread[i % spread.length]!.id));
      await sleep(200);
    }
  };
  const said: { clientId: string; status: number }[] = [];
  const chatting = (async () => {
    for (let i = 0; !stop; i++) {
      const clientId = `load-${i}`;
      said.push({ clientId, ...(await say(i % 2 ? chatter.token : doctor.token, clientId)) });
      await sleep(100);
    }
  })();
  const booking = Promise.all([bookingLane(), bookingLane(), bookingLane(), bookingLane()]);

  /** Live fan-out across the nodes works: a message now reaches both sockets without a resume. */
  const fanOutWorks = async (label: string) => {
    const { id } = await say(doctor.token, `probe-${label}`);
    expect(id).not.toBeNull();
    await p.waitForIds([id!], 20_000);
    await d.waitForIds([id!], 20_000);
  };

  const seen: Record<string, number[]> = {};
  const windows: string[] = [];
  const outage = async (name: string, service: typeof f.nats) => {
    await sleep(1500);
    const stoppedAt = said.length;
    await service.stop();
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      for (const s of await readiness()) statuses.add(s);
      await sleep(250);
    }
    seen[name] = [...statuses];
    await service.start();
    windows.push(`${name} down load-${stoppedAt}..load-${said.length}`);
    await untilReady(60_000);
    await fanOutWorks(`after-${name}`);
  };

  await fanOutWorks('before');
  await outage('nats', f.nats);
  await outage('redis', f.redis);
  await sleep(1500);
  stop = true;
  await Promise.all([booking, chatting]);

  // Bookings: every attempt answered, no 5xx left, the database agrees with the answers.
  expect(attempts.length).toBeGreaterThan(20);
  const finals = attempts.map(finalOf);
  expect(finals.filter((a) => isTransient(a.status) || a.status >= 500)).toEqual([]);
  const acked = finals.filter((a) => a.status === 201).map((a) => String(a.body.id));
  expect(acked.length).toBeGreaterThan(0);
  const verdict = await verify(
    f.db,
    spread.map((s) => s.id),
    acked,
  );
  expect(verdict).toMatchObject({ overbooked: 0, lostAcks: 0 });

  // Messages: every one acknowledged and stored exactly once.
  expect(said.filter((s) => s.status !== 201 && s.status !== 200)).toEqual([]);
  const all = await history();
  const stored = all.filter((m) => m.clientId?.startsWith('load-')).map((m) => m.clientId);
  expect(new Set(stored).size).toBe(stored.length);
  expect(new Set(stored)).toEqual(new Set(said.map((s) => s.clientId)));
  // The live sockets never got a message twice; what the fan-out dropped during an outage a resume
  // brings back, exactly once.
  expect(duplicates(p.messages)).toEqual([]);
  expect(duplicates(d.messages)).toEqual([]);
  const missed = all.filter((m) => !p.messages.some((x) => x.id === m.id));
  const missedLive = missed.length;
  const fresh = new ResumingSocket(front, chatter.token, visitId);
  await fresh.connect();
  expect(fresh.messages.map((m) => m.id)).toEqual(all.map((m) => m.id));
  fresh.close();

  // The outbox delivers every event in the end (relayed to JetStream and consumed, or in process).
  let pending = -1;
  for (let i = 0; i < 180 && pending !== 0; i++) {
    if (i > 0) await sleep(500);
    const r = await f.db.query('select count(*)::int as n from outbox where delivered_at is null');
    pending = r.rows[0].n;
  }
  expect(pending).toBe(0);

  console.log(
    `restarts: ${attempts.length} booking attempts (${acked.length} booked, ` +
      `${attempts.filter((a) => a.answers.length > 1).length} retried), ${said.length} messages ` +
      `(${missedLive} not pushed live to the patient's socket, all replayed on resume); ` +
      `/readyz during the NATS outage ${seen.nats?.join('/')}, during the Redis outage ${seen.redis?.join('/')}; ` +
      `patient's socket connections ${p.upstreams.length}; ${windows.join(', ')}; ` +
      `missed live: ${missed.map((m) => m.clientId).join(' ')}`,
  );
  p.close();
  d.close();
});
