import type { Sex } from '../../../shared/http.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext, Role } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { FieldCipher } from '../../platform/crypto/fields.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts } from '../directory/directory.api.js';
import { consentState } from './consent.service.js';
import { identityErrors } from './identity.errors.js';
import {
  ADULT_AGE,
  ageOn,
  checkIdNumber,
  type Dependent,
  idNumberProblemText,
  isPersonName,
  type Me,
  type Relationship,
} from './identity.rules.js';

export type MeView = Me;

export async function getMe(ctx: AppContext, auth: AuthContext): Promise<MeView> {
  const row = await ctx.db
    .selectFrom('account as a')
    .leftJoin('patient as p', 'p.account_id', 'a.id')
    .select(['a.id', 'a.name', 'a.roles', 'a.phone_enc', 'a.institution_id', 'a.practitioner_id'])
    .select(['p.id as patient_id', 'p.verified_at', 'p.id_number_enc', 'p.birth_date', 'p.sex'])
    .where('a.id', '=', auth.accountId)
    .executeTakeFirstOrThrow();
  // The institution is directory's: its name comes through directory's public functions.
  const institution = row.institution_id
    ? (await institutionFacts(ctx.db, [row.institution_id])).get(row.institution_id)?.name
    : undefined;
  return {
    id: row.id,
    name: row.name,
    roles: row.roles as Role[],
    phone: maskPhone(ctx.cipher.decrypt(row.phone_enc)),
    ...(row.institution_id ? { institutionId: row.institution_id, institutionName: institution ?? '' } : {}),
    ...(row.practitioner_id ? { practitionerId: row.practitioner_id } : {}),
    realNameVerified: row.verified_at !== null,
    ...(row.patient_id ? { patientId: row.patient_id } : {}),
    ...(row.id_number_enc ? { idNumber: maskIdNumber(ctx.cipher.decrypt(row.id_number_enc)) } : {}),
    ...(row.birth_date ? { birthDate: row.birth_date } : {}),
    ...(row.sex ? { sex: row.sex as Sex } : {}),
    // SEC-1: a patient account's consent state; the patient app asks again while it is `required`.
    ...((row.roles as Role[]).includes('patient') ? { consent: await consentState(ctx.db, row.id) } : {}),
  };
}

function validIdentity(ctx: AppContext, name: string, idNumber: string) {
  if (!isPersonName(name)) throw identityErrors.invalidName();
  const check = checkIdNumber(idNumber, ctx.clock.now());
  if (!check.ok)
    throw identityErrors.invalidIdNumber(idNumberProblemText[check.problem], { problem: check.problem });
  return check;
}

const idTaken = () => identityErrors.idNumberTaken();

/**
 * 实名认证 (ID-1, ID-2): binds a checked resident ID to the account's patient record. One ID number
 * belongs to at most one person: a record that already holds it is reused only when it is the same
 * person with no account of its own (e.g. a grown-up child claiming the record a parent created).
 */
export async function verifyRealName(
  ctx: AppContext,
  auth: AuthContext,
  input: { name: string; idNumber: string },
  actor: Actor,
): Promise<MeView> {
  const id = validIdentity(ctx, input.name, input.idNumber);
  const bidx = ctx.cipher.blindIndex('id_number', id.idNumber);
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const mine = await trx
      .selectFrom('patient')
      .selectAll()
      .where('account_id', '=', auth.accountId)
      .forUpdate()
      .executeTakeFirst();
    if (mine?.verified_at) {
      if (mine.id_number_bidx === bidx && mine.name === input.name) return; // idempotent repeat
      throw identityErrors.alreadyVerified();
    }
    const holder = await trx
      .selectFrom('patient')
      .select(['id', 'account_id', 'name'])
      .where('id_number_bidx', '=', bidx)
      .forUpdate()
      .executeTakeFirst();
    let patientId: string;
    if (holder) {
      if (holder.account_id !== null || holder.name !== input.name) throw idTaken();
      await trx
        .updateTable('patient')
        .set({ account_id: auth.accountId, verified_at: now })
        .where('id', '=', holder.id)
        .execute();
      patientId = holder.id;
    } else {
      patientId = await insertVerifiedPatient(ctx.cipher, trx, auth.accountId, input.name, id, now);
    }
    await trx.updateTable('account').set({ name: input.name }).where('id', '=', auth.accountId).execute();
    await audit({
      action: 'patient.real_name.verify',
      resourceType: 'patient',
      resourceId: patientId,
      patientId,
      details: { idNumber: maskIdNumber(id.idNumber) },
    });
  });
  return getMe(ctx, auth);
}

export type DependentView = Dependent;

async function dependentRows(ctx: AppContext, db: Executor, accountId: string, proxyId?: string) {
  let q = db
    .selectFrom('family_proxy as f')
    .innerJoin('patient as p', 'p.id', 'f.patient_id')
    .select([
      'f.id',
      'f.patient_id',
      'f.relationship',
      'f.status',
      'f.is_guardian',
      'f.created_at',
      'p.name',
      'p.id_number_enc',
      'p.birth_date',
      'p.sex',
    ])
    .where('f.proxy_account_id', '=', accountId)
    .where('f.status', '<>', 'revoked')
    .orderBy('f.created_at');
  if (proxyId) q = q.where('f.id', '=', proxyId);
  const rows = await q.execute();
  const today = ctx.clock.now();
  return rows.map(
    (r): DependentView => ({
      id: r.id,
      patientId: r.patient_id,
      name: r.name,
      idNumber: r.id_number_enc ? maskIdNumber(ctx.cipher.decrypt(r.id_number_enc)) : '',
      birthDate: r.birth_date ?? '',
      sex: r.sex as Sex,
      age: r.birth_date ? ageOn(r.birth_date, today) : 0,
      relationship: r.relationship as Relationship,
      status: r.status as DependentView['status'],
      isMinor: r.birth_date ? ageOn(r.birth_date, today) < ADULT_AGE : false,
      isGuardian: r.is_guardian,
    }),
  );
}

/** Lists the account's dependents; reading them is a read of their personal data, so it is audited. */
export async function listDependents(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<DependentView[]> {
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const items = await dependentRows(ctx, trx, auth.accountId);
    for (const d of items) {
      await audit({
        action: 'patient.read',
        resourceType: 'patient',
        resourceId: d.patientId,
        patientId: d.patientId,
        details: { via: 'dependents.list' },
      });
    }
    return items;
  });
}

/**
 * Inserts a real-name verified patient record. One ID number is one person: when a concurrent request
 * took the number first, the unique blind index refuses and this answers ID_NUMBER_TAKEN.
 */
export async function insertVerifiedPatient(
  cipher: FieldCipher,
  db: Executor,
  accountId: string | null,
  name: string,
  id: { idNumber: string; birthDate: string; sex: 'male' | 'female' },
  now: Date,
): Promise<string> {
  const patientId = newId();
  const insert = db
    .insertInto('patient')
    .values({
      id: patientId,
      account_id: accountId,
      name,
      id_number_enc: cipher.encrypt(id.idNumber),
      id_number_bidx: cipher.blindIndex('id_number', id.idNumber),
      birth_date: id.birthDate,
      sex: id.sex,
      verified_at: now,
      created_at: now,
    })
    .execute();
  await mapUniqueViolation(insert, () => idTaken());
  return patientId;
}

export { dependentRows, idTaken, validIdentity };
