import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { book } from '../../src/server/modules/scheduling/booking.service.js';
import { expireHolds, releaseReservedQuotas } from '../../src/server/modules/scheduling/schedule-jobs.js';
import type { Actor } from '../../src/server/platform/audit/audit.js';
import type { AuthContext } from '../../src/server/platform/auth/access.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';

// [2/6] booking: tokens never given twice, holds, waitlist, quotas, stop, cancellation (FD-4, ORG-5).
let t: TestApp;
let admin: string;
let doctorId: string;
let day = 0;

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
  admin = await t.login('13600000001');
  const doctor = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13900000001'))
    .executeTakeFirstOrThrow();
  doctorId = doctor.practitioner_id!;
});
afterAll(async () => t.close());

/** A new schedule of 陈建国 (cardiology, YC-H01) on its own day, so the one-per-day rule never interferes. */
async function schedule(body: Record<string, unknown> = {}) {
  day += 1;
  const date = `2026-11-${String(23 + (day % 6)).padStart(2, '0')}`;
  const res = await t.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId,
      date,
      startTime: `${String(8 + Math.floor(day / 6)).padStart(2, '0')}:00`,
      endTime: `${String(8 + Math.floor(day / 6)).padStart(2, '0')}:50`,
      mode: 'offline',
      capacity: 10,
      quotas: { referral: 0, partner: 0 },
      ...body,
    },
  });
  if (res.statusCode !== 201) throw new Error(`schedule: ${res.statusCode} ${res.body}`);
  return res.json();
}

