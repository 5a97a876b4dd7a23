/**
 * DJ-30: exports and bulk reads of personal data are rate-limited per account, and unusual volume raises an
 * alert (DJ-17). Other modules call these before they export or read:
 *
 * - `guardExport(ctx, actor, kind)` before every export (a record's PDF/Bundle, a signed visit record, FHIR
 *   `$everything`, the audit export, reconciliation CSV): beyond `config.security.alerts.exportsPerHour`
 *   exports in the last hour the export is refused (429 EXPORT_RATE_LIMITED), audited, and an alert raised.
 * - `guardBulkRead(ctx, actor, patientId)` before a staff read of one patient's data (security.hooks.ts calls
 *   it for every patient-scoped route): beyond `bulkReadsPerHour` different patients in the hour an alert;
 *   beyond twice that, refused (429 BULK_READ_RATE_LIMITED).
 *
 * Each runs in a short transaction of its own that commits before the refusal is thrown, so the audit row
 * and the alert outlive the refused request. An actor without an account (the system) is not limited.
 */
import type { ExportKind } from '../../../shared/security.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { countEvent, distinctInWindow, eventsInWindow, lockSubject, raiseAlert } from './alerts.service.js';
import { securityErrors } from './security.errors.js';

const HOUR_MS = 3_600_000;

/** Throws 429 EXPORT_RATE_LIMITED once the account has made `exportsPerHour` exports in the last hour. */
export async function guardExport(ctx: AppContext, actor: Actor, kind: ExportKind): Promise<void> {
  const accountId = actor.accountId;
  if (!accountId) return;
  const limit = ctx.config.security.alerts.exportsPerHour;
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - HOUR_MS);
  const refused = await ctx.db.transaction().execute(async (trx) => {
    await lockSubject(trx, 'export', accountId);
    const made = await eventsInWindow(trx, 'export', accountId, since);
    if (made < limit) {
      await countEvent(trx, 'export', accountId, kind, now);
      return null;
    }
    const kinds = await distinctInWindow(trx, 'export', accountId, since);
    await recordAudit(
      trx,
      actor,
      {
        action: 'security.export_refused',
        outcome: 'failure',
        resourceType: 'account',
        resourceId: accountId,
        details: { code: securityErrors.exportRateLimited.spec.code, kind, exports: made, limit },
      },
      now,
    );
    await raiseAlert(
      trx,
      {
        kind: 'export_volume',
        severity: 'high',
        dedupeKey: accountId,
        windowMs: HOUR_MS,
        subject: { type: 'account', accountId, address: null },
        evidence: {
          count: made + 1,
          threshold: limit,
          windowStart: since.toISOString(),
          windowEnd: now.toISOString(),
          ids: kinds.items.slice(0, 50),
          addresses: actor.ip ? [actor.ip] : [],
          details: { refusedKind: kind },
        },
      },
      now,
    );
    return made;
  });
  if (refused !== null) {
    throw securityErrors.exportRateLimited(undefined, { limit, windowSeconds: HOUR_MS / 1000 });
  }
}

/**
 * Counts a staff read of one patient (distinct patients per account per hour). Beyond `bulkReadsPerHour`:
 * an alert (one per incident); beyond twice that: refused. A patient already read within the hour is free.
 */
export async function guardBulkRead(ctx: AppContext, actor: Actor, patientId: string): Promise<void> {
  const accountId = actor.accountId;
  if (!accountId) return;
  const limit = ctx.config.security.alerts.bulkReadsPerHour;
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - HOUR_MS);
  const refused = await ctx.db.transaction().execute(async (trx) => {
    const seen = await trx
      .selectFrom('security_counter')
      .select('id')
      .where('kind', '=', 'bulk_read')
      .where('subject', '=', accountId)
      .where('item', '=', patientId)
      .where('at', '>', since)
      .executeTakeFirst();
    if (seen) return false;
    await lockSubject(trx, 'bulk_read', accountId);
    const read = await distinctInWindow(trx, 'bulk_read', accountId, since);
    const count = read.count + 1;
    if (count > 2 * limit) {
      await recordAudit(
        trx,
        actor,
        {
          action: 'security.bulk_read_refused',
          outcome: 'failure',
          resourceType: 'patient',
          resourceId: patientId,
          patientId,
          details: { code: securityErrors.bulkReadRateLimited.spec.code, patients: read.count, limit },
        },
        now,
      );
      await bulkReadAlert(trx, actor, accountId, read.items, count, limit, since, now, true);
      return true;
    }
    await countEvent(trx, 'bulk_read', accountId, patientId, now);
    if (count > limit) {
      await bulkReadAlert(trx, actor, accountId, [...read.items, patientId], count, limit, since, now, false);
    }
    return false;
  });
  if (refused) {
    throw securityErrors.bulkReadRateLimited(undefined, { limit: 2 * limit, windowSeconds: HOUR_MS / 1000 });
  }
}

async function bulkReadAlert(
  trx: Executor,
  actor: Actor,
  accountId: string,
  patientIds: string[],
  count: number,
  limit: number,
  since: Date,
  now: Date,
  refused: boolean,
): Promise<void> {
  await raiseAlert(
    trx,
    {
      kind: 'bulk_read',
      severity: refused ? 'high' : 'medium',
      dedupeKey: accountId,
      windowMs: HOUR_MS,
      subject: { type: 'account', accountId, address: null },
      evidence: {
        count,
        threshold: limit,
        windowStart: since.toISOString(),
        windowEnd: now.toISOString(),
        // The latest patients read: the ones that made the volume unusual.
        ids: patientIds.slice(-50),
        addresses: actor.ip ? [actor.ip] : [],
        details: { refused },
      },
    },
    now,
  );
}
