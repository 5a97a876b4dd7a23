/**
 * Two-way referral's rules ([12/12], FD-4, FD-6), pure: where a referral may go, who acts on it at each
 * step, the states it moves through, and whether FD-6's elderly rule applies to the referred visit.
 *
 * States (FD-4): up sent → accepted → booked → completed; down sent → accepted → completed; declined and
 * cancelled end a referral. The receiving side accepts, declines and completes; the sending side cancels
 * before the visit is booked (up) or before the community accepts (down); either side books an upward
 * referral on the hospital's referral quota.
 */
import type { ReferralStatus } from '../../../shared/family-doctor.js';

export type Direction = 'up' | 'down';
export const REFERRAL_ACTIONS = ['accept', 'decline', 'book', 'complete', 'cancel'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];
export type Side = 'sending' | 'receiving';

/** FD-4: the state each action moves a referral to, per direction; absent: 409 REFERRAL_STATE_CONFLICT. */
const TRANSITIONS: Record<
  Direction,
  Partial<Record<ReferralStatus, Partial<Record<ReferralAction, ReferralStatus>>>>
> = {
  up: {
    sent: { accept: 'accepted', decline: 'declined', cancel: 'cancelled' },
    accepted: { book: 'booked', cancel: 'cancelled' },
    booked: { complete: 'completed' },
  },
  down: {
    sent: { accept: 'accepted', decline: 'declined', cancel: 'cancelled' },
    accepted: { complete: 'completed' },
  },
};

/**
 * The state `action` moves the referral to, or null when it cannot happen now (FD-4). One exception to the
 * table: a booked upward referral whose appointment lapsed (unpaid past its hold, or cancelled) may be
 * booked again, staying `booked` with the new appointment.
 */
export function nextStatus(
  direction: Direction,
  status: ReferralStatus,
  action: ReferralAction,
  opts: { appointmentLapsed?: boolean } = {},
): ReferralStatus | null {
  if (direction === 'up' && status === 'booked' && action === 'book' && opts.appointmentLapsed)
    return 'booked';
  return TRANSITIONS[direction][status]?.[action] ?? null;
}

/** Appointment states in which the referred visit no longer stands (it may be booked again). */
export const LAPSED_APPOINTMENT = ['cancelled', 'expired', 'no_show'] as const;
export const appointmentLapsed = (status: string | null | undefined) =>
  status != null && (LAPSED_APPOINTMENT as readonly string[]).includes(status);

/** Which side may take an action: the receiving side accepts, declines, completes; the sender cancels. */
export function sidesFor(action: ReferralAction): readonly Side[] {
  switch (action) {
    case 'accept':
    case 'decline':
    case 'complete':
      return ['receiving'];
    case 'cancel':
      return ['sending'];
    case 'book':
      return ['sending', 'receiving'];
  }
}

/** An institution as the rules need it (directory's InstitutionFacts). */
export interface ReferralInstitution {
  id: string;
  type: string;
  level: string | null;
  allianceOf: string | null;
  status: string;
}

export const isPrimaryCare = (i: Pick<ReferralInstitution, 'type'>) =>
  i.type === 'community_centre' || i.type === 'community_station';
export const isReferralHospital = (i: Pick<ReferralInstitution, 'type' | 'level'>) =>
  i.type === 'hospital' && (i.level === 'secondary' || i.level === 'tertiary');

/** The alliance (医联体) an institution belongs to, named by its lead hospital: null when in none. */
export function allianceOf(i: Pick<ReferralInstitution, 'id' | 'type' | 'allianceOf'>): string | null {
  if (i.allianceOf) return i.allianceOf;
  return i.type === 'hospital' ? i.id : null;
}

const sameAlliance = (a: ReferralInstitution, b: ReferralInstitution) => {
  const x = allianceOf(a);
  return x !== null && x === allianceOf(b);
};

/**
 * FD-4: why a referral from `from` to `to` is not allowed (a zh-CN detail for 422 REFERRAL_TARGET_INVALID),
 * or null. Up: from a community centre or station to an active secondary or tertiary hospital of its
 * alliance. Down: from a hospital to the community institution of the resident's contract, or to any
 * active community institution of the hospital's alliance.
 */
export function targetProblem(
  direction: Direction,
  from: ReferralInstitution,
  to: ReferralInstitution | undefined,
  contractInstitutionId: string | null,
): string | null {
  if (to?.status !== 'active') return '接收机构不存在或已暂停服务。';
  if (direction === 'up') {
    if (!isPrimaryCare(from)) return '上转须由社区卫生服务中心或服务站的医生发起（FD-4）。';
    if (!isReferralHospital(to)) return '上转的接收机构须为二级或三级医院（FD-4）。';
    if (!sameAlliance(from, to)) return '上转只能转往本医联体内的医院（FD-4）。';
    return null;
  }
  if (from.type !== 'hospital') return '下转须由医院的医生发起（FD-4）。';
  if (!isPrimaryCare(to)) return '下转的接收机构须为社区卫生服务中心或服务站（FD-4）。';
  if (to.id === contractInstitutionId || sameAlliance(from, to)) return null;
  return '下转只能转回居民签约的社区，或本医联体内的基层医疗机构（FD-4）。';
}

/** FD-6: the age from which a contracted resident is "elderly" for the +1 yuan rules. */
export const FD6_ELDERLY_AGE = 65;

/** FD-6: a contracted resident aged 65 or over gets the +1 yuan rules when the referred visit is settled. */
export const fd6Applies = (contracted: boolean, age: number | null) =>
  contracted && age !== null && age >= FD6_ELDERLY_AGE;