const bookAs = (
  token: string,
  scheduleId: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => t.request('POST', '/api/v1/appointments', { token, body: { scheduleId, ...extra }, headers });

describe('booking under concurrency', () => {
  itOnPostgres('200 requests at once on a 10-token schedule: exactly 10 booked, no token twice', async () => {
    const s = await schedule();
    expect(s).toMatchObject({ capacity: 10, available: 10, feeFen: 10_000 });
    const patients = await makePatients(t, 200);
    const results = await Promise.all(patients.map((p) => bookAs(p.token, s.id)));
    const ok = results.filter((r) => r.statusCode === 201);
    const full = results.filter((r) => r.statusCode === 409);
    expect(ok).toHaveLength(10);
    expect(full).toHaveLength(190);
    expect(new Set(full.map((r) => r.json().code))).toEqual(new Set(['SLOT_FULL']));
    expect(new Set(ok.map((r) => r.json().tokenNumber))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const rows = await t.ctx.db
      .selectFrom('appointment')
      .select(['token_id'])
      .where('schedule_id', '=', s.id)
      .execute();
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.token_id)).size).toBe(10);
    const listed = (
      await t.request('GET', `/api/v1/schedules?doctorId=${doctorId}&from=${s.date}&to=${s.date}`)
    ).json();
    expect(listed.items.find((x: { id: string }) => x.id === s.id).available).toBe(0);
  });

  it('Idempotency-Key: a retried request returns the first result', async () => {
    const s = await schedule();
    const [p] = await makePatients(t, 1);
    const first = await bookAs(p!.token, s.id, {}, { 'idempotency-key': 'retry-1' });
    const again = await bookAs(p!.token, s.id, {}, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const reused = await bookAs(
      p!.token,
      s.id,
      { channel: 'public', patientId: p!.patientId },
      { 'idempotency-key': 'retry-1' },
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  itOnPostgres('Idempotency-Key: six retries at once make one booking and all get its result', async () => {
    const s2 = await schedule();
    const [p] = await makePatients(t, 1);
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => bookAs(p!.token, s2.id, {}, { 'idempotency-key': 'burst-1' })),
    );
    expect(new Set(burst.map((r) => r.json().id)).size).toBe(1);
    const count = await t.ctx.db
      .selectFrom('appointment')
      .select('id')
      .where('schedule_id', '=', s2.id)
      .execute();
    expect(count).toHaveLength(1);
  });
});

describe('booking rules', () => {
  it('not released yet → 409 NOT_RELEASED; same doctor same day → 409 DUPLICATE_BOOKING', async () => {
    const later = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId,
        date: '2026-12-20',
        startTime: '08:00',
        endTime: '09:00',
        mode: 'offline',
        capacity: 5,
      },
    });
    expect(later.statusCode).toBe(201);
    const [p] = await makePatients(t, 1);
    const res = await bookAs(p!.token, later.json().id);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('NOT_RELEASED');
    const s = await schedule();
    expect((await bookAs(p!.token, s.id)).statusCode).toBe(201);
    const s2 = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId,
        date: s.date,
        startTime: '13:00',
        endTime: '14:00',
        mode: 'offline',
        capacity: 5,
        quotas: { referral: 0, partner: 0 },
      },
    });
    const dup = await bookAs(p!.token, s2.json().id);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE_BOOKING');
  });

  it('an account without real-name verification → 403 REAL_NAME_REQUIRED', async () => {
    const { devCode } = (
      await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13866660001' } })
    ).json();
    const token = (
      await t.request('POST', '/api/v1/auth/login', { body: { phone: '13866660001', otp: devCode } })
    ).json().token;
    const s = await schedule();
    const res = await bookAs(token, s.id);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('REAL_NAME_REQUIRED');
  });

  it('a guardian books for a dependent; a stranger cannot (NOT_YOUR_PATIENT)', async () => {
    const lina = await t.login('13800000002');
    const child = (await t.request('GET', '/api/v1/me/dependents', { token: lina })).json().items[0];
    const s = await schedule();
    const res = await bookAs(lina, s.id, { patientId: child.patientId });
    expect(res.statusCode).toBe(201);
    const mine = (await t.request('GET', '/api/v1/appointments', { token: lina })).json();
    expect(mine.items.some((a: { patientName: string }) => a.patientName === '李小宝')).toBe(true);
    const [stranger] = await makePatients(t, 1);
    const other = await bookAs(stranger!.token, s.id, { patientId: child.patientId });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('NOT_YOUR_PATIENT');
  });

  it('3 no-shows in 180 days suspend booking (BOOKING_SUSPENDED)', async () => {
    const [p] = await makePatients(t, 1);
    const s = await schedule();
    const token = await t.ctx.db
      .selectFrom('token')
      .select(['id', 'window_end'])
      .where('schedule_id', '=', s.id)
      .limit(1)
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      await t.ctx.db
        .insertInto('appointment')
        .values({
          id: crypto.randomUUID(),
          schedule_id: s.id,
          token_id: token.id,
          patient_id: p!.patientId,
          booked_by: p!.accountId,
          practitioner_id: doctorId,
          date: `2026-0${i + 7}-01`,
          channel: 'public',
          status: 'no_show',
          token_number: 1,
          window_start: new Date(`2026-0${i + 7}-01T01:00:00Z`),
          window_end: new Date(`2026-0${i + 7}-01T01:10:00Z`),
          fee_fen: 0,
          created_at: t.clock.now(),
        })
        .execute();
    }
    const res = await bookAs(p!.token, (await schedule()).id);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('BOOKING_SUSPENDED');
  });

  it('at most 5 live future bookings per patient (TOO_MANY_BOOKINGS)', async () => {
    const [p] = await makePatients(t, 1);
    for (let i = 0; i < 5; i++) expect((await bookAs(p!.token, (await schedule()).id)).statusCode).toBe(201);
    const sixth = await bookAs(p!.token, (await schedule()).id);
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().code).toBe('TOO_MANY_BOOKINGS');
  });

  it('FD-4: a community-centre doctor of the alliance books the referral channel for a patient', async () => {
    const centre = await t.ctx.db
      .selectFrom('institution as c')
      .innerJoin('institution as h', 'h.id', 'c.alliance_of')
      .select('c.id')
      .where('h.code', '=', 'YC-H01')
      .where('c.type', '=', 'community_centre')
      .executeTakeFirstOrThrow();
    const staff = await makePatients(t, 1);
    await t.ctx.db
      .updateTable('account')
      .set({ roles: ['doctor'], institution_id: centre.id })
      .where('id', '=', staff[0]!.accountId)
      .execute();
    const staffToken = (await createSession(t.ctx, t.ctx.db, { id: staff[0]!.accountId, roles: ['doctor'] }))
      .token;
    const [p] = await makePatients(t, 1);
    const s = await schedule({ capacity: 10, quotas: { referral: 3, partner: 0 } });
    const res = await bookAs(staffToken, s.id, { channel: 'referral', patientId: p!.patientId });
    expect(res.statusCode).toBe(201);
    const row = await t.ctx.db
      .selectFrom('appointment')
      .select(['channel', 'patient_id'])
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'referral', patient_id: p!.patientId });
    // Staff book only the reserved channels; the public one is the patients' own.
    expect((await bookAs(staffToken, s.id, { patientId: p!.patientId })).statusCode).toBe(403);
    // A hospital doctor (not primary care in the alliance) may not use the referral channel.
    const hospitalDoctor = await t.login('13900000002');
    const refused = await bookAs(hospitalDoctor, s.id, { channel: 'referral', patientId: p!.patientId });
    expect(refused.json().code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('a suspended doctor cannot be booked (ORG-5)', async () => {
    const s = await schedule();
    await t.ctx.db
      .updateTable('practitioner')
      .set({ status: 'suspended' })
      .where('id', '=', doctorId)
      .execute();
    const [p] = await makePatients(t, 1);
    const res = await bookAs(p!.token, s.id);
    await t.ctx.db.updateTable('practitioner').set({ status: 'active' }).where('id', '=', doctorId).execute();
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('DOCTOR_SUSPENDED');
  });
});

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
    expect(t.sim!.confirm(pay.json().prepayId)).toBe('paid');
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

