/**
 * 智能监管 (INS-4): the fraud and misuse rules as pure evaluators. Each takes the settlement being checked
 * and the history the service gathered (the patient's earlier supplies and claims, the doctor's insured
 * prescriptions of the hour, the visit's state) and answers its hits: who the hit is about, the evidence a
 * human can read, and a dedupe key so the online screen and the nightly batch never raise the same hit
 * twice. No clock, no database: the tests run them with frozen times.
 */
import type { FraudRule } from '../../../shared/insurance.js';
import { shanghaiDay } from './policy-store.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The thresholds (ctx.config.insurance). */
export interface FraudThresholds {
  maxDaysSupply: number;
  doctorHourlyLimit: number;
  outOfRegionHighValueFen: number;
  outOfRegionRepeat: number;
}

export interface CheckedLine {
  line: number;
  kind: 'drug' | 'delivery' | 'service';
  itemCode: string | null;
  itemName: string;
  daysSupply: number | null;
}

/** The settlement a rule looks at (online: the one being settled; batch: each of the day's). */
export interface CheckedSettlement {
  settlementId: string;
  patientId: string;
  practitionerId: string | null;
  institutionId: string;
  institutionName: string;
  institutionDistrict: string;
  /** The person's insuring region (参保地), by name as the platform reports it. */
  insuringRegionName: string;
  totalFen: number;
  at: Date;
  prescriptionId: string | null;
  visitId: string | null;
  /** A recorded date of death (YYYY-MM-DD), when known (online: from the platform's 1101 answer). */
  deathDate: string | null;
  lines: CheckedLine[];
}

/** One hit of a rule: an alert to raise (unless its dedupe key was raised before). */
export interface Hit {
  rule: FraudRule;
  subjectKind: 'patient' | 'practitioner';
  subjectId: string;
  patientId: string | null;
  practitionerId: string | null;
  settlementId: string | null;
  dedupeKey: string;
  evidence: Record<string, unknown>;
}

/** An earlier settled supply of a drug to the same person. */
export interface PriorSupply {
  settlementId: string;
  institutionId: string;
  institutionName: string;
  itemCode: string;
  itemName: string;
  daysSupply: number;
  at: Date;
}

const supplyEnd = (at: Date, days: number) => at.getTime() + days * DAY_MS;
/** The last day a supply covers (a 28-day supply from the 1st covers the 1st to the 28th, Shanghai days). */
const lastDay = (at: Date, days: number) =>
  new Date(Date.parse(`${shanghaiDay(at)}T00:00:00Z`) + (days - 1) * DAY_MS).toISOString().slice(0, 10);

/**
 * Rule 1, overlapping_supply (INS-4: 重复开药): the same drug for the same person settled at two or more
 * different institutions with supplies that overlap (settled_at … settled_at + days_supply). Anchored on
 * the later settlement: one hit per drug of it, listing every earlier overlapping supply.
 */
