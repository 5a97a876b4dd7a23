import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNoShows, sendReminders } from '../../src/server/modules/scheduling/schedule-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { makePatients } from '../support/people.js';

// [2/6] the institution's side: weekly templates, booking policy, a schedule's list, check-in.
let t: TestApp;
let admin: string;
let doctorToken: string;
let doctorId: string;

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // 2026-11-22 (a Sunday) 10:00 Asia/Shanghai
  admin = await t.login('13600000001');
  doctorToken = await t.login('13900000001');
  doctorId = (await t.request('GET', '/api/v1/me', { token: doctorToken })).json().practitionerId;
});
afterAll(async () => t.close());

describe('weekly template and policy', () => {
  it('creates a weekly template for N weeks and reports clashes instead of failing', async () => {
    const body = {
      doctorId,
      startDate: '2026-11-23',
      weeks: 2,
      sessions: [
        { weekday: 1, startTime: '08:00', endTime: '11:30', mode: 'offline', capacity: 20 },
        {
          weekday: 3,
          startTime: '14:00',
          endTime: '16:00',
          mode: 'online_follow_up',
          capacity: 10,
          feeFen: 3000,
        },
      ],
    };
    const res = await t.request('POST', '/api/v1/schedules/bulk', { token: admin, body });
    expect(res.statusCode).toBe(201);
    expect(res.json().created).toHaveLength(4);
    const list = (
      await t.request('GET', `/api/v1/schedules?doctorId=${doctorId}&from=2026-11-23&to=2026-12-06`)
    ).json().items;
    expect(list.map((s: { date: string; mode: string }) => `${s.date} ${s.mode}`)).toEqual([
      '2026-11-23 offline',
      '2026-11-25 online_follow_up',
      '2026-11-30 offline',
      '2026-12-02 online_follow_up',
    ]);
    expect(list[1].feeFen).toBe(3000);
    expect(list[0].feeFen).toBe(10_000); // 主任医师 default
    const again = await t.request('POST', '/api/v1/schedules/bulk', {
      token: admin,
      body: { ...body, weeks: 1 },
    });
    expect(again.json().created).toHaveLength(0);
    expect(again.json().skipped.map((s: { code: string }) => s.code)).toEqual([
      'SCHEDULE_OVERLAP',
      'SCHEDULE_OVERLAP',
    ]);
  });

  it('the admin reads and changes the institution policy; new schedules follow it', async () => {
    const policy = (await t.request('GET', '/api/v1/booking-policy', { token: admin })).json();
    expect(policy).toMatchObject({
      releaseDaysAhead: 7,
      releaseTime: '08:00',
      referralPercent: 30,
      partnerPercent: 10,
    });
    const put = await t.request('PUT', '/api/v1/booking-policy', {
      token: admin,
      body: { ...policy, referralPercent: 50, partnerPercent: 0, releaseDaysAhead: 14 },
    });
    expect(put.statusCode).toBe(200);
    const s = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId,
        date: '2026-12-04',
        startTime: '08:00',
        endTime: '10:00',
        mode: 'offline',
        capacity: 10,
      },
    });
    expect(s.json().quotas).toEqual({ public: 5, referral: 5, partner: 0 });
    expect(s.json().releaseAt).toBe('2026-11-20T00:00:00.000Z'); // 14 days ahead, 08:00 Shanghai
    const bad = await t.request('PUT', '/api/v1/booking-policy', {
      token: admin,
      body: { ...policy, referralPercent: 70, partnerPercent: 40 },
    });
    expect(bad.statusCode).toBe(422);
    await t.request('PUT', '/api/v1/booking-policy', { token: admin, body: policy });
  });

  it("another role cannot schedule; an admin cannot schedule another institution's doctor", async () => {
    expect(
      (
        await t.request('POST', '/api/v1/schedules', {
          token: doctorToken,
          body: {
            doctorId,
            date: '2026-11-27',
            startTime: '08:00',
            endTime: '09:00',
            mode: 'offline',
            capacity: 5,
          },
        })
      ).statusCode,
    ).toBe(403);
    const child = await t.ctx.db
      .selectFrom('account')
      .select('practitioner_id')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13900000002'))
      .executeTakeFirstOrThrow();
    const res = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId: child.practitioner_id,
        date: '2026-11-27',
        startTime: '08:00',
        endTime: '09:00',
        mode: 'offline',
        capacity: 5,
      },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_INSTITUTION');
  });
});

