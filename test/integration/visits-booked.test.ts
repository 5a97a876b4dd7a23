/**
 * Online visits from booked online appointments: the visit waits as paid until 30 minutes before its
 * window, then queues, and completing it completes the appointment; cancelled while paid, it returns the
 * token and the fee; a waiting visit can be referred offline before it starts.
 */

import { describe, expect, it } from 'vitest';
import { runVisitJobs } from '../../src/server/modules/visits/visit-jobs.js';
import {
  chen,
  create,
  finish,
  ids,
  lina,
  order,
  paidVisit,
  pay,
  relogin,
  setupVisitsApp,
  t,
  visit,
  zhang,
} from '../support/visits.js';

setupVisitsApp();

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
