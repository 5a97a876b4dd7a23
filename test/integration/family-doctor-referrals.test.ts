/**
 * [12/12] Two-way referral (FD-4): 龙晓梅 (YC-C01) refers her contracted resident 王秀英 up to YC-H01
 * cardiology; the hospital (陈建国, or its administrator) accepts; the visit is booked on a referral token of
 * a YC-H01 cardiology session and 王秀英 pays it; the hospital completes it. 陈建国 refers her back down with a
 * care plan whose tasks reach the team's worklist at acceptance. Targets outside the alliance, patients
 * without a care relationship, wrong sides, strangers and every refused state are checked too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralView } from '../../src/shared/family-doctor.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { contractFixture, FD_PHONE, TEAM, teamIdOf } from '../support/family-doctor.js';

let t: TestApp;
const tok = { gp: '', cardio: '', admin: '', otherGp: '', wang: '', daughter: '', zhang: '', nurse: '' };
const id = {
  wang: '',
  zhang: '',
  cardioPract: '',
  gpPract: '',
  H01: '',
  H02: '',
  C01: '',
  C05: '',
  cardiology: '',
};
let scheduleId = '';

const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const get = (token: string, url: string) => t.request('GET', url, { token });

async function practitionerOf(phone: string): Promise<string> {
  const a = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
    .executeTakeFirstOrThrow();
  return a.practitioner_id!;
}
const idOf = async (table: 'institution' | 'patient', col: 'code' | 'name', v: string) =>
  table === 'institution'
    ? (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', v).executeTakeFirstOrThrow())
        .id
    : (
        await t.ctx.db
          .selectFrom('patient')
          .select('id')
          .where(col === 'name' ? 'name' : 'id', '=', v)
          .executeTakeFirstOrThrow()
      ).id;

const upBody = (extra: Record<string, unknown> = {}) => ({
  patientId: id.wang,
  direction: 'up',
  toInstitutionId: id.H01,
  departmentId: id.cardiology,
  summary: '高血压 2 级，近两周家庭血压 165/100，调整用药后仍未控制，请心内科评估。',
  ...extra,
});
const carePlan = {
  diagnosis: '高血压 2 级',
  medication: '氨氯地平 5 mg 每日一次',
  advice: '低盐饮食，每日家庭血压监测',
  tasks: [
    { title: '出院后 1 周血压随访', dueInDays: 7 },
    { title: '出院后 1 个月复查', dueInDays: 30 },
  ],
};

async function sendUp(): Promise<ReferralView> {
  const res = await post(tok.gp, '/api/v1/referrals', upBody());
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ReferralView;
}

const notices = async (token: string, kind = 'family_doctor') =>
  (
    (await get(token, '/api/v1/notifications?limit=100')).json().items as {
      kind: string;
      title: string;
      refId: string;
    }[]
  ).filter((n) => n.kind === kind);

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  for (const k of Object.keys(tok) as (keyof typeof tok)[])
    tok[k] = await t.login(FD_PHONE[k === 'admin' ? 'hospitalAdmin' : k === 'cardio' ? 'cardiologist' : k]);
  id.wang = await idOf('patient', 'name', '王秀英');
  id.zhang = await idOf('patient', 'name', '张伟');
  id.H01 = await idOf('institution', 'code', 'YC-H01');
  id.H02 = await idOf('institution', 'code', 'YC-H02');
  id.C01 = await idOf('institution', 'code', 'YC-C01');
  id.C05 = await idOf('institution', 'code', 'YC-C05');
  id.cardioPract = await practitionerOf(FD_PHONE.cardiologist);
  id.gpPract = await practitionerOf(FD_PHONE.gp);
  const p = await t.ctx.db
    .selectFrom('practitioner')
    .select('department_id')
    .where('id', '=', id.cardioPract)
    .executeTakeFirstOrThrow();
  id.cardiology = p.department_id;
  await contractFixture(t, { patientId: id.wang, team: TEAM.long, packages: ['BASIC', 'ELDERLY', 'HTN'] });
  // A YC-H01 cardiology session of 陈建国 with 3 referral tokens (FD-4), made by the hospital's administrator.
  const s = await post(tok.admin, '/api/v1/schedules', {
    doctorId: id.cardioPract,
    date: '2026-11-25',
    startTime: '08:00',
    endTime: '11:00',
    mode: 'offline',
    capacity: 10,
    quotas: { referral: 3, partner: 0 },
  });
  expect(s.statusCode, s.body).toBe(201);
  scheduleId = s.json().id;
}, 900_000);
afterAll(async () => t?.close());

describe('sending a referral (FD-4)', () => {
  it('targets: up from YC-C01 lists the alliance hospitals with cardiology bookable, not another alliance', async () => {
    const res = await get(tok.gp, '/api/v1/referrals/targets?direction=up');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { id: string; level: string; departments: { id: string }[] }[];
    const h01 = items.find((i) => i.id === id.H01);
    expect(h01?.level).toBe('tertiary');
    expect(h01?.departments.map((d) => d.id)).toContain(id.cardiology);
    expect(items.some((i) => i.id === id.H02)).toBe(false);
    const down = (await get(tok.cardio, '/api/v1/referrals/targets?direction=down')).json().items as {
      id: string;
    }[];
    expect(down.map((i) => i.id)).toContain(id.C01);
    expect(down.some((i) => i.id === id.C05)).toBe(false);
  });

  it('FD-4: up to a hospital outside the alliance (YC-H02) is 422 REFERRAL_TARGET_INVALID', async () => {
    const res = await post(
      tok.gp,
      '/api/v1/referrals',
      upBody({ toInstitutionId: id.H02, departmentId: undefined }),
    );
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('REFERRAL_TARGET_INVALID');
    const toCommunity = await post(
      tok.gp,
      '/api/v1/referrals',
      upBody({ toInstitutionId: id.C05, departmentId: undefined }),
    );
    expect(toCommunity.json().code).toBe('REFERRAL_TARGET_INVALID');
  });

  it('a department of another institution is 422; down without a care plan 422 CARE_PLAN_REQUIRED', async () => {
    const wrongDept = await post(
      tok.gp,
      '/api/v1/referrals',
      upBody({ toInstitutionId: id.H01, departmentId: id.wang }),
    );
    expect(wrongDept.json().code).toBe('REFERRAL_TARGET_INVALID');
    const noPlan = await post(tok.cardio, '/api/v1/referrals', {
      patientId: id.wang,
      direction: 'down',
      toInstitutionId: id.C01,
      summary: '病情稳定，转回社区',
    });
    expect(noPlan.statusCode).toBe(422);
    expect(noPlan.json().code).toBe('CARE_PLAN_REQUIRED');
  });

  it('SEC-1: a doctor without a care relationship with the patient is 403, and a nurse or patient cannot send', async () => {
    const other = await post(tok.otherGp, '/api/v1/referrals', upBody());
    expect(other.statusCode, other.body).toBe(403);
    expect(other.json().code).toBe('REFERRAL_NO_CARE_RELATIONSHIP');
    expect((await post(tok.nurse, '/api/v1/referrals', upBody())).statusCode).toBe(403);
    expect((await post(tok.wang, '/api/v1/referrals', upBody())).statusCode).toBe(403);
  });

  it("sent: the contracted elderly resident is marked, the hospital is told, the number is the day's sequence", async () => {
    const r = await sendUp();
    expect(r).toMatchObject({
      direction: 'up',
      status: 'sent',
      contracted: true,
      elderlyBonus: true,
      patient: { id: id.wang, name: '王秀英' },
      from: { institutionId: id.C01, practitionerId: id.gpPract },
      to: { institutionId: id.H01, departmentId: id.cardiology },
      appointment: null,
    });
    expect(r.referralNo).toMatch(/^ZZ20261122\d{4}$/);
    const second = await sendUp();
    expect(Number(second.referralNo.slice(10))).toBe(Number(r.referralNo.slice(10)) + 1);
    const row = await t.ctx.db
      .selectFrom('referral')
      .select('contract_id')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.contract_id).not.toBeNull();
    expect((await notices(tok.admin)).some((n) => n.refId === r.id)).toBe(true);
    // The sender withdraws the duplicate before anything is booked.
    const cancelled = await post(tok.gp, `/api/v1/referrals/${second.id}/cancel`);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await post(tok.gp, `/api/v1/referrals/${second.id}/cancel`)).json().code).toBe(
      'REFERRAL_STATE_CONFLICT',
    );
    expect((await post(tok.cardio, `/api/v1/referrals/${second.id}/accept`)).statusCode).toBe(409);
  });
});

describe('an upward referral from sent to completed (FD-4)', () => {
  let r: ReferralView;
  beforeAll(async () => {
    r = await sendUp();
  });

  it('strangers get 404; the patient and her proxy see it; the wrong side is 403', async () => {
    expect((await get(tok.otherGp, `/api/v1/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await post(tok.otherGp, `/api/v1/referrals/${r.id}/accept`)).statusCode).toBe(404);
    expect((await get(tok.zhang, `/api/v1/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await get(tok.wang, `/api/v1/referrals/${r.id}`)).json().id).toBe(r.id);
    const family = (await get(tok.daughter, `/api/v1/referrals?patientId=${id.wang}`)).json()
      .items as ReferralView[];
    expect(family.map((x) => x.id)).toContain(r.id);
    expect((await get(tok.zhang, `/api/v1/referrals?patientId=${id.wang}`)).statusCode).toBe(403);
    const own = await post(tok.gp, `/api/v1/referrals/${r.id}/accept`);
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('REFERRAL_ACTION_FORBIDDEN');
  });

  it('the staff read is audited under the referral relationship', async () => {
    expect((await get(tok.cardio, `/api/v1/referrals/${r.id}`)).statusCode).toBe(200);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('action', '=', 'record.read')
      .where('resource_id', '=', r.id)
      .execute();
    expect(audit.some((a) => (a.details as { relationship: string }).relationship === 'referral')).toBe(true);
  });

  it('409 before acceptance: book and complete', async () => {
    expect((await post(tok.gp, `/api/v1/referrals/${r.id}/book`, { scheduleId })).json().code).toBe(
      'REFERRAL_STATE_CONFLICT',
    );
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/complete`, {})).statusCode).toBe(409);
  });

  it('the hospital lists it incoming, contracted residents first; 陈建国 accepts (accepted_by him), 王秀英 is told', async () => {
    const incoming = (await get(tok.admin, '/api/v1/referrals?box=incoming')).json().items as ReferralView[];
    expect(incoming.map((x) => x.id)).toContain(r.id);
    const outgoing = (await get(tok.gp, '/api/v1/referrals?box=outgoing&status=sent')).json()
      .items as ReferralView[];
    expect(outgoing.map((x) => x.id)).toContain(r.id);
    const res = await post(tok.cardio, `/api/v1/referrals/${r.id}/accept`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'accepted' });
    const row = await t.ctx.db
      .selectFrom('referral')
      .select('accepted_by')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.accepted_by).toBe(id.cardioPract);
    expect((await notices(tok.wang)).some((n) => n.refId === r.id)).toBe(true);
    expect((await post(tok.admin, `/api/v1/referrals/${r.id}/accept`)).json().code).toBe(
      'REFERRAL_STATE_CONFLICT',
    );
    expect(
      (await post(tok.cardio, `/api/v1/referrals/${r.id}/decline`, { reason: '号源已满' })).statusCode,
    ).toBe(409);
  });

  it('SEC-1: a staff list is audited, one read per patient on the page, under the referral relationship', async () => {
    const readIds = async () =>
      (
        await t.ctx.db.selectFrom('audit_event').select('id').where('action', '=', 'record.read').execute()
      ).map((a) => a.id);
    const before = await readIds();
    const page = (await get(tok.admin, '/api/v1/referrals?box=incoming&limit=50')).json()
      .items as ReferralView[];
    const patients = new Set(page.map((x) => x.patient.id));
    expect(patients.has(id.wang)).toBe(true);
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select(['patient_id', 'details'])
      .where('action', '=', 'record.read')
      .where('id', 'not in', before)
      .execute();
    expect(reads).toHaveLength(patients.size);
    expect(new Set(reads.map((a) => a.patient_id))).toEqual(patients);
    for (const a of reads)
      expect(a.details).toMatchObject({ what: 'referral_list', relationship: 'referral' });
    // The patient's own list is not a staff read.
    const mid = await readIds();
    expect((await get(tok.wang, '/api/v1/referrals')).statusCode).toBe(200);
    expect(await readIds()).toHaveLength(mid.length);
  });

  it('FD-4: a session of another hospital is refused; the GP books the referral token and 王秀英 holds the order', async () => {
    const res = await post(tok.gp, `/api/v1/referrals/${r.id}/book`, { scheduleId });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json() as ReferralView;
    expect(v.status).toBe('booked');
    expect(v.appointment).toMatchObject({
      date: '2026-11-25',
      status: 'pending_payment',
      doctorName: '陈建国',
    });
    const a = await t.ctx.db
      .selectFrom('appointment')
      .select(['channel', 'booked_by', 'order_id', 'patient_id'])
      .where('id', '=', v.appointment!.id)
      .executeTakeFirstOrThrow();
    const wangAccount = await t.ctx.db
      .selectFrom('patient')
      .select('account_id')
      .where('id', '=', id.wang)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({ channel: 'referral', booked_by: wangAccount.account_id, patient_id: id.wang });
    const order = await t.ctx.db
      .selectFrom('payment_order')
      .select(['account_id', 'purpose'])
      .where('id', '=', a.order_id!)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ account_id: wangAccount.account_id, purpose: 'appointment' });
    expect((await notices(tok.wang)).some((n) => n.refId === v.appointment!.id)).toBe(true);
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/book`, { scheduleId })).json().code).toBe(
      'REFERRAL_STATE_CONFLICT',
    );
    expect((await post(tok.gp, `/api/v1/referrals/${r.id}/cancel`)).statusCode).toBe(409);
  });

  it('unpaid it cannot complete (409); paid, the hospital completes it once', async () => {
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/complete`, {})).statusCode).toBe(409);
    const apptId = (await get(tok.wang, `/api/v1/referrals/${r.id}`)).json().appointment.id as string;
    const { order_id } = await t.ctx.db
      .selectFrom('appointment')
      .select('order_id')
      .where('id', '=', apptId)
      .executeTakeFirstOrThrow();
    const pay = await post(tok.wang, `/api/v1/orders/${order_id}/pay`, { channel: 'sim' });
    expect(pay.statusCode, pay.body).toBe(200);
    expect(await t.sim!.confirm(pay.json().prepayId)).toBe('paid');
    await t.sim!.settle();
    await t.ctx.outbox.drain();
    expect((await post(tok.gp, `/api/v1/referrals/${r.id}/complete`, {})).statusCode).toBe(403);
    const done = await post(tok.cardio, `/api/v1/referrals/${r.id}/complete`, { note: '已调整降压方案' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'completed',
      completeNote: '已调整降压方案',
      appointment: { status: 'confirmed' },
    });
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/complete`, {})).statusCode).toBe(409);
  });

  it('an administrator accepts for the institution: accepted_by is null', async () => {
    const r2 = await sendUp();
    const res = await post(tok.admin, `/api/v1/referrals/${r2.id}/accept`);
    expect(res.json().status).toBe('accepted');
    const row = await t.ctx.db
      .selectFrom('referral')
      .select('accepted_by')
      .where('id', '=', r2.id)
      .executeTakeFirstOrThrow();
    expect(row.accepted_by).toBeNull();
    // Accepted, not booked: the sender may still withdraw it.
    expect((await post(tok.gp, `/api/v1/referrals/${r2.id}/cancel`)).json().status).toBe('cancelled');
  });
});

describe('a downward referral with a care plan (FD-4)', () => {
  let r: ReferralView;

  it('陈建国 refers 王秀英 back to YC-C01; her team is told', async () => {
    const res = await post(tok.cardio, '/api/v1/referrals', {
      patientId: id.wang,
      direction: 'down',
      toInstitutionId: id.C01,
      summary: '血压控制平稳，转回社区继续管理',
      carePlan,
    });
    expect(res.statusCode, res.body).toBe(201);
    r = res.json();
    expect(r).toMatchObject({ direction: 'down', status: 'sent', elderlyBonus: false, carePlan });
    expect((await notices(tok.gp)).some((n) => n.refId === r.id)).toBe(true);
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/accept`)).statusCode).toBe(403);
    expect(
      (await post(tok.cardio, `/api/v1/referrals/${r.id}/decline`, { reason: '不是本院' })).statusCode,
    ).toBe(403);
  });

  it("龙晓梅 accepts: the tasks are follow-ups on her team's worklist; down cannot be booked; she completes it", async () => {
    const res = await post(tok.gp, `/api/v1/referrals/${r.id}/accept`);
    expect(res.statusCode, res.body).toBe(200);
    const rows = await t.ctx.db
      .selectFrom('followup')
      .select(['title', 'reason', 'team_id', 'status', 'due_on'])
      .where('referral_id', '=', r.id)
      .orderBy('due_on')
      .execute();
    expect(rows.map((f) => [f.title, f.reason, f.status])).toEqual([
      ['出院后 1 周血压随访', 'care_plan', 'due'],
      ['出院后 1 个月复查', 'care_plan', 'due'],
    ]);
    expect(new Set(rows.map((f) => f.team_id))).toEqual(new Set([await teamIdOf(t, TEAM.long)]));
    expect(String(rows[0]!.due_on)).toBe('2026-11-29');
    expect((await post(tok.gp, `/api/v1/referrals/${r.id}/book`, { scheduleId })).json().code).toBe(
      'REFERRAL_STATE_CONFLICT',
    );
    expect((await post(tok.cardio, `/api/v1/referrals/${r.id}/cancel`)).statusCode).toBe(409);
    const done = await post(tok.gp, `/api/v1/referrals/${r.id}/complete`, {});
    expect(done.json().status).toBe('completed');
  });

  it('SEC-1: without a contract at the receiving institution the plan stays on the referral — no follow-ups for the accepter’s team', async () => {
    const contract = await t.ctx.db
      .selectFrom('family_contract')
      .select('id')
      .where('patient_id', '=', id.wang)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('family_contract')
      .set({ status: 'expired' })
      .where('id', '=', contract.id)
      .execute();
    try {
      const sent = await post(tok.cardio, '/api/v1/referrals', {
        patientId: id.wang,
        direction: 'down',
        toInstitutionId: id.C01,
        summary: '血压控制平稳，转回社区',
        carePlan,
      });
      expect(sent.statusCode, sent.body).toBe(201);
      // 龙晓梅 is in a team of YC-C01, but 王秀英 is no longer contracted with it.
      const res = await post(tok.gp, `/api/v1/referrals/${sent.json().id}/accept`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'accepted', carePlan });
      const rows = await t.ctx.db
        .selectFrom('followup')
        .select('id')
        .where('referral_id', '=', sent.json().id)
        .execute();
      expect(rows).toHaveLength(0);
    } finally {
      await t.ctx.db
        .updateTable('family_contract')
        .set({ status: 'active' })
        .where('id', '=', contract.id)
        .execute();
    }
  });

  it('declined with a reason, then nothing more', async () => {
    const res = await post(tok.cardio, '/api/v1/referrals', {
      patientId: id.wang,
      direction: 'down',
      toInstitutionId: id.C01,
      summary: '术后稳定',
      carePlan,
    });
    const d = await post(tok.gp, `/api/v1/referrals/${res.json().id}/decline`, {
      reason: '请先完成术后复查',
    });
    expect(d.json()).toMatchObject({ status: 'declined', declineReason: '请先完成术后复查' });
    expect((await post(tok.gp, `/api/v1/referrals/${res.json().id}/accept`)).statusCode).toBe(409);
    expect((await post(tok.gp, `/api/v1/referrals/${res.json().id}/decline`, { x: 1 })).statusCode).toBe(400);
  });
});
