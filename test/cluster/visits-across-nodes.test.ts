/**
 * A visit whose doctor and patient are on different API nodes ([9/12] item 5): two real listening servers
 * (server.ts) on one PostgreSQL database and the machine's NATS, the doctor's socket on node A and the
 * patient's on node B. Chat both ways (socket and HTTP), read receipts, typing and a call's WebRTC
 * offer/answer work as on one node, every socket getting each frame exactly once; and a patient whose
 * node went away resumes on the other one without losing or repeating a message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/platform/config.js';
import { NatsBus } from '../../src/server/platform/nats-bus.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import type { ServerFrame } from '../../src/shared/visits.js';
import { chen, ids, paidVisit, setupVisitsApp, t, zhang } from '../support/visits.js';
import { SocketClient } from '../support/ws-client.js';
import { NATS_URL, requireService } from './services.js';

const Client = SocketClient;
type Client = SocketClient;

const textIs = (text: string) => (f: ServerFrame) => f.type === 'message' && f.message.text === text;
const of = (c: Client, type: ServerFrame['type']) => c.frames.filter((f) => f.type === type);

setupVisitsApp();

let nodeA: RunningServer;
let nodeB: RunningServer;
let visitId: string;

/** One API node on the test file's database and clock, with NATS and its own node id. */
function startNode(name: string): Promise<RunningServer> {
  const config = loadConfig({
    // The keys of the fixture app (test/support/app.ts): the same deployment.
    YUNYI_DEMO: '1',
    YUNYI_FIELD_KEY: '00112233445566778899aabbccddeeff',
    YUNYI_INDEX_KEY: 'ab'.repeat(32),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-cluster-')),
    NATS_URL,
    YUNYI_NODE_ID: `${name}-${process.pid}-${Date.now().toString(36)}`,
  });
  return startServer(config, { database: t.database, clock: t.clock });
}

beforeAll(async () => {
  await requireService('NATS', NATS_URL);
  // A follow-up of 张伟 with 陈建国 (P001), paid and started, before the nodes run.
  visitId = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
  expect((await t.request('POST', `/api/v1/visits/${visitId}/start`, { token: chen })).statusCode).toBe(200);
  [nodeA, nodeB] = await Promise.all([startNode('a'), startNode('b')]);
}, 120_000);

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
});

/** Each side's socket opened and resumed: the doctor on node A, the patient on node B. */
async function bothSides(): Promise<{ doctor: Client; patient: Client }> {
  const doctor = await Client.open(nodeA.url, chen);
  const patient = await Client.open(nodeB.url, zhang);
  for (const c of [doctor, patient]) {
    c.send({ type: 'resume', visitId, after: 0 });
    await c.wait((f) => f.type === 'resumed');
  }
  return { doctor, patient };
}

/**
 * Each side sends one more message and waits for both. Both nodes' hub frames travel one NATS subject
 * per visit, in publish order per node: once each socket has the other side's last message, any second
 * copy of an earlier frame would have arrived before it.
 */
async function barrier(doctor: Client, patient: Client, tag: string) {
  doctor.send({ type: 'message', visitId, clientId: `d-${tag}`, kind: 'text', text: `医生-${tag}` });
  patient.send({ type: 'message', visitId, clientId: `p-${tag}`, kind: 'text', text: `患者-${tag}` });
  for (const c of [doctor, patient]) {
    await c.wait(textIs(`医生-${tag}`));
    await c.wait(textIs(`患者-${tag}`));
  }
}

