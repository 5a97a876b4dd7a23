import type pg from 'pg';
import { newId } from '../src/server/platform/ids.js';
import type { BenchSchedule } from './booking-setup.js';

export interface CeilingAttempt {
  schedule: BenchSchedule;
  patientId: string;
  accountId: string;
}

export interface CeilingOutput {
  booked: number;
  full: number;
  errors: Record<string, number>;
  /** Acknowledged appointment ids (committed). */
  ids: string[];
  latenciesMs: number[];
  wallMs: number;
}

const HOLD_MINUTES = 15;

/**
 * The least a booking can cost the database: the transaction of booking.service.ts `book()` with every
 * check taken out and every value known in advance — take a free token (FOR UPDATE SKIP LOCKED), write
 * the payment order (payments `createOrder`), the appointment and its audit event, commit. Parameterised
 * queries on a pg Pool as the server uses (no named prepared statements), `concurrency` callers queueing
 * for `pool.max` connections.
 */
export async function runCeiling(
  db: pg.Pool,
  attempts: readonly CeilingAttempt[],
  concurrency: number,
): Promise<CeilingOutput> {
  const out: CeilingOutput = { booked: 0, full: 0, errors: {}, ids: [], latenciesMs: [], wallMs: 0 };
  const one = async (a: CeilingAttempt) => {
    const t0 = performance.now();
    const client = await db.connect();
    try {
      await client.query('begin');
      const now = new Date();
      const taken = await client.query<{
        id: string;
        token_number: number;
        window_start: Date;
        window_end: Date;
      }>(
        `update token set status = 'held'
          where id = (select id from token where schedule_id = $1 and channel = 'public' and status = 'free'
                      order by token_number limit 1 for update skip locked)
          returning id, token_number, window_start, window_end`,
        [a.schedule.id],
      );
      const token = taken.rows[0];
      if (!token) {
        await client.query('rollback');
        out.full++;
        return;
      }
      const appointmentId = newId();
      const orderId = newId();
      const holdUntil = new Date(now.getTime() + HOLD_MINUTES * 60_000);
      await client.query(
        `insert into payment_order (id, patient_id, account_id, purpose, ref_id, description, amount_fen,
                                    status, expires_at, created_at)
         values ($1, $2, $3, 'appointment', $4, $5, $6, 'created', $7, $8)`,
        [
          orderId,
          a.patientId,
          a.accountId,
          appointmentId,
          `挂号费 ${a.schedule.doctorName} ${a.schedule.date}`,
          a.schedule.feeFen,
          holdUntil,
          now,
        ],
      );
      await client.query(
        `insert into appointment (id, schedule_id, token_id, patient_id, booked_by, practitioner_id, date,
                                  channel, status, token_number, window_start, window_end, fee_fen, order_id,
                                  hold_until, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, 'public', 'pending_payment', $8, $9, $10, $11, $12, $13, $14)`,
        [
          appointmentId,
          a.schedule.id,
          token.id,
          a.patientId,
          a.accountId,
          a.schedule.doctorId,
          a.schedule.date,
          token.token_number,
          token.window_start,
          token.window_end,
          a.schedule.feeFen,
          orderId,
          holdUntil,
          now,
        ],
      );
      await client.query(
        `insert into audit_event (occurred_at, actor_id, actor_role, action, outcome, resource_type,
                                  resource_id, patient_id, ip, details)
         values ($1, $2, 'patient', 'appointment.book', 'success', 'appointment', $3, $4, '127.0.0.1', $5)`,
        [
          now,
          a.accountId,
          appointmentId,
          a.patientId,
          JSON.stringify({ scheduleId: a.schedule.id, channel: 'public', tokenNumber: token.token_number }),
        ],
      );
      await client.query('commit');
      out.booked++;
      out.ids.push(appointmentId);
    } catch (err) {
      await client.query('rollback').catch(() => {});
      const code = (err as { code?: string }).code ?? String(err);
      out.errors[code] = (out.errors[code] ?? 0) + 1;
    } finally {
      client.release();
      out.latenciesMs.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < attempts.length) await one(attempts[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, attempts.length) }, lane));
  out.wallMs = performance.now() - started;
  return out;
}
