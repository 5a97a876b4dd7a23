import { describe, expect, it } from 'vitest';
import type { AppointmentGuide, WaitlistItem } from '../../src/shared/scheduling.js';
import { admin, bookAs, doctorId, schedule, setupBookingApp, t } from '../support/booking.js';
import { itOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';

// [8/12] The visible waitlist: GET /api/v1/waitlist (mine and my dependents', with positions),
// DELETE /api/v1/waitlist/{id} (ID-6: only who may act for the patient), notices in 消息, and an
// appointment's 就诊须知 (GET /api/v1/appointments/{id}/guide). Clock: 2026-11-22 10:00 Shanghai.
setupBookingApp();

const join = (token: string, scheduleId: string, body: Record<string, unknown> = {}) =>
  t.request('POST', `/api/v1/schedules/${scheduleId}/waitlist`, { token, body });
const mine = async (token: string, query = ''): Promise<WaitlistItem[]> => {
  const res = await t.request('GET', `/api/v1/waitlist${query}`, { token });
  expect(res.statusCode).toBe(200);
  return res.json().items;
};
const cancel = (token: string, id: string) => t.request('DELETE', `/api/v1/waitlist/${id}`, { token });
const inbox = async (token: string) =>
  (await t.request('GET', '/api/v1/notifications', { token })).json().items as {
    kind: string;
    title: string;
    body: string;
    refType: string | null;
    refId: string | null;
  }[];

/** A schedule of one public token, booked by a fresh patient: full, so others can join its waitlist. */
async function fullSchedule() {
  const s = await schedule({ capacity: 1 });
  const [holder] = await makePatients(t, 1);
  const booked = (await bookAs(holder!.token, s.id)).json();
  return { s, holder: holder!, booked };
}

describe('我的候补 (GET/DELETE /api/v1/waitlist)', () => {
  it('lists my entries with their position, doctor, place and session, and tells me in 消息 "当前第 N 位"', async () => {
    const { s } = await fullSchedule();
    const [w1, w2] = await makePatients(t, 2);
    expect((await join(w1!.token, s.id)).statusCode).toBe(201);
    t.clock.advance(1000);
    const joined = (await join(w2!.token, s.id)).json();
    expect(joined.position).toBe(2);

    const items = await mine(w2!.token);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: joined.id,
      scheduleId: s.id,
      patientId: w2!.patientId,
      status: 'waiting',
      position: 2,
      doctorId,
      doctorName: '陈建国',
      date: s.date,
      startTime: s.startTime,
      endTime: s.endTime,
      appointmentId: null,
    });
    expect(items[0]!.departmentName).not.toBe('');
    expect(items[0]!.institutionName).not.toBe('');
    expect((await mine(w1!.token))[0]!.position).toBe(1);

    const notice = (await inbox(w2!.token)).find((n) => n.kind === 'waitlist_joined');
    expect(notice).toMatchObject({ title: '已加入候补，当前第 2 位', refType: 'waitlist', refId: joined.id });
    const [, m, d] = s.date.split('-').map(Number);
    expect(notice!.body).toContain(`${m}月${d}日 周`);
    expect(notice!.body).toContain('陈建国');
  });

  it('positions move up when someone ahead cancels, and when the first is promoted', async () => {
    const { s, holder, booked } = await fullSchedule();
    const ws = await makePatients(t, 3);
    for (const w of ws) {
      expect((await join(w.token, s.id)).statusCode).toBe(201);
      t.clock.advance(1000);
    }
    const [a, b, c] = ws as [(typeof ws)[0], (typeof ws)[0], (typeof ws)[0]];
    expect((await mine(c.token))[0]!.position).toBe(3);
    const bEntry = (await mine(b.token))[0]!;
    expect((await cancel(b.token, bEntry.id)).statusCode).toBe(204);
    expect((await mine(c.token))[0]!.position).toBe(2);
    expect((await mine(a.token))[0]!.position).toBe(1);
    // b's cancelled entry stays in the list without a position.
    expect((await mine(b.token))[0]).toMatchObject({ status: 'cancelled', position: null });

    // The holder cancels: a is promoted (an appointment to pay), c becomes first.
    expect(
      (await t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: holder.token }))
        .statusCode,
    ).toBe(200);
    const aEntry = (await mine(a.token))[0]!;
    expect(aEntry.status).toBe('promoted');
    expect(aEntry.position).toBeNull();
    expect(aEntry.appointmentId).not.toBeNull();
    expect((await mine(c.token))[0]!.position).toBe(1);
    expect(await mine(c.token, '?status=cancelled')).toEqual([]);
  });

  it('cancel: 204 and audited, a notice in 消息; a second cancel is 409 WAITLIST_NOT_WAITING', async () => {
    const { s } = await fullSchedule();
    const [w] = await makePatients(t, 1);
    const entry = (await join(w!.token, s.id)).json();
    const res = await cancel(w!.token, entry.id);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const row = await t.ctx.db
      .selectFrom('waitlist_entry')
      .select('status')
      .where('id', '=', entry.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'patient_id'])
      .where('resource_id', '=', entry.id)
      .where('action', '=', 'waitlist.cancel')
      .execute();
    expect(audit).toEqual([{ action: 'waitlist.cancel', patient_id: w!.patientId }]);
    const notice = (await inbox(w!.token)).find((n) => n.kind === 'waitlist_cancelled');
    expect(notice).toMatchObject({ title: '候补已取消', refId: entry.id });

    const again = await cancel(w!.token, entry.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('WAITLIST_NOT_WAITING');
    // Cancelled, the patient may join again.
    expect((await join(w!.token, s.id)).json().position).toBeGreaterThanOrEqual(1);
  });

  it('a promoted entry cannot be cancelled as a waitlist entry (WAITLIST_NOT_WAITING)', async () => {
    const { s, holder, booked } = await fullSchedule();
    const [w] = await makePatients(t, 1);
    const entry = (await join(w!.token, s.id)).json();
    await t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: holder.token });
    const res = await cancel(w!.token, entry.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('WAITLIST_NOT_WAITING');
    expect(res.json().detail).toContain('我的预约');
  });

  it("ID-6: a guardian sees and cancels a dependent's entry; a stranger gets 403 NOT_YOUR_PATIENT, a bad id 400/404", async () => {
    const lina = await t.login('13800000002');
    const child = (await t.request('GET', '/api/v1/me/dependents', { token: lina })).json().items[0];
    const { s } = await fullSchedule();
    const entry = (await join(lina, s.id, { patientId: child.patientId })).json();
    const listed = (await mine(lina)).find((i) => i.id === entry.id);
    expect(listed).toMatchObject({ patientName: '李小宝', position: 1, status: 'waiting' });

    const [stranger] = await makePatients(t, 1);
    expect(await mine(stranger!.token)).toEqual([]);
    const refused = await cancel(stranger!.token, entry.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('NOT_YOUR_PATIENT');
    expect((await mine(lina)).find((i) => i.id === entry.id)?.status).toBe('waiting');

    const unknown = await cancel(lina, '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const bad = await cancel(lina, 'not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect((await t.request('GET', '/api/v1/waitlist?limit=0', { token: lina })).statusCode).toBe(400);

    expect((await cancel(lina, entry.id)).statusCode).toBe(204);
    expect((await t.request('GET', '/api/v1/waitlist')).statusCode).toBe(401);
  });
});

