/**
 * The online first-visit pilot: the whitelist checks the bar and the bar is checked again on every
 * request (PILOT-2), a minor is seen only from a guardian's account with the guardian's presence confirmed
 * (ID-6, PILOT-3), and eligibility is checked again when the doctor starts (PILOT-1: a revoked or ended
 * pilot scope stops the visit).
 */
import { describe, expect, it } from 'vitest';
import {
  create,
  finish,
  h03Admin,
  ids,
  lina,
  paidVisit,
  RECORD,
  regulator,
  setupVisitsApp,
  su,
  t,
  visit,
  wang,
  zhang,
} from '../support/visits.js';

setupVisitsApp();

describe('first-visit pilot', () => {
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
});
