import type { Executor } from '../db/database.js';

/** Who did something, from where: taken from the request, passed down to the service. */
export interface Actor {
  accountId: string | null;
  role: string | null;
  ip: string | null;
}

export const systemActor: Actor = { accountId: null, role: 'system', ip: null };

export interface AuditEntry {
  action: string;
  resourceType?: string;
  resourceId?: string | null;
  patientId?: string | null;
  outcome?: 'success' | 'failure';
  /** Never put a full phone or ID number here (DJ-10): masked values or ids only. */
  details?: Record<string, unknown>;
}

/**
 * Appends one audit event (DJ-12, DJ-13). Call it with the transaction of the change it records, so the
 * change and its audit commit or roll back together.
 */
export async function recordAudit(db: Executor, actor: Actor, entry: AuditEntry, at: Date): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      occurred_at: at,
      actor_id: actor.accountId,
      actor_role: actor.role,
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      resource_type: entry.resourceType ?? null,
      resource_id: entry.resourceId ?? null,
      patient_id: entry.patientId ?? null,
      ip: actor.ip,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
