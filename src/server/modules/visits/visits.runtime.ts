import type { Payments } from '../payments/payments.api.js';
import type { VisitHub } from './hub.js';

/** What the visits module holds at run time besides the AppContext: the socket hub and the payments. */
export interface VisitsRuntime {
  hub: VisitHub;
  payments: Payments;
}
