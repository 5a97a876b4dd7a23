import { describe, expect, it } from 'vitest';
import { REFERRAL_STATUSES, type ReferralStatus } from '../../../shared/family-doctor.js';
import {
  allianceOf,
  appointmentLapsed,
  type Direction,
  fd6Applies,
  nextStatus,
  REFERRAL_ACTIONS,
  type ReferralAction,
  type ReferralInstitution,
  sidesFor,
  targetProblem,
} from './referral.rules.js';

// FD-4: every (direction × state × action); anything not listed is a 409 REFERRAL_STATE_CONFLICT.
const ALLOWED: Record<
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

const cases = (['up', 'down'] as const).flatMap((direction) =>
  REFERRAL_STATUSES.flatMap((status) =>
    REFERRAL_ACTIONS.map((action) => ({
      direction,
      status,
      action,
      expected: ALLOWED[direction][status]?.[action] ?? null,
    })),
  ),
);

describe('FD-4 referral transitions', () => {
  it('covers every pair: 2 directions × 6 states × 5 actions', () => {
    expect(cases).toHaveLength(60);
  });

  it.each(cases)(
    'FD-4: $direction $status + $action → $expected',
    ({ direction, status, action, expected }) => {
      expect(nextStatus(direction, status, action)).toBe(expected);
    },
  );

  it.each(
    REFERRAL_STATUSES.flatMap((status) =>
      (['up', 'down'] as const).map((direction) => ({
        direction,
        status,
        expected:
          direction === 'up' && status === 'booked' ? 'booked' : (ALLOWED[direction][status]?.book ?? null),
      })),
    ),
  )(
    'FD-4: $direction $status + book with the appointment lapsed → $expected (a lapsed booking is booked again)',
    ({ direction, status, expected }) => {
      expect(nextStatus(direction, status, 'book', { appointmentLapsed: true })).toBe(expected);
    },
  );

  it.each([
    ['pending_payment', false],
    ['confirmed', false],
    ['checked_in', false],
    ['completed', false],
    ['cancelled', true],
    ['expired', true],
    ['no_show', true],
    [null, false],
  ] as const)('appointment %s lapsed: %s', (status, lapsed) => {
    expect(appointmentLapsed(status)).toBe(lapsed);
  });

  it.each([
    ['accept', ['receiving']],
    ['decline', ['receiving']],
    ['complete', ['receiving']],
    ['cancel', ['sending']],
    ['book', ['sending', 'receiving']],
  ] as const)('FD-4: %s is taken by %j', (action, sides) => {
    expect(sidesFor(action)).toEqual(sides);
  });
});

const inst = (id: string, type: string, level: string | null, ally: string | null, status = 'active') =>
  ({ id, type, level, allianceOf: ally, status }) satisfies ReferralInstitution;
const H01 = inst('H01', 'hospital', 'tertiary', null);
const H06 = inst('H06', 'hospital', 'secondary', 'H01');
const H02 = inst('H02', 'hospital', 'tertiary', null);
const H07 = inst('H07', 'hospital', 'primary', 'H01');
const C01 = inst('C01', 'community_centre', 'primary', 'H01');
const S01 = inst('S01', 'community_station', null, 'H01');
const C05 = inst('C05', 'community_centre', 'primary', 'H02');
const R01 = inst('R01', 'pharmacy', null, null);
const SUSPENDED = inst('H09', 'hospital', 'tertiary', null, 'suspended');

describe('FD-4 referral targets', () => {
  it('the alliance is named by its lead hospital', () => {
    expect([H01, H06, C01, S01, H02, C05, R01].map(allianceOf)).toEqual([
      'H01',
      'H01',
      'H01',
      'H01',
      'H02',
      'H02',
      null,
    ]);
  });

  it.each([
    ['C01 → H01 (alliance head, tertiary)', C01, H01, null],
    ['C01 → H06 (secondary in the alliance)', C01, H06, null],
    ['S01 → H01 (a station)', S01, H01, null],
    ['C01 → H02 (another alliance)', C01, H02, '上转只能转往本医联体内的医院（FD-4）。'],
    ['C01 → H07 (a primary hospital)', C01, H07, '上转的接收机构须为二级或三级医院（FD-4）。'],
    ['C01 → C05 (a community centre)', C01, C05, '上转的接收机构须为二级或三级医院（FD-4）。'],
    ['H06 → H01 (from a hospital)', H06, H01, '上转须由社区卫生服务中心或服务站的医生发起（FD-4）。'],
    ['C01 → suspended', C01, SUSPENDED, '接收机构不存在或已暂停服务。'],
    ['C01 → unknown', C01, undefined, '接收机构不存在或已暂停服务。'],
  ] as const)('FD-4 up: %s', (_name, from, to, problem) => {
    expect(targetProblem('up', from, to, null)).toBe(problem);
  });

  it.each([
    ['H01 → C01 (in its alliance)', H01, C01, null, null],
    ['H06 → S01 (secondary hospital to a station of its alliance)', H06, S01, null, null],
    [
      'H01 → C05 (another alliance, no contract there)',
      H01,
      C05,
      'C01',
      '下转只能转回居民签约的社区，或本医联体内的基层医疗机构（FD-4）。',
    ],
    ["H01 → C05 (the resident's contract is there)", H01, C05, 'C05', null],
    ['H01 → H06 (a hospital)', H01, H06, null, '下转的接收机构须为社区卫生服务中心或服务站（FD-4）。'],
    ['C01 → S01 (from a community centre)', C01, S01, null, '下转须由医院的医生发起（FD-4）。'],
  ] as const)('FD-4 down: %s', (_name, from, to, contractAt, problem) => {
    expect(targetProblem('down', from, to, contractAt)).toBe(problem);
  });
});

describe('FD-6 elderly contracted resident', () => {
  it.each([
    [true, 72, true],
    [true, 65, true],
    [true, 64, false],
    [false, 80, false],
    [true, null, false],
  ] as const)('contracted %s, age %s → %s', (contracted, age, applies) => {
    expect(fd6Applies(contracted, age)).toBe(applies);
  });
});
