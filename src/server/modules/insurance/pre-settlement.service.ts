/**
 * Before a settlement ([7/12]): the checks an order and its patient must pass — INS-1 (the institution
 * designated on the day), linked (ID-3), INS-4 (no confirmed block of the patient or the doctor), INS-2
 * 家庭共济 (an active wallet link) — and the pre-settlement (2206): the split shown before paying.
 */
import type { PreSettlement } from '../../../shared/insurance.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { patientNames } from '../identity/identity.api.js';
import { type OrderRow, orderFor, requirePayable } from '../payments/payments.api.js';
import { assertNotBlocked } from './fraud.service.js';
import { insuranceErrors } from './insurance.errors.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { linkedPerson } from './insured-person.js';
import {
  familyDoctorOf,
  type OrderSubject,
  orderSubject,
  type SettlementInstitution,
  settlementInstitution,
} from './order-facts.js';
import { InsurancePlatformRefusal } from './platform.js';
import { isDesignated, type PolicyInForce, policyInForce, shanghaiDay } from './policy-store.js';
import { newMsgId, refusalError } from './settlement-store.js';
import { activeWalletPayer, type WalletPayer } from './wallet.service.js';

/** What a settlement of this order would be made of, after the checks (INS-1, linked, INS-4, 家庭共济). */
export interface Prepared {
  subject: OrderSubject;
  institution: SettlementInstitution;
  linked: NonNullable<Awaited<ReturnType<typeof linkedPerson>>>;
  payer: WalletPayer | null;
  policy: PolicyInForce;
}

export async function prepare(
  db: Executor,
  order: OrderRow,
  accountPayerId: string | undefined,
  now: Date,
): Promise<Prepared> {
  const subject = await orderSubject(db, order);
  const institution = await settlementInstitution(db, subject.institutionId);
  const day = shanghaiDay(now);
  // INS-1: insured online only at an institution with a supplementary agreement on the day.
  if (!(await isDesignated(db, institution.id, day))) throw insuranceErrors.notDesignated();
  const linked = await linkedPerson(db, order.patient_id);
  if (!linked) throw insuranceErrors.notLinked();
  // INS-4: a confirmed hit blocks the person or the doctor until the insurer clears it.
  await assertNotBlocked(db, { patientId: order.patient_id, practitionerId: subject.practitionerId });
  let payer: WalletPayer | null = null;
  if (accountPayerId && accountPayerId !== order.patient_id) {
    // INS-2 家庭共济: an employee's personal account pays for a family member, confirmed by both.
    payer = await activeWalletPayer(db, {
      payerPatientId: accountPayerId,
      beneficiaryPatientId: order.patient_id,
    });
    if (!payer) throw insuranceErrors.walletNotActive();
  }
  const policy = await policyInForce(db, linked.scheme, institution.level, day);
  if (!policy) throw insuranceErrors.notInsurable('参保地尚无适用于该级别医疗机构的医保政策。');
  return { subject, institution, linked, payer, policy };
}

/** The platform did not answer: nothing was settled that we know of (503). */
const unavailable = () => insuranceErrors.platformUnavailable();

/**
 * `GET /orders/{id}/pre-settlement`: the split of an open order as settling it now would make it (2206,
 * nothing recorded). No e-voucher is needed: the linked person's number is enough for a preview; paying
 * needs one (ID-3).
 */
export async function preSettlement(
  ctx: AppContext,
  rt: InsuranceRuntime,
  auth: AuthContext,
  orderId: string,
  accountPayerId: string | undefined,
): Promise<PreSettlement> {
  const order = await orderFor(ctx, auth, orderId);
  const now = ctx.clock.now();
  requirePayable(order, now);
  const p = await prepare(ctx.db, order, accountPayerId, now);
  let result: Awaited<ReturnType<InsuranceRuntime['platform']['preSettle']>>;
  try {
    result = await rt.platform.preSettle({
      msgId: newMsgId('2206'),
      psnNo: p.linked.psnNo,
      institutionCode: p.institution.code,
      institutionLevel: p.institution.level,
      orderRef: order.id,
      at: now,
      lines: p.subject.lines,
      ...(p.payer ? { accountPayerPsnNo: p.payer.psnNo } : {}),
      // FD-6: the family-doctor facts of this person and visit.
      ...(await familyDoctorOf(ctx.db, p.subject, p.institution.level, now)),
    });
  } catch (err) {
    if (err instanceof InsurancePlatformRefusal) throw refusalError(err);
    ctx.log.warn({ err, orderId }, 'insurance pre-settlement (2206) unanswered');
    throw unavailable();
  }
  const byLine = new Map(p.subject.lines.map((l) => [l.line, l]));
  let accountPayer: PreSettlement['accountPayer'] = null;
  if (p.payer) accountPayer = { patientId: p.payer.payerPatientId, name: p.payer.payerName };
  else if (p.linked.scheme === 'employee')
    accountPayer = {
      patientId: order.patient_id,
      name: (await patientNames(ctx.db, [order.patient_id])).get(order.patient_id) ?? '',
    };
  return {
    orderId: order.id,
    totalFen: result.totalFen,
    fundFen: result.fundFen,
    accountFen: result.accountFen,
    cashFen: result.cashFen,
    policyVersion: result.policyVersion,
    scheme: p.linked.scheme,
    accountPayer,
    lines: result.lines.map((l) => ({
      item: byLine.get(l.line)?.itemName ?? '',
      category: byLine.get(l.line)?.category ?? null,
      totalFen: l.totalFen,
      fundFen: l.fundFen,
      accountFen: l.accountFen,
      cashFen: l.cashFen,
    })),
  };
}
