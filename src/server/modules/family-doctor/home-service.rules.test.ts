import { describe, expect, it } from 'vitest';
import { HOME_SERVICE_STATUSES, type HomeServiceStatus } from '../../../shared/family-doctor.js';
import { loadConfig } from '../../platform/config.js';
import { HOME_ITEMS } from './home-items.data.js';
import {
  clientCode,
  clientCodeHash,
  clientCodeMatches,
  deriveClientCodeKey,
  HOME_SERVICE_ACTIONS,
  type HomeServiceAction,
  maskAddress,
  nextStatus,
  nurseQualified,
  providerFeeMismatch,
  serviceFeeFen,
  takeRefusal,
  visitFeeFen,
  windowProblem,
} from './home-service.rules.js';

const settings = loadConfig({ YUNYI_DEMO: '1' }).familyDoctor;
const fees = settings.visitFees;
const nursing = settings.nursing;

describe('FD-5: home-visit fees by title', () => {
  it.each([
    ['visit', 'chief', 8_000],
    ['visit', 'associate_chief', 7_000],
    ['visit', 'attending', 6_000],
    ['visit', 'resident', 6_000],
    ['visit', null, 6_000],
    ['sickbed', 'attending', 8_000],
    ['sickbed', 'chief', 8_000],
    ['nursing', null, 5_000],
    ['nursing', 'chief', 5_000],
  ] as const)('FD-5: %s by %s → %i fen', (category, title, fen) => {
    expect(visitFeeFen(category, title, fees)).toBe(fen);
  });

  it.each([
    // item, the team lead's title, visit fee, total
    [{ category: 'visit', itemFeeFen: 0 }, 'chief', 8_000, 8_000],
    [{ category: 'visit', itemFeeFen: 0 }, 'associate_chief', 7_000, 7_000],
    [{ category: 'visit', itemFeeFen: 0 }, 'attending', 6_000, 6_000],
    [{ category: 'visit', itemFeeFen: 0 }, null, 6_000, 6_000], // no lead to ask: attending
    [{ category: 'sickbed', itemFeeFen: 0 }, 'resident', 8_000, 8_000],
    [{ category: 'nursing', itemFeeFen: 3_000 }, 'chief', 5_000, 8_000], // the lead's title does not matter
    [{ category: 'nursing', itemFeeFen: 0 }, null, 5_000, 5_000],
  ] as const)('FD-5: the fee at request time is visit + item (%o, lead %s)', (item, lead, visit, total) => {
    const fee = serviceFeeFen(item, lead, fees);
    expect(fee).toEqual({ visitFeeFen: visit, itemFeeFen: item.itemFeeFen, totalFen: total });
  });

  it('FD-5: the fees are settings (YUNYI_FD_FEE_*)', () => {
    const other = loadConfig({ YUNYI_DEMO: '1', YUNYI_FD_FEE_NURSE_FEN: '5500' }).familyDoctor.visitFees;
    expect(visitFeeFen('nursing', null, other)).toBe(5_500);
  });
});

describe('FD-5: the provider at acceptance must match the fee paid', () => {
  it.each([
    // category, priced visit fee, the accepting provider's title, refused with the provider's fee
    ['visit', 6_000, 'attending', undefined],
    ['visit', 6_000, 'resident', undefined], // attending or below: one band
    ['visit', 6_000, null, undefined],
    ['visit', 6_000, 'associate_chief', 7_000],
    ['visit', 6_000, 'chief', 8_000],
    ['visit', 8_000, 'chief', undefined],
    ['visit', 8_000, 'attending', 6_000],
    ['visit', 7_000, 'associate_chief', undefined],
    ['visit', 7_000, 'chief', 8_000],
    ['sickbed', 8_000, 'attending', undefined], // 80 whoever goes
    ['nursing', 5_000, null, undefined], // 50 for any qualified nurse
    ['nursing', 5_000, 'chief', undefined],
  ] as const)('FD-5: %s priced %i, accepted by %s → %s', (category, priced, title, refusedAt) => {
    expect(providerFeeMismatch(category, title, priced, fees)).toEqual(
      refusedAt === undefined ? undefined : { providerVisitFen: refusedAt },
    );
  });
});

