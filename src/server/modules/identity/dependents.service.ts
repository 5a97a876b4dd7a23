import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { identityErrors } from './identity.errors.js';
import {
  ADULT_AGE,
  ageOn,
  canBeGuardianOf,
  type PatientProfile,
  type Relationship,
} from './identity.rules.js';
import { consumeOtp, issueOtp } from './otp.service.js';
import { requirePatientAccess } from './patient-access.js';
import {
  type DependentView,
  dependentRows,
  idTaken,
  insertVerifiedPatient,
  validIdentity,
} from './people.service.js';

export const MAX_DEPENDENTS = 10;

const realNameRequired = () => identityErrors.realNameRequired('添加就诊人前，请先完成本人实名认证。');

/**
 * 亲情账户: adds a dependent with their own real-name check (ID-1, ID-2). A minor is added by a guardian and
 * is active at once (ID-6); an adult must confirm by an SMS code before the proxy may act for them.
 */
export async function addDependent(
  ctx: AppContext,
  auth: AuthContext,
  input: { name: string; idNumber: string; relationship: Relationship; phone?: string },
  actor: Actor,
): Promise<DependentView> {
  const id = validIdentity(ctx, input.name, input.idNumber);
  const now = ctx.clock.now();
  const minor = ageOn(id.birthDate, now) < ADULT_AGE;
  if (minor && !canBeGuardianOf(input.relationship)) {
    throw identityErrors.guardianRequired(
      '未成年就诊人只能由其监护人（父母、祖父母、兄姐或指定监护人）添加。',
    );
  }
  const bidx = ctx.cipher.blindIndex('id_number', id.idNumber);
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const me = await trx
      .selectFrom('patient')
      .select(['id', 'verified_at', 'id_number_bidx'])
      .where('account_id', '=', auth.accountId)
      .executeTakeFirst();
    if (!me?.verified_at) throw realNameRequired();
    if (me.id_number_bidx === bidx) throw identityErrors.cannotAddSelf();
    const count = await trx
      .selectFrom('family_proxy')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('proxy_account_id', '=', auth.accountId)
      .where('status', '<>', 'revoked')
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_DEPENDENTS) {
      throw identityErrors.tooManyDependents(`每个账号最多添加 ${MAX_DEPENDENTS} 位就诊人。`);
    }
    const holder = await trx
      .selectFrom('patient as p')
      .leftJoin('account as a', 'a.id', 'p.account_id')
      .select(['p.id', 'p.name', 'a.phone_enc'])
      .where('p.id_number_bidx', '=', bidx)
      .forUpdate('p')
      .executeTakeFirst();
    if (holder && holder.name !== input.name) throw idTaken();
    // An adult confirms on their own phone: the account's if they have one, else the one given.
    const confirmPhone = minor
      ? null
      : holder?.phone_enc
        ? ctx.cipher.decrypt(holder.phone_enc)
        : input.phone;
    if (!minor && !confirmPhone) {
      throw identityErrors.phoneRequired();
    }
    let patientId = holder?.id;
    if (patientId) {
      const existing = await trx
        .selectFrom('family_proxy')
        .select('id')
        .where('proxy_account_id', '=', auth.accountId)
        .where('patient_id', '=', patientId)
        .where('status', '<>', 'revoked')
        .executeTakeFirst();
      if (existing) throw identityErrors.dependentExists();
      // A record a hospital system created (HL7, [6/12]) is verified now: the proxy checked the number
      // and the name matches it (ID-1, ID-2).
      await trx
        .updateTable('patient')
        .set({ verified_at: now })
        .where('id', '=', patientId)
        .where('verified_at', 'is', null)
        .execute();
    } else {
      patientId = await insertVerifiedPatient(ctx.cipher, trx, null, input.name, id, now);
    }
    const proxyId = newId();
    await trx
      .insertInto('family_proxy')
      .values({
        id: proxyId,
        proxy_account_id: auth.accountId,
        patient_id: patientId,
        relationship: input.relationship,
        is_guardian: minor,
        confirm_phone_enc: confirmPhone ? ctx.cipher.encrypt(confirmPhone) : null,
        status: minor ? 'active' : 'pending_confirmation',
        confirmed_at: minor ? now : null,
        created_at: now,
      })
      .execute();
    const otp = confirmPhone ? await issueOtp(ctx, trx, confirmPhone, 'proxy_confirm', proxyId) : null;
    await audit({
      action: 'family_proxy.add',
      resourceType: 'family_proxy',
      resourceId: proxyId,
      patientId,
      details: {
        relationship: input.relationship,
        minor,
        idNumber: maskIdNumber(id.idNumber),
        ...(confirmPhone ? { confirmPhone: maskPhone(confirmPhone) } : {}),
      },
    });
    const [view] = await dependentRows(ctx, trx, auth.accountId, proxyId);
    return { ...view!, ...(otp && ctx.config.demo ? { devCode: otp.code } : {}) };
  });
}

