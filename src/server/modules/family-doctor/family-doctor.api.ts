/**
 * What other modules may ask of the family doctor ([12/12]):
 * - records: `familyDoctorSource` and `referralSource`, the care relationships a contract and a referral
 *   make (SEC-1), entries of records' CARE_SOURCES — named by records, never the other way round. This file
 *   imports no service of its own module (records imports it while this module's services import records).
 * - insurance: `familyDoctorFacts`, FD-6's facts about a person at a settled visit.
 */

import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type { Executor } from '../../platform/db/database.js';
import { patientProfiles } from '../identity/identity.api.js';
import type { CareSource, PatientDecision } from '../records/care-access.js';
import { FD6_ELDERLY_AGE } from './referral.rules.js';

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
 * The family-doctor contract a resident held on `at` (Asia/Shanghai day): in force that day — active, or
 * since expired, or terminated after `at` — so a settlement retried later is judged as on its own day.
 */
export async function contractOn(
  db: Executor,
  patientId: string,
  at: Date,
): Promise<{ id: string; teamId: string; institutionId: string } | undefined> {
  const day = shanghaiDate(at);
  const row = await db
    .selectFrom('family_contract')
    .select(['id', 'team_id', 'institution_id'])
    .where('patient_id', '=', patientId)
    .where('starts_on', '<=', day)
    .where('ends_on', '>=', day)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['active', 'expired']),
        eb.and([eb('status', '=', 'terminated'), eb('terminated_at', '>', at)]),
      ]),
    )
    .orderBy('starts_on', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, teamId: row.team_id, institutionId: row.institution_id } : undefined;
}

/**
 * The upward referral (FD-4) an appointment was booked for, if any: insurance makes its registration fee
 * insurable (FD-6) and names the referral on the settlement.
 */
export async function upwardReferralOfAppointment(
  db: Executor,
  appointmentId: string,
): Promise<{ id: string; referralNo: string; patientId: string; fromPractitionerId: string } | undefined> {
  const row = await db
    .selectFrom('referral')
    .select(['id', 'referral_no', 'patient_id', 'from_practitioner_id'])
    .where('appointment_id', '=', appointmentId)
    .where('direction', '=', 'up')
    .where('status', 'in', ['booked', 'completed'])
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        referralNo: row.referral_no,
        patientId: row.patient_id,
        fromPractitionerId: row.from_practitioner_id,
      }
    : undefined;
}

/**
 * FD-6's facts for a settlement: whether the person holds a family-doctor contract in force and is 65 or
 * over on `at` (contractedElderly), and whether the appointment being settled was booked on an upward
 * referral (FD-4) sent by the resident's own family doctor — a lead or doctor member of the team of the
 * contract the resident held that day (referredByFamilyDoctor; a doctor of another team does not count). Without an appointment (an online follow-up at a community
 * institution) the second is false.
 */
export async function familyDoctorFacts(
  db: Executor,
  patientId: string,
  at: Date,
  appointmentId?: string | null,
): Promise<{ contractedElderly: boolean; referredByFamilyDoctor: boolean }> {
  const [contract, person] = await Promise.all([
    contractOn(db, patientId, at),
    patientProfiles(db, [patientId]).then((m) => m.get(patientId)),
  ]);
  const age = person?.birthDate ? ageOn(person.birthDate, at) : null;
  const contractedElderly = contract !== undefined && age !== null && age >= FD6_ELDERLY_AGE;
  let referredByFamilyDoctor = false;
  if (appointmentId && contract) {
    const referral = await upwardReferralOfAppointment(db, appointmentId);
    if (referral?.patientId === patientId) {
      const member = await db
        .selectFrom('family_team_member')
        .innerJoin('family_team', 'family_team.id', 'family_team_member.team_id')
        .select('family_team.id')
        .where('family_team_member.team_id', '=', contract.teamId)
        .where('family_team_member.practitioner_id', '=', referral.fromPractitionerId)
        .where('family_team_member.role', 'in', ['lead', 'doctor'])
        .where('family_team.status', '=', 'active')
        .executeTakeFirst();
      referredByFamilyDoctor = member !== undefined;
    }
  }
  return { contractedElderly, referredByFamilyDoctor };
}
