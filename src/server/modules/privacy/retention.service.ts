import { sql } from 'kysely';
import {
  AUDIT_RETENTION_FLOOR_MONTHS,
  type AuditRetention,
  type AuditRetentionKind,
  type PutAuditRetentionBody,
} from '../../../shared/privacy.js';
import { type Actor, systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { countAuditBefore, purgeIdempotencyRecords } from '../../platform/retention.js';
import { purgeEndedSessions, purgeExpiredOtpCodes, purgeLoginGuards } from '../identity/privacy.js';
import { ordersCreatedBefore } from '../payments/privacy.js';
import { prescriptionsIssuedBefore } from '../prescriptions/privacy.js';
import { visitsEndedBefore } from '../visits/privacy.js';
import { privacyErrors } from './privacy.errors.js';
import {
  AUDIT_KIND_ENTRY,
  PURGE_AFTER_MS,
  RETENTION_SCHEDULE,
  type RetentionKind,
  scheduleEntry,
} from './retention.schedule.js';

export const AUDIT_KINDS: readonly AuditRetentionKind[] = ['medical', 'security', 'operations'];

/** `months` calendar months before `at` (UTC). */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

const NOTE =
  '审计记录只追加、不删除（DJ-14、REC-4）：在线期限到期的审计记录仅标记为“可归档”，仍在线保留并参与 SM3 哈希链校验；' +
  '迁出到加密归档存储（保留各区块链头哈希）尚未实施，届时只迁出到期且已封存的整块。期限不得低于法定下限：' +
  '病历相关审计 15 年（REC-1），其他 6 个月（网络安全法 第二十一条）。';
const NOTE_EN =
  'Audit records are append-only and never deleted (DJ-14, REC-4): records past their online period are only counted as ' +
  'eligible for archive; they stay online and in the SM3 chain. Moving sealed blocks to an encrypted archive (keeping each ' +
  "block's head hash) is not built yet. Floors: medical-data audit 15 years (REC-1), other audit 6 months (Cybersecurity Law art. 21).";

interface SettingRow {
  kind: string;
  months_online: number;
  updated_at: Date;
  updated_by: string | null;
}

async function settings(db: Executor): Promise<Map<AuditRetentionKind, SettingRow>> {
  const rows = await db.selectFrom('retention_setting').selectAll().execute();
  return new Map(rows.map((r) => [r.kind as AuditRetentionKind, r]));
}

/** The months each kind of audit record stays online: the setting, or the legal floor by default. */
export async function auditMonthsOnline(db: Executor): Promise<Record<AuditRetentionKind, number>> {
  const set = await settings(db);
  return Object.fromEntries(
    AUDIT_KINDS.map((k) => [k, set.get(k)?.months_online ?? AUDIT_RETENTION_FLOOR_MONTHS[k]]),
  ) as Record<AuditRetentionKind, number>;
}

async function view(db: Executor, now: Date): Promise<AuditRetention> {
  const set = await settings(db);
  const kinds = [];
  for (const kind of AUDIT_KINDS) {
    const row = set.get(kind);
    const months = row?.months_online ?? AUDIT_RETENTION_FLOOR_MONTHS[kind];
    const entry = scheduleEntry(AUDIT_KIND_ENTRY[kind]);
    kinds.push({
      kind,
      label: entry.label,
      labelEn: entry.labelEn,
      monthsOnline: months,
      floorMonths: AUDIT_RETENTION_FLOOR_MONTHS[kind],
      rule: entry.rule ?? 'DJ-16',
      eligibleForArchive: await countAuditBefore(db, kind, monthsBefore(now, months)),
      updatedAt: row ? new Date(row.updated_at).toISOString() : null,
      updatedBy: row?.updated_by ?? null,
    });
  }
  const last = await db
    .selectFrom('retention_run')
    .select(['ran_at', 'counts'])
    .orderBy('ran_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    kinds,
    note: NOTE,
    noteEn: NOTE_EN,
    schedule: RETENTION_SCHEDULE.map((e) => ({ ...e, tables: [...e.tables] })),
    lastRun: last ? { at: new Date(last.ran_at).toISOString(), counts: last.counts } : null,
  };
}

/** DJ-15, DJ-16: the audit administrator reads the retention setting (the read is audited). */
export async function getAuditRetention(ctx: AppContext, actor: Actor): Promise<AuditRetention> {
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await audit({ action: 'audit.retention.read', resourceType: 'retention_setting' });
    return view(trx, now);
  });
}

/**
 * DJ-15, DJ-16: the audit administrator sets how many months each kind of audit record stays online.
 * Below the legal floor is refused (422 RETENTION_BELOW_FLOOR); the change is audited with before/after.
 */
