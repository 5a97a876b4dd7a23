/**
 * Pure helpers of the diagnostic centre's pages ([11/12], REMOTE-3…REMOTE-5): the queue's order and live
 * waiting time against the target, the ECG measurement line written into the findings, and the specimen's
 * next step in its chain of custody.
 */
import type {
  DiagnosticRequestView,
  EcgMeasurementsConfirmed,
  SpecimenStep,
} from '../../../../shared/remote.js';

const MINUTE = 60_000;

/**
 * Minutes the request has waited: from the material's arrival to now while unsigned (live), else the
 * server's figure (to the signature). Null before the material arrived.
 */
export function waitingMinutes(
  r: Pick<DiagnosticRequestView, 'materialAt' | 'signedAt' | 'waitingMinutes'>,
  now: Date,
): number | null {
  if (r.signedAt || !r.materialAt) return r.waitingMinutes;
  return Math.max(0, Math.floor((now.getTime() - new Date(r.materialAt).getTime()) / MINUTE));
}

/** Past the target (REMOTE-5 turnaround): the server's flag, or unsigned with the target passed since. */
export function isOverdue(
  r: Pick<DiagnosticRequestView, 'overdue' | 'signedAt' | 'targetAt'>,
  now: Date,
): boolean {
  if (r.overdue) return true;
  return !r.signedAt && r.targetAt !== null && now.getTime() > new Date(r.targetAt).getTime();
}

/** Whole minutes until the target, for an unsigned request not yet overdue; else null. */
export function minutesLeft(
  r: Pick<DiagnosticRequestView, 'signedAt' | 'targetAt'>,
  now: Date,
): number | null {
  if (r.signedAt || !r.targetAt) return null;
  const left = new Date(r.targetAt).getTime() - now.getTime();
  return left > 0 ? Math.ceil(left / MINUTE) : null;
}

/** The queue's order: urgent first, then the one waiting longest (material arrived earliest). */
export function byQueueOrder<
  T extends Pick<DiagnosticRequestView, 'urgency' | 'materialAt' | 'createdAt' | 'id'>,
>(items: readonly T[]): T[] {
  const since = (r: T) => new Date(r.materialAt ?? r.createdAt).getTime();
  return [...items].sort(
    (a, b) =>
      (a.urgency === 'urgent' ? 0 : 1) - (b.urgency === 'urgent' ? 0 : 1) ||
      since(a) - since(b) ||
      a.id.localeCompare(b.id),
  );
}

/** Signed reports, newest signature first. */
export function bySignedDesc<T extends Pick<DiagnosticRequestView, 'signedAt' | 'id'>>(
  items: readonly T[],
): T[] {
  const at = (r: T) => (r.signedAt ? new Date(r.signedAt).getTime() : 0);
  return [...items].sort((a, b) => at(b) - at(a) || a.id.localeCompare(b.id));
}

/** One part of the ECG line, in report order: 心率, PR, QRS, QT, QTc, 节律 (empty values left out). */
export type EcgPart = { key: 'hr' | 'pr' | 'qrs' | 'qt' | 'qtc' | 'rhythm'; value: string };

const round = (n: number) => String(Math.round(n));

export function ecgParts(m: EcgMeasurementsConfirmed): EcgPart[] {
  const parts: EcgPart[] = [];
  const num = (key: EcgPart['key'], v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v)) parts.push({ key, value: round(v) });
  };
  num('hr', m.heartRate);
  num('pr', m.prMs);
  num('qrs', m.qrsMs);
  num('qt', m.qtMs);
  num('qtc', m.qtcMs);
  if (m.rhythm?.trim()) parts.push({ key: 'rhythm', value: m.rhythm.trim() });
  return parts;
}

/**
 * The findings with a generated line put in: where the previous generated line stood (a re-confirmation
 * replaces it), else as the first line. What the doctor wrote is kept.
 */
export function withLine(findings: string, line: string, previous: string | null): string {
  if (previous && findings.includes(previous)) return findings.replace(previous, line);
  const rest = findings.trim();
  return rest ? `${line}\n${rest}` : line;
}

/** The report's stored measurements as the ECG viewer's confirmed values, when they are that shape. */
export function asEcgMeasurements(
  measurements: Record<string, unknown> | null | undefined,
): EcgMeasurementsConfirmed | null {
  if (!measurements || !('heartRate' in measurements)) return null;
  const hr = measurements.heartRate;
  if (hr !== null && typeof hr !== 'number') return null;
  return measurements as EcgMeasurementsConfirmed;
}

/**
 * Whether the heart rate is the doctor's (signing needs it, else 422 REPORT_INCOMPLETE): confirmed as
 * suggested, or corrected to another value than the automatic one (`suggested`, kept by the server).
 */
export function heartRateConfirmed(measurements: Record<string, unknown> | null | undefined): boolean {
  const m = asEcgMeasurements(measurements);
  if (!m || typeof m.heartRate !== 'number') return false;
  if (m.heartRateConfirmed === true) return true;
  const suggested = (measurements?.suggested as { heartRate?: unknown } | undefined)?.heartRate;
  return typeof suggested === 'number' && Math.round(suggested) !== Math.round(m.heartRate);
}

// --- Specimens: collected → packed → picked up → received → tested → reported

export const CUSTODY: readonly SpecimenStep[] = [
  'collected',
  'packed',
  'picked_up',
  'received',
  'tested',
  'reported',
];

/** The step the chain expects next after `status`, or null when it has ended (reported, rejected). */
export function nextStep(status: SpecimenStep): SpecimenStep | null {
  if (status === 'rejected') return null;
  return CUSTODY[CUSTODY.indexOf(status) + 1] ?? null;
}

/** A step already passed (or the chain ended): its button is off. */
export function stepDone(status: SpecimenStep, step: SpecimenStep): boolean {
  if (status === 'rejected' || status === 'reported') return true;
  return CUSTODY.indexOf(step) <= CUSTODY.indexOf(status);
}

/** A specimen may be refused until it is tested. */
export function rejectable(status: SpecimenStep): boolean {
  return CUSTODY.indexOf(status) >= 0 && CUSTODY.indexOf(status) < CUSTODY.indexOf('tested');
}

export const BARCODE = /^[A-Z0-9-]{6,32}$/;

/** What a scanner typed, as a barcode: blanks dropped, full-width made ASCII, upper case. */
export function normaliseBarcode(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
