/**
 * Critical-value alerts (危急值) after they are raised (critical.ts): the requesting institution's staff see
 * theirs and acknowledge each once (who and when); the centre's doctors see the ones they raised.
 */
import type { Static } from 'typebox';
import type { Page } from '../../../shared/http.js';
import type { AcknowledgeAlertBody, CriticalAlertView, RemoteKind } from '../../../shared/remote.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { accountNames } from '../identity/identity.api.js';
import { remoteErrors } from './remote.errors.js';
import { requestPatient, viewFacts } from './remote.views.js';
import { remoteStaff } from './request-access.js';

export const CRITICAL_ACKNOWLEDGED_TOPIC = 'remote.critical_value_acknowledged';

type AlertRow = {
  id: string;
  request_id: string;
  patient_id: string;
  requester_institution_id: string;
  to_practitioner_id: string;
  raised_by: string;
  reason: string;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
};

async function alertViews(db: Executor, rows: AlertRow[], now: Date): Promise<CriticalAlertView[]> {
  if (rows.length === 0) return [];
  const requests = await db
    .selectFrom('diagnostic_request')
    .selectAll()
    .where(
      'id',
      'in',
      rows.map((r) => r.request_id),
    )
    .execute();
  const byId = new Map(requests.map((r) => [r.id, r]));
  const [facts, people, accounts] = await Promise.all([
    viewFacts(db, requests as never),
    practitionerProfiles(
      db,
      rows.flatMap((r) => [r.raised_by, r.to_practitioner_id]),
    ),
    accountNames(
      db,
      rows.map((r) => r.acknowledged_by),
    ),
  ]);
  return rows.map((a) => {
    const req = byId.get(a.request_id)!;
    return {
      id: a.id,
      requestId: a.request_id,
      accessionNo: req.accession_no,
      patient: requestPatient(facts, a.patient_id, now),
      kind: req.kind as RemoteKind,
      reason: a.reason,
      raisedAt: a.raised_at.toISOString(),
      raisedByName: people.get(a.raised_by)?.name ?? '',
      centreName: facts.institutions.get(req.centre_institution_id)?.name ?? '',
      toPractitionerName: people.get(a.to_practitioner_id)?.name ?? '',
      acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
      acknowledgedByName: a.acknowledged_by ? (accounts.get(a.acknowledged_by) ?? null) : null,
    };
  });
}

/** GET /critical-alerts?status=open|acknowledged|all, newest first. */
export async function listAlerts(
  ctx: AppContext,
  auth: AuthContext,
  query: { status?: 'open' | 'acknowledged' | 'all'; cursor?: string; limit?: number },
): Promise<Page<CriticalAlertView>> {
  const staff = await remoteStaff(ctx.db, auth);
  const limit = query.limit ?? 20;
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const status = query.status ?? 'open';
  const rows = await ctx.db
    .selectFrom('critical_alert')
    .select([
      'id',
      'request_id',
      'patient_id',
      'requester_institution_id',
      'to_practitioner_id',
      'raised_by',
      'reason',
      'raised_at',
      'acknowledged_at',
      'acknowledged_by',
    ])
    // Their requesting institutions' alerts, and the ones they raised.
    .where((eb) =>
      eb.or([
        eb('requester_institution_id', 'in', staff.institutionIds),
        eb('raised_by', '=', staff.practitionerId),
      ]),
    )
    .$if(status === 'open', (q) => q.where('acknowledged_at', 'is', null))
    .$if(status === 'acknowledged', (q) => q.where('acknowledged_at', 'is not', null))
    .where(olderThan('raised_at', key))
    .orderBy('raised_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.raised_at.toISOString(), r.id]);
  return { items: await alertViews(ctx.db, page.rows, ctx.clock.now()), nextCursor: page.nextCursor };
}

/**
 * POST /critical-alerts/{id}/acknowledge: a doctor or nurse of the requesting institution confirms they
 * received it (once: 409 CRITICAL_ALERT_ACKNOWLEDGED); anyone else 404.
 */
export async function acknowledgeAlert(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof AcknowledgeAlertBody>,
  actor: Actor,
): Promise<CriticalAlertView> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async ({ trx, now, audit, emit }) => {
    const a = await trx
      .selectFrom('critical_alert')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!a || !staff.institutionIds.includes(a.requester_institution_id)) throw remoteErrors.alertNotFound();
    if (a.acknowledged_at) throw remoteErrors.alertAcknowledged();
    const updated = await trx
      .updateTable('critical_alert')
      .set({ acknowledged_at: now, acknowledged_by: staff.accountId, note: body.note?.trim() || null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit({
      action: 'remote.critical_acknowledge',
      resourceType: 'critical_alert',
      resourceId: id,
      patientId: a.patient_id,
      details: {
        requestId: a.request_id,
        minutes: Math.round((now.getTime() - a.raised_at.getTime()) / 60_000),
      },
    });
    await emit(CRITICAL_ACKNOWLEDGED_TOPIC, { alertId: id, requestId: a.request_id, by: staff.accountId });
    return updated;
  });
  return (await alertViews(ctx.db, [row as AlertRow], ctx.clock.now()))[0]!;
}
