/**
 * 我看过的医生 ([8/12]): the doctors a patient has seen — at a session (scheduling's appointments, checked in
 * or completed), in an online visit a doctor started, or who recorded an offline diagnosis (VISIT-1) — each
 * with the diagnoses they made, when last seen, whether an online follow-up with them can be requested (and
 * its price) and their next bookable session. What the home page's 复诊续方 and 再次预约 start from.
 */
import { type DoctorSeen, type DoctorsSeenPage, MAX_DOCTORS_SEEN } from '../../../shared/doctors-seen.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { ownPatientId, requirePatientAccess } from '../identity/identity.api.js';
import { doctorsSeenAtAppointments, nextAvailable } from '../scheduling/scheduling.api.js';
import { doctorFacts } from './doctor-eligibility.js';
import { doctorRefusal, visitFeeFen } from './visit.rules.js';

type Via = DoctorSeen['seenVia'][number];

interface Seen {
  lastSeenOn: string;
  via: Set<Via>;
  diagnoses: DoctorSeen['diagnoses'];
}

/**
 * The patient is oneself by default, else one the account acts for (ID-6: NOT_YOUR_PATIENT otherwise, the
 * same answer for unknown ids). The read is audited with the patient (SEC-1).
 */
export async function doctorsSeen(
  ctx: AppContext,
  auth: AuthContext,
  query: { patientId?: string },
  actor: Actor,
): Promise<DoctorsSeenPage> {
  const patientId = query.patientId ?? (await ownPatientId(ctx.db, auth.accountId));
  // Not real-name verified and asking for oneself: nobody has seen this patient yet.
  if (!patientId) return { patientId: null, items: [], nextCursor: null };
  await requirePatientAccess(ctx.db, auth, patientId);
  const now = ctx.clock.now();
  const seen = new Map<string, Seen>();
  const note = (doctorId: string, on: string, via: Via) => {
    const entry = seen.get(doctorId) ?? { lastSeenOn: on, via: new Set<Via>(), diagnoses: [] };
    if (on > entry.lastSeenOn) entry.lastSeenOn = on;
    entry.via.add(via);
    seen.set(doctorId, entry);
    return entry;
  };

  for (const a of await doctorsSeenAtAppointments(ctx.db, patientId))
    note(a.practitionerId, a.lastSeenOn, 'appointment');

  const visits = await ctx.db
    .selectFrom('visit')
    .select(['practitioner_id', 'started_at', 'offline_diagnosis_id'])
    .where('patient_id', '=', patientId)
    .where('practitioner_id', 'is not', null)
    .where('started_at', 'is not', null)
    .execute();
  for (const v of visits) note(v.practitioner_id!, shanghaiDate(new Date(v.started_at!)), 'online_visit');

  // Offline diagnoses by the doctor who made them; newest first, so each condition keeps its newest record.
  const diagnoses = await ctx.db
    .selectFrom('offline_diagnosis')
    .select(['id', 'icd10', 'name', 'diagnosed_at', 'practitioner_id'])
    .where('patient_id', '=', patientId)
    .orderBy('diagnosed_at', 'desc')
    .execute();
  // A follow-up with a doctor rests on the diagnosis it was about, whoever recorded it (VISIT-1).
  const visitDiagnosis = new Map(
    visits.filter((v) => v.offline_diagnosis_id).map((v) => [v.offline_diagnosis_id!, v.practitioner_id!]),
  );
  for (const d of diagnoses) {
    const doctors = new Set([d.practitioner_id, visitDiagnosis.get(d.id)].filter((x): x is string => !!x));
    for (const doctorId of doctors) {
      const day = String(d.diagnosed_at).slice(0, 10);
      const entry =
        d.practitioner_id === doctorId ? note(doctorId, day, 'offline_diagnosis') : seen.get(doctorId);
      if (entry && !entry.diagnoses.some((x) => x.icd10 === d.icd10))
        entry.diagnoses.push({ id: d.id, name: d.name, icd10: d.icd10, diagnosedAt: day });
    }
  }

  const ids = [...seen.entries()]
    .sort((a, b) => b[1].lastSeenOn.localeCompare(a[1].lastSeenOn))
    .slice(0, MAX_DOCTORS_SEEN)
    .map(([id]) => id);
  const [profiles, next] = await Promise.all([
    practitionerProfiles(ctx.db, ids),
    nextAvailable(ctx.db, ids, now, shanghaiDate(now)),
  ]);
  const items: DoctorSeen[] = [];
  for (const id of ids) {
    const p = profiles.get(id);
    const s = seen.get(id)!;
    if (!p) continue;
    const facts = await doctorFacts(ctx.db, id, p.institutionId, now);
    const bookable = facts?.status === 'active' && facts.institutionStatus === 'active';
    const followUp = facts && doctorRefusal(facts, 'follow_up') === null;
    // The price of a follow-up with a chosen doctor, as the visit will be charged (图文 and 视频 alike).
    const fee = facts ? visitFeeFen('follow_up', facts.title) : 0;
    items.push({
      doctorId: id,
      name: p.name,
      professionalTitle: p.professionalTitle,
      institutionId: p.institutionId,
      institutionName: p.institutionName,
      departmentId: p.departmentId,
      departmentName: p.departmentName,
      lastSeenOn: s.lastSeenOn,
      seenVia: [...s.via],
      diagnoses: s.diagnoses,
      onlineFollowUp: followUp ? { textFeeFen: fee, videoFeeFen: fee } : null,
      bookable,
      nextAvailable: bookable ? (next.get(id) ?? null) : null,
    });
  }
  await recordAudit(
    ctx.db,
    actor,
    { action: 'doctors_seen.list', resourceType: 'patient', resourceId: patientId, patientId },
    now,
  );
  return { patientId, items, nextCursor: null };
}
