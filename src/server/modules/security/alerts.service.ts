/**
 * Intrusion alerts (DJ-17): raised by the detectors (detectors.ts, export-guard.ts, address-guard.ts), one
 * per incident, read and handled by the security administrator only. Every alert is also the outbox event
 * `security.alert_raised` so a later notification can pick it up.
 */
import { sql } from 'kysely';
import type {
  AlertEvidence,
  AlertKind,
  AlertNote,
  AlertPage,
  AlertQuery,
  AlertRaisedEvent,
  AlertSeverity,
  AlertSubject,
  AlertView,
} from '../../../shared/security.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import { enqueueEvent, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor } from '../../platform/paging.js';
import { securityErrors } from './security.errors.js';

/** The detectors write as the system, from the address the incident came from. */
export const detectorActor = (ip: string | null): Actor => ({ accountId: null, role: 'system', ip });

export interface AlertDraft {
  kind: AlertKind;
  severity: AlertSeverity;
  /** The incident: the same kind and key within the window is the same incident (one alert). */
  dedupeKey: string;
  windowMs: number;
  subject: AlertSubject;
  evidence: AlertEvidence;
}

/**
 * Raises an alert unless one for the same incident is still in its window; then only its evidence is brought
 * up to date and its window extended, so an ongoing attack stays one alert. The advisory lock makes two
 * requests crossing the threshold at once raise one alert (PostgreSQL; PGlite serialises anyway).
 * Returns the new alert's id, or null when the incident already had one.
 */
export async function raiseAlert(trx: Executor, draft: AlertDraft, now: Date): Promise<string | null> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`security_alert:${draft.kind}:${draft.dedupeKey}`}, 0))`.execute(
    trx,
  );
  const windowEnd = new Date(now.getTime() + draft.windowMs);
  const open = await trx
    .selectFrom('security_alert')
    .select(['id'])
    .where('kind', '=', draft.kind)
    .where('dedupe_key', '=', draft.dedupeKey)
    .where('window_ends_at', '>', now)
    // A closed alert is done with: what goes on afterwards is a new incident, raised anew.
    .where('status', '<>', 'closed')
    .orderBy('window_ends_at', 'desc')
    .executeTakeFirst();
  if (open) {
    await trx
      .updateTable('security_alert')
      .set({ evidence: JSON.stringify(draft.evidence), window_ends_at: windowEnd })
      .where('id', '=', open.id)
      .execute();
    return null;
  }
  const id = newId();
  await trx
    .insertInto('security_alert')
    .values({
      id,
      kind: draft.kind,
      severity: draft.severity,
      raised_at: now,
      dedupe_key: draft.dedupeKey,
      window_ends_at: windowEnd,
      subject_type: draft.subject.type,
      subject_account_id: draft.subject.accountId,
      subject_address: draft.subject.address,
      evidence: JSON.stringify(draft.evidence),
    })
    .execute();
  await recordAudit(
    trx,
    detectorActor(draft.subject.address),
    {
      action: 'security.alert_raised',
      resourceType: 'security_alert',
      resourceId: id,
      details: { kind: draft.kind, severity: draft.severity, count: draft.evidence.count },
    },
    now,
  );
  const event: AlertRaisedEvent = {
    alertId: id,
    kind: draft.kind,
    severity: draft.severity,
    subject: draft.subject,
    raisedAt: now.toISOString(),
  };
  await enqueueEvent(trx, 'security.alert_raised', event, now);
  return id;
}

// --- Counters: one row per event; detectors count distinct items of a subject within a window.

const RETENTION_MS = 24 * 3_600_000;

/** Adds one counted event (and prunes the subject's rows older than a day). */
export async function countEvent(
  trx: Executor,
  kind: string,
  subject: string,
  item: string,
  now: Date,
): Promise<void> {
  await trx
    .deleteFrom('security_counter')
    .where('kind', '=', kind)
    .where('subject', '=', subject)
    .where('at', '<', new Date(now.getTime() - RETENTION_MS))
    .execute();
  await trx.insertInto('security_counter').values({ kind, subject, item, at: now }).execute();
}

/** The distinct items of a subject within the window (up to 200, first seen first) and their number. */
export async function distinctInWindow(
  trx: Executor,
  kind: string,
  subject: string,
  since: Date,
): Promise<{ count: number; items: string[] }> {
  const rows = await trx
    .selectFrom('security_counter')
    .select(['item', sql<Date>`min(at)`.as('first')])
    .where('kind', '=', kind)
    .where('subject', '=', subject)
    .where('at', '>', since)
    .groupBy('item')
    .orderBy('first')
    .execute();
  return { count: rows.length, items: rows.map((r) => r.item) };
}

/** All events of a subject within the window (not distinct). */
export async function eventsInWindow(
  trx: Executor,
  kind: string,
  subject: string,
  since: Date,
): Promise<number> {
  const row = await trx
    .selectFrom('security_counter')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', kind)
    .where('subject', '=', subject)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Serialises a subject's counting so a count and the decision on it are exact under concurrency. */
export async function lockSubject(trx: Executor, kind: string, subject: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`security_counter:${kind}:${subject}`}, 0))`.execute(
    trx,
  );
}

