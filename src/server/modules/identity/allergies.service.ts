/**
 * Recorded allergies (过敏史) of a patient: what the prescribing rules check every prescription against
 * and the pharmacist sees when reviewing it (RX-10). The patient or their proxy records them (ID-6), and
 * so does a doctor who is seeing the patient now (a visit in progress or completed < 24 h ago). Removing
 * one marks it removed; nothing is deleted (RX-12); one a doctor recorded only a doctor removes (RX-10).
 * Every read and change is audited (DJ-12).
 */
import type { Static } from 'typebox';
import type { Allergy, AllergyBody } from '../../../shared/prescriptions.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { hasLiveVisitWith } from '../visits/visits.api.js';
import { actsForPatient, type PatientAllergy, patientAllergies } from './identity.api.js';
import { identityErrors } from './identity.errors.js';
import { requirePatientAccess } from './patient-access.js';

type AllergyView = Static<typeof Allergy>;

const view = (a: PatientAllergy, recordedByDoctor: boolean): AllergyView => ({
  id: a.id,
  substance: a.substance,
  reaction: a.reaction,
  recordedAt: a.recordedAt.toISOString(),
  recordedByDoctor,
});

/** The patient side (ID-6), or a doctor seeing the patient now; anyone else is refused (403, audited). */
async function requireAllergyAccess(db: Executor, auth: AuthContext, patientId: string, now: Date) {
  if (auth.roles.includes('patient')) {
    try {
      return await requirePatientAccess(db, auth, patientId);
    } catch (err) {
      if (!auth.practitionerId) throw err;
    }
  }
  if (
    auth.roles.includes('doctor') &&
    auth.practitionerId &&
    (await hasLiveVisitWith(db, auth.practitionerId, patientId, now))
  )
    return 'doctor' as const;
  throw errors.forbidden('只有患者本人、其代理人或正在为其诊疗的医生可以查看和记录过敏史。');
}

export async function listAllergies(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
): Promise<{ items: AllergyView[] }> {
  const now = ctx.clock.now();
  await requireAllergyAccess(ctx.db, auth, patientId, now);
  const items = await patientAllergies(ctx.db, patientId);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'allergy.read', resourceType: 'patient_allergy', resourceId: null, patientId },
    now,
  );
  const byDoctor = await Promise.all(items.map((a) => recordedByStaff(ctx.db, patientId, a.recordedBy)));
  return { items: items.map((a, i) => view(a, byDoctor[i]!)) };
}

export async function addAllergy(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  body: Static<typeof AllergyBody>,
  actor: Actor,
): Promise<AllergyView> {
  const substance = body.substance.trim();
  if (!substance)
    throw errors.validationFailed('请填写过敏物质。', {
      fields: [{ field: 'body.substance', message: '不能为空' }],
    });
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await requireAllergyAccess(trx, auth, patientId, now);
    const existing = (await patientAllergies(trx, patientId)).find((a) => a.substance === substance);
    if (existing) return view(existing, await recordedByStaff(trx, patientId, existing.recordedBy));
    const id = newId();
    await trx
      .insertInto('patient_allergy')
      .values({
        id,
        patient_id: patientId,
        substance,
        reaction: body.reaction?.trim() || null,
        recorded_by: auth.accountId,
        recorded_at: now,
        removed_at: null,
      })
      .execute();
    await audit({
      action: 'allergy.add',
      resourceType: 'patient_allergy',
      resourceId: id,
      patientId,
      details: { substance },
    });
    return {
      id,
      substance,
      reaction: body.reaction?.trim() || null,
      recordedAt: now.toISOString(),
      recordedByDoctor: await recordedByStaff(trx, patientId, auth.accountId),
    };
  });
}

/**
 * Whether a doctor recorded the allergy in their care of the patient rather than the patient side: the
 * recording account is a practitioner's and does not act for the patient (requireAllergyAccess takes the
 * patient side first, so an account that does was recording as the patient or proxy).
 */
async function recordedByStaff(db: Executor, patientId: string, recordedBy: string | null): Promise<boolean> {
  if (!recordedBy) return false;
  const account = await db
    .selectFrom('account')
    .select('practitioner_id')
    .where('id', '=', recordedBy)
    .executeTakeFirst();
  if (!account?.practitioner_id) return false;
  return !(await actsForPatient(db, recordedBy, patientId));
}

/**
 * Removes a recorded allergy (marked removed, RX-12). One a doctor recorded is what the prescribing checks
 * stop drugs by (RX-10): only staff — a doctor seeing the patient now — may remove it; the patient or their
 * proxy gets 403 ALLERGY_RECORDED_BY_DOCTOR rather than silently turning the check off.
 */
export async function removeAllergy(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  allergyId: string,
  actor: Actor,
): Promise<void> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const access = await requireAllergyAccess(trx, auth, patientId, now);
    const row = await trx
      .selectFrom('patient_allergy')
      .select(['id', 'recorded_by'])
      .where('id', '=', allergyId)
      .where('patient_id', '=', patientId)
      .where('removed_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('过敏记录');
    let by: 'self' | 'proxy' | 'doctor' = access;
    if (access !== 'doctor' && (await recordedByStaff(trx, patientId, row.recorded_by))) {
      // A doctor who is also the patient's proxy acts here as the doctor seeing them, if they are.
      const seeing =
        auth.roles.includes('doctor') &&
        !!auth.practitionerId &&
        (await hasLiveVisitWith(trx, auth.practitionerId, patientId, now));
      if (!seeing) throw identityErrors.allergyRecordedByDoctor();
      by = 'doctor';
    }
    await trx.updateTable('patient_allergy').set({ removed_at: now }).where('id', '=', allergyId).execute();
    await audit({
      action: 'allergy.remove',
      resourceType: 'patient_allergy',
      resourceId: allergyId,
      patientId,
      details: { by },
    });
  });
}
