/**
 * Online visits ([3/6]) over real HTTP handling (inject) on a real database: every eligibility rule with
 * its code (VISIT-1, VISIT-2, VISIT-6, PILOT-1..3, ORG-1, ORG-5, ID-6), each lifecycle edge including expiry
 * and chat closing with a moved clock, refunds, signed records and their tamper detection (SEC-4, REC-2),
 * attachments refused to strangers (DJ-9), and the timeline (VISIT-5).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resubmitPendingRefunds } from '../../src/server/modules/payments/payment.service.js';
import { type RecordFile, verifyRecordFile } from '../../src/server/modules/visits/signing.js';
import { runVisitJobs } from '../../src/server/modules/visits/visit-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let zhang: string; // 张伟, offline I10 at YC-H01 cardiology
let lina: string; // 李娜, guardian of 李小宝
let wang: string; // 王秀英, offline E11.9
let chen: string; // 陈建国 P001, chief cardiologist YC-H01
let su: string; // 苏晓雯 P029, YC-H03 growth, whitelisted
let regulator: string;
let h03Admin: string;
const ids: Record<string, string> = {};

async function practitionerId(code: string) {
  const r = await t.ctx.db
    .selectFrom('practitioner')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return r.id;
}

async function create(token: string, body: Record<string, unknown>) {
  return t.request('POST', '/api/v1/visits', {
    token,
    body: { consent: true, description: '血压控制复诊', ...body },
  });
}

/** Pays a visit's order through the simulated gateway and waits for the notification to be applied. */
async function pay(token: string, orderId: string) {
  const res = await t.request('POST', `/api/v1/orders/${orderId}/pay`, { token, body: { channel: 'sim' } });
  expect(res.statusCode).toBe(200);
  expect(t.sim!.confirm(res.json().prepayId)).toBe('paid');
  await t.sim!.settle();
}

async function paidVisit(token: string, body: Record<string, unknown>) {
  const res = await create(token, body);
  expect(res.statusCode, res.body).toBe(201);
  await pay(token, res.json().orderId);
  return res.json().id as string;
}

async function visit(token: string, id: string) {
  return (await t.request('GET', `/api/v1/visits/${id}`, { token })).json();
}

async function order(token: string, id: string) {
  return (await t.request('GET', `/api/v1/orders/${id}`, { token })).json();
}

const RECORD = {
  chiefComplaint: '高血压复诊，头晕一周',
  presentIllness: '家庭自测血压 150/95 mmHg',
  pastHistory: '高血压 3 年',
  allergies: '无',
  onlineObservation: '精神可，言语清晰',
  diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
  advice: '氨氯地平 5mg 每日一次，两周后复诊',
};

