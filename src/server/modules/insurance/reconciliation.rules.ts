/**
 * 对账 ([7/12], INS-4: the insurer audits the bills the fund paid): how one institution's business day is
 * matched, pure. Ours: the orders paid that day and
 * our settlements settled that day. Theirs: the insurance platform's 3201 totals and 3202 details, and
 * the payment gateway's answer for every paid order with a cash part. Settlements are matched by the
 * platform's settlement id or our message id; orders by their id at the gateway. Every disagreement is
 * one `Mismatch` with a cause and both sides' figures; the day is balanced only without any.
 *
 * The platform's day is the settlement day (Asia/Shanghai); a settlement reversed later is listed on it
 * as reversed and leaves the day's totals, so a day reconciled before a reversal is reconciled again.
 */
import type { Mismatch } from '../../../shared/insurance.js';
import type { DailyTotals, PlatformSettlementDetail } from './platform.js';

/** One of our settlements as the statement compares it (integer fen). */
export interface OurSettlement {
  id: string;
  orderId: string;
  status: 'pending' | 'settled' | 'failed' | 'reversing' | 'reversed';
  msgId: string;
  platformSetlId: string | null;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  settledAt: Date | null;
}

/** An order as payments has it (`ReconciledOrder` of payments.api.ts). */
export interface OurOrder {
  id: string;
  amountFen: number;
  /** What the gateway should have taken: the cash part of an insured order, else the whole amount. */
  cashFen: number;
  status: string;
  channel: string | null;
  gatewayTxnId: string | null;
  insuranceSettlementId: string | null;
  paidAt: Date | null;
}

/** The gateway's answer for an order (`query`), or `no_gateway` when its channel is not configured. */
export type GatewayAnswer =
  | { state: 'not_found' | 'pending' | 'paid' | 'closed'; txnId?: string; amountFen?: number }
  | { state: 'no_gateway' };

export interface DayFacts {
  /** Orders paid that day. */
  orders: OurOrder[];
  /** Our settlements settled that day. */
  settlements: OurSettlement[];
  /** Further settlements of ours: those the day's orders point at, and those 3202 names (any day, any status). */
  related: Map<string, OurSettlement>;
  /** The orders of the day's settlements (paid or not, any day). */
  settlementOrders: Map<string, OurOrder>;
  platformTotals: DailyTotals;
  platformDetails: PlatformSettlementDetail[];
  /** The gateway's answer per order id (orders with a cash part only). */
  gateway: Map<string, GatewayAnswer>;
}

export interface DayResult {
  status: 'balanced' | 'mismatched';
  orders: number;
  settlements: number;
  payments: number;
  /** Our settlements of the day that stand (settled, or a reversal not yet confirmed): 3201's measure. */
  totals: DailyTotals;
  mismatches: Mismatch[];
}

