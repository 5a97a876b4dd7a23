/**
 * 电子健康卡 ([8/12]): a card per real-name-verified patient (ID-1), read by the patient or the family
 * member acting for them (ID-6), and verified by staff of any institution of the region who scan its QR
 * code. Every read and every verification, good or bad, is audited (DJ-12); the QR code carries no phone
 * or ID number (DJ-10).
 */
import { randomInt } from 'node:crypto';
import type { HealthCard, VerifiedHealthCard } from '../../../shared/health-card.js';
import type { Actor, AuditEntry } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber, maskName } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import {
  buildPayload,
  cardNumber,
  checkPayload,
  deriveCardKey,
  maskCardNo,
  type PayloadCheck,
} from './health-card.rules.js';
import { identityErrors } from './identity.errors.js';
import { ageOn } from './identity.rules.js';
import { ownPatientId, requirePatientAccess } from './patient-access.js';

/** The region code every card number starts with (云川区, the platform's region). */
const CARD_REGION = '530102';

const keys = new WeakMap<Buffer, Buffer>();
/** The QR MAC key, derived from the blind-index secret for this one purpose (DJ-25). */
function cardKey(ctx: AppContext): Buffer {
  let key = keys.get(ctx.config.blindIndexKey);
  if (!key) {
    key = deriveCardKey(ctx.config.blindIndexKey);
    keys.set(ctx.config.blindIndexKey, key);
  }
  return key;
}

const realNameRequired = () =>
  identityErrors.realNameRequired('电子健康卡只发给已实名认证的就诊人：请先实名认证。');

/** The card of a patient, issued on the first request (one card per patient: unique patient_id). */
async function cardOf(db: Executor, patientId: string, now: Date) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const card = await db
      .selectFrom('health_card')
      .selectAll()
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
    if (card) return { card, issued: false };
    const random9 = String(randomInt(0, 1_000_000_000)).padStart(9, '0');
    // A concurrent first request, or (rarely) a number already taken: nothing is written, look again.
    const inserted = await db
      .insertInto('health_card')
      .values({
        id: newId(),
        patient_id: patientId,
        card_no: cardNumber(CARD_REGION, random9),
        issued_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { card: inserted, issued: true };
  }
  throw new Error('could not issue a health card number');
}

/**
 * `GET /health-cards/{patientId}` (or `self`): the card with this minute's QR code, for the patient or an
 * account with an active family proxy for them (ID-6). Only verified patients have a card (ID-1).
 */
export async function getHealthCard(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string | 'self',
  actor: Actor,
): Promise<HealthCard> {
  let id: string;
  if (patientId === 'self') {
    const own = await ownPatientId(ctx.db, auth.accountId);
    if (!own) throw realNameRequired();
    id = own;
  } else {
    await requirePatientAccess(ctx.db, auth, patientId);
    id = patientId;
  }
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const patient = await trx
      .selectFrom('patient')
      .select(['name', 'verified_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (!patient.verified_at) throw realNameRequired();
    const { card, issued } = await cardOf(trx, id, now);
    const entry = { resourceType: 'health_card', resourceId: card.id, patientId: id };
    if (issued)
      await audit({ ...entry, action: 'health_card.issue', details: { cardNo: maskCardNo(card.card_no) } });
    await audit({ ...entry, action: 'health_card.read' });
    const code = buildPayload(cardKey(ctx), card.id, now);
    return {
      patientId: id,
      cardNoMasked: maskCardNo(card.card_no),
      nameMasked: maskName(patient.name),
      qr: code.payload,
      refreshAt: code.refreshAt.toISOString(),
      expiresAt: code.expiresAt.toISOString(),
      issuedAt: new Date(card.issued_at).toISOString(),
    };
  });
}

type Refusal = Exclude<PayloadCheck, { ok: true }>['problem'] | 'unknown_card';

/**
 * `POST /health-cards/verify`: staff scan a card's QR code and learn who the patient is. The scan is
 * audited with the scanning account, its institution, the patient (when the code names a real card) and
 * the outcome; a refused scan is audited in its own transaction, then refused.
 */
export async function verifyHealthCard(
  ctx: AppContext,
  auth: AuthContext,
  code: string,
  actor: Actor,
): Promise<VerifiedHealthCard> {
  const now = ctx.clock.now();
  const check = checkPayload(cardKey(ctx), code, now);
  const cardId = check.ok || check.problem === 'expired' ? check.cardId : null;
  const row = cardId
    ? await ctx.db
        .selectFrom('health_card as c')
        .innerJoin('patient as p', 'p.id', 'c.patient_id')
        .select([
          'c.id',
          'c.card_no',
          'p.id as patient_id',
          'p.name',
          'p.sex',
          'p.birth_date',
          'p.id_number_enc',
        ])
        .where('c.id', '=', cardId)
        .executeTakeFirst()
    : undefined;
  const base: AuditEntry = {
    action: 'health_card.verify',
    resourceType: 'health_card',
    resourceId: row?.id ?? null,
    patientId: row?.patient_id ?? null,
  };
  const where = { institutionId: auth.institutionId };
  const refuse = async (reason: Refusal) => {
    await runCommand(ctx, actor, ({ audit }) =>
      audit({ ...base, outcome: 'failure', details: { ...where, reason } }),
    );
    return reason === 'expired' ? identityErrors.healthCardExpired() : identityErrors.healthCardInvalid();
  };
  if (!check.ok) throw await refuse(check.problem);
  if (!row) throw await refuse('unknown_card');
  await runCommand(ctx, actor, ({ audit }) =>
    audit({ ...base, details: { ...where, cardNo: maskCardNo(row.card_no) } }),
  );
  return {
    patientId: row.patient_id,
    cardNo: row.card_no,
    name: row.name,
    sex: row.sex === 'male' || row.sex === 'female' ? row.sex : null,
    age: row.birth_date ? ageOn(row.birth_date, now) : null,
    idNumberMasked: row.id_number_enc ? maskIdNumber(ctx.cipher.decrypt(row.id_number_enc)) : null,
    verifiedAt: now.toISOString(),
  };
}
