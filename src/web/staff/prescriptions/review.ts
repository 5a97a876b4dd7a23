/** The pharmacist's queue (RX-10), pure: first signed, first reviewed; how long each has waited. */
import type { PrescriptionSummary } from '../../../shared/prescriptions.js';

/** Oldest signature first (a prescription not signed yet, by when it was written). */
export function byWaitingOrder(items: readonly PrescriptionSummary[]): PrescriptionSummary[] {
  return [...items].sort((a, b) => (a.signedAt ?? a.createdAt).localeCompare(b.signedAt ?? b.createdAt));
}

/** Whole minutes since `since`, never negative (a clock a little behind the server's). */
export function waitedMinutes(since: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
}

/** The one to open after a decision: the oldest still waiting other than the one just decided. */
export function nextToReview(
  queue: readonly PrescriptionSummary[],
  decided: ReadonlySet<string>,
  justDecided: string,
): PrescriptionSummary | undefined {
  return byWaitingOrder(queue).find((p) => p.id !== justDecided && !decided.has(p.id));
}
