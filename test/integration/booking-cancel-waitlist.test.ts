import { describe, expect, it } from 'vitest';
import { expireHolds, releaseReservedQuotas } from '../../src/server/modules/scheduling/schedule-jobs.js';
import { admin, bookAs, doctorId, schedule, setupBookingApp, t } from '../support/booking.js';
import { makePatients } from '../support/people.js';

// After booking: unpaid holds expire, cancellation hands the token to the waitlist, reserved quotas go
// public, and a stopped schedule cancels and refunds (FD-4).
setupBookingApp();

describe('holds, cancellation, waitlist, quotas, stop', () => {
  it('an unpaid hold expires after 15 minutes (moved clock) and the token returns', async () => {
    const s = await schedule({ capacity: 1 });
    const [a, b] = await makePatients(t, 2);
    const booked = (await bookAs(a!.token, s.id)).json();
    expect(booked.status).toBe('pending_payment');
    expect((await bookAs(b!.token, s.id)).json().code).toBe('SLOT_FULL');
    const status = async () =>
      (
        await t.ctx.db
          .selectFrom('appointment')
          .select('status')
          .where('id', '=', booked.id)
          .executeTakeFirstOrThrow()
      ).status;
    t.clock.advance(14 * 60_000);
    await expireHolds(t.ctx);
    expect(await status()).toBe('pending_payment');
    t.clock.advance(2 * 60_000);
    expect(await expireHolds(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('expired');
    const order = (await t.request('GET', `/api/v1/orders/${booked.orderId}`, { token: a!.token })).json();
    expect(order.status).toBe('closed');
    expect((await bookAs(b!.token, s.id)).statusCode).toBe(201);
  });

  it('a cancelled token goes at once to the first on the waitlist, with a hold to pay', async () => {
    const s = await schedule({ capacity: 1 });
    const [a, w1, w2] = await makePatients(t, 3);
    const booked = (await bookAs(a!.token, s.id)).json();
    const join1 = await t.request('POST', `/api/v1/schedules/${s.id}/waitlist`, {
      token: w1!.token,
      body: {},
    });
    expect(join1.statusCode).toBe(201);
    expect(join1.json().position).toBe(1);
    t.clock.advance(1000);
    expect(
      (await t.request('POST', `/api/v1/schedules/${s.id}/waitlist`, { token: w2!.token, body: {} })).json()
        .position,
    ).toBe(2);
    const cancel = await t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: a!.token });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    const promoted = (await t.request('GET', '/api/v1/appointments', { token: w1!.token })).json().items;
    expect(promoted).toHaveLength(1);
    expect(promoted[0]).toMatchObject({ status: 'pending_payment', tokenNumber: 1 });
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: w1!.token })).json();
    expect(inbox.items[0]).toMatchObject({ kind: 'waitlist_promoted', title: '候补成功' });
    expect((await t.request('GET', '/api/v1/appointments', { token: w2!.token })).json().items).toHaveLength(
      0,
    );
  });

  it('no cancellation within 2 hours of the session (CANCEL_WINDOW_CLOSED)', async () => {
    const today = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId,
        date: '2026-11-22',
        startTime: '11:30',
        endTime: '12:00',
        mode: 'offline',
        capacity: 3,
        quotas: { referral: 0, partner: 0 },
      },
    });
    const [p] = await makePatients(t, 1);
    const booked = (await bookAs(p!.token, today.json().id)).json();
    const res = await t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: p!.token });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CANCEL_WINDOW_CLOSED');
  });

  it('reserved referral tokens: patients cannot take them; unused ones go public 24 h before (FD-4)', async () => {
    const s = await schedule({ capacity: 10, quotas: undefined }); // tertiary default: 30% referral, 10% partner
    expect(s.quotas).toEqual({ public: 6, referral: 3, partner: 1 });
    const [p] = await makePatients(t, 1);
    const res = await bookAs(p!.token, s.id, { channel: 'referral', patientId: p!.patientId });
    expect(res.statusCode).toBe(403);
    const before = (
      await t.request('GET', `/api/v1/schedules?doctorId=${doctorId}&from=${s.date}&to=${s.date}`)
    )
      .json()
      .items.find((x: { id: string }) => x.id === s.id);
    expect(before.available).toBe(6);
    const row = await t.ctx.db
      .selectFrom('schedule')
      .select('reserved_release_at')
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    const saved = t.clock.now();
    t.clock.set(new Date(row.reserved_release_at.getTime() + 1000));
    expect(await releaseReservedQuotas(t.ctx)).toBeGreaterThanOrEqual(4);
    t.clock.set(saved);
    const after = (
      await t.request('GET', `/api/v1/schedules?doctorId=${doctorId}&from=${s.date}&to=${s.date}`)
    )
      .json()
      .items.find((x: { id: string }) => x.id === s.id);
    expect(after.available).toBe(10);
  });

  it('stopping a schedule cancels its appointments, refunds paid fees in full and tells the patients', async () => {
    const s = await schedule({ capacity: 2 });
    const [a, b] = await makePatients(t, 2);
    const paid = (await bookAs(a!.token, s.id)).json();
    const pay = await t.request('POST', `/api/v1/orders/${paid.orderId}/pay`, {
      token: a!.token,
      body: { channel: 'sim' },
    });
    expect(pay.json().cashierUrl).toMatch(/\/sim-gateway\/cashier\//);
    expect(await t.sim!.confirm(pay.json().prepayId)).toBe('paid');
    await t.sim!.settle();
    expect(
      (await t.request('GET', `/api/v1/orders/${paid.orderId}`, { token: a!.token })).json().status,
    ).toBe('paid');
    const unpaid = (await bookAs(b!.token, s.id)).json();
    const stop = await t.request('POST', `/api/v1/schedules/${s.id}/stop`, {
      token: admin,
      body: { reason: '医生临时外出会诊' },
    });
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ status: 'stopped', cancelled: 2 });
    await t.sim!.settle();
    const order = (await t.request('GET', `/api/v1/orders/${paid.orderId}`, { token: a!.token })).json();
    expect(order).toMatchObject({ status: 'refunded', refundedFen: order.amountFen });
    expect(
      (await t.request('GET', `/api/v1/orders/${unpaid.orderId}`, { token: b!.token })).json().status,
    ).toBe('closed');
    const refund = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', paid.orderId)
      .execute();
    expect(refund).toHaveLength(1);
    expect(refund[0]!.status).toBe('succeeded');
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: a!.token })).json();
    expect(inbox.items[0].kind).toBe('schedule_stopped');
    expect(t.sms.sent.some((m) => m.template === 'notice' && m.params.title === '医生停诊通知')).toBe(true);
    expect((await bookAs(b!.token, s.id)).json().code).toBe('SCHEDULE_STOPPED');
  });
});
