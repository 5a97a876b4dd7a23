/**
 * Offline diagnoses (VISIT-1, VISIT-2): the evidence an online follow-up rests on. Imported from a
 * hospital's system (source `his`), or entered by the hospital's doctor who made it (source `staff`); the
 * patient side reads its own to pick the condition of a follow-up.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { OfflineDiagnosisView } from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { departmentFacts, institutionFacts, practitionerFacts } from '../directory/directory.api.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import { recordStaffDiagnosis } from '../records/records.api.js';
import { recordErrors } from '../records/records.errors.js';
import { patientSeenAt } from '../scheduling/scheduling.api.js';
import { icd10Name } from './icd10.js';
import { invalidDate, isRealDate } from './visit.rules.js';
import { visitErrors } from './visits.errors.js';

/** NO_CARE_RELATIONSHIP (defined once, by records) as it applies to entering an offline diagnosis. */
const OFFLINE_DIAGNOSIS_DETAIL =
  '只有患者实际就诊（已签到或已完成的预约，或已接诊的线上问诊）的机构的医生，才能为其录入本机构的线下诊断（VISIT-1, SEC-1）。';

export type { OfflineDiagnosisView };

async function viewsOf(ctx: AppContext, patientId: string, id?: string): Promise<OfflineDiagnosisView[]> {
  let q = ctx.db
    .selectFrom('offline_diagnosis')
    .select(['id', 'icd10', 'name', 'diagnosed_at', 'source', 'institution_id', 'department_id'])
    .where('patient_id', '=', patientId);
  if (id) q = q.where('id', '=', id);
  const rows = await q.orderBy('diagnosed_at', 'desc').execute();
  const [institutions, departments] = await Promise.all([
    institutionFacts(
      ctx.db,
      rows.map((r) => r.institution_id),
    ),
    departmentFacts(
      ctx.db,
      rows.flatMap((r) => (r.department_id ? [r.department_id] : [])),
    ),
  ]);
  return rows.map((r) => {
    const departmentName = r.department_id ? departments.get(r.department_id)?.name : undefined;
    return {
      id: r.id,
      icd10: r.icd10,
      name: r.name,
      diagnosedAt: String(r.diagnosed_at),
      institutionName: institutions.get(r.institution_id)?.name ?? '',
      ...(departmentName ? { departmentName } : {}),
      source: r.source,
    };
  });
}

export async function listOfflineDiagnoses(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
): Promise<OfflineDiagnosisView[]> {
  await requirePatientAccess(ctx.db, auth, patientId);
  const items = await viewsOf(ctx, patientId);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'offline_diagnosis.list', resourceType: 'patient', resourceId: patientId, patientId },
    ctx.clock.now(),
  );
  return items;
}

/**
 * VISIT-1, SEC-1 (DJ-9): an offline diagnosis makes the patient eligible for online follow-ups, so it is
 * entered only by staff of the institution where the patient was actually seen, for that institution: an
 * appointment there that was checked in or completed (asked of scheduling), or an online visit of that
 * institution with the patient that a doctor started. Anyone else is refused — an unknown patient too, so ids
 * cannot be probed — and the refusal is audited with the patient it targeted by the refusal hook (DJ-12).
 */
async function requireCareRelationship(
  db: Executor,
  patientId: string,
  institutionId: string,
): Promise<void> {
  const encounter = await db
    .selectFrom('visit')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('institution_id', '=', institutionId)
    .where('started_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (encounter) return;
  if (await patientSeenAt(db, patientId, institutionId)) return;
  throw recordErrors.noCareRelationship(OFFLINE_DIAGNOSIS_DETAIL);
}

/** A hospital doctor records the diagnosis they made offline, at their own institution and department. */
export async function recordOfflineDiagnosis(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  input: { icd10: string; diagnosedAt: string },
  actor: Actor,
): Promise<OfflineDiagnosisView> {
  if (!auth.practitionerId) throw errors.forbidden('只有医生可以录入线下诊断。');
  const doctor = await practitionerFacts(ctx.db, auth.practitionerId);
  // The diagnosis is recorded for the institution the doctor is staff of; the access check comes first.
  if (!doctor || doctor.institutionId !== auth.institutionId)
    throw recordErrors.noCareRelationship(OFFLINE_DIAGNOSIS_DETAIL);
  await requireCareRelationship(ctx.db, patientId, doctor.institutionId);
  const now = ctx.clock.now();
  const code = input.icd10.trim().toUpperCase();
  const name = icd10Name(code);
  if (!name) throw visitErrors.unknownIcd10(`“${input.icd10}”不在 ICD-10 目录中。`);
  if (!isRealDate(input.diagnosedAt)) throw invalidDate(input.diagnosedAt);
  if (input.diagnosedAt > shanghaiDate(now)) throw visitErrors.dateInFuture();
  const id = newId();
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    await trx
      .insertInto('offline_diagnosis')
      .values({
        id,
        patient_id: patientId,
        institution_id: doctor.institutionId,
        department_id: doctor.departmentId,
        practitioner_id: auth.practitionerId,
        icd10: code,
        name,
        diagnosed_at: input.diagnosedAt,
        source: 'staff',
        created_at: now,
      })
      .execute();
    // The health archive ([6/12]): the diagnosis on the patient's record too, same commit.
    await recordStaffDiagnosis(
      trx,
      {
        offlineDiagnosisId: id,
        patientId,
        institutionId: doctor.institutionId,
        practitionerId: auth.practitionerId,
        icd10: code,
        name,
        diagnosedAt: input.diagnosedAt,
      },
      now,
    );
    await audit({
      action: 'offline_diagnosis.record',
      resourceType: 'offline_diagnosis',
      resourceId: id,
      patientId,
      details: { icd10: code },
    });
  });
  return (await viewsOf(ctx, patientId, id))[0]!;
}