describe('a doctor on node A and a patient on node B', () => {
  it('run on two nodes joined by NATS', () => {
    expect(nodeA.ctx.bus).toBeInstanceOf(NatsBus);
    expect(nodeB.ctx.bus).toBeInstanceOf(NatsBus);
    expect(nodeA.ctx.bus.nodeId).not.toBe(nodeB.ctx.bus.nodeId);
    expect(nodeA.url).not.toBe(nodeB.url);
  });

  it('chat both ways, by socket and by HTTP, and each socket gets each message exactly once', async () => {
    const { doctor, patient } = await bothSides();
    const before = { doctor: doctor.messages().length, patient: patient.messages().length };
    doctor.send({ type: 'message', visitId, clientId: 'd1', kind: 'text', text: '血压最近怎么样？' });
    patient.send({ type: 'message', visitId, clientId: 'p1', kind: 'text', text: '早上 135/85' });
    const http = await fetch(`${nodeB.url}/api/v1/visits/${visitId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${zhang}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'p2', kind: 'text', text: '晚上 128/80' }),
    });
    expect(http.status).toBe(201);
    await barrier(doctor, patient, 'chat');
    for (const c of [doctor, patient]) {
      const live = c.messages().slice(c === doctor ? before.doctor : before.patient);
      expect(live.map((m) => m.text).sort()).toEqual(
        ['血压最近怎么样？', '早上 135/85', '晚上 128/80', '医生-chat', '患者-chat'].sort(),
      );
      expect(c.repeated()).toEqual([]);
    }
    // The socket copy and the stored message are the same row: one id, seen alike on both nodes.
    const sent = doctor.messages().find((m) => m.text === '早上 135/85')!;
    expect(patient.messages().find((m) => m.text === '早上 135/85')!.id).toBe(sent.id);
    await Promise.all([doctor.close(), patient.close()]);
  });

  it('see read receipts, typing and a call’s offer and answer, each once, never their own', async () => {
    const { doctor, patient } = await bothSides();
    doctor.send({ type: 'message', visitId, clientId: 'd-read', kind: 'text', text: '请看一下用药' });
    const msg = await patient.wait(textIs('请看一下用药'));
    const lastReadId = msg.type === 'message' ? msg.message.id : 0;

    patient.send({ type: 'read', visitId, lastReadId });
    patient.send({ type: 'typing', visitId });
    const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    doctor.send({ type: 'signal', visitId, data: offer });
    await patient.wait((f) => f.type === 'signal');
    const answer = { kind: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
    patient.send({ type: 'signal', visitId, data: answer });
    await doctor.wait((f) => f.type === 'signal');
    await barrier(doctor, patient, 'signals');

    // A read receipt goes to both sides (the reader's other tabs too); typing and signalling to the other.
    const readFrame = { type: 'read', visitId, role: 'patient', lastReadId };
    expect(
      of(doctor, 'read').filter(
        (f) => f.type === 'read' && f.lastReadId === lastReadId && f.role === 'patient',
      ),
    ).toEqual([readFrame]);
    expect(
      of(patient, 'read').filter(
        (f) => f.type === 'read' && f.lastReadId === lastReadId && f.role === 'patient',
      ),
    ).toEqual([readFrame]);
    expect(of(doctor, 'typing')).toEqual([{ type: 'typing', visitId, role: 'patient' }]);
    expect(of(patient, 'typing')).toEqual([]);
    expect(of(patient, 'signal')).toEqual([{ type: 'signal', visitId, from: 'doctor', data: offer }]);
    expect(of(doctor, 'signal')).toEqual([{ type: 'signal', visitId, from: 'patient', data: answer }]);
    for (const c of [doctor, patient]) expect(c.repeated()).toEqual([]);
    await Promise.all([doctor.close(), patient.close()]);
  });

  it('a patient whose node went away resumes on the other node and loses nothing, repeats nothing', async () => {
    const { doctor, patient } = await bothSides();
    await barrier(doctor, patient, 'before-drop');
    const lastSeen = Math.max(...patient.messages().map((m) => m.id));
    await patient.close();
    for (const text of ['第一条', '第二条', '第三条'])
      doctor.send({ type: 'message', visitId, clientId: `gap-${text}`, kind: 'text', text });
    await doctor.wait(textIs('第三条'));

    // The patient comes back through the load balancer to node A, where the doctor is.
    const back = await Client.open(nodeA.url, zhang);
    back.send({ type: 'resume', visitId, after: lastSeen });
    await back.wait((f) => f.type === 'resumed');
    expect(back.messages().map((m) => m.text)).toEqual(['第一条', '第二条', '第三条']);
    back.send({ type: 'message', visitId, clientId: 'p-back', kind: 'text', text: '我回来了' });
    await doctor.wait(textIs('我回来了'));
    await back.wait(textIs('我回来了'));
    expect(back.repeated()).toEqual([]);
    expect(doctor.repeated()).toEqual([]);
    await Promise.all([doctor.close(), back.close()]);
  });
});
