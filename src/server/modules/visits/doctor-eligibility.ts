/**
 * Whether a practitioner may see a visit of a type at an institution × specialty (ORG-1, ORG-2, ORG-5,
 * PILOT-1, PILOT-2): the directory facts of the practitioner, the regulator's pilot scopes and the
 * institution's whitelist, fed to the pure rules of visit.rules.ts. Checked when a visit is requested and
 * again when the practitioner starts it.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { VisitType } from '../../../shared/visits.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { type DepartmentFacts, departmentFacts, onlinePracticeFacts } from '../directory/directory.api.js';
import {
  type DoctorFacts,
  doctorNotAvailable,
  doctorRefusal,
  type FirstVisitRefusal,
  firstVisitBarRefusal,
  firstVisitNotAllowed,
  pilotRefusal,
} from './visit.rules.js';

/** Directory facts of a practitioner as seen from one institution (ORG-1, ORG-2, ORG-5, PILOT-2). */
export async function doctorFacts(
  db: Executor,
  practitionerId: string,
  institutionId: string,
  now: Date,
): Promise<(DoctorFacts & { name: string; departmentId: string; institutionId: string }) | null> {
  const today = shanghaiDate(now);
  const p = await onlinePracticeFacts(db, practitionerId, institutionId);
  if (!p) return null;
  const valid = p.licences.some((l) => l.validFrom <= today && today <= l.validTo);
  return {
    name: p.name,
    departmentId: p.departmentId,
    institutionId: p.institutionId,
    kind: p.kind,
    title: p.title,
    status: p.status,
    institutionStatus: p.site?.status ?? 'suspended',
    offersOnline: p.offersOnline,
    registeredAtInstitution: p.institutionId === institutionId || p.site?.filed === true,
    internetHospital: p.site?.internetHospital === true,
    licenceValid: valid,
    practiceSince: p.licences[0] ? p.licences[0].validFrom : `${p.practiceSince}-12-31`,
    onlineFollowUpSince: p.onlineFollowUpSince,
    firstVisitTrained: p.firstVisitTrained,
  };
}

/** PILOT-1 and PILOT-2 for one doctor at one institution × specialty: the first unmet condition, or null. */
export async function firstVisitRefusal(
  db: Executor,
  facts: DoctorFacts,
  practitionerId: string,
  institutionId: string,
  specialty: string,
  now: Date,
): Promise<FirstVisitRefusal | null> {
  const today = shanghaiDate(now);
  const scopes = await db
    .selectFrom('pilot_scope')
    .select(['starts_on', 'ends_on', 'revoked_at'])
    .where('institution_id', '=', institutionId)
    .where('specialty', '=', specialty)
    .execute();
  const scope = pilotRefusal(
    scopes.map((s) => ({
      startsOn: String(s.starts_on),
      endsOn: String(s.ends_on),
      revoked: s.revoked_at !== null,
    })),
    today,
  );
  if (scope) return scope;
  const listed = await db
    .selectFrom('first_visit_whitelist')
    .select('practitioner_id')
    .where('institution_id', '=', institutionId)
    .where('practitioner_id', '=', practitionerId)
    .executeTakeFirst();
  if (!listed) return 'not_whitelisted';
  return firstVisitBarRefusal(facts, today);
}

/** The eligibility of the practitioner for this visit type at this institution × specialty; throws the refusal. */
export async function checkDoctor(
  db: Executor,
  type: VisitType,
  practitionerId: string,
  institutionId: string,
  specialty: string,
  now: Date,
): Promise<void> {
  const facts = await doctorFacts(db, practitionerId, institutionId, now);
  if (!facts) throw errors.notFound('医生');
  const refusal = doctorRefusal(facts, type);
  if (refusal) throw doctorNotAvailable(refusal);
  if (type === 'first_visit') {
    const r = await firstVisitRefusal(db, facts, practitionerId, institutionId, specialty, now);
    if (r) throw firstVisitNotAllowed(r);
  }
}

/** A department with its institution and licensed specialty (ORG-3); 404 when there is none. */
export async function departmentOf(db: Executor, departmentId: string): Promise<DepartmentFacts> {
  const d = (await departmentFacts(db, [departmentId])).get(departmentId);
  if (!d) throw errors.notFound('科室');
  return d;
}