async function finish(id: string, token = chen, record: Record<string, unknown> = RECORD) {
  expect((await t.request('PUT', `/api/v1/visits/${id}/record`, { token, body: record })).statusCode).toBe(
    200,
  );
  const res = await t.request('POST', `/api/v1/visits/${id}/complete`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function cancelOpen(token: string, id: string) {
  await t.request('POST', `/api/v1/visits/${id}/cancel`, { token, body: {} });
}

/** Logs everyone in again: a moved clock ends sessions like it would in real time (DJ-4). */
async function relogin() {
  [zhang, lina, wang, chen, su, regulator, h03Admin] = await Promise.all(
    [
      '13800000001',
      '13800000002',
      '13800000003',
      '13900000001',
      '13900000002',
      '13500000001',
      '13600000002',
    ].map((p) => t.login(p)),
  );
}

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  await relogin();
  ids.P001 = await practitionerId('P001');
  ids.P029 = await practitionerId('P029');
  ids.P033 = await practitionerId('P033');
  ids.P031 = await practitionerId('P031');
  ids.P004 = await practitionerId('P004');
  const child = await t.ctx.db
    .selectFrom('patient')
    .select('id')
    .where('name', '=', '李小宝')
    .executeTakeFirstOrThrow();
  ids.child = child.id;
  const inst = await t.ctx.db
    .selectFrom('institution')
    .select('id')
    .where('code', '=', 'YC-H03')
    .executeTakeFirstOrThrow();
  ids.H03 = inst.id;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('eligibility', () => {
  it('VISIT-1: a follow-up of a condition diagnosed offline is accepted; another condition is refused', async () => {
    const ok = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'requested', orderId: expect.any(String) });
    const v = await visit(zhang, ok.json().id);
    expect(v.evidence).toMatchObject({ kind: 'offline_diagnosis', icd10: 'I10', name: '原发性高血压' });
    expect(v.feeFen).toBe(10_000);
    await cancelOpen(zhang, ok.json().id);

    const refused = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'E11.9' });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS' });
    expect(refused.json().detail).toMatch(/线下/);
    const count = await t.ctx.db
      .selectFrom('visit')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(1);
  });

  it('VISIT-2: a follow-up on an uploaded document waits for the doctor to accept it before any diagnosis', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const up = await t.request('POST', '/api/v1/attachments', {
      token: wang,
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(up.statusCode, up.body).toBe(201);
    const id = await paidVisit(wang, {
      type: 'follow_up',
      doctorId: ids.P001,
      conditionCode: 'I25.1',
      evidenceAttachmentId: up.json().id,
    });
    expect((await visit(wang, id)).evidence).toMatchObject({ kind: 'document', attachmentId: up.json().id });
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).statusCode).toBe(200);
    // The doctor sees the document (participant) before deciding.
    expect((await t.request('GET', `/api/v1/attachments/${up.json().id}`, { token: chen })).statusCode).toBe(
      200,
    );
    const early = await t.request('PUT', `/api/v1/visits/${id}/record`, {
      token: chen,
      body: { ...RECORD, diagnoses: [{ icd10: 'I25.1', name: '' }] },
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS');
    expect(
      (await t.request('POST', `/api/v1/visits/${id}/evidence/accept`, { token: chen })).statusCode,
    ).toBe(200);
    const done = await finish(id, chen, { ...RECORD, diagnoses: [{ icd10: 'I25.1', name: '' }] });
    expect(done.status).toBe('completed');
    const rec = (await t.request('GET', `/api/v1/visits/${id}/record`, { token: wang })).json();
    expect(rec.content.diagnoses).toEqual([{ icd10: 'I25.1', name: '冠状动脉粥样硬化性心脏病' }]);
  });

  it('PILOT-1: a first visit outside an opened institution × specialty is refused with the reason', async () => {
    const res = await create(wang, { type: 'first_visit', doctorId: ids.P001, description: '胸闷' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FIRST_VISIT_NOT_ALLOWED', reason: 'no_pilot_scope' });
  });

  it('PILOT-2: a doctor off the whitelist, or one who fails the bar, cannot take a first visit', async () => {
    const off = await create(lina, {
      type: 'first_visit',
      doctorId: ids.P033,
      patientId: ids.child,
      description: '湿疹',
    });
    expect(off.statusCode).toBe(403);
    expect(off.json()).toMatchObject({ code: 'FIRST_VISIT_NOT_ALLOWED', reason: 'not_whitelisted' });
    // The whitelist checks the bar, it does not trust the institution: P031 is new to online work and untrained.
    const add = await t.request('POST', `/api/v1/institutions/${ids.H03}/first-visit-whitelist`, {
      token: h03Admin,
      body: { practitionerId: ids.P031 },
    });
    expect(add.statusCode).toBe(422);
    expect(add.json(), add.body).toMatchObject({
      code: 'FIRST_VISIT_BAR_NOT_MET',
      unmet: ['online_follow_up_years', 'training'],
    });
    // Even if the row were there, the bar is checked again on every request.
    await t.ctx.db
      .insertInto('first_visit_whitelist')
      .values({ institution_id: ids.H03!, practitioner_id: ids.P031!, added_by: null, added_at: new Date() })
      .execute();
    const bar = await create(lina, {
      type: 'first_visit',
      doctorId: ids.P031,
      patientId: ids.child,
      description: '挑食',
    });
    expect(bar.statusCode).toBe(403);
    expect(bar.json()).toMatchObject({ code: 'FIRST_VISIT_NOT_ALLOWED', reason: 'online_follow_up_years' });
    const list = (
      await t.request('GET', `/api/v1/institutions/${ids.H03}/first-visit-whitelist`, { token: h03Admin })
    ).json();
    const su = list.items.find((e: { practitionerId: string }) => e.practitionerId === ids.P029);
    expect(su).toMatchObject({ eligible: true });
    expect(su.bar.every((c: { met: boolean }) => c.met)).toBe(true);
  });

  it('ID-6: a minor is seen only from a guardian account; the guardian confirms before the doctor starts', async () => {
    // 张伟 may not act for 李小宝 at all.
    const stranger = await create(zhang, {
      type: 'first_visit',
      doctorId: ids.P029,
      patientId: ids.child,
      description: '身高偏矮',
    });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().code).toBe('NOT_YOUR_PATIENT');
    const id = await paidVisit(lina, {
      type: 'first_visit',
      doctorId: ids.P029,
      patientId: ids.child,
      description: '身高偏矮',
    });
    const v = await visit(lina, id);
    expect(v).toMatchObject({ status: 'waiting', guardianRequired: true, isMinor: true, queuePosition: 1 });
    const early = await t.request('POST', `/api/v1/visits/${id}/start`, { token: su });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('GUARDIAN_REQUIRED');
    const confirm = await t.request('POST', `/api/v1/visits/${id}/guardian-presence`, { token: lina });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().guardianConfirmedAt).toBeTruthy();
    const start = await t.request('POST', `/api/v1/visits/${id}/start`, { token: su });
    expect(start.statusCode, start.body).toBe(200);
    expect(start.json().status).toBe('in_progress');
    await finish(id, su, {
      ...RECORD,
      chiefComplaint: '身高增长缓慢一年',
      diagnoses: [{ icd10: 'E34.3', name: '' }],
    });

    // A non-guardian proxy of a minor is refused (GUARDIAN_REQUIRED).
    const account = await t.ctx.db
      .selectFrom('patient')
      .select('account_id')
      .where('name', '=', '王秀英')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('family_proxy')
      .values({
        id: crypto.randomUUID(),
        proxy_account_id: account.account_id!,
        patient_id: ids.child!,
        relationship: 'grandparent',
        is_guardian: false,
        confirm_phone_enc: null,
        status: 'active',
        confirmed_at: new Date(),
        revoked_at: null,
        created_at: new Date(),
      })
      .execute();
    const grandma = await create(wang, {
      type: 'first_visit',
      doctorId: ids.P029,
      patientId: ids.child,
      description: '矮小',
    });
    expect(grandma.statusCode).toBe(422);
    expect(grandma.json().code).toBe('GUARDIAN_REQUIRED');
  });

  it('eligibility is checked again when the doctor starts: a pilot revoked meanwhile stops the first visit', async () => {
    const id = await paidVisit(lina, {
      type: 'first_visit',
      doctorId: ids.P029,
      patientId: ids.child,
      description: '营养评估',
    });
    await t.request('POST', `/api/v1/visits/${id}/guardian-presence`, { token: lina });
    const scopes = (await t.request('GET', '/api/v1/pilot-scopes', { token: regulator })).json().items;
    const growth = scopes.find(
      (s: { specialty: string; status: string }) =>
        s.specialty === '儿童生长发育专业' && s.status === 'active',
    );
    expect(
      (await t.request('POST', `/api/v1/pilot-scopes/${growth.id}/revoke`, { token: regulator })).statusCode,
    ).toBe(200);
    const start = await t.request('POST', `/api/v1/visits/${id}/start`, { token: su });
    expect(start.statusCode).toBe(403);
    expect(start.json()).toMatchObject({ code: 'FIRST_VISIT_NOT_ALLOWED', reason: 'no_pilot_scope' });
    // A scope that ended last year answers pilot_ended; the regulator reopens the current year.
    const year = Number(new Date(t.clock.now()).toISOString().slice(0, 4));
    const inst = ids.H03!;
    const past = await t.request('POST', '/api/v1/pilot-scopes', {
      token: regulator,
      body: {
        institutionId: inst,
        specialty: '儿童生长发育专业',
        startsOn: `${year - 1}-01-01`,
        endsOn: `${year - 1}-12-31`,
      },
    });
    expect(past.json().status).toBe('ended');
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: su })).json().reason).toBe(
      'pilot_ended',
    );
    await t.request('POST', '/api/v1/pilot-scopes', {
      token: regulator,
      body: {
        institutionId: inst,
        specialty: '儿童生长发育专业',
        startsOn: `${year}-01-01`,
        endsOn: `${year}-12-31`,
      },
    });
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: su })).statusCode).toBe(200);
    await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: su,
      body: { reason: '需要骨龄片', recommendation: { note: '到院拍骨龄片' } },
    });
  });

  it('ORG-1, ORG-5: suspended, unlicensed or offline-only doctors are not available', async () => {
    await t.ctx.db
      .updateTable('practitioner')
      .set({ status: 'suspended' })
      .where('id', '=', ids.P001!)
      .execute();
    const suspended = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    expect(suspended.statusCode).toBe(403);
    expect(suspended.json()).toMatchObject({ code: 'DOCTOR_NOT_AVAILABLE', reason: 'suspended' });
    await t.ctx.db
      .updateTable('practitioner')
      .set({ status: 'active' })
      .where('id', '=', ids.P001!)
      .execute();

    const offline = await create(zhang, { type: 'consultation', doctorId: ids.P004, description: '咨询' });
    expect(offline.json()).toMatchObject({ code: 'DOCTOR_NOT_AVAILABLE', reason: 'not_registered_online' });

    await t.ctx.db
      .updateTable('licence')
      .set({ valid_to: '2020-12-31' })
      .where('practitioner_id', '=', ids.P001!)
      .execute();
    const licence = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    expect(licence.json()).toMatchObject({ code: 'DOCTOR_NOT_AVAILABLE', reason: 'licence' });
    await t.ctx.db
      .updateTable('licence')
      .set({ valid_to: '2030-12-31' })
      .where('practitioner_id', '=', ids.P001!)
      .execute();

    const doctor = await t.ctx.db
      .selectFrom('practitioner')
      .select('department_id')
      .where('id', '=', ids.P001!)
      .executeTakeFirstOrThrow();
    const queue = await create(zhang, {
      type: 'follow_up',
      departmentId: doctor.department_id,
      conditionCode: 'I10',
    });
    expect(queue.json()).toMatchObject({ code: 'DOCTOR_NOT_AVAILABLE', reason: 'offline' });
  });

  it('VISIT-4: no visit without informed consent; VISIT-6: no diagnosis in a consultation', async () => {
    const noConsent = await t.request('POST', '/api/v1/visits', {
      token: zhang,
      body: { type: 'consultation', doctorId: ids.P001, description: '问问' },
    });
    expect(noConsent.json().code).toBe('CONSENT_REQUIRED');
    const id = await paidVisit(zhang, {
      type: 'consultation',
      doctorId: ids.P001,
      description: '运动注意事项',
    });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const dx = await t.request('PUT', `/api/v1/visits/${id}/record`, { token: chen, body: RECORD });
    expect(dx.statusCode).toBe(422);
    expect(dx.json().code).toBe('DIAGNOSIS_NOT_ALLOWED');
    const done = await finish(id, chen, { ...RECORD, diagnoses: [] });
    expect(done.status).toBe('completed');
  });
});