/** Ours counts in the day's totals while the platform may still hold it (3201 counts settled ones). */
const STANDS = new Set<OurSettlement['status']>(['settled', 'reversing']);
const PAID = new Set(['paid', 'partially_refunded', 'refunded']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const settlementFigures = (s: OurSettlement) => ({
  status: s.status,
  totalFen: s.totalFen,
  fundFen: s.fundFen,
  accountFen: s.accountFen,
  cashFen: s.cashFen,
  setlId: s.platformSetlId,
  msgId: s.msgId,
  settledAt: s.settledAt?.toISOString() ?? null,
});

export const platformFigures = (d: PlatformSettlementDetail) => ({
  status: d.status,
  totalFen: d.totalFen,
  fundFen: d.fundFen,
  accountFen: d.accountFen,
  cashFen: d.cashFen,
  setlId: d.setlId,
  msgId: d.msgId,
  orderRef: d.orderRef,
  settledAt: d.settledAt.toISOString(),
  reversedAt: d.reversedAt?.toISOString() ?? null,
});

const orderFigures = (o: OurOrder) => ({
  status: o.status,
  amountFen: o.amountFen,
  cashFen: o.cashFen,
  channel: o.channel,
  txnId: o.gatewayTxnId,
  settlementId: o.insuranceSettlementId,
});

const sameAmounts = (a: OurSettlement, b: PlatformSettlementDetail) =>
  a.totalFen === b.totalFen &&
  a.fundFen === b.fundFen &&
  a.accountFen === b.accountFen &&
  a.cashFen === b.cashFen;

export function totalsOf(settlements: readonly OurSettlement[]): DailyTotals {
  const standing = settlements.filter((s) => STANDS.has(s.status));
  return {
    settlements: standing.length,
    fundFen: standing.reduce((n, s) => n + s.fundFen, 0),
    accountFen: standing.reduce((n, s) => n + s.accountFen, 0),
    cashFen: standing.reduce((n, s) => n + s.cashFen, 0),
  };
}

/** Matches one institution's day (see the file comment); pure. */
export function reconcileDay(f: DayFacts): DayResult {
  const mismatches: Mismatch[] = [];
  const add = (m: Mismatch) => mismatches.push(m);

  // --- Settlements: 3202 one by one against ours (明细对账).
  const bySetlId = new Map<string, OurSettlement>();
  const byMsgId = new Map<string, OurSettlement>();
  for (const s of [...f.related.values(), ...f.settlements]) {
    if (s.platformSetlId) bySetlId.set(s.platformSetlId, s);
    byMsgId.set(s.msgId, s);
  }
  const ofTheDay = new Set(f.settlements.map((s) => s.id));
  const matched = new Set<string>();
  for (const d of f.platformDetails) {
    const s = bySetlId.get(d.setlId) ?? byMsgId.get(d.msgId);
    const orderId = s?.orderId ?? (UUID.test(d.orderRef) ? d.orderRef : null);
    // Not ours, not settled here (pending, failed: the answer was lost), or settled here on another day.
    if (!s || !ofTheDay.has(s.id)) {
      add({
        cause: 'settlement_only_at_platform',
        orderId,
        settlementId: s?.id ?? d.setlId,
        ours: s ? settlementFigures(s) : null,
        theirs: platformFigures(d),
      });
      continue;
    }
    matched.add(s.id);
    // A reversal we have not seen confirmed (reversing) is not yet the same as the platform's state.
    const sameState = s.status === d.status;
    if (!sameState || !sameAmounts(s, d) || (s.platformSetlId !== null && s.platformSetlId !== d.setlId)) {
      add({
        cause: 'settlement_amount_differs',
        orderId: s.orderId,
        settlementId: s.id,
        ours: settlementFigures(s),
        theirs: platformFigures(d),
      });
    }
  }
  for (const s of f.settlements) {
    if (matched.has(s.id)) continue;
    add({
      cause: 'settlement_missing_at_platform',
      orderId: s.orderId,
      settlementId: s.id,
      ours: settlementFigures(s),
      theirs: null,
    });
  }

  // --- Settlements against their orders: an insurance part paid out for an order nobody paid.
  for (const s of f.settlements) {
    if (s.status !== 'settled') continue;
    const o = f.settlementOrders.get(s.orderId);
    if (o && PAID.has(o.status) && o.status !== 'refunded') continue;
    add({
      cause: 'settled_order_not_paid',
      orderId: s.orderId,
      settlementId: s.id,
      ours: { ...settlementFigures(s), order: o ? orderFigures(o) : null },
      theirs: null,
    });
  }

  // --- Orders: their settlement, and the gateway's payment of the cash part.
  let payments = 0;
  for (const o of f.orders) {
    const insured = o.insuranceSettlementId !== null || o.cashFen < o.amountFen;
    if (insured) {
      const s = o.insuranceSettlementId ? f.related.get(o.insuranceSettlementId) : undefined;
      // The insurance part must stand — or be reversed along with a whole refund of the order.
      const stands = s !== undefined && STANDS.has(s.status);
      const undone = s !== undefined && s.status === 'reversed' && o.status === 'refunded';
      if (!stands && !undone) {
        add({
          cause: 'paid_without_settlement',
          orderId: o.id,
          settlementId: s?.id ?? o.insuranceSettlementId,
          ours: { ...orderFigures(o), settlement: s ? settlementFigures(s) : null },
          theirs: null,
        });
      } else if (s && s.cashFen !== o.cashFen) {
        add({
          cause: 'payment_amount_differs',
          orderId: o.id,
          settlementId: s.id,
          ours: orderFigures(o),
          theirs: { source: 'settlement', cashFen: s.cashFen },
        });
      }
    }
    if (o.cashFen <= 0) continue;
    payments += 1;
    const g = f.gateway.get(o.id) ?? { state: 'no_gateway' as const };
    if (g.state !== 'paid') {
      add({
        cause: 'payment_missing_at_gateway',
        orderId: o.id,
        settlementId: o.insuranceSettlementId,
        ours: orderFigures(o),
        theirs: { state: g.state },
      });
    } else if (g.amountFen !== o.cashFen) {
      add({
        cause: 'payment_amount_differs',
        orderId: o.id,
        settlementId: o.insuranceSettlementId,
        ours: orderFigures(o),
        theirs: { source: 'gateway', state: g.state, amountFen: g.amountFen ?? null, txnId: g.txnId ?? null },
      });
    }
  }

  // --- Totals (对总账): ours against 3201.
  const totals = totalsOf(f.settlements);
  const t = f.platformTotals;
  if (
    totals.settlements !== t.settlements ||
    totals.fundFen !== t.fundFen ||
    totals.accountFen !== t.accountFen ||
    totals.cashFen !== t.cashFen
  ) {
    add({ cause: 'totals_differ', orderId: null, settlementId: null, ours: { ...totals }, theirs: { ...t } });
  }

  return {
    status: mismatches.length === 0 ? 'balanced' : 'mismatched',
    orders: f.orders.length,
    settlements: totals.settlements,
    payments,
    totals,
    mismatches,
  };
}
