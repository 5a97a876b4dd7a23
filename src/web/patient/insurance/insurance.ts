/**
 * What the patient H5's insurance pages and the payment path share ([7/12]): which orders go through the
 * checkout (the split, 医保支付 / 自费支付), where a paid order's page is, the 家庭共济 payers of a person,
 * and the e-voucher step (ID-3). Plain functions: no React, so they are tested on their own.
 */
import type {
  InsuranceMe,
  InsuredPerson,
  SimVoucher,
  SimVoucherBody,
  WalletLink,
} from '../../../shared/insurance.js';
import type { Order } from '../../../shared/payments.js';
import { post } from '../../api.js';

/** Orders insurance can settle (INS-2): the online follow-up's fee and its prescription's drugs. */
export const INSURABLE_PURPOSES: readonly string[] = ['visit', 'prescription'];

/**
 * Whether paying this order starts at the checkout instead of the cashier: it awaits payment, insurance
 * can settle it, and its patient has linked insurance. Everyone else pays exactly as before.
 */
export function checksOutWithInsurance(me: InsuranceMe, order: Order): boolean {
  return (
    order.status === 'created' &&
    INSURABLE_PURPOSES.includes(order.purpose) &&
    me.persons.some((p) => p.patientId === order.patientId)
  );
}

export const checkoutPath = (orderId: string) => `/patient/orders/${orderId}/checkout`;

/** The page that shows an order's progress (and polls it after the cashier): the visit or the fulfilment. */
export function orderReturnPath(order: Pick<Order, 'purpose' | 'refId'>): string {
  if (order.purpose === 'visit') return `/patient/visits/${order.refId}`;
  if (order.purpose === 'prescription') return `/patient/fulfilments/${order.refId}`;
  if (order.purpose === 'appointment') return `/patient/appointments/${order.refId}`;
  return '/patient/mine';
}

/** 家庭共济: the active links through which someone else's personal account may pay for this patient. */
export function walletPayers(me: InsuranceMe, patientId: string): WalletLink[] {
  return me.walletLinks.filter((l) => l.status === 'active' && l.beneficiaryPatientId === patientId);
}

/** Linked persons whose personal account can pay for family (employees only: residents have none). */
export const accountHolders = (persons: readonly InsuredPerson[]) =>
  persons.filter((p) => p.scheme === 'employee');

/**
 * ID-3: the person shows their e-voucher (医保电子凭证). In demo mode the simulated e-voucher app issues it;
 * `patientId` names a family member the account acts for (omitted for oneself).
 */
export async function issueVoucher(patientId?: string): Promise<string> {
  const body: SimVoucherBody = patientId ? { patientId } : {};
  const { voucher } = await post<SimVoucher>('/insurance/sim/vouchers', body);
  return voucher;
}
