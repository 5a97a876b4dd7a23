/**
 * The reconciliation statement as a spreadsheet (对账单 CSV, [7/12]): one row per order and per
 * settlement of the day with both sides' figures, its result and the cause of a difference; then the
 * platform's settlements we do not have, and the day's totals when they disagree. UTF-8 with a BOM and
 * CRLF, so Excel opens the Chinese header and names correctly. Amounts in yuan with two decimals.
 *
 * The stored statement keeps its differences only; the rows that matched are read again from our tables,
 * as they were at the run (paid or settled no later than it).
 */
import type { Mismatch, ReconciliationStatement } from '../../../shared/insurance.js';
import type { Executor } from '../../platform/db/database.js';
import { ordersPaidAt } from '../payments/payments.api.js';
import { dayBounds, settlementsSettledAt } from './reconciliation.service.js';

const HEADER = [
  '类型',
  '订单号',
  '结算号',
  '医保结算ID',
  '本方状态',
  '本方总额(元)',
  '本方统筹基金(元)',
  '本方个人账户(元)',
  '本方现金(元)',
  '对方状态',
  '对方金额(元)',
  '对方统筹基金(元)',
  '对方个人账户(元)',
  '对方现金(元)',
  '对账结果',
  '差异原因',
];

export const CAUSE_LABELS: Record<Mismatch['cause'], string> = {
  settlement_missing_at_platform: '医保平台无此结算',
  settlement_only_at_platform: '仅医保平台有此结算',
  settlement_amount_differs: '结算金额或状态不一致',
  payment_missing_at_gateway: '支付渠道无此笔收款',
  payment_amount_differs: '收款金额不一致',
  paid_without_settlement: '订单已支付但医保结算未生效',
  settled_order_not_paid: '已医保结算但订单未支付',
  totals_differ: '总账金额不一致',
};

const STATUS_LABELS: Record<string, string> = {
  created: '待支付',
  paid: '已支付',
  partially_refunded: '部分退款',
  refunded: '已退款',
  closed: '已关闭',
  pending: '结算中',
  settled: '已结算',
  failed: '结算失败',
  reversing: '撤销中',
  reversed: '已撤销',
};
const GATEWAY_LABELS: Record<string, string> = {
  paid: '已收款',
  not_found: '无此交易',
  pending: '未支付',
  closed: '已关闭',
  no_gateway: '渠道未开通',
};

/** Which row a cause belongs to: the order's or the settlement's. */
const ORDER_CAUSES = new Set<Mismatch['cause']>([
  'payment_missing_at_gateway',
  'payment_amount_differs',
  'paid_without_settlement',
]);
const SETTLEMENT_CAUSES = new Set<Mismatch['cause']>([
  'settlement_missing_at_platform',
  'settlement_amount_differs',
  'settled_order_not_paid',
]);

