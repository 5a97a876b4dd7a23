/**
 * The resident's family-doctor pages ([12/12], FD-1…FD-9): whose pages these are (`?patient=`, ID-6), the
 * links that keep that choice, and the pure arithmetic the sign page shows (FD-2 package choice, FD-3 fee
 * split). Shapes come from the contract, src/shared/family-doctor.ts; money is integer fen.
 */
import { useSearchParams } from 'react-router-dom';
import type {
  ContractStatus,
  ContractView,
  PackageWithEligibility,
  ReadingView,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDay, formatTime, shanghaiDate } from '../../format.js';

export const FD_BASE = '/patient/family-doctor';

export interface FdPatient {
  /** The person the pages act for; undefined when the account has no patient record yet (unverified). */
  patientId: string | undefined;
  /** The `?patient=` of the address (a family member), kept on every link (ID-6). */
  chosen: string | undefined;
  name: string;
  isSelf: boolean;
}

/**
 * Whose family doctor the pages show: oneself, or the family member named by `?patient=` (an active
 * dependent the account acts for). The server checks the proxy relationship on every request.
 */
export function useFdPatient(): FdPatient {
  const me = useMe();
  const [params] = useSearchParams();
  const chosen = params.get('patient') ?? undefined;
  const other = chosen !== undefined && chosen !== me.patientId;
  const { data } = useApiData<Page<Dependent>>(other ? '/me/dependents' : null);
  if (!other) return { patientId: me.patientId, chosen: undefined, name: me.name, isSelf: true };
  const dependent = data?.items.find((d) => d.patientId === chosen);
  return { patientId: chosen, chosen, name: dependent?.name ?? '', isSelf: false };
}

/** A path under /patient/family-doctor with the family member kept (and more query parameters). */
export function fdPath(
  path: string,
  patientId: string | undefined,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  if (patientId) params.set('patient', patientId);
  const text = params.toString();
  const full = path.startsWith('/') ? path : `${FD_BASE}${path ? `/${path}` : ''}`;
  return text ? `${full}?${text}` : full;
}

// --- Dates (Asia/Shanghai): a contract runs for years, so dates outside this year carry their year

/** 2028年1月6日 / January 6, 2028: a calendar date with its year. */
export function formatFullDate(date: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** 12月14日 周一 this year, 2028年1月6日 another year. */
export function formatDate(date: string, lang: string, today: string = shanghaiDate()): string {
  return date.slice(0, 4) === today.slice(0, 4) ? formatDay(date, lang) : formatFullDate(date, lang);
}

/** An instant's Shanghai date (as formatDate) and time: 12月3日 周四 07:30. */
export function formatInstant(iso: string, lang: string, today: string = shanghaiDate()): string {
  return `${formatDate(shanghaiDate(iso), lang, today)} ${formatTime(iso)}`;
}

// --- The status shown on the overview (FD-1)

/** 待签名 / 待支付 / 生效 / 即将到期 …: `expiring` is an active contract whose renewal window is open. */
export type ContractBadge = ContractStatus | 'expiring';

export function contractBadge(contract: Pick<ContractView, 'status' | 'renewable'>): ContractBadge {
  if (contract.status === 'active' && contract.renewable) return 'expiring';
  return contract.status;
}

export const BADGE_COLOR: Record<ContractBadge, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  pending_signature: 'warning',
  pending_payment: 'warning',
  scheduled: 'primary',
  active: 'success',
  expiring: 'warning',
  expired: 'default',
  cancelled: 'default',
  terminated: 'default',
};

/** A contract that is the resident's current one (in force, or on its way to it). */
export function isOpenContract(status: ContractStatus): boolean {
  return status === 'pending_signature' || status === 'pending_payment' || status === 'active';
}

// --- Packages (FD-2) and the fee (FD-3)

/**
 * The packages chosen to start with: one basic package (the first eligible one: every contract has
 * exactly one), plus `keep` (a renewal's packages) where still eligible.
 */