export async function putAuditRetention(
  ctx: AppContext,
  actor: Actor,
  body: PutAuditRetentionBody,
): Promise<AuditRetention> {
  for (const { kind, monthsOnline } of body.kinds) {
    const floor = AUDIT_RETENTION_FLOOR_MONTHS[kind];
    if (monthsOnline < floor) {
      throw privacyErrors.belowFloor(
        `${scheduleEntry(AUDIT_KIND_ENTRY[kind]).label}在线保存不得少于 ${floor} 个月（${scheduleEntry(AUDIT_KIND_ENTRY[kind]).rule}），请求为 ${monthsOnline} 个月。`,
        { kind, floorMonths: floor, monthsOnline },
      );
    }
  }
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const before = await auditMonthsOnline(trx);
    const changes = [];
    for (const { kind, monthsOnline } of body.kinds) {
      await trx
        .insertInto('retention_setting')
        .values({ kind, months_online: monthsOnline, updated_at: now, updated_by: actor.accountId })
        .onConflict((oc) =>
          oc
            .column('kind')
            .doUpdateSet({ months_online: monthsOnline, updated_at: now, updated_by: actor.accountId }),
        )
        .execute();
      changes.push({ kind, from: before[kind], to: monthsOnline });
    }
    await audit({ action: 'audit.retention.set', resourceType: 'retention_setting', details: { changes } });
    return view(trx, now);
  });
}

const RETENTION_LOCK_KEY = 7_283_034;
/** The job loop runs often; retention needs to run only hourly. */
export const RETENTION_EVERY_MS = 3600_000;
const ARCHIVE_BATCH = 1000;

async function markArchived(trx: Executor, kind: RetentionKind, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await trx
    .insertInto('retention_archive')
    .values(ids.map((ref_id) => ({ kind, ref_id, archived_at: now })))
    .onConflict((oc) => oc.columns(['kind', 'ref_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

const yearsOf = (kind: RetentionKind) => scheduleEntry(kind).months ?? 0;

/**
 * The retention job (DJ-16, REC-4), run by the leader in the background job loop at most hourly (or with
 * `force`): deletes what the schedule allows to delete (expired codes, ended sessions, stale failure
 * counters, old idempotency records), marks archived what is past its period under a rule (visits and
 * their records, prescriptions, payments — never deleted), and counts audit records past their online
 * period (never deleted, DJ-14). Idempotent: a second run finds nothing new. Returns the counts, or null
 * when it did not run (ran recently, or another node holds the lock).
 */
export async function runRetentionJobs(
  ctx: AppContext,
  opts: { force?: boolean } = {},
): Promise<Record<string, number> | null> {
  return runCommand(ctx, systemActor, async ({ trx, now, audit }) => {
    const lock = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) as ok`.execute(trx);
    if (!lock.rows[0]?.ok) return null;
    if (!opts.force) {
      const last = await trx
        .selectFrom('retention_run')
        .select('ran_at')
        .orderBy('ran_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && now.getTime() - new Date(last.ran_at).getTime() < RETENTION_EVERY_MS) return null;
    }
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const counts: Record<string, number> = {
      otp_code_deleted: await purgeExpiredOtpCodes(trx, ago(PURGE_AFTER_MS.otpCode)),
      session_deleted: await purgeEndedSessions(trx, ago(PURGE_AFTER_MS.session)),
      login_guard_deleted: await purgeLoginGuards(trx, ago(PURGE_AFTER_MS.otpCode), now),
      idempotency_deleted: await purgeIdempotencyRecords(trx, ago(PURGE_AFTER_MS.idempotency)),
      medical_record_archived: await markArchived(
        trx,
        'medical_record',
        await visitsEndedBefore(trx, monthsBefore(now, yearsOf('medical_record')), ARCHIVE_BATCH),
        now,
      ),
      prescription_archived: await markArchived(
        trx,
        'prescription',
        await prescriptionsIssuedBefore(trx, monthsBefore(now, yearsOf('prescription')), ARCHIVE_BATCH),
        now,
      ),
      payment_archived: await markArchived(
        trx,
        'payment',
        await ordersCreatedBefore(trx, monthsBefore(now, yearsOf('payment')), ARCHIVE_BATCH),
        now,
      ),
    };
    const online = await auditMonthsOnline(trx);
    for (const kind of AUDIT_KINDS) {
      counts[`audit_${kind}_eligible_for_archive`] = await countAuditBefore(
        trx,
        kind,
        monthsBefore(now, online[kind]),
      );
    }
    await trx
      .insertInto('retention_run')
      .values({ id: newId(), ran_at: now, counts: JSON.stringify(counts) })
      .execute();
    await audit({ action: 'retention.run', resourceType: 'retention_run', details: counts });
    return counts;
  });
}
