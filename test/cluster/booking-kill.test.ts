/**
 * [9/12] item 7: kill -9 one API node during a booking rush through nginx. The clients behave as the
 * product's: a lost answer (the killed node's 502, a dropped connection) is retried with the same
 * Idempotency-Key against the front until a node answers. Then: every acknowledged booking is live in the
 * database and every live booking was acknowledged (lostAcks 0), no token and no patient is booked twice,
 * the same key answers the same booking on the surviving node, and no 5xx but the killed node's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BenchPatient, releaseScheduleSets, type ScheduleSet } from '../../bench/booking-setup.js';
import { verify } from '../../bench/booking-verify.js';
import { mapLimit } from '../../bench/chat-setup.js';
import { LIVE_STATUSES } from '../../src/shared/scheduling.js';
import {
  type BookingAttempt,
  book,
  type ClusterFixture,
  finalOf,
  isTransient,
  makePatients,
  nodeIndexOf,
  request,
  startClusterFixture,
  upstreamOf,
} from './support.js';

const ADMIN = { phone: '13600000001', password: 'Demo@2026' };
const PATIENTS = 400;
const IN_FLIGHT = 40;
/** The node killed, and how many attempts are answered before it is. */
const VICTIM = 1;
const KILL_AFTER = 100;

let f: ClusterFixture;
let set: ScheduleSet;
let patients: BenchPatient[];

beforeAll(async () => {
  f = await startClusterFixture('booking-kill');
  [set] = (await releaseScheduleSets(
    f.cluster.url,
    ADMIN,
    { schedules: 10, perSchedule: 10, hotCapacity: 20 },
    1,
  )) as [ScheduleSet];
  patients = await makePatients(f.databaseUrl, PATIENTS);
});

afterAll(async () => {
  await f?.close();
});

it('loses no acknowledged booking and makes none twice when a node is killed mid-rush', async () => {
  const schedules = [set.hot, ...set.spread];
  const scheduleIds = schedules.map((s) => s.id);
  // 30 % of the patients want the hot session, the rest are spread: more attempts than tokens.
  let spread = 0;
  const targets = patients.map((_, i) =>
    i % 10 < 3 ? set.hot.id : set.spread[spread++ % set.spread.length]!.id,
  );

  let answered = 0;
  let killedAt = -1;
  const kill = (async () => {
    while (answered < KILL_AFTER) await new Promise((r) => setTimeout(r, 10));
    killedAt = answered;
    await f.cluster.kill(VICTIM, 'SIGKILL');
  })();
  const attempts: BookingAttempt[] = await mapLimit(patients, IN_FLIGHT, async (p, i) => {
    const a = await book(f.cluster.url, p, targets[i]!);
    answered++;
    return a;
  });
  await kill;

  // The kill happened mid-rush, and some requests were cut off by it (the fault was exercised).
  expect(f.cluster.nodes[VICTIM]!.alive).toBe(false);
  expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(killedAt).toBeLessThan(PATIENTS);
  const retried = attempts.filter((a) => a.answers.length > 1);
  expect(retried.length).toBeGreaterThan(0);

  // Every attempt was answered in the end; no 5xx but the transient answers of the killed node.
  const finals = attempts.map(finalOf);
  expect(finals.filter((a) => isTransient(a.status))).toEqual([]);
  const statuses = new Set(attempts.flatMap((a) => a.answers.map((x) => x.status)));
  expect([...statuses].filter((s) => ![0, 201, 409, 502].includes(s))).toEqual([]);
  for (const a of finals.filter((x) => x.status === 409))
    expect(['SLOT_FULL', 'DUPLICATE_BOOKING']).toContain(a.body.code);
  // After the kill, every answer came from the surviving node.
  const survivor = f.cluster.nodes.find((_, i) => i !== VICTIM)!;
  for (const a of attempts.slice(killedAt + IN_FLIGHT))
    expect(nodeIndexOf(f.cluster, upstreamOf(finalOf(a).headers.get('x-yunyi-upstream')))).toBe(
      f.cluster.nodes.indexOf(survivor),
    );

  // The database agrees with what the clients were told.
  const acked = attempts.filter((a) => finalOf(a).status === 201);
  const ackedIds = acked.map((a) => String(finalOf(a).body.id));
  const verdict = await verify(f.db, scheduleIds, ackedIds);
  expect(verdict).toMatchObject({ overbooked: 0, lostAcks: 0 });
  expect(verdict.live).toBe(acked.length);
  // The rush sold out the sessions: the refusals are real, not lost answers.
  expect(acked.length).toBe(schedules.reduce((n, s) => n + s.capacity, 0));
  const twice = await f.db.query(
    `select patient_id from appointment where schedule_id = any($1) and status = any($2)
      group by patient_id having count(*) > 1`,
    [scheduleIds, [...LIVE_STATUSES]],
  );
  expect(twice.rows).toEqual([]);

  // The same key on the surviving node answers the same booking, marked as a replay, for every booking;
  // a booking made on the killed node whose answer was lost is among them.
  const replays = await mapLimit(acked, 10, (a) =>
    request(f.cluster.url, 'POST', '/api/v1/appointments', {
      token: a.patient.token,
      body: { scheduleId: a.scheduleId },
      headers: { 'idempotency-key': a.key },
    }),
  );
  for (const [i, r] of replays.entries()) {
    expect(r.status).toBe(201);
    expect(r.body.id).toBe(finalOf(acked[i]!).body.id);
    expect(r.headers.get('idempotent-replayed')).toBe('true');
  }
  const lostThenReplayed = acked.filter(
    (a) => a.answers.length > 1 && finalOf(a).headers.get('idempotent-replayed') === 'true',
  );
  console.log(
    `booking rush: ${PATIENTS} attempts, ${acked.length} booked, node ${VICTIM} killed after ${killedAt}; ` +
      `${retried.length} retried, ${lostThenReplayed.length} of them booked on the killed node and answered by replay`,
  );
});

