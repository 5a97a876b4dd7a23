/**
 * What other modules may ask of identity (style.md: a module owns its tables; others call these
 * functions with their own executor or transaction).
 */
import {
  type AliasableExpression,
  type Expression,
  expressionBuilder,
  type RawBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { checkIdNumber } from '../../../shared/identity.js';
import type { AppContext } from '../../platform/context.js';
import type { FieldCipher } from '../../platform/crypto/fields.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';

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

/**
 * For the booking hot path, where a round trip costs: the patient card as one JSON column of the caller's
 * query (`verifiedAt` an ISO string), null when there is none. `patientId` in SQL is `(card->>'id')::uuid`.
 */
export function patientCardJson(
  by: { patientId: string } | { accountId: string },
): RawBuilder<{ id: string; accountId: string | null; name: string; verifiedAt: string | null } | null> {
  const where = 'patientId' in by ? sql`id = ${by.patientId}` : sql`account_id = ${by.accountId}`;
  return sql`(select json_build_object('id', id, 'accountId', account_id, 'name', name, 'verifiedAt', verified_at)
    from patient where ${where} limit 1)`;
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

/**
 * `actsForPatient` as an expression for a caller's own query (the visit chat reads the visit, locks it and
 * checks the sender in one statement): true when the account is the patient whose id `patientId` names, or
 * an active family proxy of that patient (ID-6). Identity still owns the tables; only the SQL is lent.
 */
export function actsForPatientExpr(
  accountId: string,
  patientId: Expression<string>,
): AliasableExpression<SqlBool> {
  const eb = expressionBuilder<DB, never>();
  return eb.exists(
    eb
      .selectFrom('patient as p')
      .leftJoin('family_proxy as f', (j) =>
        j
          .onRef('f.patient_id', '=', 'p.id')
          .on('f.proxy_account_id', '=', accountId)
          .on('f.status', '=', 'active'),
      )
      .select('p.id')
      .where('p.id', '=', patientId)
      .where((w) => w.or([w('p.account_id', '=', accountId), w('f.id', 'is not', null)])),
  );
}

/** An account's name as a scalar subquery for a caller's own query (null when there is no such account). */
export function accountNameExpr(accountId: string): AliasableExpression<string | null> {
  return expressionBuilder<DB, never>()
    .selectFrom('account')
    .select('name')
    .where('id', '=', accountId)
    .$asScalar() as AliasableExpression<string | null>;
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

/**
 * Staff passwords (DJ-2) and the second factor (DJ-6), for the administrators' consoles: the policy check,
 * an initial password (must change at the first login), and the security administrator's reset.
 */
export {
  checkPasswordPolicy,
  clearSecondFactor,
  passwordPolicyError,
  passwordPolicyOf,
  resetSecondFactor,
  setInitialPassword,
} from './credentials.service.js';
/**
 * [11/12] Staff scan a patient's electronic health card (a remote-diagnosis request identifies the patient
 * in front of the doctor): the same verification and audit as POST /health-cards/verify.
 */
export { verifyHealthCard } from './health-card.service.js';
/** Identity's error catalogue: REAL_NAME_REQUIRED and GUARDIAN_REQUIRED are answered by other modules too. */
export { identityErrors } from './identity.errors.js';
/** [12/12] SMS codes for other modules' confirmations (a family-doctor agreement: purpose contract_sign, FD-1). */
export { consumeOtp, issueOtp, type OtpCheck } from './otp.service.js';
/** The access check for acting as or for a patient (ID-6, DJ-9), and an account's own patient record. */
export { ownPatientId, type PatientRelation, requirePatientAccess } from './patient-access.js';
export { announceSessionsRevoked, type SessionsRevoked } from './session-cache.js';

/**
 * How an account stands to a patient ([6/12], SEC-1, ID-6): the patient themself, an active family proxy
 * (a pending one does not count), or null. The same rule as `requirePatientAccess`, without the refusal,
 * for the records access check (records/care-access.ts), which weighs it with staff relationships.
 */
export async function patientRelation(
  db: Executor,
  accountId: string,
  patientId: string,
): Promise<'self' | 'proxy' | null> {
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
  if (!row) return null;
  if (row.account_id === accountId) return 'self';
  return row.proxy_id !== null ? 'proxy' : null;
}

/** Accounts as an access log names their holders ([6/12]): name and institution; never a phone (DJ-10). */
export async function accountCards(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { name: string; institutionId: string | null; practitionerId: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('account')
    .select(['id', 'name', 'institution_id', 'practitioner_id'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { name: r.name, institutionId: r.institution_id, practitionerId: r.practitioner_id },
    ]),
  );
}

/**
 * A patient's resident ID number in clear ([6/12] archive): for the patient and their proxies only — the
 * caller masks it (platform/crypto/mask.ts) for anyone else (DJ-10). Null when none is on file.
 */
export async function patientIdNumber(
  ctx: AppContext,
  db: Executor,
  patientId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('patient')
    .select('id_number_enc')
    .where('id', '=', patientId)
    .executeTakeFirst();
  return row?.id_number_enc ? ctx.cipher.decrypt(row.id_number_enc) : null;
}

// --- [6/12] Patients named by hospital systems (HL7 v2 ADT/ORU, the hl7 module).
//
// A hospital registers patients under their real name (实名就诊), so a message with a valid resident ID
// creates the patient record when none holds that number: without an account and NOT real-name verified
// on the platform (verified_at null). When the person later verifies with that number and the same name,
// `verifyRealName` claims the record (account, verified_at), and everything fed before is theirs. A
// hospital may update the name, sex and birth date of such a record (A08), never those of a verified one.

/** A patient as a hospital feed sees them: identity facts and whether the platform verified them (ID-1). */
export interface FedPatient {
  id: string;
  accountId: string | null;
  name: string;
  sex: string | null;
  birthDate: string | null;
  verified: boolean;
}

/** The patient holding a resident ID number, found by its blind index (the number is never queried). */
export async function patientByIdNumber(
  cipher: FieldCipher,
  db: Executor,
  idNumber: string,
): Promise<FedPatient | undefined> {
  const r = await db
    .selectFrom('patient')
    .select(['id', 'account_id', 'name', 'sex', 'birth_date', 'verified_at'])
    .where('id_number_bidx', '=', cipher.blindIndex('id_number', idNumber.trim().toUpperCase()))
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        accountId: r.account_id,
        name: r.name,
        sex: r.sex,
        birthDate: r.birth_date ? String(r.birth_date) : null,
        verified: r.verified_at !== null,
      }
    : undefined;
}

/** A possible match for a message without a resident ID, as staff compare it (ID number masked, DJ-10). */
export interface PatientCandidate {
  patientId: string;
  name: string;
  sex: string | null;
  birthDate: string | null;
  idNumberMasked: string | null;
}

function candidateOf(
  cipher: FieldCipher,
  r: { id: string; name: string; sex: string | null; birth_date: unknown; id_number_enc: string | null },
): PatientCandidate {
  return {
    patientId: r.id,
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date ? String(r.birth_date) : null,
    idNumberMasked: r.id_number_enc ? maskIdNumber(cipher.decrypt(r.id_number_enc)) : null,
  };
}

/**
 * Patients who may be the person a message names without a resident ID: the same name, and the same
 * birth date and sex where the message gives them. At most `limit`, oldest record first.
 */
export async function patientCandidates(
  cipher: FieldCipher,
  db: Executor,
  who: { name: string; birthDate: string | null; sex: string | null },
  limit = 10,
): Promise<PatientCandidate[]> {
  let q = db
    .selectFrom('patient')
    .select(['id', 'name', 'sex', 'birth_date', 'id_number_enc'])
    .where('name', '=', who.name);
  if (who.birthDate) q = q.where('birth_date', '=', who.birthDate);
  if (who.sex) q = q.where('sex', '=', who.sex);
  const rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => candidateOf(cipher, r));
}

/** Candidate cards of many patients at once (a page of the match queue). */
export async function patientCandidateCards(
  cipher: FieldCipher,
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, PatientCandidate>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('patient')
    .select(['id', 'name', 'sex', 'birth_date', 'id_number_enc'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, candidateOf(cipher, r)]));
}

