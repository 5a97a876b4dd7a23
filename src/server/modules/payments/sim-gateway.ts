import { generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import type {
  GatewayEvent,
  GatewayQueryResult,
  GatewayRefundResult,
  PaymentGateway,
  PrepayRequest,
  PrepayResult,
  RefundRequest,
} from './gateway.js';

/** How the simulated gateway misbehaves, as real ones do. */
export interface SimFaults {
  /** Delay before a notification is sent. */
  notifyDelayMs: number;
  /** Send each notification twice. */
  duplicate: boolean;
  /** Never send the notification (reconciliation must find the payment). */
  drop: boolean;
}

/** Sends a signed notification to the platform: real HTTP in the server, app.inject in tests. */
export type Deliver = (headers: Record<string, string>, body: string) => Promise<void>;

interface SimOrder {
  orderId: string;
  prepayId: string;
  amountFen: number;
  description: string;
  expiresAt: Date;
  state: 'pending' | 'paid' | 'closed';
  txnId?: string;
  refunds: Map<string, { refundId: string; amountFen: number; state: 'succeeded' }>;
}

const MAX_SKEW_MS = 5 * 60_000;

/**
 * The simulated payment provider (the remote side): keeps its own ledger, signs notifications with its
 * SM2 key like WeChat Pay v3 (signature over timestamp, nonce and body), and can be told to delay,
 * duplicate or drop them. Enabled in demo mode and tests only.
 */
export class SimGateway {
  private readonly keys: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly byPrepay = new Map<string, SimOrder>();
  private readonly byOrder = new Map<string, SimOrder>();
  private readonly pending = new Set<Promise<void>>();
  faults: SimFaults = { notifyDelayMs: 50, duplicate: false, drop: false };
  deliver: Deliver = async () => {};

  constructor(
    private readonly cashierBase: string,
    private readonly now: () => Date,
  ) {
    this.keys = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  }

  get publicKey(): KeyObject {
    return this.keys.publicKey;
  }

  prepay(req: PrepayRequest): PrepayResult {
    const existing = this.byOrder.get(req.orderId);
    // Same order, same prepay (the real APIs answer a repeated prepay with the same id).
    if (existing && existing.state === 'pending')
      return { prepayId: existing.prepayId, cashierUrl: this.cashierUrl(existing.prepayId) };
    const prepayId = `sim_${randomUUID().replace(/-/g, '')}`;
    const order: SimOrder = {
      orderId: req.orderId,
      prepayId,
      amountFen: req.amountFen,
      description: req.description,
      expiresAt: req.expiresAt,
      state: 'pending',
      refunds: new Map(),
    };
    this.byPrepay.set(prepayId, order);
    this.byOrder.set(req.orderId, order);
    return { prepayId, cashierUrl: this.cashierUrl(prepayId) };
  }

  /** Closes the order's pending cashier: a repeated prepay then opens a new one (at its own amount). */
  close(orderId: string): void {
    const order = this.byOrder.get(orderId);
    if (order?.state === 'pending') order.state = 'closed';
  }

  cashierUrl(prepayId: string): string {
    return `${this.cashierBase}/sim-gateway/cashier/${prepayId}`;
  }

  cashier(prepayId: string): SimOrder | undefined {
    return this.byPrepay.get(prepayId);
  }

  /** The patient presses 确认支付 on the cashier. */
  confirm(prepayId: string): 'paid' | 'already_paid' | 'expired' | 'not_found' {
    const order = this.byPrepay.get(prepayId);
    if (!order) return 'not_found';
    if (order.state === 'paid') return 'already_paid';
    if (order.state === 'closed' || order.expiresAt.getTime() <= this.now().getTime()) {
      order.state = 'closed';
      return 'expired';
    }
    order.state = 'paid';
    order.txnId = `simtxn_${randomUUID().replace(/-/g, '')}`;
    this.notify({
      eventId: randomUUID(),
      kind: 'payment.succeeded',
      orderId: order.orderId,
      amountFen: order.amountFen,
      txnId: order.txnId,
      occurredAt: this.now().toISOString(),
    });
    return 'paid';
  }

  query(orderId: string): GatewayQueryResult {
    const order = this.byOrder.get(orderId);
    if (!order) return { state: 'not_found' };
    return { state: order.state, amountFen: order.amountFen, ...(order.txnId ? { txnId: order.txnId } : {}) };
  }

  refund(req: RefundRequest): GatewayRefundResult {
    const order = this.byOrder.get(req.orderId);
    if (order?.state !== 'paid') return { state: 'failed' };
    const done = order.refunds.get(req.refundNo);
    if (done) return { state: done.state, refundId: done.refundId }; // idempotent by refund number
    const refunded = [...order.refunds.values()].reduce((s, r) => s + r.amountFen, 0);
    if (refunded + req.amountFen > order.amountFen) return { state: 'failed' };
    const refund = {
      refundId: `simrf_${randomUUID().replace(/-/g, '')}`,
      amountFen: req.amountFen,
      state: 'succeeded' as const,
    };
    order.refunds.set(req.refundNo, refund);
    this.notify({
      eventId: randomUUID(),
      kind: 'refund.succeeded',
      orderId: order.orderId,
      amountFen: req.amountFen,
      refundNo: req.refundNo,
      occurredAt: this.now().toISOString(),
    });
    return { state: 'pending', refundId: refund.refundId };
  }

  /** A signed notification as the platform receives it (tests also use it to replay or reorder). */
  signedNotification(event: GatewayEvent): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomUUID();
    const signature = sign(
      'sm3',
      Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
      this.keys.privateKey,
    ).toString('base64');
    return {
      headers: {
        'content-type': 'application/json',
        'x-sim-timestamp': timestamp,
        'x-sim-nonce': nonce,
        'x-sim-signature': signature,
      },
      body,
    };
  }

  private notify(event: GatewayEvent): void {
    if (this.faults.drop) return;
    const { headers, body } = this.signedNotification(event);
    const send = async () => {
      await new Promise((r) => setTimeout(r, this.faults.notifyDelayMs));
      await this.deliver(headers, body).catch(() => {}); // a gateway retries later; reconciliation covers it
      if (this.faults.duplicate) await this.deliver(headers, body).catch(() => {});
    };
    const p = send().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for notifications in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** The platform's adapter for the simulated gateway: calls its API and verifies its signatures. */
export class SimGatewayAdapter implements PaymentGateway {
  readonly channel = 'sim';
  constructor(
    private readonly sim: SimGateway,
    private readonly now: () => Date,
  ) {}

  async prepay(request: PrepayRequest): Promise<PrepayResult> {
    return this.sim.prepay(request);
  }
  async query(orderId: string): Promise<GatewayQueryResult> {
    return this.sim.query(orderId);
  }
  async refund(request: RefundRequest): Promise<GatewayRefundResult> {
    return this.sim.refund(request);
  }
  async close(orderId: string): Promise<void> {
    this.sim.close(orderId);
  }

  parseNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): GatewayEvent | null {
    const h = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = h('x-sim-timestamp');
    const nonce = h('x-sim-nonce');
    const signature = h('x-sim-signature');
    if (!timestamp || !nonce || !signature) return null;
    if (Math.abs(this.now().getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS) return null;
    const ok = verify(
      'sm3',
      Buffer.from(`${timestamp}\n${nonce}\n${rawBody}\n`),
      this.sim.publicKey,
      Buffer.from(signature, 'base64'),
    );
    if (!ok) return null;
    try {
      const event = JSON.parse(rawBody) as GatewayEvent;
      return typeof event.eventId === 'string' && typeof event.orderId === 'string' ? event : null;
    } catch {
      return null;
    }
  }
}
