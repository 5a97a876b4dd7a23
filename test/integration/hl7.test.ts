/**
 * HL7 v2 ingestion over TCP ([6/12]): messages sent by an independent MLLP client (`@medplum/hl7`'s
 * Hl7Client) to the listener of a seeded app, answered and applied — ADT^A04 + A03 for a new patient make
 * them eligible for an online follow-up (VISIT-1) once they real-name verify (ID-1, ID-2); an ORU^R01 shows
 * in their results and trend data (REC-3); a malformed message gets AE and lands in dead letters, is fixed
 * and replayed; a resent control id is answered again and applied once; a sender that is not a configured
 * feed gets AR (DJ-12: audited, no personal data); a message without a resident ID waits in the match queue.
 * The duplicate race runs on PostgreSQL (`[race: PostgreSQL only]`), where each copy has its own connection.
 */
import net from 'node:net';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveMessage } from '../../src/server/modules/hl7/hl7.service.js';
import { type Hl7Listener, startHl7Listener } from '../../src/server/modules/hl7/mllp.js';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { idCheckChar } from '../../src/shared/identity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { testIdNumber } from '../support/people.js';

let t: TestApp;
let listener: Hl7Listener;
let admin: string; // 吕芳, org_admin of YC-H01
let regulator: string;
const ids: Record<string, string> = {};
const clients: Hl7Client[] = [];

const FACILITY = 'YCH01HIS';
const P001_LICENCE = '111101011997001';

beforeAll(async () => {
  t = await createTestApp({
    seed: true,
    config: {
      hl7: {
        port: 0,
        host: '127.0.0.1',
        feeds: [
          { sendingFacility: FACILITY, institution: 'YC-H01', addresses: ['127.0.0.1'] },
          // A feed whose address is not this machine: its facility name from 127.0.0.1 is refused.
          { sendingFacility: 'YCH02HIS', institution: 'YC-H02', addresses: ['10.20.30.40'] },
        ],
      },
    },
  });
  listener = await startHl7Listener(t.ctx, { port: 0, host: '127.0.0.1' });
  [admin, regulator] = await Promise.all([t.login('13600000001'), t.login('13500000001')]);
  const p001 = await t.ctx.db
    .selectFrom('practitioner')
    .select('id')
    .where('code', '=', 'P001')
    .executeTakeFirstOrThrow();
  ids.P001 = p001.id;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await listener?.close();
  await t?.close();
});

function client(): Hl7Client {
  const c = new Hl7Client({ host: '127.0.0.1', port: listener.port });
  clients.push(c);
  return c;
}

let serial = 0;
const seg = (name: string, fields: Record<number, string | undefined>) => {
  const n = Math.max(...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: n }, (_, i) => fields[i + 1] ?? '')].join('|');
};
const msh = (type: string, control: string, facility = FACILITY) =>
  `MSH|^~\\&|HIS|${facility}|YUNYI|YUNYI|20261121100000||${type}|${control}|P|2.5`;

interface Person {
  idNumber: string | null;
  name: string;
  birth?: string;
  sex?: 'M' | 'F';
}

const pid = (p: Person) =>
  seg('PID', {
    1: '1',
    3: [p.idNumber ? `${p.idNumber}^^^^NNCHN` : '', `H${++serial}^^^YCH01^PI`].filter(Boolean).join('~'),
    5: p.name.length > 1 ? `${p.name[0]}^${p.name.slice(1)}` : p.name,
    ...(p.birth ? { 7: p.birth } : {}),
    ...(p.sex ? { 8: p.sex } : {}),
    13: '13912345678',
  });

function adt(
  event: 'A01' | 'A03' | 'A04' | 'A08',
  control: string,
  p: Person,
  visit: string,
  dg1: string[] = [],
) {
  return [
    msh(`ADT^${event}^ADT_A01`, control),
    `EVN|${event}|20261121093000`,
    pid(p),
    seg('PV1', {
      1: '1',
      2: 'O',
      3: 'CARD',
      7: `${P001_LICENCE}^陈^建国`,
      19: visit,
      44: '20261121093000',
      ...(event === 'A03' ? { 45: '20261121110000' } : {}),
    }),
    ...dg1.map((code, i) => seg('DG1', { 1: String(i + 1), 3: `${code}^^I10`, 6: 'F' })),
  ].join('\r');
}