/**
 * A patient record created from a hospital system: no account, not verified on the platform. With a
 * resident ID the number is checked (ID-2) and birth date and sex are taken from it. A concurrent insert
 * of the same number violates the unique blind index; the caller retries and then finds the record.
 */
export async function createFedPatient(
  cipher: FieldCipher,
  db: Executor,
  who: { name: string; idNumber: string | null; birthDate: string | null; sex: 'male' | 'female' | null },
  now: Date,
): Promise<string> {
  let idNumber: string | null = null;
  let { birthDate, sex } = who;
  if (who.idNumber) {
    const check = checkIdNumber(who.idNumber, now);
    if (!check.ok) throw new Error(`createFedPatient: invalid resident ID (${check.problem})`);
    ({ idNumber, birthDate, sex } = check);
  }
  const id = newId();
  await db
    .insertInto('patient')
    .values({
      id,
      account_id: null,
      name: who.name,
      id_number_enc: idNumber ? cipher.encrypt(idNumber) : null,
      id_number_bidx: idNumber ? cipher.blindIndex('id_number', idNumber) : null,
      birth_date: birthDate,
      sex,
      verified_at: null,
      created_at: now,
    })
    .execute();
  return id;
}

/**
 * A hospital's update of a patient's identity (ADT^A08). Only a record the platform has not verified is
 * changed, and on one holding a resident ID only the name (birth date and sex come from the number);
 * a verified patient's identity is theirs (ID-1): 'protected', nothing changed.
 */