describe('lifecycle', () => {
  it('pays into the queue, starts, completes with a signed record, and stays chat-open 48 h after the last message', async () => {
    const res = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const id = res.json().id;
    expect((await visit(zhang, id)).status).toBe('requested');
    await pay(zhang, res.json().orderId);
    expect(await visit(zhang, id)).toMatchObject({ status: 'waiting', queuePosition: 1 });
    const queue = (await t.request('GET', '/api/v1/visits?scope=queue', { token: chen })).json().items;
    expect(queue.map((v: { id: string }) => v.id)).toContain(id);
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).json().status).toBe(
      'in_progress',
    );
    // Patient cannot cancel once started.
    expect(
      (await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} })).json().code,
    ).toBe('NOT_CANCELLABLE');
    const incomplete = await t.request('POST', `/api/v1/visits/${id}/complete`, { token: chen });
    expect(incomplete.json()).toMatchObject({ code: 'RECORD_INCOMPLETE' });
    // The patient sees no draft.
    expect((await t.request('GET', `/api/v1/visits/${id}/record`, { token: zhang })).json().code).toBe(
      'RECORD_NOT_READY',
    );
    const done = await finish(id);
    expect(done).toMatchObject({ status: 'completed', chatClosed: false });
    const rec = (await t.request('GET', `/api/v1/visits/${id}/record`, { token: zhang })).json();
    expect(rec).toMatchObject({
      status: 'signed',
      doctorName: '陈建国',
      certificateSerial: expect.any(String),
    });
    // REC-2: signed is immutable; an addendum is signed on its own.
    const edit = await t.request('PUT', `/api/v1/visits/${id}/record`, { token: chen, body: RECORD });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('RECORD_SIGNED');
    const add = await t.request('POST', `/api/v1/visits/${id}/record/addenda`, {
      token: chen,
      body: { text: '补充：低盐饮食' },
    });
    expect(add.json().addenda).toHaveLength(1);

    // Messages still flow after completion; 48 h after the last one the chat closes.
    const msg = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'after-1', kind: 'text', text: '谢谢医生' },
    });
    expect(msg.statusCode).toBe(201);
    t.clock.advance(47 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).chatClosed).toBe(false);
    t.clock.advance(2 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).chatClosed).toBe(true);
    const late = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'after-2', kind: 'text', text: '还在吗' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('VISIT_CLOSED');

    const kinds = (await t.request('GET', `/api/v1/visits/${id}/timeline`, { token: zhang }))
      .json()
      .items.map((e: { kind: string }) => e.kind);
    for (const k of [
      'created',
      'paid',
      'queued',
      'started',
      'record_saved',
      'record_signed',
      'completed',
      'addendum_signed',
      'message',
      'chat_closed',
    ])
      expect(kinds).toContain(k);
    expect(kinds.indexOf('created')).toBeLessThan(kinds.indexOf('paid'));
    expect(kinds.indexOf('started')).toBeLessThan(kinds.indexOf('completed'));
  });

  it('a patient cancels before the doctor starts and gets the fee back in full', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const v = await visit(zhang, id);
    const res = await t.request('POST', `/api/v1/visits/${id}/cancel`, {
      token: zhang,
      body: { reason: '症状缓解' },
    });
    expect(res.json().status).toBe('cancelled');
    await t.sim!.settle();
    expect(await order(zhang, v.orderId)).toMatchObject({ status: 'refunded', refundedFen: v.feeFen });
    // Cancelling twice changes nothing and refunds nothing more.
    await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} });
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .execute();
    expect(refunds).toHaveLength(1);
  });

  it('an unstarted visit expires after 24 h with a full refund (moved clock); unpaid ones lapse', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const unpaid = (
      await create(lina, {
        type: 'first_visit',
        doctorId: ids.P029,
        patientId: ids.child,
        description: '体检',
      })
    ).json();
    t.clock.advance(23 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).status).toBe('waiting');
    expect((await visit(lina, unpaid.id)).status).toBe('cancelled');
    expect((await order(lina, unpaid.orderId)).status).toBe('closed');
    t.clock.advance(1 * 3600_000 + 1000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    const v = await visit(zhang, id);
    expect(v.status).toBe('expired');
    await t.sim!.settle();
    expect(await order(zhang, v.orderId)).toMatchObject({ status: 'refunded', refundedFen: v.feeFen });
    // The doctor can no longer start it.
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).json().code).toBe(
      'VISIT_NOT_WAITING',
    );
  });

  it('VISIT-3: the doctor stops and refers offline; the patient is refunded, told, and given where to go', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const dept = await t.ctx.db
      .selectFrom('practitioner')
      .select('department_id')
      .where('id', '=', ids.P001!)
      .executeTakeFirstOrThrow();
    const res = await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: {
        reason: '胸痛加重，需要心电图和心肌酶检查',
        recommendation: { departmentId: dept.department_id, note: '今日急诊' },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'referred_offline',
      referral: {
        reason: expect.stringContaining('胸痛'),
        recommendation: { departmentId: dept.department_id, departmentName: '心血管内科' },
      },
    });
    await t.sim!.settle();
    const v = await visit(zhang, id);
    expect((await order(zhang, v.orderId)).status).toBe('refunded');
    const notes = (await t.request('GET', '/api/v1/notifications', { token: zhang })).json();
    expect(JSON.stringify(notes)).toContain('请到线下医院就诊');
    const msg = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: chen,
      body: { clientId: 'x', kind: 'text', text: '还有问题吗' },
    });
    expect(msg.json().code).toBe('VISIT_CLOSED');
  });
});

