import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type {
  GatewayEvent,
  GatewayQueryResult,
  GatewayRefundResult,
  PaymentGateway,
  PrepayRequest,
  PrepayResult,
  RefundRequest,
} from './gateway.js';

/**
 * How the simulated gateway misbehaves, as real ones do. Per node (a test knob, like the rest of the
 * object's fields): the ledger is shared, the faults are not.
 */
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

/** A cashier as the gateway's page shows it. */
export interface SimCashier {
  orderId: string;
  prepayId: string;
  amountFen: number;
  description: string;
  expiresAt: Date;
  state: 'pending' | 'paid' | 'closed';
  txnId: string | null;
}

const MAX_SKEW_MS = 5 * 60_000;
const hex = () => randomUUID().replace(/-/g, '');

/**
 * The simulated payment provider (the remote side): keeps its own ledger, signs notifications with its
 * SM2 key like WeChat Pay v3 (signature over timestamp, nonce and body), and can be told to delay,
 * duplicate or drop them. Enabled in demo mode and tests only.
 *
 * [9/12] Its ledger and key live in its own tables (`paysim_*`, 0030), so a cashier opened through one
 * API node is confirmed through another node's cashier page, and its notification verifies on any node.
 * Its writes are the remote side's, not the platform's commands: no audit, no outbox. The notification
 * is sent by the node that took the confirmation or the refund (a real gateway retries; reconciliation
 * covers a node that died before sending it).
 */
export class SimGateway {
  private keys: { privateKey: KeyObject; publicKey: KeyObject } | null = null;
  private readonly pending = new Set<Promise<void>>();
  faults: SimFaults = { notifyDelayMs: 50, duplicate: false, drop: false };
  deliver: Deliver = async () => {};

  constructor(
    private readonly db: Db,
    private readonly cashierBase: string,
    private readonly now: () => Date,
    /** Told about a failure of the gateway's own background work (a refund it could not record). */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Reads the gateway's key pair, made by the first node that starts: every node signs and verifies with it. */
  async init(): Promise<void> {
    const read = () =>
      this.db.selectFrom('paysim_key').select('private_pem').where('id', '=', 1).executeTakeFirst();
    let row = await read();
    if (!row) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await this.db
        .insertInto('paysim_key')
        .values({ id: 1, private_pem: pem })
        .onConflict((oc) => oc.column('id').doNothing()) // another node made it first: use theirs
        .execute();
      row = await read();
    }
    const privateKey = createPrivateKey(row!.private_pem);
    this.keys = { privateKey, publicKey: createPublicKey(privateKey) };
  }

