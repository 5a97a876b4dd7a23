/**
 * `GET /orders/{id}/receipt` ([8/12] 电子票据): the PDF receipt of an order that was paid, for whoever may
 * see the order (the patient or their active proxy, ID-6). Reading it is audited (the receipt carries the
 * patient's name and masked ID number, DJ-10).
 */
import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import { institutionFacts } from '../directory/directory.api.js';
import { accountNames, patientIdNumber } from '../identity/identity.api.js';
import { type CentreRow, type OrderFacts, orderSummaries, receiptNo } from './order-centre.service.js';
import { orderReceiptPdf } from './order-receipt-pdf.js';
import { orderFor, orderLines } from './payment.service.js';
import { paymentErrors } from './payments.errors.js';

export async function orderReceipt(
  ctx: AppContext,
  auth: AuthContext,
  orderId: string,
  facts: OrderFacts,
  actor: Actor,
): Promise<{ receiptNo: string; pdf: Buffer }> {
  // orderFor selects every column (created_at too) and refuses what the caller may not see.
  const order = (await orderFor(ctx, auth, orderId)) as CentreRow;
  const number = receiptNo(order);
  // Only money that came in has a receipt: an order never paid is refused (pending, closed unpaid).
  if (!number || !order.paid_at) throw paymentErrors.receiptUnavailable();
  const [summary] = await orderSummaries(ctx, [order], facts);
  const s = summary!;
  const [lines, institutions, payers, idNumber] = await Promise.all([
    orderLines(ctx.db, order.id),
    institutionFacts(ctx.db, order.institution_id ? [order.institution_id] : []),
    accountNames(ctx.db, [order.account_id]),
    patientIdNumber(ctx, ctx.db, order.patient_id),
  ]);
  const now = ctx.clock.now();
  const settled = s.insurance && ['settled', 'reversing', 'reversed'].includes(s.insurance.status);
  const pdf = await orderReceiptPdf({
    receiptNo: number,
    orderId: order.id,
    institutionName: (order.institution_id && institutions.get(order.institution_id)?.name) || '云医平台',
    payerName: payers.get(order.account_id) || s.patientName,
    patientName: s.patientName,
    patientIdNumber: idNumber ? maskIdNumber(idNumber) : null,
    title: s.title,
    lines,
    amountFen: s.amountFen,
    refundedFen: s.refundedFen,
    status: s.status,
    paidAt: order.paid_at.toISOString(),
    channel: order.channel,
    insurance: settled && s.insurance ? s.insurance : null,
    payments: s.payments,
    refunds: s.refunds,
    issuedAt: now.toISOString(),
  });
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'order.receipt',
      resourceType: 'payment_order',
      resourceId: order.id,
      patientId: order.patient_id,
      details: { receiptNo: number },
    },
    now,
  );
  return { receiptNo: number, pdf };
}
