/**
 * How the archive's routes use THE access check (care-access.ts, SEC-1, DJ-9): the check is asked once per
 * category a read touches, sections it refuses are left out (or the whole read refused when nothing is
 * allowed), and every category actually read is audited through `recordRead` (DJ-12) — the patient's
 * access log lists these. No decision is made here: only care-access decides.
 */
import type { RecordCategory } from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import {
  type CareDecision,
  careRelationships,
  covers,
  recordRead,
  requireRecordAccess,
} from './care-access.js';

/**
 * The decisions for the categories a read wants, by category; the ones refused are missing. The reader's
 * relationships are asked once (`careRelationships`, the same answer `requireRecordAccess` gives per
 * category). When every category is refused, `requireRecordAccess` answers for the first — 403
 * NO_CARE_RELATIONSHIP — so a reader without any relationship learns nothing, not even which sections exist.
 */
export async function allowedCategories(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  wanted: readonly RecordCategory[],
  now: Date,
): Promise<Map<RecordCategory, CareDecision>> {
  const decisions = await careRelationships(ctx, ctx.db, auth, patientId, now);
  const allowed = new Map<RecordCategory, CareDecision>();
  for (const category of wanted) {
    const decision = decisions.find((d) => covers(d, category));
    if (decision) allowed.set(category, decision);
  }
  if (allowed.size === 0 && wanted.length > 0) {
    allowed.set(wanted[0]!, await requireRecordAccess(ctx, ctx.db, auth, patientId, wanted[0]!, now));
  }
  return allowed;
}

/** Audits the categories a read returned (DJ-12): one `record.read` per category, under its relationship. */
export async function auditReads(
  ctx: AppContext,
  actor: Actor,
  patientId: string,
  read: ReadonlyMap<RecordCategory, CareDecision>,
  what: string,
  channel: 'app' | 'fhir' | 'export',
  now: Date,
): Promise<void> {
  for (const [category, decision] of read) {
    await recordRead(
      ctx.db,
      actor,
      { patientId, category, what, relationship: decision.relationship, channel },
      now,
    );
  }
}
