/**
 * THE access check for a patient's clinical data (SEC-1, DJ-9, DJ-10): used by the REST archive routes,
 * the FHIR API and the exports alike — one copy. [stub: implemented by the access helper]
 */
import type { RecordCategory, Relationship } from '../../../shared/records.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';

/** Why the reader may read, what, and until when. */
export interface CareDecision {
  relationship: Relationship;
  /** null: every category. */
  categories: RecordCategory[] | null;
  /** When the relationship ends (an authorisation's expiry, 30 days after a visit, …); null: open-ended. */
  until: Date | null;
}

/** Every relationship the reader holds with the patient now, strongest first; empty when none. */
export async function careRelationships(
  _ctx: AppContext,
  _db: Executor,
  _auth: AuthContext,
  _patientId: string,
  _now: Date,
): Promise<CareDecision[]> {
  throw new Error('not implemented');
}

/**
 * The decision for one category: the relationship that allows it, or 403 NO_CARE_RELATIONSHIP (the same
 * answer for an unknown patient, so ids cannot be probed). The refusal is audited by the refusal hook.
 */
export async function requireRecordAccess(
  _ctx: AppContext,
  _db: Executor,
  _auth: AuthContext,
  _patientId: string,
  _category: RecordCategory,
  _now: Date,
): Promise<CareDecision> {
  throw new Error('not implemented');
}

/**
 * The patients whose data of `category` the reader may see now — for searches and lists, so nothing of
 * another patient appears in them. Patients: themselves and those they act for. Doctors and nurses: their
 * care relationships. Everyone else: none.
 */
export async function readablePatients(
  _ctx: AppContext,
  _db: Executor,
  _auth: AuthContext,
  _category: RecordCategory,
  _now: Date,
): Promise<string[]> {
  throw new Error('not implemented');
}

/** What one read touched, for the audit log and the patient's access log (DJ-12, SEC-1). */
export interface RecordRead {
  patientId: string;
  category: RecordCategory;
  /** archive, timeline, observations, reports, export:pdf, export:fhir, fhir:Observation, … */
  what: string;
  relationship: Relationship;
  channel: 'app' | 'fhir' | 'export';
  resourceId?: string | null;
}
