import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '../../src/server/modules/identity/identity.rules.js';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true });
});
afterAll(async () => t.close());

const id = (first17: string) => first17 + idCheckChar(first17);

async function newPatient(phone: string): Promise<string> {
  const { devCode } = (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json();
  const res = await t.request('POST', '/api/v1/auth/login', {
    body: { phone, otp: devCode, consent: agreeToCurrent() },
  });
  return res.json().token;
}

async function verify(token: string, name: string, idNumber: string) {
  return t.request('POST', '/api/v1/me/real-name', { token, body: { name, idNumber } });
}

describe('real-name verification (ID-1, ID-2)', () => {
  it('verifies a valid ID, derives birth date and sex, and masks the number', async () => {
    const token = await newPatient('13822220001');
    const idNumber = id('32010219880515242');
    const res = await verify(token, '周晓梅', idNumber);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: '周晓梅',
      realNameVerified: true,
      birthDate: '1988-05-15',
      sex: 'female',
    });
    expect(res.json().idNumber).toBe(`3201**********${idNumber.slice(-4)}`);
    expect(res.json().patientId).toBeTruthy();
  });

  it('refuses an invalid ID with 422 INVALID_ID_NUMBER and changes nothing', async () => {
    const token = await newPatient('13822220002');
    const good = id('32010219880515251');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await verify(token, '王五', bad);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INVALID_ID_NUMBER', problem: 'check_digit' });
    expect(res.json().detail).toContain('校验位');
    const me = await t.request('GET', '/api/v1/me', { token });
    expect(me.json().realNameVerified).toBe(false);
  });

  it('an ID number bound to another account → 409 ID_NUMBER_TAKEN', async () => {
    const token = await newPatient('13822220003');
    const res = await verify(token, '周晓梅', id('32010219880515242'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ID_NUMBER_TAKEN');
  });

  it('accepts a lower-case x and stores it upper-case', async () => {
    // Find a 17-digit prefix whose check character is X.
    let prefix = '';
    for (let s = 100; s < 999; s++) {
      const p = `11010519900101${String(s).padStart(3, '0')}`;
      if (idCheckChar(p) === 'X') {
        prefix = p;
        break;
      }
    }
    const token = await newPatient('13822220004');
    const res = await verify(token, '赵小燕', `${prefix}x`);
    expect(res.statusCode).toBe(200);
    expect(res.json().idNumber.endsWith('X')).toBe(true);
    const row = await t.ctx.db
      .selectFrom('patient')
      .select('id_number_enc')
      .where('id', '=', res.json().patientId)
      .executeTakeFirstOrThrow();
    expect(t.ctx.cipher.decrypt(row.id_number_enc!)).toBe(`${prefix}X`);
  });

  itOnPostgres('two accounts racing for one ID number: exactly one wins', async () => {
    const a = await newPatient('13822220005');
    const b = await newPatient('13822220006');
    const idNumber = id('44030419790101123');
    const [ra, rb] = await Promise.all([verify(a, '林一', idNumber), verify(b, '林一', idNumber)]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
  });
});

describe('family proxies (亲情账户, ID-6)', () => {
  let guardian: string;
  let childPatientId: string;

  beforeAll(async () => {
    guardian = await newPatient('13833330001');
    await verify(guardian, '钱多多', id('11010819850301432'));
  });

  it('a dependent needs the proxy to be real-name verified first', async () => {
    const token = await newPatient('13833330009');
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token,
      body: { name: '钱小', idNumber: id('11010820200101001'), relationship: 'child' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('REAL_NAME_REQUIRED');
  });

  it('a guardian adds a minor child, who is active at once', async () => {
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token: guardian,
      body: { name: '钱小宝', idNumber: id('11010820190601002'), relationship: 'child' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: '钱小宝',
      relationship: 'child',
      status: 'active',
      isMinor: true,
      isGuardian: true,
      age: 7,
    });
    childPatientId = res.json().patientId;
    const p = await t.request('GET', `/api/v1/patients/${childPatientId}`, { token: guardian });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ name: '钱小宝', relation: 'proxy' });
  });

  it('a minor cannot be added under a relationship that is not guardianship', async () => {
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token: guardian,
      body: { name: '钱小妹', idNumber: id('11010820150601004'), relationship: 'spouse' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('GUARDIAN_REQUIRED');
  });

  it('someone who is not the proxy gets 403 NOT_YOUR_PATIENT', async () => {
    const stranger = await newPatient('13833330002');
    const res = await t.request('GET', `/api/v1/patients/${childPatientId}`, { token: stranger });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_PATIENT');
    // An id that does not exist gets the same answer: ids cannot be probed.
    const ghost = await t.request('GET', '/api/v1/patients/01900000-0000-7000-8000-000000000000', {
      token: stranger,
    });
    expect(ghost.statusCode).toBe(403);
    expect(ghost.json().code).toBe('NOT_YOUR_PATIENT');
  });

  it('an adult dependent must confirm by SMS code before the proxy may act', async () => {
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token: guardian,
      body: {
        name: '钱老太',
        idNumber: id('11010819500101002'),
        relationship: 'parent',
        phone: '13833330003',
      },
    });
    expect(res.statusCode).toBe(201);
    const dep = res.json();
    expect(dep).toMatchObject({ status: 'pending_confirmation', isMinor: false, isGuardian: false });
    expect(t.sms.lastTo('13833330003')?.template).toBe('otp_proxy_confirm');
    const before = await t.request('GET', `/api/v1/patients/${dep.patientId}`, { token: guardian });
    expect(before.statusCode).toBe(403);
    expect(before.json().code).toBe('NOT_YOUR_PATIENT');

    const code = t.sms.lastTo('13833330003')!.params.code!;
    const wrong = await t.request('POST', `/api/v1/me/dependents/${dep.id}/confirm`, {
      token: guardian,
      body: { code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('INVALID_OTP');
    const ok = await t.request('POST', `/api/v1/me/dependents/${dep.id}/confirm`, {
      token: guardian,
      body: { code },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('active');
    expect(
      (await t.request('GET', `/api/v1/patients/${dep.patientId}`, { token: guardian })).statusCode,
    ).toBe(200);
  });

  it('an adult dependent without a phone is refused (PHONE_REQUIRED)', async () => {
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token: guardian,
      body: { name: '钱大伯', idNumber: id('11010819550101003'), relationship: 'other' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PHONE_REQUIRED');
  });

  it('the same dependent twice → 409 DEPENDENT_EXISTS; a removed proxy no longer acts', async () => {
    const again = await t.request('POST', '/api/v1/me/dependents', {
      token: guardian,
      body: { name: '钱小宝', idNumber: id('11010820190601002'), relationship: 'child' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('DEPENDENT_EXISTS');
    const list = (await t.request('GET', '/api/v1/me/dependents', { token: guardian })).json();
    const child = list.items.find((d: { patientId: string }) => d.patientId === childPatientId);
    expect(
      (await t.request('DELETE', `/api/v1/me/dependents/${child.id}`, { token: guardian })).statusCode,
    ).toBe(204);
    const after = await t.request('GET', `/api/v1/patients/${childPatientId}`, { token: guardian });
    expect(after.json().code).toBe('NOT_YOUR_PATIENT');
  });

  it('a second guardian (the other parent) can add the same child', async () => {
    const other = await newPatient('13833330004');
    await verify(other, '孙丽', id('11010819860301442'));
    const res = await t.request('POST', '/api/v1/me/dependents', {
      token: other,
      body: { name: '钱小宝', idNumber: id('11010820190601002'), relationship: 'child' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().patientId).toBe(childPatientId);
    // A different name for the same number is not the same person.
    const liar = await t.request('POST', '/api/v1/me/dependents', {
      token: other,
      body: { name: '钱假宝', idNumber: id('11010820190601002'), relationship: 'child' },
    });
    expect(liar.json().code).toBe('ID_NUMBER_TAKEN');
  });

  it('the demo guardian 李娜 acts for 李小宝 (7) and every access is audited', async () => {
    const token = await t.login('13800000002');
    const list = (await t.request('GET', '/api/v1/me/dependents', { token })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ name: '李小宝', age: 7, isMinor: true, status: 'active' });
    const pid = list.items[0].patientId;
    expect((await t.request('GET', `/api/v1/patients/${pid}`, { token })).statusCode).toBe(200);
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_role', 'ip'])
      .where('patient_id', '=', pid)
      .where('action', '=', 'patient.read')
      .execute();
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads[0]).toMatchObject({ actor_role: 'patient', ip: '127.0.0.1' });
  });

  /** This account's own refusals on one route: the audit rows of exactly the requests a test made. */
  async function refusals(token: string, route: string) {
    const me = (await t.request('GET', '/api/v1/me', { token })).json();
    return t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'access.denied')
      .where('actor_id', '=', me.id)
      .where(sql<string>`details->>'route'`, '=', route)
      .execute();
  }

  it('refused access is recorded as a security event: who tried to read which patient (DJ-12, DJ-17)', async () => {
    const phone = '13833330005';
    const stranger = await newPatient(phone);
    const res = await t.request('GET', `/api/v1/patients/${childPatientId}`, { token: stranger });
    expect(res.statusCode).toBe(403);
    const denied = await refusals(stranger, '/api/v1/patients/:id');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      outcome: 'failure',
      actor_role: 'patient',
      resource_type: 'patient',
      resource_id: childPatientId,
      patient_id: childPatientId,
      details: { code: 'NOT_YOUR_PATIENT', method: 'GET', params: { id: childPatientId } },
    });
    // A regulator finds the attempt under the patient, as they find the reads (audit_event_patient index).
    const underPatient = await t.ctx.db
      .selectFrom('audit_event')
      .select('actor_id')
      .where('patient_id', '=', childPatientId)
      .where('action', '=', 'access.denied')
      .execute();
    expect(underPatient.map((r) => r.actor_id)).toContain(denied[0]!.actor_id);
    expect(JSON.stringify(denied[0])).not.toContain(phone); // DJ-10
  });

  it('a refusal of a request naming a patient in its body records that patient', async () => {
    const stranger = await newPatient('13833330006');
    const res = await t.request('POST', '/api/v1/appointments', {
      token: stranger,
      body: { scheduleId: '01900000-0000-7000-8000-000000000001', patientId: childPatientId },
    });
    expect(res.json().code).toBe('NOT_YOUR_PATIENT');
    const denied = await refusals(stranger, '/api/v1/appointments');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      resource_type: 'appointment',
      resource_id: null,
      patient_id: childPatientId,
      details: { code: 'NOT_YOUR_PATIENT', method: 'POST', params: {} },
    });
  });
});
