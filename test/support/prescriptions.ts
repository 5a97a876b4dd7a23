/**
 * Steps the prescription tests share ([5/12]): an in-progress follow-up visit of 张伟 with 陈建国 (P001,
 * YC-H01 cardiology) whose record carries the diagnosis I10, an amlodipine prescription in it, signed, and
 * approved by YC-H01's pharmacist 郑雅琴. Every helper takes the seeded TestApp and drives the public
 * API, so the circulation tests start from a prescription made the way a doctor makes one.
 *
 * Keep the signatures stable: other test files use `approvedPrescription(t)`.
 */
import { expect } from 'vitest';
import type { DrugSeed } from '../../src/server/modules/prescriptions/drug.types.js';
import { FREQUENCIES, requiredPackages } from '../../src/server/modules/prescriptions/prescription.rules.js';
import { drugSeedOf } from '../../src/server/modules/prescriptions/prescription-store.js';
import type { TestApp } from './app.js';

export const PHONES = {
  zhang: '13800000001', // 张伟, offline I10 at YC-H01 cardiology (chronic: long-term prescriptions allowed)
  wang: '13800000003', // 王秀英, offline E11.9, allergic to 青霉素类
  chen: '13900000001', // 陈建国 P001, YC-H01 cardiology
  zheng: '13700000001', // 郑雅琴 P015, YC-H01 pharmacist
  h01Admin: '13600000001',
  regulator: '13500000001',
} as const;

export const AMLODIPINE = '苯磺酸氨氯地平片';

export const FOLLOW_UP_RECORD = {
  chiefComplaint: '高血压复诊，头晕一周',
  presentIllness: '家庭自测血压 150/95 mmHg',
  pastHistory: '高血压 3 年',
  allergies: '无',
  onlineObservation: '精神可，言语清晰',
  diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
  advice: '氨氯地平 5mg 每日一次，两周后复诊',
};

