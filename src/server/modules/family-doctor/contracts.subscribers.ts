/**
 * The payment of a contract's resident part ([2/6], `payments.order_paid`, purpose `contract`, ref: the
 * contract group): a signed group comes into force (or is scheduled), an unsigned one keeps the payment
 * until it is signed; a group no longer waiting answers false and payments refunds the payment in full.
 */
import type { AppContext } from '../../platform/context.js';
import { onOrderPaid } from '../payments/payments.api.js';
import { contractPaid } from './contract-sign.js';

export function registerContractSubscribers(ctx: AppContext): void {
  onOrderPaid(ctx, 'contract', 'family-doctor.contract-paid', (paid, cmd) => contractPaid(cmd, paid));
}
