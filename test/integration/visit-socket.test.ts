/**
 * The visit WebSocket over a real listening server: live messages both ways, read receipts and typing,
 * WebRTC signalling relayed to the other side only, refusal of strangers, and resume after a dropped
 * connection with no message lost and none duplicated (a resent clientId is stored once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame, VisitMessage } from '../../src/shared/visits.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;
let zhang: string;
let chen: string;
let lina: string;
let visitId: string;

/** A test client that records every frame and can wait for one matching a predicate. */
class Client {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  ws!: WebSocket;

  static async open(token: string): Promise<Client> {
    const c = new Client();
    c.ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    c.ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as ServerFrame;
      c.frames.push(f);
      const due = c.waiters.filter((w) => w.pred(f));
      c.waiters = c.waiters.filter((w) => !due.includes(w));
      for (const w of due) w.resolve(f);
    });
    await new Promise((resolve, reject) => {
      c.ws.once('open', resolve);
      c.ws.once('error', reject);
    });
    return c;
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }

  wait(pred: (f: ServerFrame) => boolean, ms = 5000): Promise<ServerFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)),
        ms,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  messages(): VisitMessage[] {
    return this.frames.flatMap((f) => (f.type === 'message' ? [f.message] : []));
  }

  close() {
    this.ws.close();
  }
}

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
  const res = await t.request('POST', '/api/v1/visits', {
    token: zhang,
    body: {
      type: 'follow_up',
      doctorId: doctor.id,
      conditionCode: 'I10',
      description: '复诊',
      consent: true,
    },
  });
  visitId = res.json().id;
  const pay = await t.request('POST', `/api/v1/orders/${res.json().orderId}/pay`, {
    token: zhang,
    body: { channel: 'sim' },
  });
  t.sim!.confirm(pay.json().prepayId);
  await t.sim!.settle();
  expect((await t.request('POST', `/api/v1/visits/${visitId}/start`, { token: chen })).statusCode).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('/ws', () => {
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
    t.sim!.confirm(pay.json().prepayId);
    await t.sim!.settle();
    const childVisit = res.json().id;
    await t.request('POST', `/api/v1/visits/${childVisit}/guardian-presence`, { token: lina });
    expect((await t.request('POST', `/api/v1/visits/${childVisit}/start`, { token: su })).statusCode).toBe(
      200,
    );

    // A second session of 李娜 follows the visit, then the proxy is revoked.
    const lina2 = await t.login('13800000002');
    const guardian = await Client.open(lina2);
    guardian.send({ type: 'resume', visitId: childVisit, after: 0 });
    await guardian.wait(isResumed);
    await t.ctx.db
      .updateTable('family_proxy')
      .set({ status: 'revoked' })
      .where('patient_id', '=', child.id)
      .execute();
    await new Promise((r) => setTimeout(r, 600));
    await t.request('POST', `/api/v1/visits/${childVisit}/messages`, {
      token: su,
      body: { clientId: 'after-revoke', kind: 'text', text: '撤销后的消息' },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(guardian.messages().some((m) => m.text === '撤销后的消息')).toBe(false);

    // Logging out closes the socket of that session.
    const closed = new Promise<number>((resolve) => guardian.ws.on('close', (code) => resolve(code)));
    await t.request('POST', '/api/v1/auth/logout', { token: lina2 });
    expect(await closed).toBe(4401);
    t.ctx.config.visits.socketRecheckMs = 30_000;
  });
});
