/**
 * The payment of a home service ([12/12], FD-5): payments.order_paid with purpose `home_service` moves the
 * order from pending_payment to requested (the institution's open box); an order cancelled or lapsed
 * meanwhile answers false and payments refunds the payment in full.
 */
import type { AppContext } from '../../platform/context.js';
import { onOrderPaid } from '../payments/payments.api.js';
import { homeServicePaid } from './home-service-end.service.js';

export function registerHomeServiceSubscribers(ctx: AppContext): void {
  onOrderPaid(ctx, 'home_service', 'family-doctor.home-service-paid', (paid, cmd) =>
    homeServicePaid(paid, cmd),
  );
}