describe('chat, attachments and records', () => {
  it('a resent clientId is stored once; strangers cannot read messages or attachments', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const body = { clientId: 'c-1', kind: 'text', text: '医生好' };
    const first = await t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body });
    const again = await t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);

    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const up = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: jpeg,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(up.json()).toMatchObject({ mime: 'image/jpeg', hasThumbnail: true });
    const pic = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'c-2', kind: 'image', attachmentId: up.json().id },
    });
    expect(pic.json().attachment).toMatchObject({ id: up.json().id });
    const thumb = await t.request('GET', `/api/v1/attachments/${up.json().id}?thumb=1`, { token: chen });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);

    for (const stranger of [lina, su]) {
      const a = await t.request('GET', `/api/v1/attachments/${up.json().id}`, { token: stranger });
      expect(a.statusCode).toBe(403);
      const m = await t.request('GET', `/api/v1/visits/${id}/messages`, { token: stranger });
      expect(m.statusCode).toBe(403);
    }
    await cancelOpen(zhang, id);
    await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: { reason: '结束测试', recommendation: { note: '线下复诊' } },
    });
  });

  it('attachments are typed by content: a text file called PNG and a broken image are refused', async () => {
    const fake = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: Buffer.from('MZ this is not an image'),
      headers: { 'content-type': 'image/png' },
    });
    expect(fake.statusCode).toBe(415);
    expect(fake.json().code).toBe('UNSUPPORTED_ATTACHMENT');
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const mislabelled = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: png,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(mislabelled.statusCode).toBe(415);
    const broken = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]),
      headers: { 'content-type': 'image/png' },
    });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().code).toBe('IMAGE_UNREADABLE');
  });

  it('SEC-4: the exported signed record verifies, and any change to it is detected (CLI too)', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    await finish(id);
    await t.request('POST', `/api/v1/visits/${id}/record/addenda`, {
      token: chen,
      body: { text: '补充：复查肾功能' },
    });
    const exp = await t.request('GET', `/api/v1/visits/${id}/record/export`, { token: zhang });
    expect(exp.statusCode).toBe(200);
    const file = exp.json() as RecordFile;
    expect(verifyRecordFile(file)).toMatchObject({ ok: true, signer: expect.stringContaining('陈建国') });
    expect(JSON.parse(file.record.document).content.diagnoses[0].icd10).toBe('I10');

    const tampered = structuredClone(file);
    tampered.record.document = tampered.record.document.replace('氨氯地平 5mg', '氨氯地平 50mg');
    const bad = verifyRecordFile(tampered);
    expect(bad.ok).toBe(false);
    expect(bad.problems.join(' ')).toMatch(/SM3|SM2/);
    const forgedAddendum = structuredClone(file);
    forgedAddendum.addenda[0]!.document = forgedAddendum.addenda[0]!.document.replace('肾功能', '肝功能');
    expect(verifyRecordFile(forgedAddendum).ok).toBe(false);

    // An addendum taken from another record of the same doctor, and a record re-labelled with another
    // certificate serial, are both caught.
    const other = await paidVisit(zhang, {
      type: 'consultation',
      doctorId: ids.P001,
      description: '饮食咨询',
    });
    await t.request('POST', `/api/v1/visits/${other}/start`, { token: chen });
    await finish(other, chen, { ...RECORD, diagnoses: [] });
    await t.request('POST', `/api/v1/visits/${other}/record/addenda`, {
      token: chen,
      body: { text: '另一份病历的补充' },
    });
    const otherFile = (
      await t.request('GET', `/api/v1/visits/${other}/record/export`, { token: zhang })
    ).json() as RecordFile;
    const spliced = structuredClone(file);
    spliced.addenda.push(otherFile.addenda[0]!);
    expect(verifyRecordFile(spliced)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/another record/)],
    });
    expect(verifyRecordFile(file, file.ca.publicKeyPem)).toMatchObject({ ok: true, caPinned: true });

    const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-record-'));
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(file));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(tampered));
    const cli = (f: string) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/server/cli.ts', 'verify-record', path.join(dir, f)],
        {
          encoding: 'utf8',
        },
      );
    const good = cli('good.json');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('signature valid');
    const badRun = cli('bad.json');
    expect(badRun.status).toBe(1);
    expect(badRun.stderr).toContain('INVALID');
  });

  it('the timeline is open to the institution and the regulator, not to other institutions', async () => {
    const [v] = (await t.request('GET', '/api/v1/visits?scope=mine', { token: zhang })).json().items;
    const h01Admin = await t.login('13600000001');
    expect((await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: h01Admin })).statusCode).toBe(
      200,
    );
    const reg = await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: regulator });
    expect(reg.statusCode).toBe(200);
    expect(JSON.stringify(reg.json())).not.toContain('谢谢医生');
    expect((await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: h03Admin })).statusCode).toBe(
      403,
    );
    const region = (await t.request('GET', '/api/v1/visits?scope=region', { token: regulator })).json().items;
    expect(region.length).toBeGreaterThan(0);
    expect(region.find((x: { id: string }) => x.id === v.id).patientName).toBe('张*');
  });
});