export function overlappingSupply(s: CheckedSettlement, prior: PriorSupply[]): Hit[] {
  const hits: Hit[] = [];
  const start = s.at.getTime();
  for (const line of s.lines) {
    if (line.kind !== 'drug' || !line.itemCode || !line.daysSupply || line.daysSupply <= 0) continue;
    const overlapping = prior
      .filter(
        (p) =>
          p.itemCode === line.itemCode &&
          p.institutionId !== s.institutionId &&
          p.settlementId !== s.settlementId &&
          p.at.getTime() <= start &&
          p.daysSupply > 0 &&
          supplyEnd(p.at, p.daysSupply) > start,
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    if (overlapping.length === 0) continue;
    const ownEnd = supplyEnd(s.at, line.daysSupply);
    const supplies = [
      ...overlapping.map((p) => ({
        settlementId: p.settlementId,
        institutionId: p.institutionId,
        institutionName: p.institutionName,
        settledAt: p.at.toISOString(),
        from: shanghaiDay(p.at),
        daysSupply: p.daysSupply,
        until: lastDay(p.at, p.daysSupply),
        overlapDays: Math.ceil((Math.min(supplyEnd(p.at, p.daysSupply), ownEnd) - start) / DAY_MS),
      })),
      {
        settlementId: s.settlementId,
        institutionId: s.institutionId,
        institutionName: s.institutionName,
        settledAt: s.at.toISOString(),
        from: shanghaiDay(s.at),
        daysSupply: line.daysSupply,
        until: lastDay(s.at, line.daysSupply),
        overlapDays: null,
      },
    ];
    hits.push({
      rule: 'overlapping_supply',
      subjectKind: 'patient',
      subjectId: s.patientId,
      patientId: s.patientId,
      practitionerId: s.practitionerId,
      settlementId: s.settlementId,
      dedupeKey: `overlapping_supply:${s.settlementId}:${line.itemCode}`,
      evidence: {
        drug: { code: line.itemCode, name: line.itemName },
        institutions: new Set(supplies.map((x) => x.institutionId)).size,
        overlapDays: Math.max(...supplies.map((x) => x.overlapDays ?? 0)),
        supplies,
      },
    });
  }
  return hits;
}

/** Rule 2, over_day_limit (INS-4: 超量开药): a drug line insured for more days than maxDaysSupply. */
export function overDayLimit(s: CheckedSettlement, maxDaysSupply: number): Hit[] {
  if (!s.practitionerId) return [];
  const lines = s.lines.filter((l) => l.kind === 'drug' && (l.daysSupply ?? 0) > maxDaysSupply);
  if (lines.length === 0) return [];
  return [
    {
      rule: 'over_day_limit',
      subjectKind: 'practitioner',
      subjectId: s.practitionerId,
      patientId: s.patientId,
      practitionerId: s.practitionerId,
      settlementId: s.settlementId,
      dedupeKey: `over_day_limit:${s.settlementId}`,
      evidence: {
        maxDaysSupply,
        prescriptionId: s.prescriptionId,
        institutionName: s.institutionName,
        settledAt: s.at.toISOString(),
        lines: lines.map((l) => ({
          line: l.line,
          code: l.itemCode,
          name: l.itemName,
          daysSupply: l.daysSupply,
        })),
      },
    },
  ];
}

/** The visit a prescription came from, as visits reports it now (undefined: no such visit). */
export interface VisitState {
  status: string;
  patientId: string;
}

const OPEN_VISIT = new Set(['requested', 'paid', 'waiting', 'in_progress']);

/**
 * Rule 3, no_completed_visit (INS-2, INS-4: only drugs of a compliant follow-up are paid): at settlement
 * the prescription's visit must be completed, or in progress, with the same patient; in the nightly batch
 * a settled prescription whose visit has since ended without being completed (cancelled, expired,
 * referred offline) is a hit. A visit still open at batch time is left for a later night.
 */
export function noCompletedVisit(
  s: CheckedSettlement,
  visit: VisitState | undefined,
  stage: 'settlement' | 'batch',
): Hit[] {
  if (!s.prescriptionId || !s.practitionerId) return [];
  const samePatient = visit ? visit.patientId === s.patientId : null;
  const status = visit?.status ?? null;
  let hit: boolean;
  if (!visit || !samePatient) hit = true;
  else if (stage === 'settlement') hit = status !== 'completed' && status !== 'in_progress';
  else hit = status !== 'completed' && !OPEN_VISIT.has(visit.status);
  if (!hit) return [];
  return [
    {
      rule: 'no_completed_visit',
      subjectKind: 'practitioner',
      subjectId: s.practitionerId,
      patientId: s.patientId,
      practitionerId: s.practitionerId,
      settlementId: s.settlementId,
      dedupeKey: `no_completed_visit:${s.prescriptionId}`,
      evidence: {
        prescriptionId: s.prescriptionId,
        visitId: s.visitId,
        visitStatus: status,
        samePatient,
        stage,
        institutionName: s.institutionName,
        settledAt: s.at.toISOString(),
      },
    },
  ];
}

/** One insured prescription of a doctor (a settlement with drug lines). */
export interface PrescriptionSettled {
  settlementId: string;
  at: Date;
}

/**
 * Rule 4, doctor_hourly_volume (INS-4: 异常高频开方): more than `limit` insured prescriptions by one
 * practitioner within any 60 minutes. The first window that goes over is the hit; one per practitioner
 * and business day (of the window's end), so the online screen and the batch agree on it.
 */
export function doctorHourlyVolume(
  practitionerId: string,
  settled: PrescriptionSettled[],
  limit: number,
  /** Only windows ending at or after this instant (the batch: its day; the hour before feeds the first). */
  endsFrom?: Date,
): Hit[] {
  const sorted = [...settled].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.settlementId.localeCompare(b.settlementId),
  );
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    const end = sorted[to]!.at.getTime();
    while (sorted[from]!.at.getTime() <= end - HOUR_MS) from++;
    const count = to - from + 1;
    if (count > limit && (!endsFrom || end >= endsFrom.getTime())) {
      const window = sorted.slice(from, to + 1);
      const last = sorted[to]!;
      return [
        {
          rule: 'doctor_hourly_volume',
          subjectKind: 'practitioner',
          subjectId: practitionerId,
          patientId: null,
          practitionerId,
          settlementId: last.settlementId,
          dedupeKey: `doctor_hourly_volume:${practitionerId}:${shanghaiDay(last.at)}`,
          evidence: {
            limit,
            count,
            windowFrom: window[0]!.at.toISOString(),
            windowTo: last.at.toISOString(),
            settlementIds: window.slice(0, 100).map((w) => w.settlementId),
          },
        },
      ];
    }
  }
  return [];
}

