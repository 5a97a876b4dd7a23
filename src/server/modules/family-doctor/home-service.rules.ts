/**
 * Home visits and home nursing ([12/12], FD-5, FD-9), pure: the visit fee by the provider's title, who may
 * take which item, the service window, the life of a service order (one table of status × action), the
 * client's code checked at the door, and the address as other staff see it. No database, no clock: the
 * callers pass `now` and the settings.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HomeServiceStatus } from '../../../shared/family-doctor.js';
import type { FamilyDoctorSettings } from '../../platform/config.js';

export type HomeItemCategory = 'visit' | 'sickbed' | 'nursing';
type VisitFees = FamilyDoctorSettings['visitFees'];

// --- FD-5: fees

/**
 * FD-5: the visit fee of one home service, fen. A doctor's home visit (上门巡诊) by the doctor's title:
 * chief 80, associate chief 70, attending or below (resident, untitled) 60 yuan; a home sick-bed round
 * (家庭病床查床) 80 whoever goes; a home-nursing item the nurse's 50, whatever the nurse's title.
 */
export function visitFeeFen(category: HomeItemCategory, doctorTitle: string | null, fees: VisitFees): number {
  if (category === 'nursing') return fees.nurse;
  if (category === 'sickbed') return fees.sickbedRound;
  if (doctorTitle === 'chief') return fees.chief;
  if (doctorTitle === 'associate_chief') return fees.associateChief;
  return fees.attendingOrBelow;
}

/**
 * FD-5 at request time, before anyone has accepted: a doctor's visit is priced by the title of the lead of
 * the resident's contract team (the GP who normally goes), attending when there is no lead to ask; nursing
 * by the nurse fee. The fee is the visit fee plus the item's own fee (materials and service), and it is
 * what the resident pays: a doctor of another fee band may not accept it (`providerFeeMismatch`).
 */
export function serviceFeeFen(
  item: { category: HomeItemCategory; itemFeeFen: number },
  leadTitle: string | null,
  fees: VisitFees,
): { visitFeeFen: number; itemFeeFen: number; totalFen: number } {
  const visit = visitFeeFen(
    item.category,
    item.category === 'visit' ? (leadTitle ?? 'attending') : null,
    fees,
  );
  return { visitFeeFen: visit, itemFeeFen: item.itemFeeFen, totalFen: visit + item.itemFeeFen };
}

/**
 * FD-5 at acceptance: the fee band of the doctor who would go must be the one the resident paid for. A
 * doctor's visit (上门巡诊) was priced by the team lead's title at request time; a doctor whose title charges
 * another fee (chief 80, associate chief 70, attending or below 60) may not take it. A sick-bed round is
 * 80 and a nursing item 50 whoever goes (any qualified nurse, FD-9), so they are never refused here.
 * `pricedVisitFen` is the visit part of the order's fee.
 */
export function providerFeeMismatch(
  category: HomeItemCategory,
  providerTitle: string | null,
  pricedVisitFen: number,
  fees: VisitFees,
): { providerVisitFen: number } | undefined {
  if (category !== 'visit') return undefined;
  const providerVisitFen = visitFeeFen('visit', providerTitle, fees);
  return providerVisitFen === pricedVisitFen ? undefined : { providerVisitFen };
}

// --- FD-9: who may take an order

export interface ProviderFacts {
  /** practitioner.kind: doctor, nurse, pharmacist, … */
  kind: string;
  /** 护士、护师、主管护师、… (practitioner.professional_title) */
  professionalTitle: string;
  /** The year clinical practice began (practitioner.practice_since). */
  practiceSince: number;
}

/**
 * FD-9: years of clinical nursing are counted in calendar years, `year − practice_since` (the year is
 * Asia/Shanghai's), and the bar is met at `≥ minYears`: with the bar at 5, a nurse practising since 2021
 * qualifies throughout 2026, one since 2022 does not. The title must be one of `titles` (护师 or above);
 * 护士 never qualifies, however long.
 */
export function nurseQualified(
  p: ProviderFacts,
  year: number,
  nursing: FamilyDoctorSettings['nursing'],
): boolean {
  return (
    p.kind === 'nurse' &&
    year - p.practiceSince >= nursing.minYears &&
    nursing.titles.includes(p.professionalTitle)
  );
}

/** Why a practitioner may not take an item: a nursing item needs a qualified nurse, a visit a doctor. */
export type TakeRefusal = 'nurse_below_bar' | 'nursing_needs_nurse' | 'visit_needs_doctor';

/**
 * FD-9 (and FD-5's split by profession): nursing items only to nurses who meet the bar; home visits and
 * sick-bed rounds only to doctors. Undefined when the practitioner may take it.
 */
export function takeRefusal(
  category: HomeItemCategory,
  p: ProviderFacts,
  year: number,
  nursing: FamilyDoctorSettings['nursing'],
): TakeRefusal | undefined {
  if (category === 'nursing') {
    if (p.kind !== 'nurse') return 'nursing_needs_nurse';
    return nurseQualified(p, year, nursing) ? undefined : 'nurse_below_bar';
  }
  return p.kind === 'doctor' ? undefined : 'visit_needs_doctor';
}

