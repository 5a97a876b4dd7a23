/**
 * The family-doctor module's subscriptions ([12/12]): the payment of a contract's resident part
 * (contracts.subscribers.ts) and of a home service (home-services.subscribers.ts), payments.order_paid
 * with purposes `contract` and `home_service`.
 */
import type { AppContext } from '../../platform/context.js';
import { registerContractSubscribers } from './contracts.subscribers.js';
import { registerHomeServiceSubscribers } from './home-services.subscribers.js';

export function registerFamilyDoctorSubscribers(ctx: AppContext): void {
  registerContractSubscribers(ctx);
  registerHomeServiceSubscribers(ctx);
}
