/**
 * The visit WebSocket over a real listening server: live messages both ways, read receipts and typing,
 * WebRTC signalling relayed to the other side only, refusal of strangers, resume after a dropped
 * connection with no message lost and none duplicated (a resent clientId is stored once), one frame
 * resuming many visits, and a socket that floods being slowed down without cutting it off or others.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newId } from '../../src/server/platform/ids.js';
import type { ServerFrame, VisitMessage } from '../../src/shared/visits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { makePatients } from '../support/people.js';
import { SocketClient } from '../support/ws-client.js';

let t: TestApp;
let base: string;
let zhang: string;
let chen: string;
let lina: string;
let visitId: string;
let doctorId: string;

/** A socket on this file's server (test/support/ws-client.ts). */
const Client = { open: (token: string) => SocketClient.open(base, token) };

const isResumed = (f: ServerFrame) => f.type === 'resumed';
const textIs = (text: string) => (f: ServerFrame) => f.type === 'message' && f.message.text === text;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  [zhang, chen, lina] = await Promise.all(
    ['13800000001', '13900000001', '13800000002'].map((p) => t.login(p)),
  );
  const doctor = await t.ctx.db
    .selectFrom('practitioner')
    .select('id')
    .where('code', '=', 'P001')
    .executeTakeFirstOrThrow();
  doctorId = doctor.id;
  visitId = await startFollowUp(zhang);
}, 180_000);

