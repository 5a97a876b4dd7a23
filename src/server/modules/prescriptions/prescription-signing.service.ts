/**
 * Signing a prescription (RX-1, RX-2, RX-6): the prescriber checks it once more against every rule (the
 * visit may have closed, an allergy may have been recorded since the save), then signs the canonical
 * document with their SM2 key. The signed row is immutable from then on; it waits in the institution's
 * review queue (RX-10) and takes effect only once a pharmacist approves it.
 */
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { signForPractitioner } from '../../platform/signing/index.js';
import { departmentFacts, practitionerProfiles } from '../directory/directory.api.js';
import { prescribingVisit, recordVisitEvent } from '../visits/visits.api.js';
import { drugSpec } from './catalogue.service.js';
import type { RuleCheck } from './prescription.rules.js';
import { PRESCRIPTION_FORMAT, type PrescriptionDocument, validUntilOf } from './prescription-document.js';
import { checkCounts, evaluate, requirePassed, requirePrescriber } from './prescription-evaluation.js';
import { bodyOf, prescriptionItems, prescriptionRow } from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export const SIGNED_TOPIC = 'prescriptions.signed';

export interface SignedEvent {
  prescriptionId: string;
  institutionId: string;
  patientId: string;
  visitId: string;
}

export interface SignResult {
  id: string;
  status: 'pending_review';
  checks: RuleCheck[];
  contentHash: string;
  certificateSerial: string;
  validUntil: string;
}

/** POST /prescriptions/{id}/sign. */
export async function signPrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<SignResult> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const row = await prescriptionRow(trx, id, true);
    if (auth.practitionerId !== row.practitioner_id || !auth.roles.includes('doctor'))
      throw prescriptionErrors.notPrescriber();
    if (row.status !== 'draft')
      throw prescriptionErrors.notEditable('该处方已签名，不可再次签名或修改（RX-2）。');
    const items = await prescriptionItems(trx, id);
    const body = bodyOf(row, items);
    const visit = await prescribingVisit(trx, row.visit_id, now, true);
    requirePrescriber(auth, visit);
    // RX-2: the rules run again on signing; what is signed passed them now, not only at the last save.
    const e = await evaluate(trx, visit, row.practitioner_id, body, now);
    requirePassed(e);

    const doctor = (await practitionerProfiles(trx, [row.practitioner_id])).get(row.practitioner_id);
    const dept = (await departmentFacts(trx, [row.department_id])).get(row.department_id);
    if (!doctor || !dept) throw errors.notFound('医生或科室');
    const validUntil = validUntilOf(now, row.valid_days);
    const document = (serial: string): PrescriptionDocument => ({
      format: PRESCRIPTION_FORMAT,
      id: row.id,
      version: row.version,
      replacesId: row.replaces_id,
      visitId: row.visit_id,
      patient: {
        id: row.patient_id,
        name: e.patient.name,
        sex: e.patient.sex,
        ageYears: e.patient.ageYears,
        weightKg: row.patient_weight_kg,
      },
      doctor: {
        id: doctor.id,
        name: doctor.name,
        licenceNo: doctor.licenceNo,
        title: doctor.professionalTitle,
      },
      institution: { id: dept.institutionId, name: dept.institutionName },
      department: { id: dept.id, name: dept.name },
      kind: row.kind as PrescriptionDocument['kind'],
      diagnoses: visit.diagnoses,
      items: items.map((i) => {
        const d = e.drugs.get(i.drug_id)!;
        return {
          line: i.line,
          drugId: i.drug_id,
          genericName: d.generic_name,
          spec: drugSpec(d),
          dose: i.dose,
          doseUnit: i.dose_unit,
          frequency: i.frequency,
          days: i.days,
          quantity: i.quantity,
          packageUnit: d.package_unit,
          route: i.route,
          note: i.note,
          interactionOverrideReason: i.interaction_override_reason,
        };
      }),
      validDays: row.valid_days,
      validityReason: row.validity_reason,
      longTermReason: row.long_term_reason,
      issuedAt: now.toISOString(),
      validUntil: validUntil.toISOString(),
      certificateSerial: serial,
    });
    const { signed } = await signForPractitioner(
      trx,
      ctx.cipher,
      {
        practitionerId: doctor.id,
        name: doctor.name,
        licenceNo: doctor.licenceNo,
        institution: doctor.institutionName,
      },
      now,
      (certificate) => document(certificate.serial),
    );
    await trx
      .updateTable('prescription')
      .set({
        status: 'pending_review',
        diagnoses: JSON.stringify(visit.diagnoses),
        patient_age_years: e.patient.ageYears,
        checks: JSON.stringify(e.checks),
        updated_at: now,
        signed_at: now,
        valid_until: validUntil,
        signed_document: signed.document,
        content_hash: signed.contentHash,
        signature: signed.signature,
        certificate_serial: signed.certificateSerial,
      })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .execute();
    // A signed revision replaces the rejected version it names (RX-10: reviewed again as a new version).
    if (row.replaces_id) {
      await trx
        .updateTable('prescription')
        .set({ status: 'superseded', updated_at: now })
        .where('id', '=', row.replaces_id)
        .where('status', '=', 'rejected')
        .execute();
    }
    await recordVisitEvent(cmd, row.visit_id, 'rx_signed', cmd.actor, {
      prescriptionId: id,
      prescriptionVersion: row.version,
      contentHash: signed.contentHash,
      certificateSerial: signed.certificateSerial,
      validUntil: validUntil.toISOString(),
      ...checkCounts(e.checks),
    });
    await cmd.audit({
      action: 'prescription.sign',
      resourceType: 'prescription',
      resourceId: id,
      patientId: row.patient_id,
      details: {
        version: row.version,
        contentHash: signed.contentHash,
        certificateSerial: signed.certificateSerial,
      },
    });
    const event: SignedEvent = {
      prescriptionId: id,
      institutionId: row.institution_id,
      patientId: row.patient_id,
      visitId: row.visit_id,
    };
    await cmd.emit(SIGNED_TOPIC, event);
    return {
      id,
      status: 'pending_review' as const,
      checks: e.checks,
      contentHash: signed.contentHash,
      certificateSerial: signed.certificateSerial,
      validUntil: validUntil.toISOString(),
    };
  });
}