export function initialSelection(
  packages: readonly PackageWithEligibility[],
  keep: readonly string[] = [],
): string[] {
  const usable = packages.filter((p) => p.status === 'active' && p.eligible !== false);
  const kept = usable.filter((p) => keep.includes(p.id));
  const basic = kept.find((p) => p.group === 'basic') ?? usable.find((p) => p.group === 'basic');
  return [...(basic ? [basic.id] : []), ...kept.filter((p) => p.group !== 'basic').map((p) => p.id)];
}

/**
 * Tapping a package: a basic one replaces the basic chosen (it cannot be left without one); another
 * one is added or taken away. Ineligible packages cannot be chosen.
 */
export function toggleSelection(
  packages: readonly PackageWithEligibility[],
  selected: readonly string[],
  id: string,
): string[] {
  const target = packages.find((p) => p.id === id);
  if (!target || target.eligible === false) return [...selected];
  if (target.group === 'basic') {
    const basics = new Set(packages.filter((p) => p.group === 'basic').map((p) => p.id));
    return [id, ...selected.filter((s) => !basics.has(s))];
  }
  return selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
}

export interface FeeSplit {
  feeFen: number;
  insuranceFen: number;
  publicHealthFen: number;
  residentFen: number;
}

/** Per person-year of the chosen packages, and for the whole term (× years): the three parts add up. */
export function feeOf(
  packages: readonly PackageWithEligibility[],
  selected: readonly string[],
  years: number,
): { perYear: FeeSplit; total: FeeSplit } {
  const perYear: FeeSplit = { feeFen: 0, insuranceFen: 0, publicHealthFen: 0, residentFen: 0 };
  for (const p of packages) {
    if (!selected.includes(p.id)) continue;
    perYear.insuranceFen += p.insuranceFen;
    perYear.publicHealthFen += p.publicHealthFen;
    perYear.residentFen += p.residentFen;
  }
  perYear.feeFen = perYear.insuranceFen + perYear.publicHealthFen + perYear.residentFen;
  const total: FeeSplit = {
    feeFen: perYear.feeFen * years,
    insuranceFen: perYear.insuranceFen * years,
    publicHealthFen: perYear.publicHealthFen * years,
    residentFen: perYear.residentFen * years,
  };
  return { perYear, total };
}

// --- Readings (FD-7, FD-8)

/** 收缩压/舒张压 and 空腹血糖 reference lines on the chart (the 140/90 and 7.0 of the standards). */
export const BP_LINES = { systolic: 140, diastolic: 90 } as const;
export const GLUCOSE_LINE = 7.0;

export const CLASSIFICATION_COLOR = {
  controlled: 'success',
  uncontrolled: 'warning',
  urgent: 'danger',
} as const;

/** 135/85 mmHg · 72 次/分 or 7.8 mmol/L: a reading's values (the unit words come from i18n). */
export function readingValue(reading: ReadingView): string {
  if (reading.kind === 'bp') return `${reading.systolic ?? '—'}/${reading.diastolic ?? '—'}`;
  return reading.glucoseMmol === null ? '—' : reading.glucoseMmol.toFixed(1);
}

/** The instant three months before `now`: the chart's first day. */
export function threeMonthsAgo(now: Date = new Date()): string {
  const from = new Date(now);
  from.setMonth(from.getMonth() - 3);
  return from.toISOString();
}

/** A number typed or stepped in, kept within its bounds (one decimal for glucose). */
export function stepValue(
  current: string,
  delta: number,
  bounds: { min: number; max: number; start: number; decimals: number },
): string {
  const now = Number.parseFloat(current);
  const next = Number.isFinite(now) ? now + delta : bounds.start;
  const clamped = Math.min(bounds.max, Math.max(bounds.min, next));
  return clamped.toFixed(bounds.decimals);
}

/** A home-service time window (Shanghai wall clock): 08:00–10:00 … */
export const SERVICE_WINDOWS = [
  ['08:00', '10:00'],
  ['10:00', '12:00'],
  ['14:00', '16:00'],
  ['16:00', '18:00'],
] as const;