  private get keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
    if (!this.keys) throw new Error('SimGateway.init() was not awaited');
    return this.keys;
  }

  get publicKey(): KeyObject {
    return this.keyPair.publicKey;
  }

  async prepay(req: PrepayRequest): Promise<PrepayResult> {
    // Same order, same pending prepay (the real APIs answer a repeated prepay with the same id); the
    // partial unique index decides between two nodes preparing the same order at once.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db
        .insertInto('paysim_order')
        .values({
          prepay_id: `sim_${hex()}`,
          order_id: req.orderId,
          amount_fen: req.amountFen,
          description: req.description,
          expires_at: req.expiresAt,
          state: 'pending',
        })
        .onConflict((oc) => oc.column('order_id').where('state', '=', 'pending').doNothing())
        .returning('prepay_id')
        .executeTakeFirst();
      const prepayId =
        inserted?.prepay_id ??
        (
          await this.db
            .selectFrom('paysim_order')
            .select('prepay_id')
            .where('order_id', '=', req.orderId)
            .where('state', '=', 'pending')
            .executeTakeFirst()
        )?.prepay_id;
      // (Closed or paid between the two statements: open a new one.)
      if (prepayId) return { prepayId, cashierUrl: this.cashierUrl(prepayId) };
    }
    throw new Error(`sim gateway: no pending cashier for order ${req.orderId}`);
  }

  /** Closes the order's pending cashier: a repeated prepay then opens a new one (at its own amount). */
  async close(orderId: string): Promise<void> {
    await this.db
      .updateTable('paysim_order')
      .set({ state: 'closed' })
      .where('order_id', '=', orderId)
      .where('state', '=', 'pending')
      .execute();
  }

  cashierUrl(prepayId: string): string {
    return `${this.cashierBase}/sim-gateway/cashier/${prepayId}`;
  }

  async cashier(prepayId: string): Promise<SimCashier | undefined> {
    const row = await this.db
      .selectFrom('paysim_order')
      .selectAll()
      .where('prepay_id', '=', prepayId)
      .executeTakeFirst();
    return row ? toCashier(row) : undefined;
  }

  /** The patient presses 确认支付 on the cashier (any node's page: one conditional update decides). */
  async confirm(prepayId: string): Promise<'paid' | 'already_paid' | 'expired' | 'not_found'> {
    const now = this.now();
    const paid = await this.db
      .updateTable('paysim_order')
      .set({ state: 'paid', txn_id: `simtxn_${hex()}` })
      .where('prepay_id', '=', prepayId)
      .where('state', '=', 'pending')
      .where('expires_at', '>', now)
      .returning(['order_id', 'amount_fen', 'txn_id'])
      .executeTakeFirst();
    if (paid) {
      this.notify({
        eventId: randomUUID(),
        kind: 'payment.succeeded',
        orderId: paid.order_id,
        amountFen: paid.amount_fen,
        txnId: paid.txn_id!,
        occurredAt: now.toISOString(),
      });
      return 'paid';
    }
    const order = await this.cashier(prepayId);
    if (!order) return 'not_found';
    if (order.state === 'paid') return 'already_paid';
    // Closed, or pending past its expiry: it stays closed.
    await this.db
      .updateTable('paysim_order')
      .set({ state: 'closed' })
      .where('prepay_id', '=', prepayId)
      .where('state', '=', 'pending')
      .execute();
    return 'expired';
  }

  /** The order's latest cashier, as the query API answers it. */
  async query(orderId: string): Promise<GatewayQueryResult> {
    const order = await this.db
      .selectFrom('paysim_order')
      .select(['state', 'amount_fen', 'txn_id'])
      .where('order_id', '=', orderId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!order) return { state: 'not_found' };
    return {
      state: order.state,
      amountFen: order.amount_fen,
      ...(order.txn_id ? { txnId: order.txn_id } : {}),
    };
  }

  /**
   * Takes a refund: answered "processing" at once, decided by the gateway afterwards and told by a
   * notification (refund.succeeded, or refund.failed for an order not paid or refunded beyond its
   * amount), as WeChat Pay's refunds are. The platform asks inside its own transaction; answering
   * without touching the ledger keeps that transaction from waiting on the gateway's (on PGlite, one
   * connection, it would wait forever). The refund id is a function of the refund number, so a repeated
   * submission answers the same id.
   */
  refund(req: RefundRequest): GatewayRefundResult {
    const refundId = `simrf_${createHash('sha256').update(`${req.orderId}\n${req.refundNo}`).digest('hex').slice(0, 32)}`;
    this.track(this.takeRefund(req, refundId));
    return { state: 'pending', refundId };
  }

  private async takeRefund(req: RefundRequest, refundId: string): Promise<void> {
    const decided = await this.db.transaction().execute(async (trx) => {
      // The order's cashiers locked: two nodes refunding one order decide one after the other.
      const orders = await trx
        .selectFrom('paysim_order')
        .select(['state', 'amount_fen', 'seq'])
        .where('order_id', '=', req.orderId)
        .orderBy('seq', 'desc')
        .forUpdate()
        .execute();
      const order = orders[0];
      const taken = await trx
        .selectFrom('paysim_refund')
        .select(['refund_no', 'amount_fen', 'state'])
        .where('order_id', '=', req.orderId)
        .execute();
      // Idempotent by refund number: a repeated submission changes nothing and is not notified again.
      if (taken.some((r) => r.refund_no === req.refundNo)) return null;
      const refunded = taken.filter((r) => r.state === 'succeeded').reduce((s, r) => s + r.amount_fen, 0);
      const state: 'succeeded' | 'failed' =
        order?.state === 'paid' && refunded + req.amountFen <= order.amount_fen ? 'succeeded' : 'failed';
      await trx
        .insertInto('paysim_refund')
        .values({
          order_id: req.orderId,
          refund_no: req.refundNo,
          refund_id: refundId,
          amount_fen: req.amountFen,
          state,
        })
        .execute();
      return state;
    });
    if (!decided) return;
    this.notify({
      eventId: randomUUID(),
      kind: decided === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
      orderId: req.orderId,
      amountFen: req.amountFen,
      refundNo: req.refundNo,
      occurredAt: this.now().toISOString(),
    });
  }

  /** A signed notification as the platform receives it (tests also use it to replay or reorder). */
  signedNotification(event: GatewayEvent): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomUUID();
    const signature = sign(
      'sm3',
      Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
      this.keyPair.privateKey,
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
    this.track(send());
  }

  private track(work: Promise<void>): void {
    const p: Promise<void> = work.catch(this.onError).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for the gateway's work in flight: refunds being decided, notifications (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

function toCashier(row: {
  order_id: string;
  prepay_id: string;
  amount_fen: number;
  description: string;
  expires_at: Date;
  state: 'pending' | 'paid' | 'closed';
  txn_id: string | null;
}): SimCashier {
  return {
    orderId: row.order_id,
    prepayId: row.prepay_id,
    amountFen: row.amount_fen,
    description: row.description,
    expiresAt: new Date(row.expires_at),
    state: row.state,
    txnId: row.txn_id,
  };
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
    await this.sim.close(orderId);
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
