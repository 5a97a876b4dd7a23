/**
 * What other modules may ask of the family doctor ([12/12]):
 * - records: `familyDoctorSource` and `referralSource`, the care relationships a contract and a referral
 *   make (SEC-1), entries of records' CARE_SOURCES — named by records, never the other way round. This file
 *   imports no service of its own module (records imports it while this module's services import records).
 * - insurance: `familyDoctorFacts`, FD-6's facts about a person at a settled visit.
 */

import type { Executor } from '../../platform/db/database.js';
import type { CareSource, PatientDecision } from '../records/care-access.js';

/**
 * family_doctor (家庭医生签约): every member of the team of a contract in force reads the resident's whole
 * archive (every category) until the contract's last day (the end of that day, Asia/Shanghai).
 */
export const familyDoctorSource: CareSource = {
  relationship: 'family_doctor',
  async find(_ctx, db, reader, _now, patientId) {
    let q = db
      .selectFrom('family_contract')
      .innerJoin('family_team_member', 'family_team_member.team_id', 'family_contract.team_id')
      .select(['family_contract.patient_id', 'family_contract.ends_on'])
      .where('family_team_member.practitioner_id', '=', reader.practitionerId)
      .where('family_contract.status', '=', 'active');
    if (patientId) q = q.where('family_contract.patient_id', '=', patientId);
    const rows = await q.execute();
    return rows.map(
      (r): PatientDecision => ({
        patientId: r.patient_id,
        relationship: 'family_doctor',
        categories: null,
        until: endOfShanghaiDay(r.ends_on),
      }),
    );
  },
};

/**
 * referral (转诊): the referring practitioner and, once accepted, the practitioner who accepted it read the
 * whole archive for the care window (`records.careWindowMs`) after the referral's last change. A declined
 * or cancelled referral relates no one.
 */
export const referralSource: CareSource = {
  relationship: 'referral',
  async find(ctx, db, reader, now, patientId) {
    const window = ctx.config.records.careWindowMs;
    const since = new Date(now.getTime() - window);
    let q = db
      .selectFrom('referral')
      .select(['patient_id', 'updated_at'])
      .where((eb) =>
        eb.or([
          eb('from_practitioner_id', '=', reader.practitionerId),
          eb('accepted_by', '=', reader.practitionerId),
        ]),
      )
      .where('status', 'in', ['sent', 'accepted', 'booked', 'completed'])
      .where('updated_at', '>', since);
    if (patientId) q = q.where('patient_id', '=', patientId);
    const rows = await q.execute();
    return rows.map(
      (r): PatientDecision => ({
        patientId: r.patient_id,
        relationship: 'referral',
        categories: null,
        until: new Date(r.updated_at.getTime() + window),
      }),
    );
  },
};

/** 23:59:59.999 of a calendar day in Asia/Shanghai (UTC+8, no daylight saving). */
export function endOfShanghaiDay(day: string): Date {
  return new Date(`${day}T23:59:59.999+08:00`);
}

/**
 * FD-6's facts for a settlement: whether the person holds a family-doctor contract in force and is 65 or
 * over on `at` (contractedElderly), and whether the appointment being settled was booked by a family
 * doctor's upward referral (referredByFamilyDoctor). Filled in by the referral part of [12/12].
 */
export async function familyDoctorFacts(
  _db: Executor,
  _patientId: string,
  _at: Date,
  _appointmentId?: string | null,
): Promise<{ contractedElderly: boolean; referredByFamilyDoctor: boolean }> {
  return { contractedElderly: false, referredByFamilyDoctor: false };
}