describe('offline diagnoses', () => {
  it('a hospital doctor records an offline diagnosis, after which the follow-up is allowed; the patient sees it', async () => {
    const patient = await t.ctx.db
      .selectFrom('patient')
      .select('id')
      .where('name', '=', '张伟')
      .executeTakeFirstOrThrow();
    const before = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'E78.5' });
    expect(before.json().code).toBe('FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS');
    const bad = await t.request('POST', `/api/v1/patients/${patient.id}/offline-diagnoses`, {
      token: chen,
      body: { icd10: 'X99.99', diagnosedAt: '2026-10-01' },
    });
    expect(bad.json().code).toBe('UNKNOWN_ICD10');
    const rec = await t.request('POST', `/api/v1/patients/${patient.id}/offline-diagnoses`, {
      token: chen,
      body: { icd10: 'e78.5', diagnosedAt: '2026-10-01' },
    });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(rec.json()).toMatchObject({ icd10: 'E78.5', source: 'staff' });
    const mine = (
      await t.request('GET', `/api/v1/patients/${patient.id}/offline-diagnoses`, { token: zhang })
    ).json();
    expect(mine.items.map((d: { icd10: string }) => d.icd10)).toEqual(
      expect.arrayContaining(['I10', 'E78.5']),
    );
    expect(
      (await t.request('GET', `/api/v1/patients/${patient.id}/offline-diagnoses`, { token: lina }))
        .statusCode,
    ).toBe(403);
    const after = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'E78.5' });
    expect(after.statusCode, after.body).toBe(201);
    await cancelOpen(zhang, after.json().id);
  });
});

