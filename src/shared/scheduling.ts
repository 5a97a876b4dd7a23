/**
 * Scheduling names shared by the server and the web app: visit modes, quota channels, appointment and
 * order states, the booking policy and the appointment as the API returns it.
 */

export const MODES = ['offline', 'online_follow_up', 'online_first_visit', 'video'] as const;
export type Mode = (typeof MODES)[number];
export const CHANNELS = ['public', 'referral', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

export type AppointmentStatus =
  | 'pending_payment'
  | 'confirmed'
  | 'checked_in'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'no_show';
/** States in which an appointment holds its token. */
export const LIVE_STATUSES = ['pending_payment', 'confirmed', 'checked_in'] as const;

export type OrderStatus = 'created' | 'paid' | 'partially_refunded' | 'refunded' | 'closed';

export interface BookingPolicy {
  releaseDaysAhead: number;
  releaseTime: string; // 'HH:MM'
  referralPercent: number;
  partnerPercent: number;
  reservedReleaseHours: number;
  cancelCutoffMinutes: number;
  maxActiveBookings: number;
  noShowLimit: number;
  noShowWindowDays: number;
  suspensionDays: number;
  holdMinutes: number;
}

export interface AppointmentView {
  id: string;
  status: AppointmentStatus;
  scheduleId: string;
  patientId: string;
  patientName: string;
  doctorId: string;
  doctorName: string;
  departmentName: string;
  institutionName: string;
  date: string;
  mode: Mode;
  channel: Channel;
  tokenNumber: number;
  windowStart: string;
  windowEnd: string;
  feeFen: number;
  orderId?: string;
  holdUntil?: string;
}