/** A follow-up of the patient with 陈建国 (P001), requested, paid and started: its id. */
async function startFollowUp(token: string): Promise<string> {
  const res = await t.request('POST', '/api/v1/visits', {
    token,
    body: { type: 'follow_up', doctorId, conditionCode: 'I10', description: '复诊', consent: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  const pay = await t.request('POST', `/api/v1/orders/${res.json().orderId}/pay`, {
    token,
    body: { channel: 'sim' },
  });
  await t.sim!.confirm(pay.json().prepayId);
  await t.sim!.settle();
  const id: string = res.json().id;
  expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).statusCode).toBe(200);
  return id;
}

/** New patients with the offline I10 diagnosis at 云川医院 cardiology a follow-up with 陈建国 rests on (VISIT-1). */
async function followUpPatients(count: number) {
  const patients = await makePatients(t, count);
  const dept = await t.ctx.db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.institution_id'])
    .where('i.code', '=', 'YC-H01')
    .where('d.code', '=', 'CARD')
    .executeTakeFirstOrThrow();
  await t.ctx.db
    .insertInto('offline_diagnosis')
    .values(
      patients.map((p) => ({
        id: newId(),
        patient_id: p.patientId,
        institution_id: dept.institution_id,
        department_id: dept.id,
        practitioner_id: doctorId,
        icd10: 'I10',
        name: '原发性高血压',
        diagnosed_at: '2026-03-12',
        source: 'seed',
        created_at: t.clock.now(),
      })),
    )
    .execute();
  return patients;
}

afterAll(async () => {
  await t?.close();
});

describe('/ws', () => {
  /** Opens a socket and answers its close code and the error frame it got before closing. */
  const refusedWith = async (token: string) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    const frames: ServerFrame[] = [];
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw)) as ServerFrame));
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    return { code, error: frames.find((f) => f.type === 'error') };
  };

  it('DJ-2: a session whose password must change is refused the socket too, not only the HTTP routes', async () => {
    const phone = '13900000003';
    const account = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('account')
      .set({ password_must_change: true })
      .where('id', '=', account.id)
      .execute();
    try {
      const res = await t.request('POST', '/api/v1/auth/login', { body: { phone, password: 'Demo@2026' } });
      expect(res.json().passwordChangeRequired).toBe(true);
      const refused = await refusedWith(res.json().token);
      expect(refused.code).toBe(4403);
      expect(refused.error).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    } finally {
      await t.ctx.db
        .updateTable('account')
        .set({ password_must_change: false })
        .where('id', '=', account.id)
        .execute();
    }
  });

  it('DJ-19: staff connect only from the console ranges; a patient from anywhere', async () => {
    const saved = t.ctx.config.security.consoleRanges;
    t.ctx.config.security.consoleRanges = ['10.0.0.0/8']; // this test connects from 127.0.0.1
    try {
      const refused = await refusedWith(chen);
      expect(refused.code).toBe(4403);
      expect(refused.error).toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
      const audited = await t.ctx.db
        .selectFrom('audit_event')
        .select(['outcome', 'details'])
        .where('action', '=', 'access.address_refused')
        .execute();
      expect(audited.some((a) => (a.details as { route?: string }).route === '/ws')).toBe(true);
      const patient = await Client.open(zhang);
      patient.send({ type: 'resume', visitId, after: 0 });
      await patient.wait(isResumed);
      await patient.close();
    } finally {
      t.ctx.config.security.consoleRanges = saved;
    }
  });

  it('refuses a socket without a valid session, and a stranger following the visit', async () => {
    const anon = new WebSocket(`${base.replace('http', 'ws')}/ws?token=not-a-real-token-000000`);
    const closed = await new Promise<number>((resolve) => anon.on('close', (code) => resolve(code)));
    expect(closed).toBe(4401);
    const stranger = await Client.open(lina);
    stranger.send({ type: 'resume', visitId, after: 0 });
    const err = await stranger.wait((f) => f.type === 'error');
    expect(err).toMatchObject({ code: 'NOT_A_PARTICIPANT' });
    expect(stranger.messages()).toHaveLength(0);
    stranger.close();
  });

  it('delivers messages live both ways, with read receipts, typing and signalling to the other side', async () => {
    const patient = await Client.open(zhang);
    const doctor = await Client.open(chen);
    patient.send({ type: 'resume', visitId, after: 0 });
    doctor.send({ type: 'resume', visitId, after: 0 });
    await patient.wait(isResumed);
    await doctor.wait(isResumed);
    // The system message of the start is replayed.
    expect(patient.messages().some((m) => m.kind === 'system')).toBe(true);

    patient.send({ type: 'message', visitId, clientId: 'p-1', kind: 'text', text: '医生您好，最近头晕' });
    const atDoctor = await doctor.wait(textIs('医生您好，最近头晕'));
    expect(atDoctor.type === 'message' && atDoctor.message).toMatchObject({
      senderRole: 'patient',
      senderName: '张伟',
    });
    doctor.send({ type: 'typing', visitId });
    await patient.wait((f) => f.type === 'typing' && f.role === 'doctor');
    expect(doctor.frames.some((f) => f.type === 'typing')).toBe(false);
    doctor.send({ type: 'read', visitId, lastReadId: atDoctor.type === 'message' ? atDoctor.message.id : 0 });
    await patient.wait((f) => f.type === 'read' && f.role === 'doctor');

    doctor.send({
      type: 'signal',
      visitId,
      data: { kind: 'description', description: { type: 'offer', sdp: 'v=0' } },
    });
    const sig = await patient.wait((f) => f.type === 'signal');
    expect(sig).toMatchObject({ from: 'doctor', data: { kind: 'description' } });
    expect(doctor.frames.some((f) => f.type === 'signal')).toBe(false);
    patient.close();
    doctor.close();
  });

  it('after a dropped connection the client resumes from its last id: nothing lost, nothing twice', async () => {
    const patient = await Client.open(zhang);
    patient.send({ type: 'resume', visitId, after: 0 });
    await patient.wait(isResumed);
    const first = patient.messages().map((m) => m.id);
    expect(new Set(first).size).toBe(first.length);
    const lastSeen = Math.max(...first);
    patient.ws.terminate(); // the network drops, no close handshake

    // While the patient is away the doctor writes twice (over HTTP).
    for (const text of ['请测一下血压', '另外记录心率']) {
      const r = await t.request('POST', `/api/v1/visits/${visitId}/messages`, {
        token: chen,
        body: { clientId: `d-${text}`, kind: 'text', text },
      });
      expect(r.statusCode).toBe(201);
    }
    // The patient's own message was sent just before the drop and may or may not have arrived: it arrived.
    await t.request('POST', `/api/v1/visits/${visitId}/messages`, {
      token: zhang,
      body: { clientId: 'p-offline', kind: 'text', text: '血压 150/95' },
    });

    const back = await Client.open(zhang);
    back.send({ type: 'resume', visitId, after: lastSeen });
    // The client resends what it is unsure of, with the same clientId.
    back.send({ type: 'message', visitId, clientId: 'p-offline', kind: 'text', text: '血压 150/95' });
    await back.wait(isResumed);
    await back.wait(
      (f) =>
        f.type === 'message' &&
        f.message.clientId === 'p-offline' &&
        back.frames.filter((x) => x.type === 'message' && x.message.clientId === 'p-offline').length >= 2,
    );
    const replayed = back.messages();
    expect(replayed.every((m) => m.id > lastSeen)).toBe(true);
    // The replay itself sends each missed message once (the echo of the resent clientId is the only repeat).
    const replayIds = replayed.filter((m) => m.clientId !== 'p-offline').map((m) => m.id);
    expect(new Set(replayIds).size).toBe(replayIds.length);
    expect(replayed.map((m) => m.text)).toEqual(
      expect.arrayContaining(['请测一下血压', '另外记录心率', '血压 150/95']),
    );

    // The whole history has each message exactly once, ids strictly increasing.
    const all = (
      await t.request('GET', `/api/v1/visits/${visitId}/messages?after=0`, { token: zhang })
    ).json().items as VisitMessage[];
    const ids = all.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(all.filter((m) => m.text === '血压 150/95')).toHaveLength(1);
    // Paging: after= the second-to-last id gives exactly the last one.
    const tail = (
      await t.request('GET', `/api/v1/visits/${visitId}/messages?after=${ids[ids.length - 2]}`, {
        token: zhang,
      })
    ).json();
    expect(tail.items.map((m: VisitMessage) => m.id)).toEqual([ids[ids.length - 1]]);
    back.close();
  });

  it('answers bad frames with a problem, not a dropped socket', async () => {
    const c = await Client.open(zhang);
    c.ws.send('not json');
    expect(await c.wait((f) => f.type === 'error')).toMatchObject({ code: 'BAD_FRAME' });
    c.send({ type: 'message', visitId, clientId: 'e-1', kind: 'text', text: '' });
    expect(await c.wait((f) => f.type === 'error' && f.code === 'EMPTY_MESSAGE')).toBeTruthy();
    c.send({ type: 'ping' });
    await c.wait((f) => f.type === 'pong');
    c.close();
  });
});

