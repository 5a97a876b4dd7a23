/**
 * What other modules may ask of identity (style.md: a module owns its tables; others call these
 * functions with their own executor or transaction).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';

/** An account's phone number in clear, for sending it an SMS; undefined when the account is gone. */
export async function accountPhone(
  ctx: AppContext,
  db: Executor,
  accountId: string,
): Promise<string | undefined> {
  const account = await db
    .selectFrom('account')
    .select('phone_enc')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return account ? ctx.cipher.decrypt(account.phone_enc) : undefined;
}

/** A patient record as other modules need it: whose, the name shown, and whether real-name verified (ID-1). */
export interface PatientCard {
  id: string;
  accountId: string | null;
  name: string;
  verifiedAt: Date | null;
}

/** A patient by id, or an account holder's own patient record (undefined before real-name verification). */
export async function patientCard(
  db: Executor,
  by: { patientId: string } | { accountId: string },
): Promise<PatientCard | undefined> {
  let q = db.selectFrom('patient').select(['id', 'account_id', 'name', 'verified_at']);
  q = 'patientId' in by ? q.where('id', '=', by.patientId) : q.where('account_id', '=', by.accountId);
  const r = await q.executeTakeFirst();
  return r ? { id: r.id, accountId: r.account_id, name: r.name, verifiedAt: r.verified_at } : undefined;
}

/** Names of many patients at once (lists show names; one query for the page). */
export async function patientNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('patient')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The patients an account acts for: its own record and those it is an active proxy for (ID-6). */
export async function patientsOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('patient')
    .select('id')
    .where('account_id', '=', accountId)
    .unionAll(
      db
        .selectFrom('family_proxy')
        .select('patient_id as id')
        .where('proxy_account_id', '=', accountId)
        .where('status', '=', 'active'),
    )
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** A patient as visits shows and signs them: name, sex, birth date (age, ID-6) and real-name state (ID-1). */
export interface PatientProfile {
  id: string;
  accountId: string | null;
  name: string;
  sex: string | null;
  birthDate: string | null;
  verifiedAt: Date | null;
}

/** Profiles of many patients at once (one query for a page of visits). */
export async function patientProfiles(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, PatientProfile>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('patient')
    .select(['id', 'account_id', 'name', 'sex', 'birth_date', 'verified_at'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        accountId: r.account_id,
        name: r.name,
        sex: r.sex,
        birthDate: r.birth_date ? String(r.birth_date) : null,
        verifiedAt: r.verified_at,
      },
    ]),
  );
}

/** Whether an account acts for a patient: the patient themself or an active family proxy (ID-6, DJ-9). */
export async function actsForPatient(db: Executor, accountId: string, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('patient as p')
    .leftJoin('family_proxy as f', (j) =>
      j
        .onRef('f.patient_id', '=', 'p.id')
        .on('f.proxy_account_id', '=', accountId)
        .on('f.status', '=', 'active'),
    )
    .select(['p.account_id', 'f.id as proxy_id'])
    .where('p.id', '=', patientId)
    .executeTakeFirst();
  return !!row && (row.account_id === accountId || row.proxy_id !== null);
}

/** Whether an account is an active family proxy who is the patient's guardian (ID-6, PILOT-3). */
export async function isActiveGuardian(db: Executor, accountId: string, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('family_proxy')
    .select('id')
    .where('proxy_account_id', '=', accountId)
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .where('is_guardian', '=', true)
    .executeTakeFirst();
  return !!row;
}

/** Accounts' names, many at once (a chat's senders, a timeline's actors). */
export async function accountNames(
  db: Executor,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('account').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The active accounts of an institution's staff with a role (the pharmacists to tell of a new prescription). */
export async function staffAccountsAt(db: Executor, institutionId: string, role: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account')
    .select('id')
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'active')
    .where(sql<boolean>`${role} = any(roles)`)
    .execute();
  return rows.map((r) => r.id);
}

/** The account a practitioner signs in with, if they have one. */
export async function accountOfPractitioner(
  db: Executor,
  practitionerId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('account')
    .select('id')
    .where('practitioner_id', '=', practitionerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row?.id;
}

/** A recorded allergy (to an ingredient or an allergen class such as 青霉素类). */
export interface PatientAllergy {
  id: string;
  substance: string;
  reaction: string | null;
  recordedAt: Date;
  /** The account that recorded it (null: seeded or imported). */
  recordedBy: string | null;
}

/**
 * A patient's recorded allergies, oldest first; removed ones are kept (RX-12) but not listed. What the
 * prescribing rules check against and the pharmacist sees (RX-10).
 */
export async function patientAllergies(db: Executor, patientId: string): Promise<PatientAllergy[]> {
  const rows = await db
    .selectFrom('patient_allergy')
    .select(['id', 'substance', 'reaction', 'recorded_at', 'recorded_by'])
    .where('patient_id', '=', patientId)
    .where('removed_at', 'is', null)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    substance: r.substance,
    reaction: r.reaction,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
  }));
}

/** Identity's error catalogue: REAL_NAME_REQUIRED and GUARDIAN_REQUIRED are answered by other modules too. */
export { identityErrors } from './identity.errors.js';
/** The access check for acting as or for a patient (ID-6, DJ-9), and an account's own patient record. */
export { ownPatientId, type PatientRelation, requirePatientAccess } from './patient-access.js';
