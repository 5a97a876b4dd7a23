/**
 * Pure scheduling rules: release times, token windows, quota channels, fees, cancellation and no-show
 * suspension. Times are computed in the business calendar, Asia/Shanghai (UTC+8, no daylight saving).
 */

import type { BookingPolicy, Channel } from '../../../shared/scheduling.js';

export {
  type AppointmentStatus,
  type BookingPolicy,
  CHANNELS,
  type Channel,
  LIVE_STATUSES,
  MODES,
  type Mode,
} from '../../../shared/scheduling.js';

/**
 * Defaults by institution level. FD-4: tertiary hospitals reserve ≥30% of tokens for referrals from
 * primary care in their alliance, and (Beijing family-doctor plan) 10% for partner institutions in
 * outer districts.
 */
export function defaultPolicy(level: string | null): BookingPolicy {
  const tertiary = level === 'tertiary';
  return {
    releaseDaysAhead: 7,
    releaseTime: '08:00',
    referralPercent: tertiary ? 30 : 0,
    partnerPercent: tertiary ? 10 : 0,
    reservedReleaseHours: 24,
    cancelCutoffMinutes: 120,
    maxActiveBookings: 5,
    noShowLimit: 3,
    noShowWindowDays: 180,
    suspensionDays: 90,
    holdMinutes: 15,
  };
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The instant of a Shanghai wall-clock date and time ('YYYY-MM-DD', 'HH:MM[:SS]'). */
export function shanghaiInstant(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss = 0] = time.split(':').map(Number) as [number, number, number?];
  return new Date(Date.UTC(y, m - 1, d, hh, mm, ss) - SHANGHAI_OFFSET_MS);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** When a schedule opens for booking: N days before its date at the release time (e.g. 7 days, 08:00). */
export function releaseAt(
  date: string,
  policy: Pick<BookingPolicy, 'releaseDaysAhead' | 'releaseTime'>,
): Date {
  return shanghaiInstant(addDays(date, -policy.releaseDaysAhead), policy.releaseTime);
}

/** When unused referral/partner tokens return to the public channel (default 24 h before the session). */
export function reservedReleaseAt(date: string, startTime: string, hours: number): Date {
  return new Date(shanghaiInstant(date, startTime).getTime() - hours * 3600_000);
}

/** Numbered tokens with equal time windows across the session. */
export function tokenWindows(date: string, startTime: string, endTime: string, capacity: number) {
  const start = shanghaiInstant(date, startTime).getTime();
  const end = shanghaiInstant(date, endTime).getTime();
  const step = Math.floor((end - start) / capacity);
  return Array.from({ length: capacity }, (_, i) => ({
    tokenNumber: i + 1,
    windowStart: new Date(start + i * step),
    windowEnd: new Date(i === capacity - 1 ? end : start + (i + 1) * step),
  }));
}

export interface QuotaCounts {
  referral: number;
  partner: number;
  public: number;
}

/**
 * Splits the capacity into channels: explicit counts win, else the policy's percentages (rounded down,
 * so public never gets less than its share). Null when the requested counts do not fit the capacity.
 */
export function quotaCounts(
  capacity: number,
  policy: Pick<BookingPolicy, 'referralPercent' | 'partnerPercent'>,
  requested?: { referral?: number; partner?: number },
): QuotaCounts | null {
  const referral = requested?.referral ?? Math.floor((capacity * policy.referralPercent) / 100);
  const partner = requested?.partner ?? Math.floor((capacity * policy.partnerPercent) / 100);
  if (referral < 0 || partner < 0 || referral + partner > capacity) return null;
  return { referral, partner, public: capacity - referral - partner };
}

/** Channel of each token number: reserved tokens are spread evenly through the session. */
export function channelOfTokens(counts: QuotaCounts): Channel[] {
  const total = counts.public + counts.referral + counts.partner;
  const channels: Channel[] = Array.from({ length: total }, () => 'public');
  const place = (n: number, channel: Channel) => {
    for (let i = 0; i < n; i++) {
      // Evenly spaced positions among those still public.
      let pos = Math.floor(((i + 0.5) * total) / n);
      while (channels[pos] !== 'public') pos = (pos + 1) % total;
      channels[pos] = channel;
    }
  };
  place(counts.referral, 'referral');
  place(counts.partner, 'partner');
  return channels;
}

/** Default registration fee by title, in fen (a setting per institution later; INS-3 prices online like offline). */
export function defaultFeeFen(title: string | null): number {
  switch (title) {
    case 'chief':
      return 10_000;
    case 'associate_chief':
      return 8_000;
    default:
      return 5_000;
  }
}

/** Cancellation is allowed until the cutoff before the session starts (default 2 h). */
export function canCancel(sessionStart: Date, now: Date, cutoffMinutes: number): boolean {
  return now.getTime() <= sessionStart.getTime() - cutoffMinutes * 60_000;
}

/**
 * No-show suspension: `limit` no-shows within the window suspend booking until `suspensionDays` after the
 * last one. Returns the end of the suspension, or null.
 */
export function suspendedUntil(
  noShowTimes: Date[],
  now: Date,
  policy: Pick<BookingPolicy, 'noShowLimit' | 'noShowWindowDays' | 'suspensionDays'>,
): Date | null {
  const windowStart = now.getTime() - policy.noShowWindowDays * 86_400_000;
  const recent = noShowTimes
    .filter((t) => t.getTime() >= windowStart)
    .sort((a, b) => a.getTime() - b.getTime());
  if (recent.length < policy.noShowLimit) return null;
  const until = new Date(recent[recent.length - 1]!.getTime() + policy.suspensionDays * 86_400_000);
  return until.getTime() > now.getTime() ? until : null;
}