it('drains and replaces every node in turn under bookings (rolling restart) without losing one', async () => {
  // The node killed above comes back first: a replaced node rejoins nginx's upstream by itself.
  await f.cluster.start(VICTIM);
  const [fresh] = (await releaseScheduleSets(
    f.cluster.url,
    ADMIN,
    { schedules: 10, perSchedule: 20, hotCapacity: 20 },
    1,
  )) as [ScheduleSet];
  const schedules = [fresh.hot, ...fresh.spread];
  const more = await makePatients(f.databaseUrl, 600, PATIENTS);
  let stop = false;
  let next = 0;
  const attempts: BookingAttempt[] = [];
  const lane = async () => {
    while (!stop && next < more.length) {
      const i = next++;
      attempts.push(await book(f.cluster.url, more[i]!, schedules[i % schedules.length]!.id));
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const load = Promise.all([lane(), lane(), lane(), lane()]);
  const during: number[] = [];
  for (let i = 0; i < f.cluster.nodes.length; i++) {
    during.push(attempts.length);
    await f.cluster.kill(i, 'SIGTERM'); // drain: /readyz 503, sockets told to reconnect, in-flight finished
    expect(f.cluster.nodes[i]!.alive).toBe(false);
    await f.cluster.start(i); // waits for /readyz 200
  }
  stop = true;
  await load;

  // Load ran through both restarts, and each attempt was answered in the end without a 5xx left over.
  expect(during[1]!).toBeGreaterThan(during[0]!);
  expect(attempts.length).toBeGreaterThan(during[1]!);
  const finals = attempts.map(finalOf);
  expect(finals.filter((a) => isTransient(a.status) || a.status >= 500)).toEqual([]);
  const statuses = new Set(attempts.flatMap((a) => a.answers.map((x) => x.status)));
  expect([...statuses].filter((s) => ![0, 201, 409, 502].includes(s))).toEqual([]);
  const acked = finals.filter((a) => a.status === 201).map((a) => String(a.body.id));
  const verdict = await verify(
    f.db,
    schedules.map((s) => s.id),
    acked,
  );
  expect(verdict).toMatchObject({ overbooked: 0, lostAcks: 0, live: acked.length });
  console.log(
    `rolling restart: ${attempts.length} attempts, ${acked.length} booked, ` +
      `${attempts.filter((a) => a.answers.length > 1).length} retried (a drained node's 502 or refused connection)`,
  );
});
