/** 缴费记录's small rules: tabs, tag tones, the words of an order (shared by the list and the detail). */
import type { TFunction } from 'i18next';
import type { OrderSummary } from '../../../shared/orders.js';
import type { OrderStatus } from '../../../shared/payments.js';
import { formatMonthDay, shanghaiDate } from '../../format.js';

/** The list's tabs: all, then the states a patient looks for (a closed order shows under 全部). */
export const ORDER_TABS = ['all', 'created', 'paid', 'refunded'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

export const isOrderTab = (value: string | null): value is OrderTab =>
  (ORDER_TABS as readonly string[]).includes(value ?? '');

/** The API path of a tab's first page. */
export const ordersPath = (tab: OrderTab) => (tab === 'all' ? '/orders' : `/orders?status=${tab}`);

export const ORDER_TONE: Record<OrderStatus, 'warning' | 'success' | 'default' | 'danger' | 'primary'> = {
  created: 'warning',
  paid: 'success',
  partially_refunded: 'primary',
  refunded: 'default',
  closed: 'default',
};

const PURPOSES = ['appointment', 'visit', 'prescription'] as const;
type Purpose = (typeof PURPOSES)[number] | 'other';
const purposeOf = (p: string): Purpose =>
  (PURPOSES as readonly string[]).includes(p) ? (p as Purpose) : 'other';

/** Half a day in Shanghai: 上午 before noon, 下午 until six, then 晚上. */
function sessionKey(iso: string): 'morning' | 'afternoon' | 'evening' {
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(iso),
    ),
  );
  return hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

/** 12月7日 上午 / Dec 7 morning: when a booked appointment is. */
export function visitDay(iso: string, t: TFunction, lang: string): string {
  return `${formatMonthDay(shanghaiDate(iso), lang)} ${t(`orders.session.${sessionKey(iso)}`)}`;
}

/** What the order is for: 挂号费 · 陈建国 · 12月7日 上午; other orders as the server words them. */
export function orderTitle(o: OrderSummary, t: TFunction, lang: string): string {
  if (o.purpose === 'appointment' && o.doctorName && o.appointmentAt)
    return [t('orders.purpose.appointment'), o.doctorName, visitDay(o.appointmentAt, t, lang)].join(' · ');
  return o.title;
}

export const purposeLabel = (o: OrderSummary, t: TFunction) => t(`orders.purpose.${purposeOf(o.purpose)}`);

/** A refund's reason in the UI's language. */
export function refundReason(reason: string, t: TFunction): string {
  if (reason === 'cancelled' || reason === 'schedule_stopped') return t(`orders.refundReason.${reason}`);
  if (reason.startsWith('visit_')) return t('orders.refundReason.visit');
  if (reason.startsWith('rx_')) return t('orders.refundReason.rx');
  return t('orders.refundReason.other');
}
