import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { admin, bookAs, doctorId, schedule, setupBookingApp, t } from '../support/booking.js';
import { itOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';

// Booking a token: never given twice, Idempotency-Key, and the rules that refuse a booking (FD-4, ORG-5).
setupBookingApp();

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
      await t.request('POST', '/api/v1/auth/login', {
        body: { phone: '13866660001', otp: devCode, consent: agreeToCurrent() },
      })
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