function oru(control: string, p: Person, order: string, obx14 = '20261120083000') {
  return [
    msh('ORU^R01^ORU_R01', control),
    pid(p),
    seg('OBR', {
      1: '1',
      3: `${order}^LIS`,
      4: '24331-1^血脂四项^LN',
      7: '20261120080000',
      22: '20261120100000',
      24: 'LAB',
      25: 'F',
      32: '001&王&检验',
    }),
    seg('OBX', {
      1: '1',
      2: 'NM',
      3: '2093-3^总胆固醇^LN',
      5: '6.20',
      6: 'mmol/L',
      7: '<5.2',
      8: 'H',
      11: 'F',
      14: obx14,
    }),
    seg('OBX', {
      1: '2',
      2: 'NM',
      3: '2571-8^甘油三酯^LN',
      5: '1.20',
      6: 'mmol/L',
      7: '0.45-1.70',
      8: 'N',
      11: 'F',
    }),
    seg('OBX', {
      1: '3',
      2: 'NM',
      3: 'HDL^高密度脂蛋白胆固醇',
      5: '1.30',
      6: 'mmol/L',
      7: '>1.04',
      8: 'N',
      11: 'F',
    }),
  ].join('\r');
}

async function send(text: string, via = client()) {
  const ack = await via.sendAndWait(Hl7Message.parse(text), { timeoutMs: 15_000 });
  const msa = ack.getSegment('MSA')!;
  const err = ack.getSegment('ERR');
  return {
    ack,
    code: msa.getField(1).toString(),
    control: msa.getField(2).toString(),
    errCode: err?.getComponent(3, 1) ?? null,
    errText: err?.getField(8).toString() ?? null,
    appCode: err?.getComponent(5, 1) ?? null,
  };
}

/** A frame sent and answered over a plain socket (for frames the MLLP client cannot produce). */
async function rawExchange(writes: Buffer[], frames = 1): Promise<string[]> {
  const socket = net.connect(listener.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const answers: string[] = [];
  let buffer = Buffer.alloc(0);
  const done = new Promise<string[]>((resolve, reject) => {
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let end = buffer.indexOf(0x1c);
      while (end >= 0) {
        answers.push(buffer.subarray(buffer.indexOf(0x0b) + 1, end).toString('utf8'));
        buffer = buffer.subarray(end + 2);
        end = buffer.indexOf(0x1c);
      }
      if (answers.length >= frames) resolve(answers);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answers));
  });
  for (const w of writes) {
    socket.write(w);
    await new Promise((r) => setTimeout(r, 20));
  }
  const out = await done;
  socket.destroy();
  return out;
}
const framed = (text: string) =>
  Buffer.concat([Buffer.from([0x0b]), Buffer.from(text, 'utf8'), Buffer.from([0x1c, 0x0d])]);

type Table = 'hl7_message' | 'encounter' | 'observation' | 'offline_diagnosis';
// biome-ignore lint/suspicious/noExplicitAny: one counting helper over several tables' filters.
type Filter = (q: any) => any;
const count = async (table: Table, where: Filter) => {
  const q = where(t.ctx.db.selectFrom(table as 'encounter').select((eb) => eb.fn.countAll<number>().as('n')));
  return Number((await q.executeTakeFirstOrThrow()).n);
};

const patientOf = async (idNumber: string) =>
  t.ctx.db
    .selectFrom('patient')
    .selectAll()
    .where('id_number_bidx', '=', t.ctx.cipher.blindIndex('id_number', idNumber))
    .executeTakeFirst();

