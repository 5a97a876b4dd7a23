/**
 * The payment gateway adapter. Shaped after the Chinese mobile-payment APIs (WeChat Pay v3, Alipay):
 * a prepay step, a cashier the patient confirms on, asynchronous signed notifications that may arrive
 * late, twice, out of order or never, a query API for reconciliation, and idempotent refunds keyed by
 * our refund number. A WeChat Pay or Alipay adapter implements the same interface.
 */
export interface PrepayRequest {
  orderId: string;
  amountFen: number;
  description: string;
  expiresAt: Date;
}

export interface PrepayResult {
  prepayId: string;
  /** Where the patient confirms the payment (the simulator's cashier page; H5 pay URL for real ones). */
  cashierUrl: string;
}

export type GatewayOrderState = 'not_found' | 'pending' | 'paid' | 'closed';

export interface GatewayQueryResult {
  state: GatewayOrderState;
  txnId?: string;
  amountFen?: number;
}

export interface RefundRequest {
  orderId: string;
  refundNo: string;
  amountFen: number;
  totalFen: number;
}

export interface GatewayRefundResult {
  state: 'pending' | 'succeeded' | 'failed';
  refundId?: string;
}

export type GatewayEventKind = 'payment.succeeded' | 'refund.succeeded' | 'refund.failed';

export interface GatewayEvent {
  eventId: string;
  kind: GatewayEventKind;
  orderId: string;
  amountFen: number;
  txnId?: string;
  refundNo?: string;
  occurredAt: string;
}

export interface PaymentGateway {
  readonly channel: string;
  prepay(request: PrepayRequest): Promise<PrepayResult>;
  query(orderId: string): Promise<GatewayQueryResult>;
  /**
   * Closes the order's unpaid cashier (WeChat Pay 关闭订单, Alipay trade.close), so the next prepay opens
   * one for the amount it asks ([7/12]: the cash part and the whole amount differ). Idempotent; a paid
   * one stays paid (its notification decides). Optional for adapters written before [7/12]: without it
   * an order whose cashier was opened for another amount cannot be prepaid again on that channel.
   */
  close?(orderId: string): Promise<void>;
  refund(request: RefundRequest): Promise<GatewayRefundResult>;
  /** Verifies the notification's signature and freshness; null when it is forged, stale or malformed. */
  parseNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): GatewayEvent | null;
}

export class GatewayUnavailableError extends Error {}