/** An earlier claim of the same person. */
export interface PriorClaim {
  settlementId: string;
  institutionName: string;
  district: string;
  totalFen: number;
  at: Date;
}

/**
 * Rule 5, out_of_region_high_value (INS-2: out-of-area claims follow cross-region rules; INS-4): claims of
 * at least outOfRegionHighValueFen at institutions outside the person's insuring region, outOfRegionRepeat
 * times or more within 30 days. Keyed by the first claim of the run, so later claims of the same run do
 * not raise it again.
 */
export function outOfRegionHighValue(
  s: CheckedSettlement,
  prior: PriorClaim[],
  t: Pick<FraudThresholds, 'outOfRegionHighValueFen' | 'outOfRegionRepeat'>,
): Hit[] {
  const outside = (district: string, totalFen: number) =>
    district !== s.insuringRegionName && totalFen >= t.outOfRegionHighValueFen;
  if (!outside(s.institutionDistrict, s.totalFen)) return [];
  const since = s.at.getTime() - 30 * DAY_MS;
  const claims = [
    ...prior.filter(
      (p) =>
        p.settlementId !== s.settlementId &&
        p.at.getTime() > since &&
        p.at.getTime() <= s.at.getTime() &&
        outside(p.district, p.totalFen),
    ),
    {
      settlementId: s.settlementId,
      institutionName: s.institutionName,
      district: s.institutionDistrict,
      totalFen: s.totalFen,
      at: s.at,
    },
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.settlementId.localeCompare(b.settlementId));
  if (claims.length < t.outOfRegionRepeat) return [];
  return [
    {
      rule: 'out_of_region_high_value',
      subjectKind: 'patient',
      subjectId: s.patientId,
      patientId: s.patientId,
      practitionerId: s.practitionerId,
      settlementId: s.settlementId,
      dedupeKey: `out_of_region_high_value:${s.patientId}:${claims[0]!.settlementId}`,
      evidence: {
        insuringRegionName: s.insuringRegionName,
        thresholdFen: t.outOfRegionHighValueFen,
        repeat: t.outOfRegionRepeat,
        claims: claims.map((c) => ({
          settlementId: c.settlementId,
          institutionName: c.institutionName,
          district: c.district,
          totalFen: c.totalFen,
          settledAt: c.at.toISOString(),
          day: shanghaiDay(c.at),
        })),
      },
    },
  ];
}

/** Rule 6, after_death (INS-4: 冒名就医): a settlement after the person's recorded date of death. */
export function afterDeath(s: CheckedSettlement): Hit[] {
  if (!s.deathDate) return [];
  const day = shanghaiDay(s.at);
  if (day <= s.deathDate) return [];
  return [
    {
      rule: 'after_death',
      subjectKind: 'patient',
      subjectId: s.patientId,
      patientId: s.patientId,
      practitionerId: s.practitionerId,
      settlementId: s.settlementId,
      dedupeKey: `after_death:${s.settlementId}`,
      evidence: {
        deathDate: s.deathDate,
        settledDay: day,
        settledAt: s.at.toISOString(),
        institutionName: s.institutionName,
      },
    },
  ];
}