// --- The security administrator's list and handling (audited, DJ-12, DJ-15).

type AlertRow = {
  id: string;
  kind: string;
  severity: string;
  status: string;
  raised_at: Date;
  subject_type: string;
  subject_account_id: string | null;
  subject_address: string | null;
  evidence: Record<string, unknown>;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  closed_at: Date | null;
  closed_by: string | null;
  note: string | null;
};

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function view(row: AlertRow): AlertView {
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertView['status'],
    raisedAt: new Date(row.raised_at).toISOString(),
    subject: {
      type: row.subject_type as AlertSubject['type'],
      accountId: row.subject_account_id,
      address: row.subject_address,
    },
    evidence: row.evidence as AlertEvidence,
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    closedAt: iso(row.closed_at),
    closedBy: row.closed_by,
    note: row.note,
  };
}

const COLUMNS = [
  'id',
  'kind',
  'severity',
  'status',
  'raised_at',
  'subject_type',
  'subject_account_id',
  'subject_address',
  'evidence',
  'acknowledged_at',
  'acknowledged_by',
  'closed_at',
  'closed_by',
  'note',
] as const;

/** Newest first, by status and kind; every read of the list is audited (DJ-12). */
export async function listAlerts(ctx: AppContext, query: AlertQuery, actor: Actor): Promise<AlertPage> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    let q = trx.selectFrom('security_alert').select(COLUMNS);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (after) {
      const [at, id] = after;
      q = q.where((eb) =>
        eb.or([
          eb('raised_at', '<', new Date(at)),
          eb.and([eb('raised_at', '=', new Date(at)), eb('id', '<', id)]),
        ]),
      );
    }
    const rows = (await q
      .orderBy('raised_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()) as AlertRow[];
    const page = cutPage(rows, limit, (r) => [new Date(r.raised_at).toISOString(), r.id]);
    await audit({
      action: 'security.alerts_read',
      resourceType: 'security_alert',
      details: { status: query.status ?? null, kind: query.kind ?? null, count: page.rows.length },
    });
    return { items: page.rows.map(view), nextCursor: page.nextCursor };
  });
}

/** open → acknowledged, or open/acknowledged → closed; a closed alert is refused (409), audited with the note. */
export async function handleAlert(
  ctx: AppContext,
  id: string,
  to: 'acknowledged' | 'closed',
  body: AlertNote,
  actor: Actor,
): Promise<AlertView> {
  return runCommand(ctx, actor, async ({ trx, audit, now }) => {
    const row = (await trx
      .selectFrom('security_alert')
      .select(COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()) as AlertRow | undefined;
    if (!row) throw securityErrors.alertNotFound();
    if (row.status === 'closed') throw securityErrors.alertClosed();
    const changes =
      to === 'acknowledged'
        ? { status: to, acknowledged_at: now, acknowledged_by: actor.accountId, note: body.note }
        : { status: to, closed_at: now, closed_by: actor.accountId, note: body.note };
    const updated = (await trx
      .updateTable('security_alert')
      .set(changes)
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow()) as AlertRow;
    await audit({
      action: to === 'acknowledged' ? 'security.alert_acknowledged' : 'security.alert_closed',
      resourceType: 'security_alert',
      resourceId: id,
      details: { kind: row.kind, from: row.status, note: body.note },
    });
    return view(updated);
  });
}