describe('FD-9: who may take an order', () => {
  const nurse = (professionalTitle: string, practiceSince: number) => ({
    kind: 'nurse',
    professionalTitle,
    practiceSince,
  });
  it.each([
    // title, since, year, qualified
    ['护师', 2021, 2026, true], // 5 years: at the bar
    ['护师', 2022, 2026, false], // 4 years: below
    ['护师', 2016, 2026, true], // 白秀珍
    ['护士', 2024, 2026, false], // 田雨
    ['护士', 2000, 2026, false], // long practice, title below 护师
    ['主管护师', 2021, 2026, true],
    ['副主任护师', 2010, 2026, true],
    ['主任护师', 2021, 2026, true],
    ['主管护师', 2022, 2026, false],
    ['护师', 2026, 2026, false],
  ])('FD-9: %s since %i in %i → %s', (title, since, year, ok) => {
    expect(nurseQualified(nurse(title, since), year, nursing)).toBe(ok);
  });

  it('FD-9: a doctor is never a qualified nurse', () => {
    expect(
      nurseQualified({ kind: 'doctor', professionalTitle: '护师', practiceSince: 2000 }, 2026, nursing),
    ).toBe(false);
  });

  it('FD-9: the bar is a setting (YUNYI_FD_NURSING_MIN_YEARS)', () => {
    const three = loadConfig({ YUNYI_DEMO: '1', YUNYI_FD_NURSING_MIN_YEARS: '3' }).familyDoctor.nursing;
    expect(nurseQualified(nurse('护师', 2023), 2026, three)).toBe(true);
    expect(nurseQualified(nurse('护师', 2024), 2026, three)).toBe(false);
  });

  const doctor = { kind: 'doctor', professionalTitle: '主治医师', practiceSince: 2011 };
  it.each([
    ['nursing', nurse('护师', 2016), undefined],
    ['nursing', nurse('护士', 2024), 'nurse_below_bar'],
    ['nursing', nurse('护师', 2022), 'nurse_below_bar'],
    ['nursing', doctor, 'nursing_needs_nurse'],
    ['visit', doctor, undefined],
    ['sickbed', doctor, undefined],
    ['visit', nurse('主任护师', 2000), 'visit_needs_doctor'],
    ['sickbed', nurse('护师', 2016), 'visit_needs_doctor'],
    ['visit', { kind: 'pharmacist', professionalTitle: '药师', practiceSince: 2000 }, 'visit_needs_doctor'],
  ] as const)('FD-9: %s item to %o → %s', (category, who, refusal) => {
    expect(takeRefusal(category, who, 2026, nursing)).toBe(refusal);
  });
});

