/**
 * What the patient's prescription pages share: tones of states, validity (RX-6), dosage in words and
 * short forms of long values. Pure, so they are tested beside this file.
 */
import type { TFunction } from 'i18next';
import {
  FULFILMENT_STATUSES,
  type FulfilmentStatus,
  type PrescriptionItemView,
  type PrescriptionStatus,
} from '../../../shared/prescriptions.js';
import type { Tone } from '../../booking.js';
import { formatTime, shanghaiDate } from '../../format.js';

export const RX_TONE: Record<PrescriptionStatus, Tone> = {
  draft: 'default',
  pending_review: 'warning',
  approved: 'primary',
  rejected: 'danger',
  superseded: 'default',
  dispensed: 'success',
  expired: 'default',
  cancelled: 'default',
};

export const FULFILMENT_TONE: Record<FulfilmentStatus, Tone> = {
  awaiting_payment: 'warning',
  paid: 'primary',
  dispensed: 'primary',
  shipping: 'primary',
  delivered: 'success',
  received: 'success',
  picked_up: 'success',
  returned: 'danger',
  cancelled: 'default',
};

export function isFulfilmentStatus(value: string | null | undefined): value is FulfilmentStatus {
  return (FULFILMENT_STATUSES as readonly string[]).includes(value ?? '');
}

/** A fulfilment that is over, one way or the other: nothing changes it any more. */
export function isFulfilmentSettled(status: FulfilmentStatus): boolean {
  return status === 'received' || status === 'picked_up' || status === 'cancelled';
}

interface Validity {
  status: PrescriptionStatus;
  validUntil: string | null;
}

/**
 * RX-6: an approved prescription past its validity is expired even before the server's sweep has
 * marked it so; the patient sees it as such and cannot choose a pharmacy any more.
 */
export function shownStatus(rx: Validity, now: Date): PrescriptionStatus {
  if (rx.status === 'approved' && rx.validUntil && new Date(rx.validUntil).getTime() <= now.getTime())
    return 'expired';
  return rx.status;
}

/**
 * The tag a prescription shows in lists: once it is being filled, how the filling goes (待支付, 配送中,
 * 已取药…) says more than 已通过; a cancelled filling leaves the prescription's own state.
 */
export function listTag(
  status: PrescriptionStatus,
  fulfilment: FulfilmentStatus | null,
): { kind: 'rx'; status: PrescriptionStatus } | { kind: 'fulfilment'; status: FulfilmentStatus } {
  if (fulfilment && fulfilment !== 'cancelled' && (status === 'approved' || status === 'dispensed'))
    return { kind: 'fulfilment', status: fulfilment };
  return { kind: 'rx', status };
}

/** RX-3, RX-6, RX-13: only an approved, still valid prescription with no live fulfilment may be filled. */
export function canChoosePharmacy(rx: Validity & { fulfilmentId: string | null }, now: Date): boolean {
  return shownStatus(rx, now) === 'approved' && rx.fulfilmentId === null;
}

/** Whole days, hours and minutes of a duration, rounded up to the minute (never negative). */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number } {
  const total = Math.max(0, Math.ceil(ms / 60_000));
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

/** 剩余时间 in words: 1 天 3 小时 / 3 小时 12 分 / 12 分钟. */
export function formatLeft(ms: number, t: TFunction): string {
  const { days, hours, minutes } = splitDuration(ms);
  if (days > 0) return t('rxPatient.duration.days', { d: days, h: hours });
  if (hours > 0) return t('rxPatient.duration.hours', { h: hours, m: minutes });
  return t('rxPatient.duration.minutes', { m: minutes });
}

/** Date and time with the year, in Shanghai: 2026-11-24 23:59. */
export function fullTime(iso: string): string {
  return `${shanghaiDate(iso)} ${formatTime(iso)}`;
}

/** A long hex value said short: the first and last 8 characters. */
export function shortHash(hex: string, keep = 8): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}

/** A number as a dose is written: no trailing zeros, at most three decimals (0.25, 5, 1.5). */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** A unit the catalogue writes in Chinese (片, 盒…) in the UI's language; mg, ml and the like as they are. */
export function unitText(unit: string, t: TFunction): string {
  return t(`rxPatient.unit.${unit}` as never, { defaultValue: unit });
}

/** 5mg / 5 mg, 1片 / 1 tab(s). */
export function amountText(value: number, unit: string, t: TFunction): string {
  return t('rxPatient.amount', { value: formatNumber(value), unit: unitText(unit, t) });
}

type Dosage = Pick<PrescriptionItemView, 'dose' | 'doseUnit' | 'frequency' | 'days' | 'route'>;

/** 用法用量 in words: 每次 5mg，每日一次，口服，共 7 天 (a one-off `st` has no days). */
export function dosageText(item: Dosage, t: TFunction): string {
  const parts = {
    dose: amountText(item.dose, item.doseUnit, t),
    frequency: t(`rxPatient.frequency.${item.frequency}`),
    route: t(`rxPatient.route.${item.route}` as never, { defaultValue: item.route }),
    days: item.days,
  };
  return item.frequency === 'st' ? t('rxPatient.dosageOnce', parts) : t('rxPatient.dosage', parts);
}

/**
 * The prescription's number as shown: the last 10 hex digits of its id, upper case (ids are UUIDv7,
 * whose first digits are a timestamp that prescriptions issued together share).
 */
export function rxNumber(id: string): string {
  return id.replaceAll('-', '').slice(-10).toUpperCase();
}