async function pendingProxy(ctx: AppContext, auth: AuthContext, proxyId: string) {
  const row = await ctx.db
    .selectFrom('family_proxy')
    .select(['id', 'status', 'patient_id', 'confirm_phone_enc'])
    .where('id', '=', proxyId)
    .where('proxy_account_id', '=', auth.accountId)
    .where('status', '<>', 'revoked')
    .executeTakeFirst();
  if (!row) throw errors.notFound('就诊人');
  return row;
}

/** The adult dependent's SMS code turns a pending proxy active. */
export async function confirmDependent(
  ctx: AppContext,
  auth: AuthContext,
  proxyId: string,
  code: string,
  actor: Actor,
): Promise<DependentView> {
  const proxy = await pendingProxy(ctx, auth, proxyId);
  if (proxy.status === 'active') return (await dependentRows(ctx, ctx.db, auth.accountId, proxyId))[0]!;
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const check = await consumeOtp(
      ctx,
      trx,
      ctx.cipher.decrypt(proxy.confirm_phone_enc!),
      'proxy_confirm',
      code,
      proxyId,
    );
    if (check === 'wrong') throw identityErrors.invalidOtp();
    if (check === 'expired_or_missing') throw identityErrors.otpExpired();
    await trx
      .updateTable('family_proxy')
      .set({ status: 'active', confirmed_at: now })
      .where('id', '=', proxyId)
      .execute();
    await audit({
      action: 'family_proxy.confirm',
      resourceType: 'family_proxy',
      resourceId: proxyId,
      patientId: proxy.patient_id,
    });
    return (await dependentRows(ctx, trx, auth.accountId, proxyId))[0]!;
  });
}

export async function resendDependentCode(
  ctx: AppContext,
  auth: AuthContext,
  proxyId: string,
  actor: Actor,
): Promise<{ devCode?: string }> {
  const proxy = await pendingProxy(ctx, auth, proxyId);
  if (proxy.status !== 'pending_confirmation' || !proxy.confirm_phone_enc) {
    throw identityErrors.alreadyConfirmed();
  }
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const otp = await issueOtp(
      ctx,
      trx,
      ctx.cipher.decrypt(proxy.confirm_phone_enc!),
      'proxy_confirm',
      proxyId,
    );
    await audit({
      action: 'family_proxy.resend_code',
      resourceType: 'family_proxy',
      resourceId: proxyId,
      patientId: proxy.patient_id,
    });
    return ctx.config.demo ? { devCode: otp.code } : {};
  });
}

export async function removeDependent(
  ctx: AppContext,
  auth: AuthContext,
  proxyId: string,
  actor: Actor,
): Promise<void> {
  const proxy = await pendingProxy(ctx, auth, proxyId);
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await trx
      .updateTable('family_proxy')
      .set({ status: 'revoked', revoked_at: now })
      .where('id', '=', proxyId)
      .execute();
    await audit({
      action: 'family_proxy.revoke',
      resourceType: 'family_proxy',
      resourceId: proxyId,
      patientId: proxy.patient_id,
    });
  });
}

export type PatientView = PatientProfile;

/** A patient's profile, for the patient or an active proxy; the read is audited (DJ-12). */
export async function getPatient(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
): Promise<PatientView> {
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const relation = await requirePatientAccess(trx, auth, patientId);
    const p = await trx
      .selectFrom('patient')
      .select(['id', 'name', 'id_number_enc', 'birth_date', 'sex'])
      .where('id', '=', patientId)
      .executeTakeFirstOrThrow();
    await audit({
      action: 'patient.read',
      resourceType: 'patient',
      resourceId: patientId,
      patientId,
      details: { relation },
    });
    return {
      id: p.id,
      name: p.name,
      idNumber: p.id_number_enc ? maskIdNumber(ctx.cipher.decrypt(p.id_number_enc)) : '',
      birthDate: p.birth_date ?? '',
      sex: (p.sex ?? '') as PatientProfile['sex'],
      age: p.birth_date ? ageOn(p.birth_date, now) : 0,
      relation,
    };
  });
}
