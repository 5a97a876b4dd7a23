/**
 * What the prescriptions module needs at run time besides the context: the payment gateways (drug and
 * delivery orders) and the couriers by name (the simulated one in demo mode and tests).
 */
import type { AppContext } from '../../platform/context.js';
import type { Payments } from '../payments/payments.api.js';
import type { CourierAdapter } from './courier.js';
import { SimCourier, SimCourierAdapter } from './sim-courier.js';

export type { CourierAdapter } from './courier.js';

export interface PrescriptionsRuntime {
  payments: Payments;
  couriers: Map<string, CourierAdapter>;
  /** The courier a new shipment goes to. */
  defaultCourier: string;
  /** The simulated courier (the remote side), in demo mode and tests; null otherwise. `init()` before use. */
  simCourier: SimCourier | null;
}

export function createPrescriptionsRuntime(
  ctx: AppContext,
  payments: Payments,
  opts: { demo: boolean },
): PrescriptionsRuntime {
  const now = () => ctx.clock.now();
  const simCourier = opts.demo
    ? new SimCourier(ctx.db, now, (err) => ctx.log.warn({ err }, 'simulated courier failed'))
    : null;
  const couriers = new Map<string, CourierAdapter>(
    simCourier ? [['sim', new SimCourierAdapter(simCourier, now)]] : [],
  );
  return { payments, couriers, defaultCourier: 'sim', simCourier };
}
