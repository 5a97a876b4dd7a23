import type { AppContext } from '../../platform/context.js';
import { onOrderPaid } from '../payments/payments.api.js';
import {
  DELIVERY_STATUS_TOPIC,
  type DeliveryStatusEvent,
  notifyDeliveryStatus,
  shipFulfilment,
} from './delivery.service.js';
import { DISPENSED_TOPIC, type DispensedEvent } from './dispense.service.js';
import { fulfilmentPaid } from './fulfilment.service.js';
import type { PrescriptionsRuntime } from './prescriptions.runtime.js';

/**
 * The prescriptions module's outbox subscriptions (paid orders, dispensed prescriptions, couriers). The
 * subscriber names are their receipt keys in outbox_receipt: keep them stable.
 */
export function registerPrescriptionSubscribers(ctx: AppContext, rx: PrescriptionsRuntime): void {
  // payments.order_paid (purpose prescription): the fulfilment is paid, or the payment is refunded when
  // the fulfilment lapsed or was cancelled before it arrived.
  onOrderPaid(ctx, 'prescription', 'prescriptions.fulfilment-paid', (paid, cmd) => fulfilmentPaid(paid, cmd));
  // A dispensed delivery fulfilment goes to the courier.
  ctx.outbox.subscribe<DispensedEvent>(DISPENSED_TOPIC, 'prescriptions.ship', (event, cmd) =>
    shipFulfilment(rx, event.payload, cmd),
  );
  ctx.outbox.subscribe<DeliveryStatusEvent>(
    DELIVERY_STATUS_TOPIC,
    'prescriptions.notify-delivery',
    (event, cmd) => notifyDeliveryStatus(event.payload, cmd),
  );
}
