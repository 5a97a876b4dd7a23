/**
 * 家庭共济 (医保钱包, INS-2): an employee's personal account pays the self-pay part of a family member's
 * orders. Both must agree: the payer's side asks (the employee, or whoever acts for them), the
 * beneficiary's side answers (the beneficiary, or whoever acts for them — a guardian for a child). A
 * requester who also acts for the beneficiary (a parent asking for their own minor child) answers for
 * the child as well: that is the same consent a guardian gives everywhere else (ID-6). Either side may
 * end a link at any time; a request withdrawn by the payer is ended the same way.
 *
 * The beneficiary is named by ID number and name (found by the blind index, never by the number); a
 * wrong number, a wrong name, or a person not real-name verified on the platform get the same answer, so
 * the form does not tell which part was wrong.
 */
import type { Selectable } from 'kysely';
import type { WalletLink, WalletLinkBody } from '../../../shared/insurance.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { FamilyWalletLinkTable } from '../../platform/db/schema.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { patientByIdNumber, patientNames, patientRelation } from '../identity/identity.api.js';
import { insuranceErrors } from './insurance.errors.js';
import { actingPatient, linkedPerson } from './insured-person.js';

type LinkRow = Selectable<FamilyWalletLinkTable>;

/** Views of links; `canConfirm` for the caller who acts for the patients in `actsFor`. */
export async function walletLinkViews(
  db: Executor,
  rows: readonly LinkRow[],
  actsFor: ReadonlySet<string>,
): Promise<WalletLink[]> {
  const names = await patientNames(
    db,
    rows.flatMap((r) => [r.payer_patient_id, r.beneficiary_patient_id]),
  );
  return rows.map((r) => ({
    id: r.id,
    payerPatientId: r.payer_patient_id,
    payerName: names.get(r.payer_patient_id) ?? '',
    beneficiaryPatientId: r.beneficiary_patient_id,
    beneficiaryName: names.get(r.beneficiary_patient_id) ?? '',
    status: r.status,
    canConfirm: r.status === 'requested' && actsFor.has(r.beneficiary_patient_id),
    requestedAt: r.requested_at.toISOString(),
    confirmedAt: r.confirmed_at ? r.confirmed_at.toISOString() : null,
  }));
}

async function viewFor(db: Executor, auth: AuthContext, row: LinkRow): Promise<WalletLink> {
  const actsForBeneficiary = (await patientRelation(db, auth.accountId, row.beneficiary_patient_id)) !== null;
  const [view] = await walletLinkViews(
    db,
    [row],
    new Set(actsForBeneficiary ? [row.beneficiary_patient_id] : []),
  );
  return view!;
}

/**
 * Asks for a link: the payer (the caller's own patient, or one they act for) must be linked with the
 * employee scheme; the beneficiary is found by ID number and name. Status `requested` until the
 * beneficiary's side confirms.
 */
export async function requestWalletLink(
  ctx: AppContext,
  auth: AuthContext,
  body: WalletLinkBody,
  actor: Actor,
): Promise<WalletLink> {
  const payerId = await actingPatient(ctx.db, auth, body.payerPatientId);
  const payer = await linkedPerson(ctx.db, payerId);
  if (!payer)
    throw insuranceErrors.notLinked('付款人须先用医保电子凭证绑定职工医保，才能为家人共济（INS-2）。');
  if (payer.scheme !== 'employee') throw insuranceErrors.walletPayerNotEmployee();
  const found = await patientByIdNumber(ctx.cipher, ctx.db, body.beneficiaryIdNumber);
  // One answer for an unknown number, a wrong name and a person not verified on the platform.
  if (!found?.verified || found.name !== body.beneficiaryName.trim()) {
    throw insuranceErrors.walletBeneficiaryNotFound();
  }
  if (found.id === payerId) throw insuranceErrors.walletSelf();
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const live = await trx
      .selectFrom('family_wallet_link')
      .select('id')
      .where('payer_patient_id', '=', payerId)
      .where('beneficiary_patient_id', '=', found.id)
      .where('status', 'in', ['requested', 'active'])
      .executeTakeFirst();
    if (live) throw insuranceErrors.walletLinkExists();
    const row: LinkRow = {
      id: newId(),
      payer_patient_id: payerId,
      beneficiary_patient_id: found.id,
      status: 'requested',
      requested_by: auth.accountId,
      requested_at: now,
      confirmed_by: null,
      confirmed_at: null,
      ended_at: null,
    };
    // The partial unique index family_wallet_link_live has the last word on a concurrent request.
    await mapUniqueViolation(
      trx.insertInto('family_wallet_link').values(row).execute(),
      insuranceErrors.walletLinkExists(),
    );
    await cmd.audit({
      action: 'insurance.wallet_link_requested',
      resourceType: 'family_wallet_link',
      resourceId: row.id,
      patientId: payerId,
      details: { payerPatientId: payerId, beneficiaryPatientId: found.id },
    });
    return viewFor(trx, auth, row);
  });
}

