/**
 * Offline diagnoses (VISIT-1, VISIT-2): the evidence an online follow-up rests on. Imported from a
 * hospital's system (source `his`), or entered by the hospital's doctor who made it (source `staff`); the
 * patient side reads its own to pick the condition of a follow-up.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import { icd10Name } from './icd10.js';
import { invalidDate, isRealDate } from './visit.rules.js';

export interface OfflineDiagnosisView {
  id: string;
  icd10: string;
  name: string;
  diagnosedAt: string;
  institutionName: string;
  departmentName?: string;
  source: string;
}

async function viewsOf(ctx: AppContext, patientId: string, id?: string): Promise<OfflineDiagnosisView[]> {
  let q = ctx.db
    .selectFrom('offline_diagnosis as dx')
    .innerJoin('institution as i', 'i.id', 'dx.institution_id')
    .leftJoin('department as d', 'd.id', 'dx.department_id')
    .select([
      'dx.id',
      'dx.icd10',
      'dx.name',
      'dx.diagnosed_at',
      'dx.source',
      'i.name as institution_name',
      'd.name as department_name',
    ])
    .where('dx.patient_id', '=', patientId);
  if (id) q = q.where('dx.id', '=', id);
  const rows = await q.orderBy('dx.diagnosed_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    icd10: r.icd10,
    name: r.name,
    diagnosedAt: String(r.diagnosed_at),
    institutionName: r.institution_name,
    ...(r.department_name ? { departmentName: r.department_name } : {}),
    source: r.source,
  }));
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

/** A hospital doctor records the diagnosis they made offline, at their own institution and department. */
export async function recordOfflineDiagnosis(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  input: { icd10: string; diagnosedAt: string },
  actor: Actor,
): Promise<OfflineDiagnosisView> {
  if (!auth.practitionerId) throw errors.forbidden('只有医生可以录入线下诊断。');
  const now = ctx.clock.now();
  const code = input.icd10.trim().toUpperCase();
  const name = icd10Name(code);
  if (!name)
    throw new AppError(422, 'UNKNOWN_ICD10', '疾病编码不正确', `“${input.icd10}”不在 ICD-10 目录中。`);
  if (!isRealDate(input.diagnosedAt)) throw invalidDate(input.diagnosedAt);
  if (input.diagnosedAt > shanghaiDate(now))
    throw new AppError(422, 'DATE_IN_FUTURE', '日期不正确', '诊断日期不能晚于今天。');
  const patient = await ctx.db
    .selectFrom('patient')
    .select('id')
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient) throw errors.notFound('患者');
  const doctor = await ctx.db
    .selectFrom('practitioner')
    .select(['institution_id', 'department_id'])
    .where('id', '=', auth.practitionerId)
    .executeTakeFirstOrThrow();
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('offline_diagnosis')
      .values({
        id,
        patient_id: patientId,
        institution_id: doctor.institution_id,
        department_id: doctor.department_id,
        practitioner_id: auth.practitionerId,
        icd10: code,
        name,
        diagnosed_at: input.diagnosedAt,
        source: 'staff',
        created_at: now,
      })
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: 'offline_diagnosis.record',
        resourceType: 'offline_diagnosis',
        resourceId: id,
        patientId,
        details: { icd10: code },
      },
      now,
    );
  });
  return (await viewsOf(ctx, patientId, id))[0]!;
}
