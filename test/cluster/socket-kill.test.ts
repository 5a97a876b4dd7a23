/**
 * [9/12] item 7: a visit socket on a killed node. A doctor and a patient chat through nginx with their
 * sockets on different nodes; the node holding the patient's socket is killed (-9) while both keep
 * writing. The patient's client reconnects through the front, lands on the surviving node and resumes
 * after the last message it saw: in the end each side has received every message of the visit exactly
 * once (frames counted as they arrived, not de-duplicated), and every message sent is stored once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BenchPatient } from '../../bench/booking-setup.js';
import { type Doctor, giveOfflineDiagnoses, loginDoctor, openVisits } from '../../bench/chat-setup.js';
import type { VisitMessage } from '../../src/shared/visits.js';
import {
  type ClusterFixture,
  duplicates,
  finalOf,
  makePatients,
  nodeIndexOf,
  request,
  sleep,
  socketsOnTwoNodes,
  startClusterFixture,
  untilAnswered,
  withContext,
} from './support.js';

const DOCTOR = { phone: '13900000001', password: 'Demo@2026' }; // 陈建国, P001 cardiology
let f: ClusterFixture;
let patient: BenchPatient;
let doctor: Doctor;
let visitId: string;

beforeAll(async () => {
  f = await startClusterFixture('socket-kill');
  [patient] = (await makePatients(f.databaseUrl, 1)) as [BenchPatient];
  // The visit is set up on node 0 alone: this file is about sockets, not about payments across nodes.
  const node0 = f.cluster.nodes[0]!.url;
  doctor = await loginDoctor(node0, DOCTOR.phone, DOCTOR.password);
  await withContext(f.databaseUrl, (ctx) => giveOfflineDiagnoses(ctx, [patient], doctor.practitionerId));
  [{ visitId }] = (await openVisits(node0, [patient], doctor)) as [{ visitId: string; token: string }];
});

afterAll(async () => {
  await f?.close();
});

/** Sends a text message through the front with a clientId, retried with the same clientId until answered. */
async function say(token: string, clientId: string) {
  const answers = await untilAnswered(() =>
    request(f.cluster.url, 'POST', `/api/v1/visits/${visitId}/messages`, {
      token,
      body: { clientId, kind: 'text', text: `消息 ${clientId}` },
    }),
  );
  const a = finalOf({ answers });
  expect([200, 201], JSON.stringify(a.body)).toContain(a.status);
}

/** The visit's whole history, from the database through the API. */
async function history(): Promise<VisitMessage[]> {
  const a = await request(f.cluster.url, 'GET', `/api/v1/visits/${visitId}/messages?after=0&limit=500`, {
    token: doctor.token,
  });
  expect(a.status).toBe(200);
  return a.body.items as VisitMessage[];
}

it('reconnects the sockets of a killed node to another node and resumes without loss or duplicates', async () => {
  const front = f.cluster.url;
  const { p, d } = await socketsOnTwoNodes(front, visitId, patient.token, doctor.token);
  const victim = nodeIndexOf(f.cluster, p.upstream);
  expect(victim).toBeGreaterThanOrEqual(0);

  // Before the fault: messages from both sides reach both sockets live, across the nodes.
  for (let i = 0; i < 6; i++) await say(i % 2 ? patient.token : doctor.token, `before-${i}`);
  let ids = (await history()).map((m) => m.id);
  await p.waitForIds(ids, 15_000);
  await d.waitForIds(ids, 15_000);

  // The fault: both sides keep writing while the patient's node is killed.
  const sent: string[] = [];
  const writing = (async () => {
    for (let i = 0; i < 40; i++) {
      const clientId = `during-${i}`;
      await say(i % 2 ? patient.token : doctor.token, clientId);
      sent.push(clientId);
      await sleep(20);
    }
  })();
  while (sent.length < 10) await sleep(10);
  await f.cluster.kill(victim, 'SIGKILL');
  await writing;

  const all = await history();
  ids = all.map((m) => m.id);
  await p.waitForIds(ids, 30_000);
  await d.waitForIds(ids, 30_000);

  // The patient's socket moved to the surviving node; the doctor's never left it.
  expect(p.upstreams.length).toBeGreaterThanOrEqual(2);
  expect(nodeIndexOf(f.cluster, p.upstream)).not.toBe(victim);
  expect(d.upstreams).toHaveLength(1);
  // Every message stored once (a resent clientId is not stored again)…
  const byClient = all.filter((m) => m.clientId?.startsWith('during-')).map((m) => m.clientId);
  expect(new Set(byClient).size).toBe(byClient.length);
  expect(new Set(byClient)).toEqual(new Set(sent));
  // …and received exactly once by each side, nothing the database does not have.
  expect(duplicates(p.messages)).toEqual([]);
  expect(duplicates(d.messages)).toEqual([]);
  expect(new Set(p.messages.map((m) => m.id))).toEqual(new Set(ids));
  expect(new Set(d.messages.map((m) => m.id))).toEqual(new Set(ids));
  console.log(
    `sockets: ${ids.length} messages; patient's socket on node ${victim} killed, reconnected ` +
      `${p.upstreams.length - 1} time(s), now on node ${nodeIndexOf(f.cluster, p.upstream)}`,
  );
  p.close();
  d.close();
});