// --- The service window

export const MAX_WINDOW_MS = 4 * 3600_000;
export const MAX_AHEAD_MS = 30 * 86_400_000;

export type WindowProblem = 'unparsable' | 'past' | 'reversed' | 'too_long' | 'too_far';

/**
 * The window the resident asks for: it starts after `now`, ends after it starts, lasts at most 4 hours
 * and starts at most 30 days ahead (both bounds inclusive). Undefined when it is fine.
 */
export function windowProblem(start: Date, end: Date, now: Date): WindowProblem | undefined {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return 'unparsable';
  if (start.getTime() <= now.getTime()) return 'past';
  if (end.getTime() <= start.getTime()) return 'reversed';
  if (end.getTime() - start.getTime() > MAX_WINDOW_MS) return 'too_long';
  if (start.getTime() - now.getTime() > MAX_AHEAD_MS) return 'too_far';
  return undefined;
}

// --- The life of an order

export const HOME_SERVICE_ACTIONS = [
  'pay',
  'expire',
  'accept',
  'position',
  'check_in',
  'check_out',
  'panic',
  'handle_panic',
  'cancel_by_resident',
  'cancel_by_institution',
] as const;
export type HomeServiceAction = (typeof HOME_SERVICE_ACTIONS)[number];

/**
 * Every allowed (status, action) and the status it leads to; anything else is refused (409
 * HOME_SERVICE_STATE_CONFLICT). pending_payment → requested when paid (or cancelled when the hold lapses);
 * one provider accepts; the provider may report positions from acceptance (on the way) to check-out;
 * check-in at the door with the client's code, check-out with the record; the panic button works while the
 * provider is on the order, and a panic is handled at any later point. The resident cancels until someone
 * accepts; the institution also after acceptance, until the provider is at the door.
 */
const TRANSITIONS: Record<HomeServiceStatus, Partial<Record<HomeServiceAction, HomeServiceStatus>>> = {
  pending_payment: {
    pay: 'requested',
    expire: 'cancelled',
    cancel_by_resident: 'cancelled',
    cancel_by_institution: 'cancelled',
  },
  requested: {
    accept: 'accepted',
    cancel_by_resident: 'cancelled',
    cancel_by_institution: 'cancelled',
  },
  accepted: {
    position: 'accepted',
    check_in: 'in_service',
    panic: 'accepted',
    handle_panic: 'accepted',
    cancel_by_institution: 'cancelled',
  },
  in_service: {
    position: 'in_service',
    check_out: 'completed',
    panic: 'in_service',
    handle_panic: 'in_service',
  },
  completed: { handle_panic: 'completed' },
  cancelled: { handle_panic: 'cancelled' },
};

/** The status after `action`, or undefined when the action is not allowed in `status`. */
export function nextStatus(
  status: HomeServiceStatus,
  action: HomeServiceAction,
): HomeServiceStatus | undefined {
  return TRANSITIONS[status][action];
}

// --- FD-9: the client's code (核验码)

/** The key of the client codes, derived from a configured secret for this one purpose (DJ-25). */
export function deriveClientCodeKey(secret: Buffer): Buffer {
  return createHmac('sm3', secret).update('yunyi:home-service-client-code:v1').digest();
}

/**
 * The 6-digit code of a service, derived from its id with the key: the resident's app can show it again
 * at any time, and nothing stores it — the row keeps only `clientCodeHash`.
 */
export function clientCode(key: Buffer, serviceId: string): string {
  const mac = createHmac('sm3', key).update(`code:${serviceId}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** What the row stores: a keyed hash of the service id and its code (hex). */
export function clientCodeHash(key: Buffer, serviceId: string, code: string): string {
  return createHmac('sm3', key).update(`hash:${serviceId}:${code}`).digest('hex');
}

/** Whether a code typed at the door is the service's, compared in constant time. */
export function clientCodeMatches(
  key: Buffer,
  serviceId: string,
  typed: string,
  storedHash: string,
): boolean {
  const code = typed.trim();
  if (!/^\d{6}$/.test(code)) return false;
  const a = Buffer.from(clientCodeHash(key, serviceId, code), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** After this many wrong codes in a row, check-in is locked (HOME_SERVICE_CODE_LOCKED) … */
export const CODE_MAX_FAILURES = 5;
/** … for this long; then the right code works again and another 5 tries are allowed. */
export const CODE_LOCK_MS = 15 * 60_000;

// --- Addresses

/**
 * The address as staff other than the accepted provider see it (DJ-10): the first part (district and
 * street, at most 8 characters and never more than half of it), the rest starred — enough to judge the
 * distance before accepting, never the door.
 */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  const keep = Math.min(8, Math.floor(chars.length / 2));
  return `${chars.slice(0, keep).join('')}${'*'.repeat(Math.max(4, chars.length - keep))}`;
}