export async function updateFedPatient(
  db: Executor,
  patientId: string,
  who: { name: string | null; birthDate: string | null; sex: 'male' | 'female' | null },
): Promise<'updated' | 'unchanged' | 'protected'> {
  const r = await db
    .selectFrom('patient')
    .select(['name', 'sex', 'birth_date', 'verified_at', 'id_number_bidx'])
    .where('id', '=', patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new Error(`updateFedPatient: no patient ${patientId}`);
  const hasId = r.id_number_bidx !== null;
  const next = {
    name: who.name ?? r.name,
    sex: hasId ? r.sex : (who.sex ?? r.sex),
    birth_date: hasId ? r.birth_date : (who.birthDate ?? r.birth_date),
  };
  const changed =
    next.name !== r.name || next.sex !== r.sex || String(next.birth_date) !== String(r.birth_date);
  if (!changed) return 'unchanged';
  if (r.verified_at !== null) return 'protected';
  await db.updateTable('patient').set(next).where('id', '=', patientId).execute();
  return 'updated';
}

/** The patients an account is (self) or acts for (proxy, active: ID-6), with which — one query. */
export async function patientRelationsOfAccount(
  db: Executor,
  accountId: string,
): Promise<Map<string, 'self' | 'proxy'>> {
  const rows = await db
    .selectFrom('patient')
    .select(['id', sql<'self' | 'proxy'>`'self'`.as('relation')])
    .where('account_id', '=', accountId)
    .unionAll(
      db
        .selectFrom('family_proxy')
        .select(['patient_id as id', sql<'self' | 'proxy'>`'proxy'`.as('relation')])
        .where('proxy_account_id', '=', accountId)
        .where('status', '=', 'active'),
    )
    .execute();
  const out = new Map<string, 'self' | 'proxy'>();
  for (const r of rows) if (!out.has(r.id) || r.relation === 'self') out.set(r.id, r.relation);
  return out;
}