/** Integer fen as yuan, `12.34`; empty for none. */
export function yuan(fen: unknown): string {
  if (typeof fen !== 'number' || !Number.isFinite(fen)) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

type Figures = Record<string, unknown> | null;
const n = (f: Figures, key: string) => (f ? f[key] : undefined);
const label = (v: unknown, labels: Record<string, string> = STATUS_LABELS) =>
  typeof v === 'string' ? (labels[v] ?? v) : '';
const causesOf = (ms: Mismatch[]) => [...new Set(ms.map((m) => CAUSE_LABELS[m.cause]))].join('；');
const result = (ms: Mismatch[]) => (ms.length === 0 ? '一致' : '不一致');

/** The statement's CSV text (with the BOM). */
export async function statementCsv(db: Executor, statement: ReconciliationStatement): Promise<string> {
  const [from, to] = dayBounds(statement.date);
  const runAt = new Date(statement.runAt);
  const orders = (await ordersPaidAt(db, statement.institutionId, from, to)).filter(
    (o) => o.paidAt !== null && o.paidAt <= runAt,
  );
  const settlements = (await settlementsSettledAt(db, statement.institutionId, from, to)).filter(
    (s) => s.settledAt !== null && s.settledAt <= runAt,
  );
  const ms = statement.mismatches;
  const rows: string[][] = [HEADER];

  for (const o of orders) {
    const mine = ms.filter((m) => ORDER_CAUSES.has(m.cause) && m.orderId === o.id);
    const gateway = mine.find(
      (m) => m.cause === 'payment_missing_at_gateway' || n(m.theirs, 'source') === 'gateway',
    );
    const theirsState = gateway
      ? label(n(gateway.theirs, 'state'), GATEWAY_LABELS)
      : o.cashFen > 0
        ? '已收款'
        : '';
    const theirsAmount = gateway
      ? yuan(n(gateway.theirs, 'amountFen'))
      : o.cashFen > 0
        ? yuan(o.cashFen)
        : '';
    rows.push([
      '订单',
      o.id,
      o.insuranceSettlementId ?? '',
      '',
      label(o.status),
      yuan(o.amountFen),
      '',
      '',
      yuan(o.cashFen),
      theirsState,
      theirsAmount,
      '',
      '',
      theirsAmount,
      result(mine),
      causesOf(mine),
    ]);
  }

  for (const s of settlements) {
    const mine = ms.filter((m) => SETTLEMENT_CAUSES.has(m.cause) && m.settlementId === s.id);
    const platformSide = mine.find((m) => m.cause === 'settlement_amount_differs')?.theirs ?? null;
    const missing = mine.some((m) => m.cause === 'settlement_missing_at_platform');
    // Matched: the platform's figures are ours.
    const theirs: Figures = missing ? null : (platformSide ?? { ...s, setlId: s.platformSetlId });
    rows.push([
      '医保结算',
      s.orderId,
      s.id,
      s.platformSetlId ?? '',
      label(s.status),
      yuan(s.totalFen),
      yuan(s.fundFen),
      yuan(s.accountFen),
      yuan(s.cashFen),
      missing ? '无此结算' : label(n(theirs, 'status')),
      yuan(n(theirs, 'totalFen')),
      yuan(n(theirs, 'fundFen')),
      yuan(n(theirs, 'accountFen')),
      yuan(n(theirs, 'cashFen')),
      result(mine),
      causesOf(mine),
    ]);
  }

  for (const m of ms.filter((x) => x.cause === 'settlement_only_at_platform')) {
    rows.push([
      '医保结算（仅医保平台）',
      m.orderId ?? '',
      m.ours ? (m.settlementId ?? '') : '',
      String(n(m.theirs, 'setlId') ?? ''),
      m.ours ? label(n(m.ours, 'status')) : '无此结算',
      yuan(n(m.ours, 'totalFen')),
      yuan(n(m.ours, 'fundFen')),
      yuan(n(m.ours, 'accountFen')),
      yuan(n(m.ours, 'cashFen')),
      label(n(m.theirs, 'status')),
      yuan(n(m.theirs, 'totalFen')),
      yuan(n(m.theirs, 'fundFen')),
      yuan(n(m.theirs, 'accountFen')),
      yuan(n(m.theirs, 'cashFen')),
      '不一致',
      CAUSE_LABELS[m.cause],
    ]);
  }

  const totals = ms.find((m) => m.cause === 'totals_differ');
  rows.push([
    '总账（3201）',
    '',
    '',
    '',
    `${n(totals?.ours ?? null, 'settlements') ?? statement.settlements} 笔`,
    '',
    yuan(n(totals?.ours ?? null, 'fundFen') ?? statement.fundFen),
    yuan(n(totals?.ours ?? null, 'accountFen') ?? statement.accountFen),
    yuan(n(totals?.ours ?? null, 'cashFen') ?? statement.cashFen),
    `${n(totals?.theirs ?? null, 'settlements') ?? statement.settlements} 笔`,
    '',
    yuan(n(totals?.theirs ?? null, 'fundFen') ?? statement.fundFen),
    yuan(n(totals?.theirs ?? null, 'accountFen') ?? statement.accountFen),
    yuan(n(totals?.theirs ?? null, 'cashFen') ?? statement.cashFen),
    totals ? '不一致' : '一致',
    totals ? CAUSE_LABELS.totals_differ : '',
  ]);

  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266: an ASCII fallback and the Chinese name). */
export function csvDisposition(statement: ReconciliationStatement, code: string): string {
  const ascii = `reconciliation-${code}-${statement.date}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
  const utf8 = `对账单-${statement.institutionName || code}-${statement.date}.csv`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}