describe('/ws with many visits on one socket', () => {
  let visits: string[];

  beforeAll(async () => {
    const patients = await followUpPatients(3);
    visits = [visitId];
    for (const p of patients) visits.push(await startFollowUp(p.token));
    // Something to replay in one of them besides the start's system message.
    const r = await t.request('POST', `/api/v1/visits/${visits[2]}/messages`, {
      token: patients[1]!.token,
      body: { clientId: 'many-1', kind: 'text', text: '多问诊续传' },
    });
    expect(r.statusCode).toBe(201);
  }, 120_000);

  const storedIds = async (id: string) =>
    (
      await t.ctx.db
        .selectFrom('visit_message')
        .select('id')
        .where('visit_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((r) => Number(r.id));

  it('one resume frame follows many visits: each replayed once and resumed, a refused one answers its own error', async () => {
    const doctor = await Client.open(chen);
    const stranger = randomUUID();
    const stored = await Promise.all(visits.map(storedIds));
    const firstOfSecond = stored[1]![0]!;
    doctor.send({
      type: 'resume',
      visits: [
        { visitId: stranger, after: 0 },
        ...visits.map((id, i) => ({ visitId: id, after: i === 1 ? firstOfSecond : 0 })),
      ],
    });
    for (const id of visits) await doctor.wait((f) => f.type === 'resumed' && f.visitId === id);
    // The refused visit is named, and did not stop the others.
    expect(doctor.frames.filter((f) => f.type === 'error')).toEqual([
      expect.objectContaining({ visitId: stranger, code: 'NOT_A_PARTICIPANT' }),
    ]);
    visits.forEach((id, i) => {
      const want = i === 1 ? stored[i]!.filter((m) => m > firstOfSecond) : stored[i]!;
      const got = doctor.messages().filter((m) => m.visitId === id);
      expect(got.map((m) => m.id)).toEqual(want);
      expect(doctor.frames.find((f) => f.type === 'resumed' && f.visitId === id)).toMatchObject({
        lastId: want.at(-1) ?? firstOfSecond,
      });
    });
    expect(doctor.messages().some((m) => m.text === '多问诊续传')).toBe(true);
    // Every resumed visit is followed: a new message in the last one is pushed live.
    const last = visits.at(-1)!;
    const r = await t.request('POST', `/api/v1/visits/${last}/messages`, {
      token: chen,
      body: { clientId: 'many-live', kind: 'text', text: '多问诊实时' },
    });
    expect(r.statusCode).toBe(201);
    await doctor.wait(textIs('多问诊实时'));
    // The read is audited as for GET /messages, saying it came over the socket.
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select(['resource_id', 'details'])
      .where('action', '=', 'visit.messages.read')
      .where('resource_id', '=', visits[1]!)
      .execute();
    expect(audited.map((a) => (typeof a.details === 'string' ? JSON.parse(a.details) : a.details))).toEqual(
      expect.arrayContaining([expect.objectContaining({ via: 'ws', after: firstOfSecond })]),
    );
    doctor.close();
  });

  it('refuses a malformed multi-visit resume as a bad frame', async () => {
    const c = await Client.open(chen);
    c.send({ type: 'resume', visits: [] });
    expect(await c.wait((f) => f.type === 'error')).toMatchObject({ code: 'BAD_FRAME' });
    c.send({ type: 'resume', visits: [{ visitId, after: -1 }] });
    await c.wait((f) => f.type === 'error' && c.frames.filter((x) => x.type === 'error').length === 2);
    c.send({ type: 'resume', visits: Array.from({ length: 501 }, () => ({ visitId, after: 0 })) });
    await c.wait((f) => f.type === 'error' && c.frames.filter((x) => x.type === 'error').length === 3);
    expect(c.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.code)).toEqual([
      'BAD_FRAME',
      'BAD_FRAME',
      'BAD_FRAME',
    ]);
    expect(c.frames.some((f) => f.type === 'resumed')).toBe(false);
    c.close();
  });

  it('a socket sending hundreds of frames at once is slowed down, not cut off, and others are served meanwhile', async () => {
    const patient = await Client.open(zhang);
    patient.send({ type: 'resume', visitId, after: 0 });
    await patient.wait(isResumed);

    // The old way of following many visits: one single-visit resume per visit, all written at once.
    const FLOOD = 300;
    const flooder = await Client.open(chen);
    for (let i = 0; i < FLOOD; i++)
      flooder.send({ type: 'resume', visitId: visits[i % visits.length], after: 0 });
    const resumedCount = () => flooder.frames.filter((f) => f.type === 'resumed').length;

    // Another socket's message is stored and echoed while the flood is still being worked through.
    const t0 = Date.now();
    patient.send({
      type: 'message',
      visitId,
      clientId: 'during-flood',
      kind: 'text',
      text: '洪泛期间的消息',
    });
    await patient.wait(textIs('洪泛期间的消息'), 10_000);
    const servedAfter = resumedCount();
    expect(servedAfter, `echo after ${Date.now() - t0} ms`).toBeLessThan(FLOOD);

    // The flooder gets an answer to every frame, in order, and stays connected.
    await flooder.wait(() => resumedCount() === FLOOD, 60_000);
    expect(flooder.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(flooder.frames.flatMap((f) => (f.type === 'resumed' ? [f.visitId] : []))).toEqual(
      Array.from({ length: FLOOD }, (_, i) => visits[i % visits.length]),
    );
    flooder.send({ type: 'ping' });
    await flooder.wait((f) => f.type === 'pong');
    expect(flooder.ws.readyState).toBe(WebSocket.OPEN);
    patient.close();
    flooder.close();
  }, 90_000);
});

describe('/ws keeps checking rights while a socket stays open', () => {
  it('a socket whose session ended is closed, and a revoked proxy stops receiving the child’s visit', async () => {
    t.ctx.config.visits.socketRecheckMs = 200;
    const su = await t.login('13900000002');
    const child = await t.ctx.db
      .selectFrom('patient')
      .select('id')
      .where('name', '=', '李小宝')
      .executeTakeFirstOrThrow();
    const doctor = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('code', '=', 'P029')
      .executeTakeFirstOrThrow();
    const res = await t.request('POST', '/api/v1/visits', {
      token: lina,
      body: {
        type: 'first_visit',
        doctorId: doctor.id,
        patientId: child.id,
        description: '身高',
        consent: true,
      },
    });
    const pay = await t.request('POST', `/api/v1/orders/${res.json().orderId}/pay`, {
      token: lina,
      body: { channel: 'sim' },
    });
    await t.sim!.confirm(pay.json().prepayId);
    await t.sim!.settle();
    const childVisit = res.json().id;
    await t.request('POST', `/api/v1/visits/${childVisit}/guardian-presence`, { token: lina });
    expect((await t.request('POST', `/api/v1/visits/${childVisit}/start`, { token: su })).statusCode).toBe(
      200,
    );

    // A second session of 李娜 follows the visit, and so does the doctor's socket.
    const lina2 = await t.login('13800000002');
    const guardian = await Client.open(lina2);
    guardian.send({ type: 'resume', visitId: childVisit, after: 0 });
    await guardian.wait(isResumed);
    const doctorSocket = await Client.open(su);
    doctorSocket.send({ type: 'resume', visitId: childVisit, after: 0 });
    await doctorSocket.wait(isResumed);
    const post = async (clientId: string, text: string) => {
      const r = await t.request('POST', `/api/v1/visits/${childVisit}/messages`, {
        token: su,
        body: { clientId, kind: 'text', text },
      });
      expect(r.statusCode).toBe(201);
    };
    // While the proxy holds, the guardian's socket gets the doctor's messages.
    await post('before-revoke', '撤销前的消息');
    await guardian.wait(textIs('撤销前的消息'));

    await t.ctx.db
      .updateTable('family_proxy')
      .set({ status: 'revoked' })
      .where('patient_id', '=', child.id)
      .execute();
    await new Promise((r) => setTimeout(r, 600)); // three rechecks
    await post('after-revoke', '撤销后的消息');
    // It is delivered to the follower who still has the right…
    await doctorSocket.wait(textIs('撤销后的消息'));
    // …and not to the revoked proxy, whose socket is still open and answering: anything pushed to it
    // before this pong would have arrived before it.
    guardian.send({ type: 'ping' });
    await guardian.wait((f) => f.type === 'pong');
    expect(guardian.messages().some((m) => m.text === '撤销后的消息')).toBe(false);
    doctorSocket.close();

    // Logging out closes the socket of that session.
    const closed = new Promise<number>((resolve) => guardian.ws.on('close', (code) => resolve(code)));
    await t.request('POST', '/api/v1/auth/logout', { token: lina2 });
    expect(await closed).toBe(4401);
    t.ctx.config.visits.socketRecheckMs = 30_000;
  });
});