describe('the service window', () => {
  const now = new Date('2026-11-22T02:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  const H = 3600_000;
  const D = 86_400_000;
  it.each([
    ['tomorrow 09:00–11:00', at(D), at(D + 2 * H), undefined],
    ['starts now', at(0), at(H), 'past'],
    ['started a minute ago', at(-60_000), at(H), 'past'],
    ['starts in a millisecond', at(1), at(H), undefined],
    ['end before start', at(D), at(D - 1), 'reversed'],
    ['empty', at(D), at(D), 'reversed'],
    ['exactly 4 hours', at(D), at(D + 4 * H), undefined],
    ['4 hours and a second', at(D), at(D + 4 * H + 1000), 'too_long'],
    ['exactly 30 days ahead', at(30 * D), at(30 * D + H), undefined],
    ['30 days and a minute ahead', at(30 * D + 60_000), at(30 * D + H), 'too_far'],
    ['not a time', new Date('x'), at(H), 'unparsable'],
  ])('%s → %s', (_name, start, end, problem) => {
    expect(windowProblem(start, end, now)).toBe(problem);
  });
});

describe('the life of an order: every status × action', () => {
  const allowed: Record<HomeServiceStatus, Partial<Record<HomeServiceAction, HomeServiceStatus>>> = {
    pending_payment: {
      pay: 'requested',
      expire: 'cancelled',
      cancel_by_resident: 'cancelled',
      cancel_by_institution: 'cancelled',
    },
    requested: { accept: 'accepted', cancel_by_resident: 'cancelled', cancel_by_institution: 'cancelled' },
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
  const cases = HOME_SERVICE_STATUSES.flatMap((s) =>
    HOME_SERVICE_ACTIONS.map((a) => [s, a, allowed[s][a]] as const),
  );
  it.each(cases)('%s + %s → %s', (status, action, next) => {
    expect(nextStatus(status, action)).toBe(next);
  });
  it('covers every status and action', () => {
    expect(cases).toHaveLength(HOME_SERVICE_STATUSES.length * HOME_SERVICE_ACTIONS.length);
  });
});

describe('FD-9: the client code', () => {
  const key = deriveClientCodeKey(Buffer.alloc(32, 7));
  const id = '0192f1d4-0000-7000-8000-000000000001';
  it('is six digits, the same every time for a service, different for another or another key', () => {
    const code = clientCode(key, id);
    expect(code).toMatch(/^\d{6}$/);
    expect(clientCode(key, id)).toBe(code);
    expect(clientCode(key, '0192f1d4-0000-7000-8000-000000000002')).not.toBe(code);
    expect(clientCode(deriveClientCodeKey(Buffer.alloc(32, 8)), id)).not.toBe(code);
  });
  it('only the right code matches the stored hash; the hash is not the code', () => {
    const code = clientCode(key, id);
    const hash = clientCodeHash(key, id, code);
    expect(hash).not.toContain(code);
    expect(clientCodeMatches(key, id, code, hash)).toBe(true);
    expect(clientCodeMatches(key, id, ` ${code} `, hash)).toBe(true);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(clientCodeMatches(key, id, wrong, hash)).toBe(false);
    expect(clientCodeMatches(key, id, code.slice(0, 5), hash)).toBe(false);
    expect(clientCodeMatches(key, '0192f1d4-0000-7000-8000-000000000002', code, hash)).toBe(false);
  });
});

describe('addresses for other staff (DJ-10)', () => {
  it.each([
    ['云川区青石街道青石路12号3栋2单元401', '云川区青石街道青*************'],
    ['青石路12号', '青石路****'],
  ])('%s → %s', (address, masked) => {
    const m = maskAddress(address);
    expect(m).toBe(masked);
    expect(m).not.toContain('401');
  });
});

describe('the catalogue (FD-9)', () => {
  it('has the visit, the sick-bed round and 40–50 nursing items, unique codes, whole fen', () => {
    expect(HOME_ITEMS.filter((i) => i.category === 'visit')).toHaveLength(1);
    expect(HOME_ITEMS.filter((i) => i.category === 'sickbed')).toHaveLength(1);
    const nursingItems = HOME_ITEMS.filter((i) => i.category === 'nursing');
    expect(nursingItems.length).toBeGreaterThanOrEqual(40);
    expect(nursingItems.length).toBeLessThanOrEqual(50);
    expect(new Set(HOME_ITEMS.map((i) => i.code)).size).toBe(HOME_ITEMS.length);
    for (const i of HOME_ITEMS) {
      expect(Number.isInteger(i.itemFeeFen) && i.itemFeeFen >= 0).toBe(true);
      expect(i.code.length).toBeLessThanOrEqual(30);
      expect(i.description.length).toBeGreaterThan(4);
    }
    expect(nursingItems.map((i) => i.name)).toContain('伤口换药');
  });
});
