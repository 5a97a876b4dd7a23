import type { Executor } from '../../platform/db/database.js';
import { departmentFacts, institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { patientNames } from '../identity/identity.api.js';

/** What a list row of a session names by id: the patient, the doctor, the department and the institution. */
export interface SessionRowIds {
  patient_id: string;
  practitioner_id: string;
  department_id: string;
  institution_id: string;
}

export interface SessionNames {
  patientName: string;
  doctorName: string;
  departmentName: string;
  institutionName: string;
  institutionNameEn?: string;
}

/**
 * The names a list of appointments or waitlist entries shows, asked of their owners (identity, directory)
 * by ids in one round trip each, at the same time — not joined onto scheduling's tables.
 */
export async function sessionNames(
  db: Executor,
  rows: readonly SessionRowIds[],
): Promise<(row: SessionRowIds) => SessionNames> {
  const [doctors, departments, institutions, names] = await Promise.all([
    practitionerProfiles(
      db,
      rows.map((r) => r.practitioner_id),
    ),
    departmentFacts(
      db,
      rows.map((r) => r.department_id),
    ),
    institutionFacts(
      db,
      rows.map((r) => r.institution_id),
    ),
    patientNames(
      db,
      rows.map((r) => r.patient_id),
    ),
  ]);
  return (r) => {
    const institution = institutions.get(r.institution_id);
    return {
      patientName: names.get(r.patient_id) ?? '',
      doctorName: doctors.get(r.practitioner_id)?.name ?? '',
      departmentName: departments.get(r.department_id)?.name ?? '',
      institutionName: institution?.name ?? '',
      ...(institution?.nameEn ? { institutionNameEn: institution.nameEn } : {}),
    };
  };
}
