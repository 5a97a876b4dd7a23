/**
 * Referrals as the contract shows them (src/shared/family-doctor.ts ReferralView, FD-4, FD-6): a page of
 * rows with their patients, institutions, departments, practitioners and appointments fetched once per
 * page (one query each).
 */
import type { Selectable } from 'kysely';
import type { CarePlan, ReferralView } from '../../../shared/family-doctor.js';
import { ageOn } from '../../../shared/identity.js';
import type { Executor } from '../../platform/db/database.js';
import type { ReferralTable } from '../../platform/db/schema.js';
import { departmentFacts, institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { patientProfiles } from '../identity/identity.api.js';
import { appointmentSummaries } from '../scheduling/scheduling.api.js';
import { fd6Applies } from './referral.rules.js';

export type ReferralRow = Selectable<ReferralTable>;

const sexOf = (s: string | null | undefined) => (s === 'male' || s === 'female' ? s : null);

export async function referralViews(
  db: Executor,
  rows: readonly ReferralRow[],
  now: Date,
): Promise<ReferralView[]> {
  if (rows.length === 0) return [];
  const appointmentIds = rows.flatMap((r) => (r.appointment_id ? [r.appointment_id] : []));
  const [patients, institutions, departments, appointments] = await Promise.all([
    patientProfiles(
      db,
      rows.map((r) => r.patient_id),
    ),
    institutionFacts(
      db,
      rows.flatMap((r) => [r.from_institution_id, r.to_institution_id]),
    ),
    departmentFacts(
      db,
      rows.flatMap((r) => (r.to_department_id ? [r.to_department_id] : [])),
    ),
    appointmentSummaries(db, appointmentIds),
  ]);
  const practitioners = await practitionerProfiles(db, [
    ...rows.map((r) => r.from_practitioner_id),
    ...[...appointments.values()].map((a) => a.practitionerId),
  ]);
  return rows.map((r) => {
    const p = patients.get(r.patient_id);
    const age = p?.birthDate ? ageOn(p.birthDate, now) : null;
    const contracted = r.contract_id !== null;
    const a = r.appointment_id ? appointments.get(r.appointment_id) : undefined;
    return {
      id: r.id,
      referralNo: r.referral_no,
      direction: r.direction as ReferralView['direction'],
      status: r.status as ReferralView['status'],
      patient: { id: r.patient_id, name: p?.name ?? '', sex: sexOf(p?.sex), age },
      from: {
        institutionId: r.from_institution_id,
        institutionName: institutions.get(r.from_institution_id)?.name ?? '',
        practitionerId: r.from_practitioner_id,
        practitionerName: practitioners.get(r.from_practitioner_id)?.name ?? '',
      },
      to: {
        institutionId: r.to_institution_id,
        institutionName: institutions.get(r.to_institution_id)?.name ?? '',
        departmentId: r.to_department_id,
        departmentName: r.to_department_id ? (departments.get(r.to_department_id)?.name ?? null) : null,
      },
      summary: r.summary,
      carePlan: (r.care_plan as CarePlan | null) ?? null,
      contracted,
      // FD-6 reaches the referred visit only (an upward referral, settled at the hospital).
      elderlyBonus: r.direction === 'up' && fd6Applies(contracted, age),
      appointment: a
        ? {
            id: a.id,
            date: a.date,
            windowStart: a.windowStart.toISOString(),
            doctorName: practitioners.get(a.practitionerId)?.name ?? '',
            status: a.status,
          }
        : null,
      declineReason: r.decline_reason,
      completeNote: r.complete_note,
      acceptedAt: r.accepted_at?.toISOString() ?? null,
      bookedAt: r.booked_at?.toISOString() ?? null,
      completedAt: r.completed_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    };
  });
}
