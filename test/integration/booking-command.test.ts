import { describe, expect, it } from 'vitest';
import { book } from '../../src/server/modules/scheduling/booking.service.js';
import type { Actor } from '../../src/server/platform/audit/audit.js';
import type { AuthContext } from '../../src/server/platform/auth/access.js';
import { admin, bookAs, schedule, setupBookingApp, t } from '../support/booking.js';
import { makePatients } from '../support/people.js';

// book() called as a command, without HTTP: one transaction, idempotent by key, refused before any write.
setupBookingApp();

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

  it('[9/12] a sold-out session is refused in one statement, without a transaction; a duplicate hears DUPLICATE_BOOKING first', async () => {
    const full = await schedule({ capacity: 1 });
    const other = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId: full.doctorId,
        date: full.date,
        startTime: '15:00',
        endTime: '16:00',
        mode: 'offline',
        capacity: 5,
        quotas: { referral: 0, partner: 0 },
      },
    });
    expect(other.statusCode).toBe(201);
    const [winner, holder, late] = await makePatients(t, 3);
    expect((await bookAs(winner!.token, full.id)).statusCode).toBe(201);
    expect((await bookAs(holder!.token, other.json().id)).statusCode).toBe(201);
    // The documented order: the patient's standing before the free token (docs/scheduling.md).
    const dup = await bookAs(holder!.token, full.id, {}, { 'idempotency-key': 'dup-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE_BOOKING');

    // Every statement book() sends is counted; opening a transaction fails the test.
    let statements = 0;
    const counted = t.ctx.db.withPlugin({
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const noTransaction = new Proxy(counted, {
      get(target, name) {
        if (name === 'transaction' || name === 'connection')
          throw new Error('a refusal opened a transaction');
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { auth, actor } = asPatient(late!.accountId);
    await expect(
      book({ ...t.ctx, db: noTransaction }, auth, { scheduleId: full.id }, actor, {
        idempotencyKey: 'late-1',
      }),
    ).rejects.toMatchObject({ status: 409, code: 'SLOT_FULL' });
    expect(statements).toBe(1);
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