describe('lists', () => {
  it('page with a cursor and filter by type and day; the regulator sees masked names in the timeline', async () => {
    const page1 = (
      await t.request('GET', '/api/v1/visits?scope=region&limit=2', { token: regulator })
    ).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (
      await t.request(
        'GET',
        `/api/v1/visits?scope=region&limit=2&before=${encodeURIComponent(page1.nextCursor)}`,
        {
          token: regulator,
        },
      )
    ).json();
    const seen = new Set(page1.items.map((v: { id: string }) => v.id));
    expect(page2.items.some((v: { id: string }) => seen.has(v.id))).toBe(false);
    const firsts = (
      await t.request('GET', '/api/v1/visits?scope=region&type=first_visit', { token: regulator })
    ).json();
    expect(firsts.items.length).toBeGreaterThan(0);
    expect(firsts.items.every((v: { type: string }) => v.type === 'first_visit')).toBe(true);
    const none = (
      await t.request('GET', '/api/v1/visits?scope=region&to=2020-01-01', { token: regulator })
    ).json();
    expect(none.items).toHaveLength(0);
    const zhangVisit = (await t.request('GET', '/api/v1/visits?scope=mine', { token: zhang })).json()
      .items[0];
    const tl = (
      await t.request('GET', `/api/v1/visits/${zhangVisit.id}/timeline`, { token: regulator })
    ).json();
    const names = tl.items
      .filter((e: { actorRole: string }) => e.actorRole === 'patient')
      .map((e: { actorName: string }) => e.actorName);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n: string) => n === '张*')).toBe(true);
  });
});