/** A link the caller is on either side of (404 otherwise, so ids cannot be probed), locked for the change. */
async function linkForChange(
  cmd: { trx: Executor },
  auth: AuthContext,
  id: string,
): Promise<{ row: LinkRow; payerSide: boolean; beneficiarySide: boolean }> {
  const row = await cmd.trx
    .selectFrom('family_wallet_link')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw errors.notFound('家庭共济关系');
  const payerSide = (await patientRelation(cmd.trx, auth.accountId, row.payer_patient_id)) !== null;
  const beneficiarySide =
    (await patientRelation(cmd.trx, auth.accountId, row.beneficiary_patient_id)) !== null;
  if (!payerSide && !beneficiarySide) throw errors.notFound('家庭共济关系');
  return { row, payerSide, beneficiarySide };
}

/**
 * The beneficiary's side agrees (`active`) or declines (`declined`). The payer's side alone cannot
 * answer (INSURANCE_WALLET_NOT_BENEFICIARY). Answering the same way twice answers the link unchanged.
 */
export async function answerWalletLink(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  decision: 'confirm' | 'decline',
  actor: Actor,
): Promise<WalletLink> {
  return runCommand(ctx, actor, async (cmd) => {
    const { row, beneficiarySide } = await linkForChange(cmd, auth, id);
    if (!beneficiarySide) throw insuranceErrors.walletNotBeneficiary();
    const target = decision === 'confirm' ? 'active' : 'declined';
    if (row.status === target) return viewFor(cmd.trx, auth, row);
    if (row.status !== 'requested') throw insuranceErrors.walletLinkNotPending();
    const changed: LinkRow =
      decision === 'confirm'
        ? { ...row, status: 'active', confirmed_by: auth.accountId, confirmed_at: cmd.now }
        : { ...row, status: 'declined', ended_at: cmd.now };
    await cmd.trx
      .updateTable('family_wallet_link')
      .set({
        status: changed.status,
        confirmed_by: changed.confirmed_by,
        confirmed_at: changed.confirmed_at,
        ended_at: changed.ended_at,
      })
      .where('id', '=', id)
      .execute();
    await cmd.audit({
      action: decision === 'confirm' ? 'insurance.wallet_link_confirmed' : 'insurance.wallet_link_declined',
      resourceType: 'family_wallet_link',
      resourceId: id,
      patientId: row.beneficiary_patient_id,
      details: { payerPatientId: row.payer_patient_id, beneficiaryPatientId: row.beneficiary_patient_id },
    });
    return viewFor(cmd.trx, auth, changed);
  });
}

/** Either side ends a link (`revoked`): an active one, or a request not yet answered. Idempotent. */
export async function endWalletLink(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<void> {
  await runCommand(ctx, actor, async (cmd) => {
    const { row, payerSide } = await linkForChange(cmd, auth, id);
    if (row.status !== 'requested' && row.status !== 'active') return;
    await cmd.trx
      .updateTable('family_wallet_link')
      .set({ status: 'revoked', ended_at: cmd.now })
      .where('id', '=', id)
      .execute();
    await cmd.audit({
      action: 'insurance.wallet_link_ended',
      resourceType: 'family_wallet_link',
      resourceId: id,
      patientId: row.beneficiary_patient_id,
      details: {
        payerPatientId: row.payer_patient_id,
        beneficiaryPatientId: row.beneficiary_patient_id,
        previousStatus: row.status,
        endedBy: payerSide ? 'payer' : 'beneficiary',
      },
    });
  });
}

/** Whose account pays, for the checkout: the payer's person number and name. */
export interface WalletPayer {
  linkId: string;
  payerPatientId: string;
  payerName: string;
  psnNo: string;
}

/**
 * For the checkout (helper C, INS-2): the payer of an active 家庭共济 link to the beneficiary, while the
 * payer is still linked with the employee scheme; null otherwise. Within a transaction the link and
 * the payer's link are share-locked, so they cannot end before the settlement that uses them commits.
 */
export async function activeWalletPayer(
  db: Executor,
  q: { payerPatientId: string; beneficiaryPatientId: string },
): Promise<WalletPayer | null> {
  const r = await db
    .selectFrom('family_wallet_link as l')
    .innerJoin('insured_person as p', 'p.patient_id', 'l.payer_patient_id')
    .select(['l.id', 'p.psn_no'])
    .where('l.payer_patient_id', '=', q.payerPatientId)
    .where('l.beneficiary_patient_id', '=', q.beneficiaryPatientId)
    .where('l.status', '=', 'active')
    .where('p.unlinked_at', 'is', null)
    .where('p.scheme', '=', 'employee')
    .forShare()
    .executeTakeFirst();
  if (!r) return null;
  const names = await patientNames(db, [q.payerPatientId]);
  return {
    linkId: r.id,
    payerPatientId: q.payerPatientId,
    payerName: names.get(q.payerPatientId) ?? '',
    psnNo: r.psn_no,
  };
}
