import type pg from 'pg';
import { LIVE_STATUSES } from '../src/server/modules/scheduling/schedule.rules.js';

export interface Verdict {
  /** Σ over schedules of max(0, live − capacity), plus Σ over tokens of (live − 1) where a token has >1. */
  overbooked: number;
  /** Acknowledged (201) but not live in the database, plus live in the database but never acknowledged. */
  lostAcks: number;
  /** Live appointments in the database on these schedules. */
  live: number;
  /** Tokens held or booked with no live appointment: not a correctness failure, but a leaked token. */
  strandedTokens: number;
}

/** Checks the bench schedules against what the clients were told. */
export async function verify(
  db: pg.Pool,
  scheduleIds: readonly string[],
  acknowledged: readonly string[],
): Promise<Verdict> {
  const live = [...LIVE_STATUSES];
  const perSchedule = await db.query<{ excess: number }>(
    `select greatest(0, count(a.id) - s.capacity)::int as excess
       from schedule s left join appointment a on a.schedule_id = s.id and a.status = any($2)
      where s.id = any($1) group by s.id, s.capacity`,
    [scheduleIds, live],
  );
  const perToken = await db.query<{ excess: number }>(
    `select (count(*) - 1)::int as excess from appointment
      where schedule_id = any($1) and status = any($2) group by token_id having count(*) > 1`,
    [scheduleIds, live],
  );
  const rows = await db.query<{ id: string }>(
    'select id from appointment where schedule_id = any($1) and status = any($2)',
    [scheduleIds, live],
  );
  const stranded = await db.query<{ n: number }>(
    `select count(*)::int as n from token t
      where t.schedule_id = any($1) and t.status in ('held', 'booked')
        and not exists (select 1 from appointment a where a.token_id = t.id and a.status = any($2))`,
    [scheduleIds, live],
  );
  const inDb = new Set(rows.rows.map((r) => r.id));
  const acked = new Set(acknowledged);
  let lostAcks = acknowledged.length - acked.size; // the same id acknowledged twice
  for (const id of acked) if (!inDb.has(id)) lostAcks++;
  for (const id of inDb) if (!acked.has(id)) lostAcks++;
  const sum = (r: pg.QueryResult<{ excess: number }>) => r.rows.reduce((s, x) => s + x.excess, 0);
  return {
    overbooked: sum(perSchedule) + sum(perToken),
    lostAcks,
    live: inDb.size,
    strandedTokens: stranded.rows[0]!.n,
  };
}
