/**
 * [4/12] item 8: who may record an offline diagnosis. The diagnosis is the evidence an online follow-up rests
 * on (VISIT-1, VISIT-2), so entering one is entering health data of a patient (SEC-1): only staff of the
 * institution where the patient was actually seen — a checked-in or completed appointment there, or an online
 * visit of that institution with the patient that started — record one, for that institution. Anyone else is
 * refused with NO_CARE_RELATIONSHIP (403, no horizontal escalation, DJ-9), and the refusal is audited with
 * the patient it targeted and no personal number (DJ-12, DJ-13).
 */
import { describe, expect, it } from 'vitest';
import { makePatients } from '../support/people.js';
import { cancelOpen, chen, create, ids, paidVisit, setupVisitsApp, su, t } from '../support/visits.js';

setupVisitsApp();

const TODAY = '2026-11-22'; // the fixture's clock: Sunday 10:00 Asia/Shanghai

const record = (token: string, patientId: string, icd10: string) =>
  t.request('POST', `/api/v1/patients/${patientId}/offline-diagnoses`, {
    token,
    body: { icd10, diagnosedAt: '2026-11-20' },
  });

async function accountIdOf(token: string): Promise<string> {
  const me = await t.request('GET', '/api/v1/me', { token });
  expect(me.statusCode, me.body).toBe(200);
  return me.json().id as string;
}

async function diagnosesOf(patientId: string) {
  return t.ctx.db
    .selectFrom('offline_diagnosis')
    .select(['icd10', 'institution_id', 'practitioner_id', 'source'])
    .where('patient_id', '=', patientId)
    .execute();
}

/** 签到 at YC-H01: the admin opens a free offline session of 陈建国 today, the patient books, the admin checks in. */
async function bookAtH01(patientToken: string, startTime: string) {
  const admin = await t.login('13600000001'); // 吕芳, org_admin of YC-H01
  const schedule = await t.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId: ids.P001,
      date: TODAY,
      startTime,
      endTime: `${String(Number(startTime.slice(0, 2)) + 1).padStart(2, '0')}:00`,
      mode: 'offline',
      capacity: 2,
      feeFen: 0,
      quotas: { referral: 0, partner: 0 },
    },
  });
  expect(schedule.statusCode, schedule.body).toBe(201);
  const booked = await t.request('POST', '/api/v1/appointments', {
    token: patientToken,
    body: { scheduleId: schedule.json().id },
  });
  expect(booked.statusCode, booked.body).toBe(201);
  expect(booked.json().status).toBe('confirmed');
  return {
    id: booked.json().id as string,
    checkIn: async () => {
      const res = await t.request('POST', `/api/v1/appointments/${booked.json().id}/check-in`, {
        token: admin,
      });
      expect(res.statusCode, res.body).toBe(200);
    },
  };
}

describe('who may record an offline diagnosis (VISIT-1, SEC-1, DJ-9)', () => {
  it('a doctor of another hospital who never saw the patient is refused and audited; the diagnosis does not exist and no follow-up rests on it', async () => {
    const [p] = await makePatients(t, 1);
    const refused = await record(su, p!.patientId, 'E11.9'); // 苏晓雯, YC-H03
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 403, code: 'NO_CARE_RELATIONSHIP' });

    // DJ-12/DJ-13: the refusal is in the audit log under the patient it targeted, by the doctor who tried.
    const suAccount = await accountIdOf(su);
    const rows = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'resource_type', 'resource_id', 'patient_id', 'actor_role', 'details'])
      .where('actor_id', '=', suAccount)
      .where('patient_id', '=', p!.patientId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'access.denied',
      outcome: 'failure',
      resource_type: 'patient',
      resource_id: p!.patientId,
      actor_role: 'doctor',
    });
    expect(rows[0]!.details).toMatchObject({
      code: 'NO_CARE_RELATIONSHIP',
      method: 'POST',
      route: '/api/v1/patients/:id/offline-diagnoses',
    });
    // No personal number reaches the audit log (DJ-10): neither the patient's ID number nor a phone.
    const patient = await t.ctx.db
      .selectFrom('patient')
      .select('id_number_enc')
      .where('id', '=', p!.patientId)
      .executeTakeFirstOrThrow();
    const idNumber = t.ctx.cipher.decrypt(patient.id_number_enc!);
    const written = JSON.stringify(rows[0]);
    expect(written).not.toContain(idNumber);
    expect(written).not.toMatch(/1[3-9]\d{9}/);

    // Nothing was written, and VISIT-1 still refuses a follow-up of that condition.
    expect(await diagnosesOf(p!.patientId)).toEqual([]);
    const followUp = await create(p!.token, {
      type: 'follow_up',
      doctorId: ids.P001,
      conditionCode: 'E11.9',
    });
    expect(followUp.statusCode, followUp.body).toBe(422);
    expect(followUp.json().code).toBe('FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS');
  });

  it('a doctor of the hospital where the patient checked in records it (201), for that hospital, and the follow-up is then allowed; a booking alone is not enough', async () => {
    const [p] = await makePatients(t, 1);
    const appointment = await bookAtH01(p!.token, '15:00');
    // Booked but not yet seen: still no care relationship, even at the hospital of the booking.
    const early = await record(chen, p!.patientId, 'I10');
    expect(early.statusCode, early.body).toBe(403);
    expect(early.json().code).toBe('NO_CARE_RELATIONSHIP');

    await appointment.checkIn();
    const ok = await record(chen, p!.patientId, 'i10'); // 陈建国, YC-H01
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ icd10: 'I10', name: '原发性高血压', source: 'staff' });
    const h01 = await t.ctx.db
      .selectFrom('practitioner')
      .select('institution_id')
      .where('id', '=', ids.P001!)
      .executeTakeFirstOrThrow();
    expect(await diagnosesOf(p!.patientId)).toEqual([
      { icd10: 'I10', institution_id: h01.institution_id, practitioner_id: ids.P001, source: 'staff' },
    ]);

    // The check-in at YC-H01 opens nothing at YC-H03.
    const other = await record(su, p!.patientId, 'E11.9');
    expect(other.statusCode, other.body).toBe(403);
    expect(other.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect(await diagnosesOf(p!.patientId)).toHaveLength(1);

    // VISIT-1: the recorded diagnosis is evidence for a follow-up; the refused one is not.
    const allowed = await create(p!.token, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    expect(allowed.statusCode, allowed.body).toBe(201);
    await cancelOpen(p!.token, allowed.json().id);
    const refused = await create(p!.token, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'E11.9' });
    expect(refused.json().code).toBe('FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS');
  });

  it('an online visit of the hospital counts once the doctor has started it, not while it only waits', async () => {
    const [p] = await makePatients(t, 1);
    const visitId = await paidVisit(p!.token, {
      type: 'consultation',
      doctorId: ids.P001,
      description: '血糖偏高咨询',
    });
    const waiting = await record(chen, p!.patientId, 'E11.9');
    expect(waiting.statusCode, waiting.body).toBe(403);
    expect(waiting.json().code).toBe('NO_CARE_RELATIONSHIP');

    const start = await t.request('POST', `/api/v1/visits/${visitId}/start`, { token: chen });
    expect(start.statusCode, start.body).toBe(200);
    const ok = await record(chen, p!.patientId, 'E11.9');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await diagnosesOf(p!.patientId)).toHaveLength(1);
  });
});
