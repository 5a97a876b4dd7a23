/**
 * The payments API's contract: orders (amounts in integer fen) and starting a payment. TypeBox schemas
 * the routes validate with, `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { Nullable, Uuid } from './http.js';
import { PayInsurance, SETTLEMENT_STATUSES } from './insurance.js';

export const ORDER_STATUSES = ['created', 'paid', 'partially_refunded', 'refunded', 'closed'] as const;
export const OrderStatus = Type.Enum(ORDER_STATUSES);
export type OrderStatus = Static<typeof OrderStatus>;

/** An itemised line: a drug (with its insurance category 甲/乙/丙), the delivery fee, a service. */
export const OrderLine = Type.Object({
  line: Type.Integer(),
  kind: Type.Enum(['drug', 'delivery', 'service'] as const),
  ref: Nullable(Type.String({ description: '药品编码等' })),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPriceFen: Type.Integer(),
  amountFen: Type.Integer(),
  insuranceCategory: Nullable(
    Type.Enum(['A', 'B', 'C'] as const, { description: 'A 甲类 / B 乙类 / C 丙类' }),
  ),
});
export type OrderLine = Static<typeof OrderLine>;

export const Order = Type.Object({
  id: Uuid,
  patientId: Uuid,
  purpose: Type.String({ description: 'appointment 预约挂号 / visit 线上问诊 / prescription 处方药费' }),
  refId: Uuid,
  description: Type.String(),
  amountFen: Type.Integer(),
  refundedFen: Type.Integer(),
  status: OrderStatus,
  channel: Nullable(Type.String()),
  expiresAt: Type.String(),
  paidAt: Nullable(Type.String()),
  /** [7/12] What the gateway takes: the whole amount, or the cash part once insurance settled its part. */
  cashFen: Type.Integer(),
  /** [7/12] The order's live insurance settlement, when insurance pays part of it. */
  insurance: Type.Optional(
    Type.Object({
      settlementId: Uuid,
      status: Type.Enum(SETTLEMENT_STATUSES),
      fundFen: Type.Integer(),
      accountFen: Type.Integer(),
      cashFen: Type.Integer(),
    }),
  ),
  /** Itemised lines (prescription orders: one per drug, and the delivery fee); absent when none. */
  lines: Type.Optional(Type.Array(OrderLine)),
});
export type Order = Static<typeof Order>;

export const PayBody = Type.Object(
  {
    channel: Type.String({ minLength: 1, maxLength: 20 }),
    /** [7/12] Settle the insurance part first (医保在线结算, ID-3); only the cash part goes to the gateway. */
    insurance: Type.Optional(PayInsurance),
  },
  { additionalProperties: false },
);
export type PayBody = Static<typeof PayBody>;

/** The gateway's prepay data: the patient confirms on the cashier page. */
export const PayResult = Type.Object({
  prepayId: Type.String(),
  cashierUrl: Type.String({ description: '收银台地址（模拟网关的收银页；真实网关为 H5 支付地址）' }),
  /**
   * [7/12] `paid` when insurance covered the whole order (no cashier: prepayId and cashierUrl are empty);
   * `awaiting_cash` when the patient still pays `cashFen` at the cashier. Absent for uninsured payments.
   */
  status: Type.Optional(Type.Enum(['paid', 'awaiting_cash'] as const)),
  insurance: Type.Optional(
    Type.Object({
      settlementId: Uuid,
      fundFen: Type.Integer(),
      accountFen: Type.Integer(),
      cashFen: Type.Integer(),
    }),
  ),
});
export type PayResult = Static<typeof PayResult>;

/** What the platform answers a gateway's signed notification with. */
export const NotifyAck = Type.Object({ code: Type.String(), outcome: Type.String() });
export type NotifyAck = Static<typeof NotifyAck>;
