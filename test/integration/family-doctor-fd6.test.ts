/**
 * [12/12] FD-6 through [7/12] insurance: 王秀英 (72, employee, deductible met) is contracted with 龙晓梅's
 * team; 龙晓梅 refers her up to YC-H01 cardiology and books a referral token of 陈建国's session. The
 * registration fee of that appointment is insurable (one service line, REFERRAL_OUTPATIENT) and the fund
 * pays 1 yuan more than for the same fee without the contract, or referred by a doctor who is not a family
 * doctor — in the pre-settlement (2206) and in the settlement the simulated platform records (2207).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { familyDoctorFacts } from '../../src/server/modules/family-doctor/family-doctor.api.js';
import { contractFixture, FD_PHONE, TEAM } from '../support/family-doctor.js';
import {
  ids,
  ledger,
  pay,
  settlements,
  setupCheckoutApp,
  t,
  voucher,
  wang,
} from '../support/insurance-checkout.js';

setupCheckoutApp();

const fx = {
  gp: '',
  admin: '',
  cardio: '',
  contractId: '',
  referralId: '',
  appointmentId: '',
  orderId: '',
  fee: 0,
};

async function practitionerOf(phone: string): Promise<string> {
  const a = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
    .executeTakeFirstOrThrow();
  return a.practitioner_id!;
}

const preSettle = async () => {
  const res = await t.request('GET', `/api/v1/orders/${fx.orderId}/pre-settlement`, { token: wang });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { totalFen: number; fundFen: number; accountFen: number; cashFen: number };
};

const setContract = (status: 'active' | 'cancelled') =>
  t.ctx.db.updateTable('family_contract').set({ status }).where('id', '=', fx.contractId).execute();
const setSender = (practitionerId: string) =>
  t.ctx.db
    .updateTable('referral')
    .set({ from_practitioner_id: practitionerId })
    .where('id', '=', fx.referralId)
    .execute();

beforeAll(async () => {
  fx.gp = await t.login(FD_PHONE.gp);
  fx.admin = await t.login(FD_PHONE.hospitalAdmin);
  fx.cardio = await practitionerOf(FD_PHONE.cardiologist);
  fx.contractId = await contractFixture(t, {
    patientId: ids.wang!,
    team: TEAM.long,
    packages: ['BASIC', 'ELDERLY', 'HTN'],
  });
  const h01 = await t.ctx.db
    .selectFrom('institution')
    .select('id')
    .where('code', '=', 'YC-H01')
    .executeTakeFirstOrThrow();
  const s = await t.request('POST', '/api/v1/schedules', {
    token: fx.admin,
    body: {
      doctorId: fx.cardio,
      date: '2026-11-26',
      startTime: '14:00',
      endTime: '17:00',
      mode: 'offline',
      capacity: 10,
      quotas: { referral: 3, partner: 0 },
    },
  });
  expect(s.statusCode, s.body).toBe(201);
  const r = await t.request('POST', '/api/v1/referrals', {
    token: fx.gp,
    body: {
      patientId: ids.wang,
      direction: 'up',
      toInstitutionId: h01.id,
      summary: '血压控制不佳，请心内科会诊',
    },
  });
  expect(r.statusCode, r.body).toBe(201);
  fx.referralId = r.json().id;
  expect(
    (await t.request('POST', `/api/v1/referrals/${fx.referralId}/accept`, { token: fx.admin })).statusCode,
  ).toBe(200);
  const b = await t.request('POST', `/api/v1/referrals/${fx.referralId}/book`, {
    token: fx.gp,
    body: { scheduleId: s.json().id },
  });
  expect(b.statusCode, b.body).toBe(200);
  fx.appointmentId = b.json().appointment.id;
  const a = await t.ctx.db
    .selectFrom('appointment')
    .select(['order_id', 'fee_fen'])
    .where('id', '=', fx.appointmentId)
    .executeTakeFirstOrThrow();
  fx.orderId = a.order_id!;
  fx.fee = a.fee_fen;
}, 900_000);

describe('FD-6: the referred visit of a contracted elderly resident', () => {
  it('familyDoctorFacts: contracted and 72, referred up by her family doctor', async () => {
    const at = t.clock.now();
    expect(await familyDoctorFacts(t.ctx.db, ids.wang!, at, fx.appointmentId)).toEqual({
      contractedElderly: true,
      referredByFamilyDoctor: true,
    });
    expect(await familyDoctorFacts(t.ctx.db, ids.wang!, at)).toEqual({
      contractedElderly: true,
      referredByFamilyDoctor: false,
    });
    // Before the contract started she was not contracted, and no team was hers to refer her.
    expect(
      await familyDoctorFacts(t.ctx.db, ids.wang!, new Date('2025-01-01T00:00:00Z'), fx.appointmentId),
    ).toEqual({
      contractedElderly: false,
      referredByFamilyDoctor: false,
    });
  });

  it('FD-6: a family doctor of another team (段志刚, lead at YC-C02) referring is not her family doctor', async () => {
    const at = t.clock.now();
    const { from_practitioner_id: own } = await t.ctx.db
      .selectFrom('referral')
      .select('from_practitioner_id')
      .where('id', '=', fx.referralId)
      .executeTakeFirstOrThrow();
    await setSender(await practitionerOf(FD_PHONE.otherGp));
    try {
      expect(await familyDoctorFacts(t.ctx.db, ids.wang!, at, fx.appointmentId)).toEqual({
        contractedElderly: true,
        referredByFamilyDoctor: false,
      });
    } finally {
      await setSender(own);
    }
    expect((await familyDoctorFacts(t.ctx.db, ids.wang!, at, fx.appointmentId)).referredByFamilyDoctor).toBe(
      true,
    );
  });

  it('the fund pays 100 fen more than without the contract, or without a family doctor referring', async () => {
    const referred = await preSettle();
    expect(referred.totalFen).toBe(fx.fee);
    await setContract('cancelled');
    const notContracted = await preSettle();
    await setContract('active');
    await setSender(fx.cardio); // a hospital doctor (the team's specialist), not a family doctor
    const notReferred = await preSettle();
    await setSender(await practitionerOf(FD_PHONE.gp));
    expect(referred.fundFen - notContracted.fundFen).toBe(100);
    expect(notReferred.fundFen).toBe(notContracted.fundFen);
    for (const s of [referred, notContracted, notReferred])
      expect(s.fundFen + s.accountFen + s.cashFen).toBe(fx.fee);
    // INS-3 basis at a tertiary hospital (15 yuan at 70 %) plus FD-6's yuan.
    expect(referred.fundFen).toBe(Math.floor((Math.min(fx.fee, 1_500) * 7_000) / 10_000) + 100);
  });

  it('paid with insurance: the platform records the fund with the bonus, the appointment is confirmed', async () => {
    const expected = (await preSettle()).fundFen;
    const res = await pay(fx.orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().insurance.fundFen).toBe(expected);
    const rows = await ledger(fx.orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'settled', fund_fen: expected });
    const ours = await settlements(fx.orderId);
    expect(ours[0]).toMatchObject({ status: 'settled', fund_fen: expected });
    const lines = await t.ctx.db
      .selectFrom('insurance_settlement_line')
      .select(['kind', 'item_code'])
      .where('settlement_id', '=', ours[0]!.id)
      .execute();
    expect(lines).toEqual([{ kind: 'service', item_code: 'REFERRAL_OUTPATIENT' }]);
    await t.ctx.outbox.drain();
    const a = await t.ctx.db
      .selectFrom('appointment')
      .select('status')
      .where('id', '=', fx.appointmentId)
      .executeTakeFirstOrThrow();
    expect(a.status).toBe('confirmed');
  });

  it('an appointment not booked by a referral stays uninsurable (INSURANCE_NOT_INSURABLE)', async () => {
    const s = await t.request('POST', '/api/v1/schedules', {
      token: fx.admin,
      body: {
        doctorId: fx.cardio,
        date: '2026-11-27',
        startTime: '14:00',
        endTime: '17:00',
        mode: 'offline',
        capacity: 10,
        quotas: { referral: 0, partner: 0 },
      },
    });
    const b = await t.request('POST', '/api/v1/appointments', {
      token: wang,
      body: { scheduleId: s.json().id },
    });
    expect(b.statusCode, b.body).toBe(201);
    const res = await t.request('GET', `/api/v1/orders/${b.json().orderId}/pre-settlement`, { token: wang });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('INSURANCE_NOT_INSURABLE');
  });
});