describe('就诊须知 (GET /api/v1/appointments/{id}/guide)', () => {
  it('address, the real cancel deadline and no-show rule; the queue only on the day', async () => {
    const s = await schedule({ feeFen: 0 });
    const [p] = await makePatients(t, 1);
    const booked = (await bookAs(p!.token, s.id)).json();
    const res = await t.request('GET', `/api/v1/appointments/${booked.id}/guide`, { token: p!.token });
    expect(res.statusCode).toBe(200);
    const g = res.json() as AppointmentGuide;
    expect(g.institutionAddress).toBeTruthy();
    expect(g.departmentName).not.toBe('');
    // Tertiary default policy: cancel until 2 hours before the session; 3 no-shows in 180 days → 90 days.
    expect(g.cancelCutoffMinutes).toBe(120);
    expect(g.cancelDeadline).toBe(
      new Date(new Date(`${s.date}T${s.startTime}:00+08:00`).getTime() - 2 * 3600_000).toISOString(),
    );
    expect(g.noShow).toEqual({ limit: 3, windowDays: 180, suspensionDays: 90 });
    expect(g.queue).toBeNull();

    const [stranger] = await makePatients(t, 1);
    const refused = await t.request('GET', `/api/v1/appointments/${booked.id}/guide`, {
      token: stranger!.token,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('on the visit day: my token number and how many live appointments are ahead', async () => {
    const today = await t.request('POST', '/api/v1/schedules', {
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
    });
    expect(today.statusCode).toBe(201);
    const ps = await makePatients(t, 3);
    const booked: { id: string; tokenNumber: number }[] = [];
    for (const p of ps) booked.push((await bookAs(p.token, today.json().id)).json());
    const guide = async (i: number) =>
      (await t.request('GET', `/api/v1/appointments/${booked[i].id}/guide`, { token: ps[i]!.token })).json()
        .queue;
    expect(await guide(2)).toEqual({
      tokenNumber: booked[2].tokenNumber,
      ahead: 2,
      seen: 0,
      checkedIn: false,
    });
    await t.request('POST', `/api/v1/appointments/${booked[0].id}/cancel`, { token: ps[0]!.token });
    expect((await guide(2)).ahead).toBe(1);
  });
});

describe('races', () => {
  itOnPostgres(
    'cancelling a waitlist entry while a returned token promotes it: one outcome, never both',
    async () => {
      for (let round = 0; round < 6; round++) {
        const { s, holder, booked } = await fullSchedule();
        const [w] = await makePatients(t, 1);
        const entry = (await join(w!.token, s.id)).json();
        const [off, promo] = await Promise.all([
          cancel(w!.token, entry.id),
          t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: holder.token }),
        ]);
        expect(promo.statusCode).toBe(200);
        const row = await t.ctx.db
          .selectFrom('waitlist_entry')
          .select(['status', 'appointment_id'])
          .where('id', '=', entry.id)
          .executeTakeFirstOrThrow();
        const appointments = await t.ctx.db
          .selectFrom('appointment')
          .select('status')
          .where('patient_id', '=', w!.patientId)
          .execute();
        if (off.statusCode === 204) {
          // Cancelled first: no appointment for w, and the token is free again.
          expect(row).toEqual({ status: 'cancelled', appointment_id: null });
          expect(appointments).toEqual([]);
          const free = await t.ctx.db
            .selectFrom('token')
            .select('status')
            .where('schedule_id', '=', s.id)
            .where('channel', '=', 'public')
            .executeTakeFirstOrThrow();
          expect(free.status).toBe('free');
        } else {
          expect(off.statusCode).toBe(409);
          expect(off.json().code).toBe('WAITLIST_NOT_WAITING');
          expect(row.status).toBe('promoted');
          expect(appointments).toEqual([{ status: 'pending_payment' }]);
        }
      }
    },
  );

  itOnPostgres(
    'two waiting patients: the first cancels while a token returns — the second is promoted',
    async () => {
      const { s, holder, booked } = await fullSchedule();
      const [first, second] = await makePatients(t, 2);
      const e1 = (await join(first!.token, s.id)).json();
      t.clock.advance(1000);
      await join(second!.token, s.id);
      const [off] = await Promise.all([
        cancel(first!.token, e1.id),
        t.request('POST', `/api/v1/appointments/${booked.id}/cancel`, { token: holder.token }),
      ]);
      const promotedFor = await t.ctx.db
        .selectFrom('appointment')
        .select('patient_id')
        .where('schedule_id', '=', s.id)
        .where('status', '=', 'pending_payment')
        .execute();
      // Whichever won, exactly one of them holds the token, and a cancelled entry never got it.
      expect(promotedFor).toHaveLength(1);
      expect(promotedFor[0]!.patient_id).toBe(off.statusCode === 204 ? second!.patientId : first!.patientId);
    },
  );
});