export async function practitionerIdOf(t: TestApp, code: string): Promise<string> {
  const r = await t.ctx.db
    .selectFrom('practitioner')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A catalogue drug's id by its generic name (the seed's codes are the catalogue's business). */
export async function drugIdOf(t: TestApp, genericName: string): Promise<string> {
  const r = await t.ctx.db
    .selectFrom('drug')
    .select('id')
    .where('generic_name', '=', genericName)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/**
 * An in-progress follow-up visit (VISIT-1) with the record's diagnosis saved: requested by the patient
 * (against their offline diagnosis), paid through the simulated gateway, started by the doctor.
 */
export async function followUpVisit(
  t: TestApp,
  opts: {
    patientToken: string;
    doctorToken: string;
    doctorCode?: string;
    conditionCode?: string;
    record?: Record<string, unknown>;
  },
): Promise<string> {
  const doctorId = await practitionerIdOf(t, opts.doctorCode ?? 'P001');
  const res = await t.request('POST', '/api/v1/visits', {
    token: opts.patientToken,
    body: {
      type: 'follow_up',
      doctorId,
      conditionCode: opts.conditionCode ?? 'I10',
      consent: true,
      description: '血压控制复诊，需要续开降压药',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, orderId } = res.json() as { id: string; orderId: string };
  const pay = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
    token: opts.patientToken,
    body: { channel: 'sim' },
  });
  expect(pay.statusCode, pay.body).toBe(200);
  expect(await t.sim!.confirm(pay.json().prepayId)).toBe('paid');
  await t.sim!.settle();
  const start = await t.request('POST', `/api/v1/visits/${id}/start`, { token: opts.doctorToken });
  expect(start.statusCode, start.body).toBe(200);
  const rec = await t.request('PUT', `/api/v1/visits/${id}/record`, {
    token: opts.doctorToken,
    body: opts.record ?? FOLLOW_UP_RECORD,
  });
  expect(rec.statusCode, rec.body).toBe(200);
  return id;
}

/** Amlodipine 5 mg once daily for `days` (1 box of 7 per week; > 7 days is a long-term prescription, RX-9). */
export async function amlodipineBody(t: TestApp, days = 7) {
  return {
    items: [
      {
        drugId: await drugIdOf(t, AMLODIPINE),
        dose: 5,
        doseUnit: 'mg',
        frequency: 'qd',
        days,
        quantity: Math.ceil(days / 7),
        route: 'oral',
      },
    ],
    ...(days > 7 ? { longTermReason: '高血压病情稳定，长期服用氨氯地平' } : {}),
  };
}

/** Saves an amlodipine draft in the visit; returns its id. */
export async function prescribeAmlodipine(
  t: TestApp,
  visitId: string,
  doctorToken: string,
  days = 7,
): Promise<string> {
  const res = await t.request('POST', `/api/v1/visits/${visitId}/prescriptions`, {
    token: doctorToken,
    body: await amlodipineBody(t, days),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

export async function sign(t: TestApp, prescriptionId: string, doctorToken: string) {
  const res = await t.request('POST', `/api/v1/prescriptions/${prescriptionId}/sign`, { token: doctorToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { contentHash: string; certificateSerial: string; validUntil: string };
}

export async function review(
  t: TestApp,
  prescriptionId: string,
  pharmacistToken: string,
  decision: 'approve' | 'reject',
  reason?: string,
) {
  const res = await t.request('POST', `/api/v1/prescriptions/${prescriptionId}/review`, {
    token: pharmacistToken,
    body: { decision, ...(reason ? { reason } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Completes the visit (signs the record): the doctor may start another visit with the patient afterwards. */
export async function completeVisit(t: TestApp, visitId: string, doctorToken: string) {
  const res = await t.request('POST', `/api/v1/visits/${visitId}/complete`, { token: doctorToken });
  expect(res.statusCode, res.body).toBe(200);
}

export interface ApprovedPrescription {
  prescriptionId: string;
  visitId: string;
  patientToken: string;
  doctorToken: string;
  pharmacistToken: string;
}

/**
 * 张伟's amlodipine prescription, approved (RX-2: in effect, ready to be filled): a follow-up visit with
 * 陈建国, the draft saved, signed, the visit completed, and 郑雅琴's approval. Each call makes a new visit
 * and prescription; `days` > 7 makes a long-term one (RX-9).
 */
export async function approvedPrescription(
  t: TestApp,
  opts: { days?: number } = {},
): Promise<ApprovedPrescription> {
  const [patientToken, doctorToken, pharmacistToken] = await Promise.all([
    t.login(PHONES.zhang),
    t.login(PHONES.chen),
    t.login(PHONES.zheng),
  ]);
  const visitId = await followUpVisit(t, { patientToken, doctorToken });
  const prescriptionId = await prescribeAmlodipine(t, visitId, doctorToken, opts.days ?? 7);
  await sign(t, prescriptionId, doctorToken);
  await completeVisit(t, visitId, doctorToken);
  await review(t, prescriptionId, pharmacistToken, 'approve');
  return { prescriptionId, visitId, patientToken, doctorToken, pharmacistToken };
}

/** Catalogue rows as the rules read them, with the ids in an institution's formulary (for picking test drugs). */
export async function catalogue(t: TestApp, institutionCode = 'YC-H01') {
  const rows = await t.ctx.db
    .selectFrom('drug')
    .selectAll()
    .where('active', '=', true)
    .orderBy('id')
    .execute();
  const inst = await t.ctx.db
    .selectFrom('institution')
    .select('id')
    .where('code', '=', institutionCode)
    .executeTakeFirstOrThrow();
  const inFormulary = new Set(
    (
      await t.ctx.db.selectFrom('formulary').select('drug_id').where('institution_id', '=', inst.id).execute()
    ).map((r) => r.drug_id),
  );
  return { drugs: rows.map(drugSeedOf), inFormulary };
}

/** A line for `drug` at `dose` (in its strength unit) and frequency for `days`, with the right quantity (RX-7). */
export function line(
  drug: DrugSeed,
  opts: { dose?: number; frequency?: string; days?: number; interactionOverrideReason?: string } = {},
) {
  const frequency = opts.frequency ?? 'qd';
  const days = opts.days ?? 7;
  const perDay = FREQUENCIES[frequency as keyof typeof FREQUENCIES].perDay;
  // The usual daily dose split over the administrations, unless a dose is given.
  const dose = opts.dose ?? Number((drug.usualDailyDose / perDay).toFixed(4));
  const body = { drugId: drug.id, dose, doseUnit: drug.strengthUnit, frequency, days, route: drug.route };
  return {
    ...body,
    quantity: Math.max(1, requiredPackages(drug, body) ?? 1),
    ...(opts.interactionOverrideReason ? { interactionOverrideReason: opts.interactionOverrideReason } : {}),
  };
}
