/**
 * The order centre's contract ([8/12] 缴费记录 / 订单中心): every order of the caller and of the family
 * members they act for (ID-6), with who it is for, what it is for, its insurance split and its money
 * movements. Amounts in integer fen; times ISO instants (shown in Asia/Shanghai).
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page } from './http.js';
import { ORDER_STATUSES, Order } from './payments.js';

export const OrdersQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(ORDER_STATUSES, { description: '订单状态；不填为全部' })),
    before: Type.Optional(Type.String({ maxLength: 200, description: '上一页的 nextCursor' })),
    limit: Type.Optional(Limit(50, 20)),
  },
  { additionalProperties: false },
);
export type OrdersQuery = Static<typeof OrdersQuery>;

/** One movement of money: what was paid (gateway cash, insurance fund, personal account). */
export const OrderPayment = Type.Object({
  method: Type.Enum(['gateway', 'insurance_fund', 'insurance_account'] as const, {
    description: 'gateway 网关支付（channel 为渠道） / insurance_fund 医保统筹 / insurance_account 个人账户',
  }),
  channel: Nullable(Type.String()),
  amountFen: Type.Integer(),
  at: Nullable(Type.String()),
});
export type OrderPayment = Static<typeof OrderPayment>;

/** A refund of the order's gateway part: pending (退款中), succeeded (已退回) or failed. */
export const OrderRefundLine = Type.Object({
  amountFen: Type.Integer(),
  status: Type.Enum(['pending', 'succeeded', 'failed'] as const),
  reason: Type.String({ description: 'cancelled / schedule_stopped / visit_ended / rx_* …' }),
  /** The reason in words (zh-CN), as the receipt prints it. */
  reasonText: Type.String(),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});
export type OrderRefundLine = Static<typeof OrderRefundLine>;

/**
 * An order as the order centre lists it: the order (every field of `Order`, the contract of
 * `GET /orders/{id}` since [2/6]) and who and what it is for, and its money movements.
 */
export const OrderSummary = Type.Object({
  ...Order.properties,
  /** 就诊人 */
  patientName: Type.String(),
  /** What it is for, in words a patient reads (zh-CN): 挂号费 · 陈建国 · 12月7日 上午. */
  title: Type.String(),
  /** Appointments: the doctor and the start of the booked window (the web writes the day in its language). */
  doctorName: Nullable(Type.String()),
  appointmentAt: Nullable(Type.String()),
  /** A pending order still within its payment window (去支付). */
  payable: Type.Boolean(),
  createdAt: Type.String(),
  payments: Type.Array(OrderPayment),
  refunds: Type.Array(OrderRefundLine),
  /** Paid at some time: the e-receipt (电子票据) can be downloaded. */
  receiptAvailable: Type.Boolean(),
});
export type OrderSummary = Static<typeof OrderSummary>;

export const OrderPage = page(OrderSummary);

/** `GET /orders/{id}`: the summary, its itemised lines (`lines`, when any) and the receipt number. */
export const OrderDetail = Type.Object({
  ...OrderSummary.properties,
  receiptNo: Nullable(Type.String({ description: '电子票据号（已支付过的订单）' })),
});
export type OrderDetail = Static<typeof OrderDetail>;