async function registerAndVerify(phone: string, name: string, idNumber: string) {
  const { devCode } = (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json();
  const login = await t.request('POST', '/api/v1/auth/login', {
    body: { phone, otp: devCode, consent: agreeToCurrent() },
  });
  const token = login.json().token as string;
  const res = await t.request('POST', '/api/v1/me/real-name', { token, body: { name, idNumber } });
  return { token, res };
}

describe('ADT: a new patient from the hospital becomes eligible for an online follow-up (VISIT-1)', () => {
  const person: Person = { idNumber: testIdNumber(7001), name: '林晓峰' };

  it('ADT^A04 then ADT^A03 over TCP → AA; the patient record, the encounter and the offline diagnosis are there', async () => {
    const c = client();
    const a04 = await send(adt('A04', 'A04-7001', person, 'V7001', ['I10']), c);
    expect(a04).toMatchObject({ code: 'AA', control: 'A04-7001', errCode: null });
    expect(a04.ack.getSegment('MSH')!.getField(5).toString()).toBe('HIS');
    expect(a04.ack.getSegment('MSH')!.getField(6).toString()).toBe(FACILITY);
    const a03 = await send(adt('A03', 'A03-7001', person, 'V7001', ['I10']), c);
    expect(a03).toMatchObject({ code: 'AA', control: 'A03-7001' });

    // Created from the hospital's real-name registration, not verified on the platform, no account.
    const patient = await patientOf(person.idNumber!);
    const id = person.idNumber!;
    expect(patient).toMatchObject({
      name: '林晓峰',
      account_id: null,
      verified_at: null,
      birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    });
    const encounter = await t.ctx.db
      .selectFrom('encounter')
      .selectAll()
      .where('patient_id', '=', patient!.id)
      .executeTakeFirstOrThrow();
    expect(encounter).toMatchObject({
      class: 'AMB',
      status: 'finished',
      source: 'his',
      source_ref: 'V7001',
      practitioner_id: ids.P001,
    });
    expect(encounter.started_at.toISOString()).toBe('2026-11-21T01:30:00.000Z');
    expect(encounter.ended_at?.toISOString()).toBe('2026-11-21T03:00:00.000Z');
    const offline = await t.ctx.db
      .selectFrom('offline_diagnosis')
      .selectAll()
      .where('patient_id', '=', patient!.id)
      .execute();
    expect(offline).toHaveLength(1); // A04 and A03 repeat the diagnosis: recorded once
    expect(offline[0]).toMatchObject({
      icd10: 'I10',
      name: '原发性高血压',
      source: 'his',
      diagnosed_at: '2026-11-21',
    });
    // DJ-23: the stored text is SM4-encrypted; the ID number is not in it in clear.
    const stored = await t.ctx.db
      .selectFrom('hl7_message')
      .select(['raw_enc', 'status', 'patient_id'])
      .where('control_id', '=', 'A04-7001')
      .executeTakeFirstOrThrow();
    expect(stored.raw_enc).not.toContain(person.idNumber!);
    expect(stored).toMatchObject({ status: 'applied', patient_id: patient!.id });
    expect(t.ctx.cipher.decrypt(stored.raw_enc)).toContain(person.idNumber!);
  });

  it('the person signs up and verifies with that ID (ID-1): they claim the record, and a follow-up of I10 with 陈建国 is accepted', async () => {
    const { token, res } = await registerAndVerify('13812347001', person.name, person.idNumber!);
    expect(res.statusCode, res.body).toBe(200);
    const patient = await patientOf(person.idNumber!);
    expect(res.json().patientId).toBe(patient!.id);
    expect(patient!.verified_at).not.toBeNull();

    const visit = await t.request('POST', '/api/v1/visits', {
      token,
      body: {
        type: 'follow_up',
        doctorId: ids.P001,
        conditionCode: 'I10',
        consent: true,
        description: '高血压复诊',
      },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    const view = (await t.request('GET', `/api/v1/visits/${visit.json().id}`, { token })).json();
    expect(view.evidence).toMatchObject({ kind: 'offline_diagnosis', icd10: 'I10' });
    // Another condition was not diagnosed at the hospital: refused (VISIT-1).
    const refused = await t.request('POST', '/api/v1/visits', {
      token,
      body: {
        type: 'follow_up',
        doctorId: ids.P001,
        conditionCode: 'E11.9',
        consent: true,
        description: '血糖',
      },
    });
    expect(refused.json().code).toBe('FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS');
    await t.request('POST', `/api/v1/visits/${visit.json().id}/cancel`, { token, body: {} });
  });

  it('ADT^A08 may not change a verified patient’s identity: AA with a warning, the name stays', async () => {
    const res = await send(adt('A08', 'A08-7001', { ...person, name: '林小峰' }, 'V7001'));
    expect(res).toMatchObject({ code: 'AA', appCode: 'HL7_IDENTITY_PROTECTED' });
    expect((await patientOf(person.idNumber!))!.name).toBe('林晓峰');
  });
});

describe('a child the hospital registered (ID-6)', () => {
  it('the guardian adding the child with that ID and name takes over the record the hospital created, now verified', async () => {
    const first17 = '11010120180301002';
    const child: Person = { idNumber: first17 + idCheckChar(first17), name: '李小米' };
    expect((await send(adt('A04', 'C-7301', child, 'V7301', ['J45.9']))).code).toBe('AA');
    const created = await patientOf(child.idNumber!);
    expect(created).toMatchObject({ verified_at: null, account_id: null, sex: 'female' });
    const lina = await t.login('13800000002');
    const added = await t.request('POST', '/api/v1/me/dependents', {
      token: lina,
      body: { name: child.name, idNumber: child.idNumber, relationship: 'child' },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().patientId).toBe(created!.id);
    expect((await patientOf(child.idNumber!))!.verified_at).not.toBeNull();
  });
});

describe('ORU: results (REC-3)', () => {
  const person: Person = { idNumber: testIdNumber(7002), name: '周敏' };
  let token: string;
  let patientId: string;

  beforeAll(async () => {
    const v = await registerAndVerify('13812347002', person.name, person.idNumber!);
    token = v.token;
    patientId = v.res.json().patientId;
  });

  it('an ORU^R01 with 3 results (one H) shows in the patient’s results, trend data and reports', async () => {
    const res = await send(oru('ORU-7002', person, 'L7002'));
    expect(res).toMatchObject({ code: 'AA', control: 'ORU-7002' });
    const obs = await t.request('GET', `/api/v1/patients/${patientId}/observations`, { token });
    expect(obs.statusCode, obs.body).toBe(200);
    const items = obs.json().items as {
      code: string;
      valueText: string;
      flag: string;
      refHigh: number | null;
      codeSystem: string;
    }[];
    expect(items.map((o) => [o.code, o.valueText, o.flag]).sort()).toEqual([
      ['2093-3', '6.20', 'H'],
      ['2571-8', '1.20', 'N'],
      ['HDL', '1.30', 'N'],
    ]);
    expect(items.find((o) => o.code === 'HDL')!.codeSystem).toBe(
      'https://yunyi.example.cn/fhir/CodeSystem/his-ych01his',
    );
    const trend = await t.request('GET', `/api/v1/patients/${patientId}/observations?code=2093-3`, { token });
    expect(trend.json().items).toHaveLength(1);
    expect(trend.json().items[0]).toMatchObject({ valueNum: 6.2, unit: 'mmol/L', refHigh: 5.2, flag: 'H' });
    const reports = await t.request('GET', `/api/v1/patients/${patientId}/reports`, { token });
    expect(reports.statusCode, reports.body).toBe(200);
    expect(reports.json().items[0]).toMatchObject({
      kind: 'lab',
      name: '血脂四项',
      verifierName: '王检验',
      abnormalCount: 1,
    });
    expect(reports.json().items[0].observations).toHaveLength(3);
  });

  it('a resent control id gets the same ACK and is not applied twice', async () => {
    const before = await count('observation', (q) => q.where('patient_id', '=', patientId));
    const again = await send(oru('ORU-7002', person, 'L7002'));
    expect(again).toMatchObject({ code: 'AA', control: 'ORU-7002', errCode: null });
    expect(await count('observation', (q) => q.where('patient_id', '=', patientId))).toBe(before);
    expect(await count('hl7_message', (q) => q.where('control_id', '=', 'ORU-7002'))).toBe(1);
    const applied = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'hl7.message.apply')
      .where('patient_id', '=', patientId)
      .execute();
    expect(applied).toHaveLength(1);
  });

  it('a bad OBX-14 date → AE with ERR (102, zh-CN text), a dead letter; fixed and replayed by the admin → applied', async () => {
    const bad = oru('ORU-7003', person, 'L7003', '20261345');
    const res = await send(bad);
    expect(res).toMatchObject({ code: 'AE', control: 'ORU-7003', errCode: '102', appCode: 'HL7_BAD_DATE' });
    expect(res.errText).toContain('OBX-14');
    expect(res.ack.getSegment('ERR')!.getComponent(2, 1)).toBe('OBX');
    expect(await count('observation', (q) => q.where('patient_id', '=', patientId))).toBe(3);

    const dead = await t.request('GET', '/api/v1/hl7/messages?status=dead', { token: admin });
    expect(dead.statusCode, dead.body).toBe(200);
    const letter = (dead.json().items as { id: string; controlId: string }[]).find(
      (m) => m.controlId === 'ORU-7003',
    )!;
    expect(letter).toMatchObject({ status: 'dead', ackCode: 'AE', errorCode: 'HL7_BAD_DATE', attempts: 1 });
    const detail = await t.request('GET', `/api/v1/hl7/messages/${letter.id}`, { token: admin });
    expect(detail.json().raw).toBe(bad);
    const readAudit = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'hl7.message.read')
      .where('resource_id', '=', letter.id)
      .execute();
    expect(readAudit).toHaveLength(1);

    // A "fix" that is still wrong: stays dead with the new error, the attempt counted.
    const stillBad = await t.request('POST', `/api/v1/hl7/messages/${letter.id}/replay`, {
      token: admin,
      body: { raw: bad.replace('20261345', '20261120083000').replace('|6.20|', '|六点二|') },
    });
    expect(stillBad.statusCode, stillBad.body).toBe(200);
    expect(stillBad.json()).toMatchObject({ status: 'dead', errorCode: 'HL7_BAD_VALUE', attempts: 2 });

    const fixed = await t.request('POST', `/api/v1/hl7/messages/${letter.id}/replay`, {
      token: admin,
      body: { raw: bad.replace('20261345', '20261120083000') },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ status: 'replayed', ackCode: 'AA', errorCode: null, attempts: 3 });
    expect(await count('observation', (q) => q.where('patient_id', '=', patientId))).toBe(6);
    // Replayed once is enough: a second replay is refused, nothing changes.
    const twice = await t.request('POST', `/api/v1/hl7/messages/${letter.id}/replay`, {
      token: admin,
      body: { raw: bad },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('HL7_MESSAGE_NOT_DEAD');
    // The hospital resends the original: the stored answer is now AA, nothing applied again.
    expect(await send(bad)).toMatchObject({ code: 'AA', control: 'ORU-7003' });
    expect(await count('observation', (q) => q.where('patient_id', '=', patientId))).toBe(6);
  });

  it('a message without PID → AE HL7_PATIENT_MISSING; a replay naming another sender is 422 and changes nothing', async () => {
    const noPid = [
      msh('ORU^R01', 'ORU-7004'),
      seg('OBR', { 1: '1', 3: 'L7004', 4: 'GLU^葡萄糖', 7: '20261120080000' }),
    ].join('\r');
    const res = await send(noPid);
    expect(res).toMatchObject({ code: 'AE', appCode: 'HL7_PATIENT_MISSING', errCode: '101' });
    const row = await t.ctx.db
      .selectFrom('hl7_message')
      .select(['id', 'status'])
      .where('control_id', '=', 'ORU-7004')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('dead');
    const other = await t.request('POST', `/api/v1/hl7/messages/${row.id}/replay`, {
      token: admin,
      body: { raw: noPid.replace(`|${FACILITY}|`, '|YCH02HIS|') },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('HL7_REPLAY_FEED_MISMATCH');
    const after = await t.ctx.db
      .selectFrom('hl7_message')
      .select(['status', 'attempts'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'dead', attempts: 1 });
    // Another institution's administrator does not see it (DJ-9).
    const h03 = await t.login('13600000002');
    expect((await t.request('GET', `/api/v1/hl7/messages/${row.id}`, { token: h03 })).statusCode).toBe(404);
    const discarded = await t.request('POST', `/api/v1/hl7/messages/${row.id}/discard`, { token: admin });
    expect(discarded.json().status).toBe('discarded');
  });
});

describe('feed authentication (AR)', () => {
  it('MSH-4 of a feed not listing this address → AR, nothing stored, a security event without personal data', async () => {
    const p: Person = { idNumber: testIdNumber(7005), name: '高远' };
    const res = await send(adt('A04', 'X-7005', p, 'V7005').replace(`|${FACILITY}|`, '|YCH02HIS|'));
    expect(res).toMatchObject({ code: 'AR', appCode: 'HL7_FEED_NOT_ALLOWED' });
    const unknown = await send(adt('A04', 'X-7006', p, 'V7006').replace(`|${FACILITY}|`, '|NOBODY|'));
    expect(unknown).toMatchObject({ code: 'AR', appCode: 'HL7_FEED_NOT_ALLOWED' });
    expect(await count('hl7_message', (q) => q.where('control_id', 'in', ['X-7005', 'X-7006']))).toBe(0);
    expect(await patientOf(p.idNumber!)).toBeUndefined();
    const events = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'hl7.feed.refused')
      .execute();
    expect(events.map((e) => e.resource_id).sort()).toEqual(['NOBODY', 'YCH02HIS']);
    for (const e of events) {
      expect(e).toMatchObject({ outcome: 'failure', ip: '127.0.0.1' });
      expect(JSON.stringify(e.details)).not.toContain(p.idNumber!);
    }
  });

  it('the right MSH-4 from an unlisted address is refused; an IPv4-mapped address is the same address', async () => {
    const p: Person = { idNumber: testIdNumber(7007), name: '高远' };
    const stranger = await receiveMessage(t.ctx, '10.1.1.1', adt('A04', 'X-7007', p, 'V7007'));
    expect(stranger).toMatchObject({ ackCode: 'AR', messageId: null, refused: true });
    const mapped = await receiveMessage(t.ctx, '::ffff:127.0.0.1', adt('A04', 'X-7008', p, 'V7008'));
    expect(mapped).toMatchObject({ ackCode: 'AA', refused: false });
  });

  it('over raw MLLP: a frame in pieces and two frames in one write are each answered; an unparseable frame → AR, kept as a dead letter', async () => {
    const p: Person = { idNumber: testIdNumber(7009), name: '郑佳' };
    const one = framed(adt('A04', 'R-7009', p, 'V7009'));
    const answers = await rawExchange([one.subarray(0, 30), one.subarray(30)], 1);
    expect(Hl7Message.parse(answers[0]!).getSegment('MSA')!.getField(2).toString()).toBe('R-7009');
    const two = await rawExchange(
      [Buffer.concat([framed(adt('A08', 'R-7010', p, 'V7009')), framed(adt('A03', 'R-7011', p, 'V7009'))])],
      2,
    );
    expect(two.map((a) => Hl7Message.parse(a).getSegment('MSA')!.getField(2).toString())).toEqual([
      'R-7010',
      'R-7011',
    ]);
    const garbage = await rawExchange([framed('this is not HL7')], 1);
    const ack = Hl7Message.parse(garbage[0]!);
    expect(ack.getSegment('MSA')!.getField(1).toString()).toBe('AR');
    expect(ack.getSegment('ERR')!.getComponent(5, 1)).toBe('HL7_UNPARSEABLE');
    const kept = await t.ctx.db
      .selectFrom('hl7_message')
      .selectAll()
      .where('error_code', '=', 'HL7_UNPARSEABLE')
      .execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ status: 'dead', sending_facility: FACILITY, ack_code: 'AR' });
  });
});

describe('the match queue: a message without a resident ID', () => {
  it('is held (AA, pending match) with candidates by name, birth date and sex; staff match it to 张伟 and it is applied', async () => {
    const zhang: Person = { idNumber: null, name: '张伟', birth: '19780315', sex: 'M' };
    const res = await send(adt('A04', 'M-7101', zhang, 'V7101', ['E78.5']));
    expect(res.code).toBe('AA');
    expect(res.ack.getSegment('MSA')!.getField(3).toString()).toContain('待人工匹配');
    expect(res.appCode).toBe('HL7_PENDING_MATCH');
    const zhangId = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '张伟').executeTakeFirstOrThrow()
    ).id;
    expect(await count('encounter', (q) => q.where('source_ref', '=', 'V7101'))).toBe(0);

    const queue = await t.request('GET', '/api/v1/hl7/matches', { token: admin });
    expect(queue.statusCode, queue.body).toBe(200);
    const match = queue.json().items.find((m: { name: string }) => m.name === '张伟');
    expect(match).toMatchObject({
      status: 'pending',
      sex: 'male',
      birthDate: '1978-03-15',
      messageType: 'ADT^A04',
    });
    expect(match.candidates).toEqual([
      expect.objectContaining({ patientId: zhangId, name: '张伟', idNumberMasked: '1101**********031X' }),
    ]);
    const notCandidate = await t.request('POST', `/api/v1/hl7/matches/${match.id}`, {
      token: admin,
      body: { action: 'match', patientId: ids.P001 },
    });
    expect(notCandidate.json().code).toBe('HL7_MATCH_PATIENT_INVALID');

    const resolved = await t.request('POST', `/api/v1/hl7/matches/${match.id}`, {
      token: admin,
      body: { action: 'match', patientId: zhangId },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({
      status: 'matched',
      resolvedPatientId: zhangId,
      messageStatus: 'applied',
    });
    const encounter = await t.ctx.db
      .selectFrom('encounter')
      .select('patient_id')
      .where('source_ref', '=', 'V7101')
      .executeTakeFirstOrThrow();
    expect(encounter.patient_id).toBe(zhangId);
    const again = await t.request('POST', `/api/v1/hl7/matches/${match.id}`, {
      token: admin,
      body: { action: 'reject' },
    });
    expect(again.json().code).toBe('HL7_MATCH_RESOLVED');
  });

  it('“create” makes a new record without an ID number and applies the message to it', async () => {
    const stranger: Person = { idNumber: null, name: '欧阳娜娜', birth: '19990101', sex: 'F' };
    expect((await send(adt('A04', 'M-7102', stranger, 'V7102'))).code).toBe('AA');
    const queue = await t.request('GET', '/api/v1/hl7/matches', { token: admin });
    const match = queue.json().items.find((m: { name: string }) => m.name === '欧阳娜娜');
    expect(match.candidates).toEqual([]);
    const created = await t.request('POST', `/api/v1/hl7/matches/${match.id}`, {
      token: admin,
      body: { action: 'create' },
    });
    expect(created.json()).toMatchObject({ status: 'created', messageStatus: 'applied' });
    const patient = await t.ctx.db
      .selectFrom('patient')
      .selectAll()
      .where('id', '=', created.json().resolvedPatientId)
      .executeTakeFirstOrThrow();
    expect(patient).toMatchObject({
      name: '欧阳娜娜',
      sex: 'female',
      birth_date: '1999-01-01',
      id_number_enc: null,
      verified_at: null,
    });
  });
});

describe('status', () => {
  it('the institution’s admin sees its feed; the regulator every feed, read-only; a patient nothing', async () => {
    const mine = await t.request('GET', '/api/v1/hl7/status', { token: admin });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ listening: true, port: listener.port });
    expect(mine.json().feeds).toHaveLength(1);
    expect(mine.json().feeds[0]).toMatchObject({
      sendingFacility: FACILITY,
      institutionName: expect.any(String),
    });
    expect(mine.json().feeds[0].applied24h).toBeGreaterThan(3);
    expect(mine.json().feeds[0].lastReceivedAt).not.toBeNull();
    const all = await t.request('GET', '/api/v1/hl7/status', { token: regulator });
    expect(all.json().feeds.map((f: { sendingFacility: string }) => f.sendingFacility)).toEqual([
      FACILITY,
      'YCH02HIS',
    ]);
    expect((await t.request('GET', '/api/v1/hl7/messages', { token: regulator })).statusCode).toBe(403);
    const patient = await t.login('13800000001');
    expect((await t.request('GET', '/api/v1/hl7/status', { token: patient })).statusCode).toBe(403);
  });
});

describe('duplicates under concurrency', () => {
  async function raceCopies(copies: number) {
    const n = ++serial;
    const p: Person = { idNumber: testIdNumber(7200 + n), name: '钱江' };
    const control = `RACE-${n}`;
    const text = adt('A04', control, p, `VR-${n}`, ['I10']);
    const answers = await Promise.all(Array.from({ length: copies }, () => send(text, client())));
    expect(answers.map((a) => a.code)).toEqual(Array(copies).fill('AA'));
    expect(answers.every((a) => a.control === control)).toBe(true);
    expect(await count('hl7_message', (q) => q.where('control_id', '=', control))).toBe(1);
    expect(await count('encounter', (q) => q.where('source_ref', '=', `VR-${n}`))).toBe(1);
    const patient = await patientOf(p.idNumber!);
    expect(await count('offline_diagnosis', (q) => q.where('patient_id', '=', patient!.id))).toBe(1);
    const applied = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'hl7.message.apply')
      .where('patient_id', '=', patient!.id)
      .execute();
    expect(applied).toHaveLength(1);
  }

  it('the same message sent on 4 connections at once is applied once; every copy gets AA', () =>
    raceCopies(4));

  itOnPostgres(
    'two identical messages sent concurrently, 5 rounds: one application each time, both answered AA',
    async () => {
      for (let round = 0; round < 5; round++) await raceCopies(2);
    },
    60_000,
  );
});
