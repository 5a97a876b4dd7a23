/**
 * Review probes of [6/12] (records access, archive routes, HL7 ingestion): the edges the feature tests do not
 * walk — proxies that are not active, suspended doctors, an institution's authorisation reaching only its
 * doctors, exact expiry boundaries, crafted cursors and limits, malformed HL7 (empty, no MSH, odd encoding
 * characters, non-finite numbers, over-long keys), one transaction per message, and what reaches the logs,
 * the audit log and the ACK.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveMessage } from '../../src/server/modules/hl7/hl7.service.js';
import { readRange } from '../../src/server/modules/hl7/oru.js';
import type { AppContext } from '../../src/server/platform/context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { testIdNumber } from '../support/people.js';
import { completeVisit, followUpVisit } from '../support/prescriptions.js';

let t: TestApp;
const tok: Record<string, string> = {};
const id: Record<string, string> = {};
const PHONES = {
  zhang: '13800000001',
  lina: '13800000002',
  wang: '13800000003',
  chen: '13900000001',
  su: '13900000002',
  duan: '13900000003',
  zheng: '13700000001',
  h01Admin: '13600000001',
  h03Admin: '13600000002',
  regulator: '13500000001',
} as const;
type Who = keyof typeof PHONES;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FACILITY = 'YCH01HIS';
const PEER = '127.0.0.1';

async function token(who: Who): Promise<string> {
  tok[who] ??= await t.login(PHONES[who]);
  return tok[who]!;
}
function advance(ms: number) {
  t.clock.advance(ms);
  for (const who of Object.keys(tok)) delete tok[who];
}
const get = async (path: string, who: Who) => t.request('GET', path, { token: await token(who) });
const post = async (path: string, who: Who, body?: unknown) =>
  t.request('POST', path, { token: await token(who), ...(body !== undefined ? { body } : {}) });
const cursor = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

beforeAll(async () => {
  t = await createTestApp({
    seed: true,
    config: {
      hl7: {
        port: null,
        host: '127.0.0.1',
        feeds: [{ sendingFacility: FACILITY, institution: 'YC-H01', addresses: [PEER] }],
      },
    },
  });
  const patient = async (name: string) =>
    (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  id.zhang = await patient('张伟');
  id.wang = await patient('王秀英');
  const prac = async (code: string) =>
    (
      await t.ctx.db
        .selectFrom('practitioner')
        .select('id')
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
    ).id;
  id.duan = await prac('P051');
  id.chen = await prac('P001');
  const inst = async (code: string) =>
    (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
      .id;
  id.H01 = await inst('YC-H01');
  id.C02 = await inst('YC-C02');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('review: relationships that must not open the archive', () => {
  it('a pending or revoked proxy reads nothing', async () => {
    const lina = (
      await t.ctx.db.selectFrom('account').select('id').where('name', '=', '李娜').executeTakeFirstOrThrow()
    ).id;
    for (const status of ['pending_confirmation', 'revoked']) {
      const proxyId = crypto.randomUUID();
      await t.ctx.db
        .insertInto('family_proxy')
        .values({
          id: proxyId,
          proxy_account_id: lina,
          patient_id: id.wang!,
          relationship: 'child',
          is_guardian: false,
          confirm_phone_enc: null,
          status,
          confirmed_at: null,
          revoked_at: null,
          created_at: t.clock.now(),
        })
        .execute();
      const res = await get(`/api/v1/patients/${id.wang}/archive`, 'lina');
      expect(res.statusCode, status).toBe(403);
      expect((await get(`/api/v1/me/access-log?patientId=${id.wang}`, 'lina')).statusCode, status).toBe(403);
      expect(
        (
          await post('/api/v1/me/authorisations', 'lina', {
            patientId: id.wang,
            practitionerId: id.duan,
            days: 1,
          })
        ).statusCode,
        status,
      ).toBe(403);
      await t.ctx.db.deleteFrom('family_proxy').where('id', '=', proxyId).execute();
    }
  });

  it('an institution authorisation reaches its doctors, not its pharmacist or org_admin; a suspended doctor loses it', async () => {
    const grant = await post('/api/v1/me/authorisations', 'zhang', { institutionId: id.H01, days: 3 });
    expect(grant.statusCode, grant.body).toBe(201);
    expect((await get(`/api/v1/patients/${id.zhang}/archive`, 'chen')).statusCode).toBe(200);
    for (const who of ['zheng', 'h01Admin', 'regulator'] as const) {
      const res = await get(`/api/v1/patients/${id.zhang}/timeline`, who);
      expect(res.statusCode, who).toBe(403);
      expect(
        (await post(`/api/v1/patients/${id.zhang}/break-glass`, who, { reason: '抢救' })).statusCode,
        who,
      ).toBe(403);
    }
    await t.ctx.db
      .updateTable('practitioner')
      .set({ status: 'suspended' })
      .where('id', '=', id.chen!)
      .execute();
    const suspended = await get(`/api/v1/patients/${id.zhang}/archive`, 'chen');
    expect(suspended.statusCode).toBe(403);
    expect(suspended.json().code).toBe('NO_CARE_RELATIONSHIP');
    await t.ctx.db.updateTable('practitioner').set({ status: 'active' }).where('id', '=', id.chen!).execute();
    await t.request('DELETE', `/api/v1/me/authorisations/${grant.json().id}`, {
      token: await token('zhang'),
    });
    expect((await get(`/api/v1/patients/${id.zhang}/archive`, 'chen')).statusCode).toBe(403);
  });

  it('an authorisation ends exactly at its expiry', async () => {
    const grant = await post('/api/v1/me/authorisations', 'wang', { practitionerId: id.duan, days: 1 });
    expect(grant.statusCode).toBe(201);
    advance(DAY - 1);
    expect((await get(`/api/v1/patients/${id.wang}/archive`, 'duan')).statusCode).toBe(200);
    advance(1);
    expect((await get(`/api/v1/patients/${id.wang}/archive`, 'duan')).statusCode).toBe(403);
  });
});

describe('review: a visit with 陈建国 (SEC-1)', () => {
  it('his read of the allergy list prescribing uses ([5/12]) is in 张伟’s access log as basic, under visit', async () => {
    const visitId = await followUpVisit(t, {
      patientToken: await token('zhang'),
      doctorToken: await token('chen'),
    });
    await completeVisit(t, visitId, await token('chen'));
    expect((await get(`/api/v1/patients/${id.zhang}/allergies`, 'chen')).statusCode).toBe(200);
    const log = (await get('/api/v1/me/access-log', 'zhang')).json().items;
    expect(log[0]).toMatchObject({
      what: 'allergies',
      category: 'basic',
      relationship: 'visit',
      channel: 'app',
      outcome: 'success',
      reader: expect.objectContaining({ name: '陈建国' }),
    });
  });

  it('the relationship ends exactly 30 days after the visit ended, as an authorisation at its expiry', async () => {
    const until = (await get('/api/v1/care-patients', 'chen')).json().items[0].until;
    expect(new Date(until).getTime()).toBe(t.clock.now().getTime() + 30 * DAY);
    advance(30 * DAY - 1);
    expect((await get(`/api/v1/patients/${id.zhang}/archive`, 'chen')).statusCode).toBe(200);
    advance(1);
    expect(t.clock.now().toISOString()).toBe(until);
    const res = await get(`/api/v1/patients/${id.zhang}/archive`, 'chen');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect((await get('/api/v1/care-patients', 'chen')).json().items).toEqual([]);
  });
});

describe('review: an authorisation of `encounters` does not show diagnoses on the timeline (SEC-1)', () => {
  it('the encounter entries of 张伟 carry no diagnosis name for 段志刚 (张伟’s own timeline does)', async () => {
    const grant = await post('/api/v1/me/authorisations', 'zhang', {
      practitionerId: id.duan,
      categories: ['encounters', 'medications'],
      days: 1,
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const own = (await get(`/api/v1/patients/${id.zhang}/timeline?limit=50`, 'zhang')).json().items;
    const dxNames = (
      await t.ctx.db.selectFrom('diagnosis').select('name').where('patient_id', '=', id.zhang!).execute()
    ).map((d) => d.name);
    const withDx = own.filter(
      (e: { kind: string; subtitle: string | null }) =>
        (e.kind === 'encounter' || e.kind === 'prescription') && dxNames.some((n) => e.subtitle?.includes(n)),
    );
    expect(withDx.length).toBeGreaterThan(0);
    const theirs = (await get(`/api/v1/patients/${id.zhang}/timeline?limit=50`, 'duan')).json().items;
    expect(theirs.map((e: { kind: string }) => e.kind)).toContain('encounter');
    expect(theirs.map((e: { kind: string }) => e.kind)).not.toContain('diagnosis');
    for (const e of theirs as { key: string; subtitle: string | null }[])
      for (const n of dxNames) expect(e.subtitle ?? '', e.key).not.toContain(n);
    await t.request('DELETE', `/api/v1/me/authorisations/${grant.json().id}`, {
      token: await token('zhang'),
    });
  });
});

describe('review: bad input on the archive routes', () => {
  it.each([
    ['timeline', ['+275760-09-13T00:00:00.000Z', 0, '01890000-0000-7000-8000-000000000000']],
    ['timeline', ['-000001-01-01T00:00:00.000Z', 0, '01890000-0000-7000-8000-000000000000']],
    ['timeline', ['0000-01-01T00:00:00.000Z', 0, '01890000-0000-7000-8000-000000000000']],
    ['timeline', ['2026-01-01T00:00:00.000Z', 1e300, '01890000-0000-7000-8000-000000000000']],
    ['observations', ['+275760-09-13T00:00:00.000Z', '01890000-0000-7000-8000-000000000000']],
    ['reports', ['0000-01-01T00:00:00.000Z', '01890000-0000-7000-8000-000000000000']],
  ])('%s with cursor %j is never a 500', async (route, key) => {
    const res = await get(`/api/v1/patients/${id.zhang}/${route}?before=${cursor(key)}`, 'zhang');
    expect(res.statusCode, res.body).toBeLessThan(500);
  });

  it.each([
    'timeline?limit=100000',
    'timeline?limit=-1',
    'observations?limit=501',
    'observations?code=%E8%A1%80%E5%8E%8B',
    `observations?code=${'a'.repeat(65)}`,
    'observations?code=,,,',
    'reports?limit=abc',
  ])('GET %s → 400', async (path) => {
    const res = await get(`/api/v1/patients/${id.zhang}/${path}`, 'zhang');
    expect(res.statusCode, res.body).toBe(400);
  });

  it('break-glass: blank, over-long and extra fields are 4xx and write nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('break_glass')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const body of [
      { reason: '   ' },
      { reason: '' },
      { reason: 'x'.repeat(501) },
      { reason: '抢救', x: 1 },
      {},
    ]) {
      const res = await post(`/api/v1/patients/${id.wang}/break-glass`, 'duan', body);
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
    }
    expect(
      (await post('/api/v1/patients/not-a-uuid/break-glass', 'duan', { reason: '抢救' })).statusCode,
    ).toBe(400);
    expect(await count()).toBe(before);
  });

  it('authorisations: bad ids and cursors are 400', async () => {
    expect((await get('/api/v1/me/authorisations?before=garbage', 'zhang')).statusCode).toBe(400);
    expect((await get('/api/v1/me/access-log?before=garbage', 'zhang')).statusCode).toBe(400);
    expect(
      (await get(`/api/v1/me/access-log?before=${cursor(['2026-01-01T00:00:00.000Z', 1.5])}`, 'zhang'))
        .statusCode,
    ).toBe(400);
    expect(
      (await t.request('DELETE', '/api/v1/me/authorisations/xyz', { token: await token('zhang') }))
        .statusCode,
    ).toBe(400);
  });
});

// --- HL7
let serial = 0;
const msh = (type: string, control: string) =>
  `MSH|^~\\&|HIS|${FACILITY}|YUNYI|YUNYI|20261121100000||${type}|${control}|P|2.5`;
const person = (n: number) => testIdNumber(70_000 + n);

describe('review: HL7 edge messages', () => {
  const countRows = async (table: 'hl7_message' | 'patient' | 'encounter' | 'observation') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it.each([
    ['empty', ''],
    ['no MSH', 'PID|1||110101198001010011^^^^NNCHN'],
    ['odd encoding characters', 'MSH#$%*@#HIS#YCH01HIS#YUNYI#YUNYI#20261121100000##ADT$A04#C1#P#2.5'],
    ['MSH only', 'MSH|^~\\&'],
    ['binary', '\u0000\u0001\u0002MSH|'],
  ])('%s → AR or AE, kept as a dead letter, never thrown', async (_name, text) => {
    const before = await countRows('hl7_message');
    const r = await receiveMessage(t.ctx, PEER, text);
    expect(['AR', 'AE']).toContain(r.ackCode);
    expect(r.ack.startsWith('MSH|')).toBe(true);
    expect(await countRows('hl7_message')).toBe(before + 1);
  });

  it('a message that fails after creating the patient leaves nothing applied (one transaction)', async () => {
    const idNumber = person(1);
    const patients = await countRows('patient');
    const text = [
      msh('ADT^A04^ADT_A01', `R-${++serial}`),
      'EVN|A04|20261121093000',
      `PID|1||${idNumber}^^^^NNCHN||测^试一||||||||`,
      // A visit number no index can hold (random, so PostgreSQL cannot compress it under the limit): the
      // encounter insert fails after the patient record was created in the same transaction.
      `PV1|1|O|CARD||||||||||||||||||${randomBytes(6000).toString('hex')}`,
    ].join('\r');
    const r = await receiveMessage(t.ctx, PEER, text);
    expect(r.ackCode).toBe('AE');
    expect(await countRows('patient')).toBe(patients);
    const row = await t.ctx.db
      .selectFrom('hl7_message')
      .select(['status'])
      .where('id', '=', r.messageId!)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('dead');
  });

  it('a reference range bound too large for a number is kept as text only', () => {
    const huge = `1${'0'.repeat(400)}`;
    expect(readRange(`<${huge}`)).toEqual({ refLow: null, refHigh: null, refText: `<${huge}` });
    expect(readRange(`1-${huge}`)).toEqual({ refLow: null, refHigh: null, refText: `1-${huge}` });
    expect(readRange('<5.2')).toEqual({ refLow: null, refHigh: 5.2, refText: '<5.2' });
  });

  it('an unparseable message that cannot even be stored is AE (resend), never AR (dropped)', async () => {
    const db = new Proxy(t.ctx.db, {
      get(target, prop, receiver) {
        if (prop === 'transaction')
          return () => {
            throw new Error('database away');
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const ctx: AppContext = { ...t.ctx, db };
    const r = await receiveMessage(ctx, PEER, 'not hl7 at all');
    expect(r.messageId).toBeNull();
    expect(r.ackCode).toBe('AE');
    expect(r.ack).toContain('MSA|AE');
  });

  it('a numeric result too large to be a number is AE (never Infinity in the archive)', async () => {
    const idNumber = person(2);
    const obs = await countRows('observation');
    const text = [
      msh('ORU^R01^ORU_R01', `R-${++serial}`),
      `PID|1||${idNumber}^^^^NNCHN||测^试二`,
      'OBR|1||X1^LIS|2093-3^总胆固醇^LN|||20261120080000|||||||||||||||20261120100000||LAB|F',
      `OBX|1|NM|2093-3^总胆固醇^LN||1${'0'.repeat(400)}|mmol/L|<5.2||||F`,
    ].join('\r');
    const r = await receiveMessage(t.ctx, PEER, text);
    expect(r.ackCode).toBe('AE');
    expect(await countRows('observation')).toBe(obs);
  });

  it('nothing of the ID number reaches the ACK, the logs or the audit details', async () => {
    const idNumber = person(3);
    const bad = `${idNumber.slice(0, 17)}${idNumber[17] === '0' ? '1' : '0'}`;
    const text = [
      msh('ADT^A04^ADT_A01', `R-${++serial}`),
      'EVN|A04|20261121093000',
      `PID|1||${bad}^^^^NNCHN||测^试三`,
      'PV1|1|O|CARD||||||||||||||||||V1',
    ].join('\r');
    const r = await receiveMessage(t.ctx, PEER, text);
    expect(r.ackCode).toBe('AE');
    expect(r.ack).not.toContain(bad);
    expect(t.logLines.join('')).not.toContain(bad.slice(0, 14));
    const audits = await t.ctx.db.selectFrom('audit_event').select('details').execute();
    expect(JSON.stringify(audits)).not.toContain(bad.slice(0, 14));
  });

  it('another institution’s admin cannot read, replay or discard a message', async () => {
    const r = await receiveMessage(t.ctx, PEER, 'garbage');
    const h03 = await token('h03Admin');
    expect((await t.request('GET', `/api/v1/hl7/messages/${r.messageId}`, { token: h03 })).statusCode).toBe(
      404,
    );
    expect(
      (
        await t.request('POST', `/api/v1/hl7/messages/${r.messageId}/replay`, {
          token: h03,
          body: { raw: msh('ADT^A04^ADT_A01', 'X') },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.request('POST', `/api/v1/hl7/messages/${r.messageId}/discard`, { token: h03 })).statusCode,
    ).toBe(404);
    const list = (await t.request('GET', '/api/v1/hl7/messages?status=dead', { token: h03 })).json();
    expect(list.items.map((m: { id: string }) => m.id)).not.toContain(r.messageId);
  });
});

describe('review: an outpatient registration without a discharge', () => {
  it('an A04 never followed by A03 does not relate the doctor for ever', async () => {
    const idNumber = person(4);
    // An hour ago, Beijing time, as the hospital writes it.
    const at = new Date(t.clock.now().getTime() - HOUR + 8 * HOUR)
      .toISOString()
      .slice(0, 19)
      .replace(/[-:T]/g, '');
    const text = [
      msh('ADT^A04^ADT_A01', `R-${++serial}`),
      `EVN|A04|${at}`,
      `PID|1||${idNumber}^^^^NNCHN||测^试四`,
      `PV1|1|O|CARD||||111101011997001^陈^建国||||||||||||V-OPEN-1|||||||||||||||||||||||||${at}`,
    ].join('\r');
    const r = await receiveMessage(t.ctx, PEER, text);
    expect(r.ackCode, r.ack).toBe('AA');
    const p = (
      await t.ctx.db
        .selectFrom('patient')
        .select('id')
        .where('id_number_bidx', '=', t.ctx.cipher.blindIndex('id_number', idNumber))
        .executeTakeFirstOrThrow()
    ).id;
    expect((await get(`/api/v1/patients/${p}/archive`, 'chen')).statusCode).toBe(200);
    advance(60 * DAY);
    expect((await get(`/api/v1/patients/${p}/archive`, 'chen')).statusCode).toBe(403);
  });
});