describe('book() as a command, without HTTP', () => {
  const asPatient = (accountId: string): { auth: AuthContext; actor: Actor } => ({
    auth: {
      accountId,
      sessionId: 'no-http',
      roles: ['patient'],
      institutionId: null,
      practitionerId: null,
      isStaff: false,
    },
    actor: { accountId, role: 'patient', ip: null },
  });

  it('books in one command; the same Idempotency-Key replays the first result and books nothing more', async () => {
    const s = await schedule();
    const [p] = await makePatients(t, 1);
    const { auth, actor } = asPatient(p!.accountId);
    const first = await book(t.ctx, auth, { scheduleId: s.id }, actor, { idempotencyKey: 'cmd-1' });
    expect(first).toMatchObject({
      status: 201,
      replayed: false,
      body: { status: 'pending_payment', tokenNumber: 1 },
    });
    const again = await book(t.ctx, auth, { scheduleId: s.id }, actor, { idempotencyKey: 'cmd-1' });
    expect(again).toEqual({ ...first, replayed: true });
    // The booking, its audit event and its notification were written once, by the first command.
    const rows = await t.ctx.db
      .selectFrom('appointment')
      .select(['id', 'token_id'])
      .where('schedule_id', '=', s.id)
      .execute();
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    const token = await t.ctx.db
      .selectFrom('token')
      .select('status')
      .where('id', '=', rows[0]!.token_id)
      .executeTakeFirstOrThrow();
    expect(token.status).toBe('held');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['actor_id', 'actor_role'])
      .where('action', '=', 'appointment.book')
      .where('resource_id', '=', first.body.id)
      .execute();
    expect(audit).toEqual([{ actor_id: p!.accountId, actor_role: 'patient' }]);
    const notices = await t.ctx.db
      .selectFrom('notification')
      .select('kind')
      .where('ref_id', '=', first.body.id)
      .execute();
    expect(notices).toEqual([{ kind: 'booked' }]);
    // Without the key the command runs again, and the rules refuse a second booking of the doctor that day.
    await expect(book(t.ctx, auth, { scheduleId: s.id }, actor)).rejects.toMatchObject({
      status: 409,
      code: 'DUPLICATE_BOOKING',
    });
  });

  it('a refused command records nothing, so a retry with its key runs again', async () => {
    const [p] = await makePatients(t, 1);
    const { auth, actor } = asPatient(p!.accountId);
    const later = await schedule({ date: '2026-12-20' }); // released on 2026-12-13
    await expect(
      book(t.ctx, auth, { scheduleId: later.id }, actor, { idempotencyKey: 'cmd-2' }),
    ).rejects.toMatchObject({ status: 409, code: 'NOT_RELEASED' });
    const record = await t.ctx.db
      .selectFrom('idempotency_record')
      .select('key')
      .where('account_id', '=', p!.accountId)
      .execute();
    expect(record).toEqual([]);
    const open = await schedule();
    const retried = await book(t.ctx, auth, { scheduleId: open.id }, actor, { idempotencyKey: 'cmd-2' });
    expect(retried).toMatchObject({ status: 201, replayed: false });
  });

  it('staff cannot book the public channel, before anything is read or written', async () => {
    const s = await schedule();
    const [p] = await makePatients(t, 1);
    const staff: AuthContext = { ...asPatient(p!.accountId).auth, roles: ['doctor'], isStaff: true };
    await expect(
      book(t.ctx, staff, { scheduleId: s.id, patientId: p!.patientId }, asPatient(p!.accountId).actor),
    ).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(
      await t.ctx.db.selectFrom('appointment').select('id').where('schedule_id', '=', s.id).execute(),
    ).toEqual([]);
  });

  it('the SMS of a stop is an outbox event: a process that dies after the commit still sends it, once', async () => {
    const s = await schedule({ feeFen: 0 });
    const [p] = await makePatients(t, 1);
    expect((await bookAs(p!.token, s.id)).statusCode).toBe(201);
    const sent = () =>
      t.sms.sent.filter((m) => m.template === 'notice' && String(m.params.body).includes('设备检修')).length;
    t.ctx.outbox.paused = true; // delivery after commit never happens, as when the process dies there
    try {
      const stop = await t.request('POST', `/api/v1/schedules/${s.id}/stop`, {
        token: admin,
        body: { reason: '设备检修' },
      });
      expect(stop.statusCode).toBe(200);
      expect(sent()).toBe(0);
    } finally {
      t.ctx.outbox.paused = false;
    }
    await t.ctx.outbox.drain();
    expect(sent()).toBe(1);
    await t.ctx.outbox.drain();
    expect(sent()).toBe(1);
  });
});