describe('booked online visits', () => {
  it('a visit from a paid online appointment waits as paid until 30 min before its window, then queues', async () => {
    const admin = await t.login('13600000001');
    const now = new Date(t.clock.now());
    const date = new Date(now.getTime() + 3 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const sched = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId: ids.P001,
        date,
        startTime: '14:00',
        endTime: '15:00',
        mode: 'online_follow_up',
        capacity: 4,
        quotas: { referral: 0, partner: 0 },
      },
    });
    expect(sched.statusCode, sched.body).toBe(201);
    const booked = await t.request('POST', '/api/v1/appointments', {
      token: zhang,
      body: { scheduleId: sched.json().id },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    await pay(zhang, booked.json().orderId);
    // Nobody else can turn this appointment into a visit.
    const stranger = await create(lina, {
      type: 'follow_up',
      appointmentId: booked.json().id,
      conditionCode: 'I10',
    });
    expect(stranger.statusCode).toBe(404);
    const res = await create(zhang, {
      type: 'follow_up',
      appointmentId: booked.json().id,
      conditionCode: 'I10',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'paid', orderId: booked.json().orderId });
    const again = await create(zhang, {
      type: 'follow_up',
      appointmentId: booked.json().id,
      conditionCode: 'I10',
    });
    expect(again.statusCode).toBe(409);
    // The appointment is now the visit's: cancelling it from the booking side would leave a free visit.
    const cancelAppt = await t.request('POST', `/api/v1/appointments/${booked.json().id}/cancel`, {
      token: zhang,
    });
    expect(cancelAppt.statusCode).toBe(409);
    expect(cancelAppt.json().code).toBe('VISIT_IN_PROGRESS');

    const windowStart = new Date(booked.json().windowStart).getTime();
    t.clock.set(new Date(windowStart - 31 * 60_000));
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, res.json().id)).status).toBe('paid');
    t.clock.set(new Date(windowStart - 29 * 60_000));
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect(await visit(zhang, res.json().id)).toMatchObject({ status: 'waiting', queuePosition: 1 });
    expect(
      (await t.request('POST', `/api/v1/visits/${res.json().id}/start`, { token: chen })).statusCode,
    ).toBe(200);
    await finish(res.json().id);
    const appt = await t.ctx.db
      .selectFrom('appointment')
      .select('status')
      .where('id', '=', booked.json().id)
      .executeTakeFirstOrThrow();
    expect(appt.status).toBe('completed');
  });
});

