/**
 * The family-doctor module's daily numbers ([12/12]): a prefix, the day in Asia/Shanghai (yyyymmdd) and a
 * sequence of at least 4 digits (5 past 9999) — FD… contracts, ZZ… referrals (转诊), HS… home services.
 * A transaction-scoped advisory lock on the prefix and day serialises concurrent takers, so two never get
 * the same number (each column is also unique).
 */
import { sql } from 'kysely';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Executor } from '../../platform/db/database.js';

/** Where each prefix's numbers live: the table and its unique number column. */
const SEQUENCES = {
  FD: { table: 'family_contract', column: 'contract_no' },
  ZZ: { table: 'referral', column: 'referral_no' },
  HS: { table: 'home_service', column: 'service_no' },
} as const;

export type SequencePrefix = keyof typeof SEQUENCES;

/** The next number of the day for `prefix`, e.g. ZZ202611220001; call inside the command's transaction. */
export async function dailySequence(trx: Executor, prefix: SequencePrefix, now: Date): Promise<string> {
  const { table, column } = SEQUENCES[prefix];
  const day = `${prefix}${shanghaiDate(now).replaceAll('-', '')}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`family-doctor.sequence:${day}`}, 0))`.execute(
    trx,
  );
  const last = await sql<{ n: string | null }>`
    select max(substr(${sql.ref(column)}, ${day.length + 1})::int)::text as n
    from ${sql.table(table)} where ${sql.ref(column)} like ${`${day}%`}`.execute(trx);
  return `${day}${String(Number(last.rows[0]?.n ?? 0) + 1).padStart(4, '0')}`;
}
