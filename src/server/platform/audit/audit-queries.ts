/**
 * Reading the audit log on a patient's behalf ([6/12], SEC-1, DJ-12): the accesses to their data that the
 * patient sees in the app (访问记录). The audit log is the platform's table; modules ask for it here.
 */
import type { Executor } from '../db/database.js';

/** One audit event as the access log shows it. */
export interface PatientAuditEvent {
  id: number;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  details: Record<string, unknown>;
}

/**
 * The events of `actions` on a patient, newest first, from accounts other than `excludeActorId` (the
 * patient's own account: their own reads are not "access by others") and never the system's. Keyset paged
 * by (occurred_at, id) below `before`; `limit + 1` rows so the caller can tell whether a page follows.
 * Served by audit_event_patient (patient_id, occurred_at).
 */
export async function patientAuditEvents(
  db: Executor,
  query: {
    patientId: string;
    actions: readonly string[];
    excludeActorId: string | null;
    before?: { at: Date; id: number } | undefined;
    limit: number;
  },
): Promise<PatientAuditEvent[]> {
  let q = db
    .selectFrom('audit_event')
    .select([
      'id',
      'occurred_at',
      'actor_id',
      'actor_role',
      'action',
      'outcome',
      'resource_type',
      'resource_id',
      'details',
    ])
    .where('patient_id', '=', query.patientId)
    .where('action', 'in', [...query.actions])
    .where('actor_id', 'is not', null);
  if (query.excludeActorId) q = q.where('actor_id', '<>', query.excludeActorId);
  const before = query.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', before.at),
        eb.and([eb('occurred_at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    outcome: r.outcome,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
  }));
}