describe('under concurrency', () => {
  it('five simultaneous requests for the same doctor make one visit; the others are told it exists', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused.map((r) => r.json().code)).toEqual(Array(4).fill('DUPLICATE_VISIT'));
    await cancelOpen(zhang, results.find((r) => r.statusCode === 201)!.json().id);
  });

  it('a cancel racing the doctor’s start: exactly one wins, and money moves only if the cancel won', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
      const [start, cancel] = await Promise.all([
        t.request('POST', `/api/v1/visits/${id}/start`, { token: chen }),
        t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} }),
      ]);
      expect([start.statusCode, cancel.statusCode].sort()).toEqual([200, 409]);
      await t.sim!.settle();
      const v = await visit(zhang, id);
      const o = await order(zhang, v.orderId);
      if (cancel.statusCode === 200) {
        expect(v.status).toBe('cancelled');
        expect(o.status).toBe('refunded');
      } else {
        expect(v.status).toBe('in_progress');
        expect(o.status).toBe('paid');
        await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
          token: chen,
          body: { reason: '测试结束', recommendation: { note: '线下复诊' } },
        });
      }
    }
  });

  it('twenty messages sent twice at once are each stored exactly once', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const sends = Array.from({ length: 20 }, (_, i) => ({
      clientId: `burst-${i}`,
      kind: 'text',
      text: `第${i}条`,
    }));
    const results = await Promise.all(
      [...sends, ...sends].map((body) =>
        t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body }),
      ),
    );
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 200)).toBe(true);
    const all = (await t.request('GET', `/api/v1/visits/${id}/messages`, { token: zhang })).json().items;
    const burst = all.filter((m: { clientId?: string }) => m.clientId?.startsWith('burst-'));
    expect(burst).toHaveLength(20);
    await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: { reason: '测试结束', recommendation: { note: '线下复诊' } },
    });
  });
});

describe('remaining lifecycle edges', () => {
  it('a booked visit cancelled while paid returns its token and fee; a waiting visit can be referred before start', async () => {
    const admin = await t.login('13600000001');
    const date = new Date(t.clock.now().getTime() + 5 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const sched = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId: ids.P001,
        date,
        startTime: '09:00',
        endTime: '10:00',
        mode: 'video',
        capacity: 2,
        quotas: { referral: 0, partner: 0 },
      },
    });
    expect(sched.statusCode, sched.body).toBe(201);
    const booked = await t.request('POST', '/api/v1/appointments', {
      token: zhang,
      body: { scheduleId: sched.json().id },
    });
    await pay(zhang, booked.json().orderId);
    const created = await create(zhang, {
      type: 'follow_up',
      appointmentId: booked.json().id,
      conditionCode: 'I10',
    });
    expect(created.json().status).toBe('paid');
    expect((await visit(zhang, created.json().id)).channel).toBe('video');
    const cancelled = await t.request('POST', `/api/v1/visits/${created.json().id}/cancel`, {
      token: zhang,
      body: {},
    });
    expect(cancelled.json().status).toBe('cancelled');
    await t.sim!.settle();
    expect((await order(zhang, booked.json().orderId)).status).toBe('refunded');
    const appt = await t.ctx.db
      .selectFrom('appointment')
      .select('status')
      .where('id', '=', booked.json().id)
      .executeTakeFirstOrThrow();
    expect(appt.status).toBe('cancelled');
    const after = (
      await t.request('GET', `/api/v1/schedules?doctorId=${ids.P001}&date=${date}`, { token: zhang })
    ).json();
    const row = (after.items ?? after).find((s: { id: string }) => s.id === sched.json().id);
    expect(row.available).toBe(2);

    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const referred = await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: { reason: '描述提示急症', recommendation: { note: '请立即到急诊就诊' } },
    });
    expect(referred.json()).toMatchObject({ status: 'referred_offline', doctorName: '陈建国' });
  });
});

describe('refunds survive a gateway outage', () => {
  it('a cancel while the gateway is down still cancels; the recorded refund is submitted again later', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const v = await visit(zhang, id);
    const gateways = t.payments.gateways;
    const real = gateways.get('sim')!;
    gateways.set('sim', {
      channel: 'sim',
      prepay: (r) => real.prepay(r),
      query: (o) => real.query(o),
      parseNotification: (h, b) => real.parseNotification(h, b),
      refund: async () => {
        throw new Error('gateway unreachable');
      },
    });
    const res = await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} });
    gateways.set('sim', real);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('cancelled');
    const pending = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'pending', gateway_refund_id: null, amount_fen: v.feeFen });
    t.clock.advance(60_000);
    expect(await resubmitPendingRefunds(t.ctx, t.payments)).toBe(1);
    await t.sim!.settle();
    const done = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .executeTakeFirstOrThrow();
    expect(done.status).toBe('succeeded');
    expect(await resubmitPendingRefunds(t.ctx, t.payments)).toBe(0);
    await relogin();
  });
});