describe("the doctor's list and check-in", () => {
  it('the doctor sees who booked; staff check a confirmed patient in on the day; a stranger doctor cannot read it', async () => {
    const s = (
      await t.request('POST', '/api/v1/schedules', {
        token: admin,
        body: {
          doctorId,
          date: '2026-11-22',
          startTime: '15:00',
          endTime: '16:00',
          mode: 'offline',
          capacity: 4,
          feeFen: 0,
          quotas: { referral: 0, partner: 0 },
        },
      })
    ).json();
    const [p] = await makePatients(t, 1);
    const booked = (
      await t.request('POST', '/api/v1/appointments', { token: p!.token, body: { scheduleId: s.id } })
    ).json();
    expect(booked.status).toBe('confirmed'); // free session: no payment hold
    const list = await t.request('GET', `/api/v1/schedules/${s.id}/appointments`, { token: doctorToken });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({ id: booked.id, tokenNumber: 1, status: 'confirmed' });
    const other = await t.login('13900000002');
    expect(
      (await t.request('GET', `/api/v1/schedules/${s.id}/appointments`, { token: other })).statusCode,
    ).toBe(403);
    const checkIn = await t.request('POST', `/api/v1/appointments/${booked.id}/check-in`, { token: admin });
    expect(checkIn.statusCode).toBe(200);
    expect(checkIn.json().status).toBe('checked_in');
    expect(
      (await t.request('POST', `/api/v1/appointments/${booked.id}/check-in`, { token: admin })).json().code,
    ).toBe('NOT_CHECKABLE');
  });
});

describe('reminders and no-shows (background jobs)', () => {
  it('reminds the day before, once; an offline visit never checked in becomes a no-show', async () => {
    const tomorrow = (
      await t.request('POST', '/api/v1/schedules', {
        token: admin,
        body: {
          doctorId,
          date: '2026-11-23',
          startTime: '17:00',
          endTime: '18:00',
          mode: 'offline',
          capacity: 2,
          feeFen: 0,
          quotas: { referral: 0, partner: 0 },
        },
      })
    ).json();
    const today = (
      await t.request('POST', '/api/v1/schedules', {
        token: admin,
        body: {
          doctorId,
          date: '2026-11-22',
          startTime: '17:00',
          endTime: '18:00',
          mode: 'offline',
          capacity: 2,
          feeFen: 0,
          quotas: { referral: 0, partner: 0 },
        },
      })
    ).json();
    const [p, q] = await makePatients(t, 2);
    const a = (
      await t.request('POST', '/api/v1/appointments', { token: p!.token, body: { scheduleId: tomorrow.id } })
    ).json();
    const b = (
      await t.request('POST', '/api/v1/appointments', { token: q!.token, body: { scheduleId: today.id } })
    ).json();
    expect(await sendReminders(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(await sendReminders(t.ctx)).toBe(0);
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: p!.token })).json();
    expect(
      inbox.items.some((x: { kind: string; refId: string }) => x.kind === 'reminder' && x.refId === a.id),
    ).toBe(true);
    expect(inbox.unread).toBeGreaterThanOrEqual(2);
    // The session of `today` ends at 18:00; two hours later the patient who never came is a no-show.
    t.clock.set('2026-11-22T12:30:00Z'); // 20:30 Shanghai
    await recordNoShows(t.ctx);
    const status = await t.ctx.db
      .selectFrom('appointment')
      .select('status')
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('no_show');
    const stillBooked = await t.ctx.db
      .selectFrom('appointment')
      .select('status')
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(stillBooked.status).toBe('confirmed');
  });
});
