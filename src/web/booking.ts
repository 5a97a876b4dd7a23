/** Booking rules the patient H5 and the staff consoles share: colours of states, what a session allows. */

import type { OrderStatus } from '../shared/payments.js';
import type { AppointmentStatus, Schedule } from '../shared/scheduling.js';
import { shanghaiInstant } from './format.js';

/** A colour family, mapped to antd-mobile's and antd's tag colours by each UI. */
export type Tone = 'default' | 'primary' | 'success' | 'warning' | 'danger';

export const APPOINTMENT_TONE: Record<AppointmentStatus, Tone> = {
  pending_payment: 'warning',
  confirmed: 'primary',
  checked_in: 'success',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
  no_show: 'danger',
};

export const ORDER_TONE: Record<OrderStatus, Tone> = {
  created: 'warning',
  paid: 'success',
  partially_refunded: 'primary',
  refunded: 'primary',
  closed: 'default',
};

/** What a patient can do with a session right now. */
export type SessionState = 'bookable' | 'full' | 'not_released' | 'stopped' | 'past';

export function sessionState(schedule: Schedule, now: Date): SessionState {
  if (schedule.status === 'stopped') return 'stopped';
  if (shanghaiInstant(schedule.date, schedule.startTime).getTime() <= now.getTime()) return 'past';
  if (new Date(schedule.releaseAt).getTime() > now.getTime()) return 'not_released';
  return schedule.available > 0 ? 'bookable' : 'full';
}

/** An appointment that still holds its token and may be cancelled by the patient. */
export function isCancellable(status: AppointmentStatus): boolean {
  return status === 'pending_payment' || status === 'confirmed';
}

/** The text of the check-in QR code an offline visit shows at the hospital. */
export function checkInCode(appointmentId: string): string {
  return `yunyi:appointment:${appointmentId}`;
}

/** One key per submit: a retried request (network hiccup, double tap) is answered once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
