/** Stock arithmetic of the pharmacy pages, pure: batch expiry states and yuan typed by staff as fen. */
import { addDays } from '../../format.js';

/** A batch expiring within this many days is flagged 近效期. */
export const NEAR_EXPIRY_DAYS = 90;

export type ExpiryState = 'expired' | 'near' | 'ok';

/** Expired before `today`, near expiry within 90 days of it (inclusive), else ok. Dates are YYYY-MM-DD. */
export function expiryState(expiresOn: string, today: string): ExpiryState {
  if (expiresOn < today) return 'expired';
  if (expiresOn <= addDays(today, NEAR_EXPIRY_DAYS)) return 'near';
  return 'ok';
}

/** Yuan typed with at most two decimals, as integer fen: 12.3 → 1230 (not 1230.0000000000002). */
export const yuanToFen = (yuan: number) => Math.round(yuan * 100);
