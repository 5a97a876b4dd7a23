import { describe, expect, it } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import {
  addSchedule,
  free,
  get,
  institutionId,
  orgAdmin,
  practitioner,
  regulator,
  setupDirectoryApp,
  t,
} from '../support/directory.js';

// The regulator suspends and reinstates doctors and institutions (ORG-5).
setupDirectoryApp();

describe('the regulator suspends and reinstates (ORG-5)', () => {
  it('a suspended doctor is still listed, flagged, with no next available session', async () => {
    const liu = await practitioner('P002');
    await addSchedule('P002', { date: '2026-11-24', mode: 'offline', tokens: free(3) });
    const before = (await get(`/api/v1/doctors/${liu.id}`)).json();
    expect(before).toMatchObject({ status: 'active', bookable: true });
    expect(before.nextAvailable).toEqual({ date: '2026-11-24', mode: 'offline', available: 3 });

    const res = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: { reason: '执业证书注册信息核查中' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'suspended', bookable: false, nextAvailable: null });
    const listed = (await get(`/api/v1/doctors?q=${encodeURIComponent('刘慧敏')}`)).json().items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'suspended', bookable: false, nextAvailable: null });
    const row = await t.ctx.db
      .selectFrom('practitioner')
      .select(['status', 'suspension_reason', 'suspended_at'])
      .where('id', '=', liu.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'suspended', suspension_reason: '执业证书注册信息核查中' });
    expect(row.suspended_at?.toISOString()).toBe(t.clock.now().toISOString());

    const again = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: { reason: '重复' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_SUSPENDED');

    const back = await t.request('POST', `/api/v1/practitioners/${liu.id}/reinstate`, { token: regulator });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: 'active', bookable: true, nextAvailable: { available: 3 } });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_role', 'details'])
      .where('resource_id', '=', liu.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      {
        action: 'practitioner.suspend',
        actor_role: 'regulator',
        details: { institutionId: liu.institution_id, reason: '执业证书注册信息核查中' },
      },
      {
        action: 'practitioner.reinstate',
        actor_role: 'regulator',
        details: { institutionId: liu.institution_id },
      },
    ]);
  });

  it('only the regulator suspends; a reason is required', async () => {
    const liu = await practitioner('P002');
    const byAdmin = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: orgAdmin,
      body: { reason: '自行停诊' },
    });
    expect(byAdmin.statusCode).toBe(403);
    expect(byAdmin.json().code).toBe('FORBIDDEN');
    const noReason = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: {},
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields[0].field).toBe('body.reason');
    const notSuspended = await t.request('POST', `/api/v1/practitioners/${liu.id}/reinstate`, {
      token: regulator,
    });
    expect(notSuspended.json().code).toBe('NOT_SUSPENDED');
    const ghost = await t.request('POST', `/api/v1/practitioners/${newId()}/suspend`, {
      token: regulator,
      body: { reason: '核查' },
    });
    expect(ghost.statusCode).toBe(404);
  });

  it('a suspended institution’s doctors cannot be booked', async () => {
    const h01 = await institutionId('YC-H01');
    const res = await t.request('POST', `/api/v1/institutions/${h01}/suspend`, {
      token: regulator,
      body: { reason: '医疗质量安全专项检查' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'YC-H01', status: 'suspended' });
    const chen = (await get(`/api/v1/doctors/${(await practitioner('P001')).id}`)).json();
    expect(chen).toMatchObject({ status: 'active', bookable: false, nextAvailable: null });
    const suspended = (await get('/api/v1/institutions?status=suspended')).json().items;
    expect(suspended.map((i: { code: string }) => i.code)).toEqual(['YC-H01']);
    const back = await t.request('POST', `/api/v1/institutions/${h01}/reinstate`, { token: regulator });
    expect(back.json().status).toBe('active');
    expect((await get(`/api/v1/doctors/${(await practitioner('P001')).id}`)).json().bookable).toBe(true);
    const actions = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('resource_id', '=', h01)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['institution.suspend', 'institution.reinstate']);
  });
});
