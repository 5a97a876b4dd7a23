import { describe, expect, it } from 'vitest';
import {
  addDays,
  feeProblem,
  fullMonths,
  icd10Matches,
  ineligibility,
  type PackageFacts,
  packagePriceProblem,
  perYear,
  planRenewal,
  renewalOpen,
  renewalOpensOn,
  selectionProblem,
  splitAddsUp,
  statusWhenInForce,
  teamWouldOverflow,
  termEnd,
  terminationRefundFen,
  termTotals,
  unusedWholeYears,
  validYears,
} from './contract.rules.js';

const INST = 'inst-c01';
const pkg = (over: Partial<PackageFacts> & { id: string }): PackageFacts => ({
  institutionId: null,
  code: over.id.toUpperCase(),
  name: over.id,
  group: 'personalised',
  status: 'active',
  feeFen: 12_000,
  insuranceFen: 4_000,
  publicHealthFen: 6_000,
  residentFen: 2_000,
  minAge: null,
  maxAge: null,
  sex: null,
  conditions: [],
  ...over,
});
const BASIC = pkg({ id: 'basic', group: 'basic' });
const ELDERLY = pkg({
  id: 'elderly',
  group: 'elderly',
  minAge: 65,
  feeFen: 6_000,
  insuranceFen: 3_000,
  publicHealthFen: 2_000,
  residentFen: 1_000,
});
const CHILD = pkg({ id: 'child', group: 'children', maxAge: 6 });
const MATERNAL = pkg({ id: 'maternal', group: 'pregnancy', minAge: 18, maxAge: 49, sex: 'female' });
const HTN = pkg({
  id: 'htn',
  group: 'hypertension',
  minAge: 35,
  conditions: ['I10', 'I11', 'I12', 'I13', 'I15'],
  feeFen: 8_000,
  insuranceFen: 4_000,
  publicHealthFen: 2_000,
  residentFen: 2_000,
});
const T2DM = pkg({ id: 't2dm', group: 'diabetes', minAge: 35, conditions: ['E11'] });

describe('FD-1: terms of 1, 2 or 3 years end the day before the anniversary', () => {
  it.each([
    [1, '2026-11-22', '2027-11-21'],
    [2, '2026-11-22', '2028-11-21'],
    [3, '2026-11-22', '2029-11-21'],
    [1, '2026-01-01', '2026-12-31'],
    [1, '2028-02-29', '2029-02-28'],
    [2, '2027-03-01', '2029-02-28'],
    [1, '2027-12-31', '2028-12-30'],
  ])('%i year(s) from %s end on %s', (years, startsOn, endsOn) => {
    expect(termEnd(startsOn, years)).toBe(endsOn);
  });
  it.each([
    [0, false],
    [1, true],
    [2, true],
    [3, true],
    [4, false],
    [1.5, false],
  ])('years = %s is %s', (years, ok) => {
    expect(validYears(years)).toBe(ok);
  });
});

describe('FD-1: renewal opens in the last N days of the term (edges)', () => {
  const endsOn = '2028-11-21';
  it('the window of 60 days opens 59 days before the last day', () => {
    expect(renewalOpensOn(endsOn, 60)).toBe('2028-09-23');
    expect(addDays('2028-09-23', 59)).toBe(endsOn);
  });
  it.each([
    ['2028-09-22', false],
    ['2028-09-23', true],
    ['2028-11-21', true],
    ['2028-11-22', false],
    ['2026-11-22', false],
  ])('on %s renewal open: %s', (today, open) => {
    expect(renewalOpen(endsOn, today, 60)).toBe(open);
  });
  it('a one-day window is the last day only', () => {
    expect(renewalOpen(endsOn, '2028-11-20', 1)).toBe(false);
    expect(renewalOpen(endsOn, endsOn, 1)).toBe(true);
  });
});

describe('FD-1: one team at a time — renew, switch at renewal, switch early by policy', () => {
  const current = { teamId: 'A', startsOn: '2026-11-22', endsOn: '2028-11-21' };
  const ask = (teamId: string, today: string, earlySwitchAfterMonths: number | null = null) =>
    planRenewal(current, { teamId, today, windowDays: 60, earlySwitchAfterMonths });
  it.each([
    [
      'same team in the window',
      'A',
      '2028-10-01',
      null,
      { ok: true, kind: 'renewal', startsOn: '2028-11-22' },
    ],
    [
      'another team in the window',
      'B',
      '2028-11-21',
      null,
      { ok: true, kind: 'switch', startsOn: '2028-11-22' },
    ],
    ['same team before the window', 'A', '2028-09-22', null, { ok: false, refusal: 'RENEWAL_NOT_OPEN' }],
    [
      'another team before the window, no early switching',
      'B',
      '2027-06-01',
      null,
      { ok: false, refusal: 'CONTRACT_SWITCH_NOT_ALLOWED' },
    ],
    [
      'another team before the window, 12 months not yet passed',
      'B',
      '2027-11-21',
      12,
      { ok: false, refusal: 'CONTRACT_SWITCH_NOT_ALLOWED' },
    ],
    [
      'another team before the window, 12 months passed: starts today',
      'B',
      '2027-11-22',
      12,
      { ok: true, kind: 'early_switch', startsOn: '2027-11-22' },
    ],
    [
      'same team early with a switching policy is still not a renewal',
      'A',
      '2027-12-01',
      12,
      { ok: false, refusal: 'RENEWAL_NOT_OPEN' },
    ],
    ['after the term ended', 'A', '2028-11-22', null, { ok: false, refusal: 'RENEWAL_NOT_OPEN' }],
  ])('%s', (_name, teamId, today, months, plan) => {
    expect(ask(teamId as string, today as string, months as number | null)).toEqual(plan);
  });
  it('counts whole months', () => {
    expect(fullMonths('2026-11-22', '2027-11-21')).toBe(11);
    expect(fullMonths('2026-11-22', '2027-11-22')).toBe(12);
    expect(fullMonths('2026-01-31', '2026-02-28')).toBe(0);
  });
  it.each([
    ['2028-11-22', '2028-10-01', 'scheduled'],
    ['2028-11-22', '2028-11-22', 'active'],
    ['2026-11-22', '2026-11-23', 'active'],
  ])('a contract starting %s, in force on %s, is %s', (startsOn, today, status) => {
    expect(statusWhenInForce(startsOn, today)).toBe(status);
  });
});

describe('FD-2: eligibility by age on the day, sex and diagnosed conditions (edges)', () => {
  const person = (birthDate: string | null, sex: string | null = 'female', diagnoses: string[] = []) => ({
    birthDate,
    sex,
    diagnoses,
  });
  it.each([
    [
      'elderly: 64 the day before the 65th birthday',
      ELDERLY,
      person('1961-11-23'),
      '2026-11-22',
      'too_young',
    ],
    ['elderly: 65 on the birthday', ELDERLY, person('1961-11-22'), '2026-11-22', null],
    ['elderly: 72', ELDERLY, person('1954-08-16'), '2026-11-22', null],
    ['children: 6 the day before the 7th birthday', CHILD, person('2019-11-23', 'male'), '2026-11-22', null],
    ['children: 7 on the birthday', CHILD, person('2019-11-22', 'male'), '2026-11-22', 'too_old'],
    ['children: a newborn', CHILD, person('2026-11-22', 'male'), '2026-11-22', null],
    ['no birth date for an age-bound package', ELDERLY, person(null), '2026-11-22', 'age_unknown'],
    ['no birth date, no age bound', BASIC, person(null, null), '2026-11-22', null],
    ['pregnancy: a woman of 30', MATERNAL, person('1996-01-01'), '2026-11-22', null],
    ['pregnancy: a man', MATERNAL, person('1996-01-01', 'male'), '2026-11-22', 'sex'],
    ['pregnancy: sex unknown', MATERNAL, person('1996-01-01', null), '2026-11-22', 'sex'],
    ['pregnancy: 50', MATERNAL, person('1976-01-01'), '2026-11-22', 'too_old'],
    ['hypertension with I10', HTN, person('1954-08-16', 'female', ['I10']), '2026-11-22', null],
    ['hypertension with I11.9', HTN, person('1954-08-16', 'female', ['i11.9']), '2026-11-22', null],
    [
      'hypertension without a diagnosis',
      HTN,
      person('1954-08-16', 'female', ['E11.9']),
      '2026-11-22',
      'condition',
    ],
    ['hypertension at 34', HTN, person('1992-11-23', 'male', ['I10']), '2026-11-22', 'too_young'],
    ['diabetes with E11.9', T2DM, person('1954-08-16', 'female', ['E11.9']), '2026-11-22', null],
    [
      'diabetes with E10 (type 1) only',
      T2DM,
      person('1954-08-16', 'female', ['E10.9']),
      '2026-11-22',
      'condition',
    ],
  ])('%s', (_name, p, who, today, why) => {
    expect(ineligibility(p, who, today)).toBe(why);
  });
  it('matches ICD-10 prefixes, not substrings', () => {
    expect(icd10Matches('E11', 'E11.9')).toBe(true);
    expect(icd10Matches('I10', 'I10')).toBe(true);
    expect(icd10Matches('I1', 'I10')).toBe(true);
    expect(icd10Matches('E11', 'E111')).toBe(true);
    expect(icd10Matches('E11', 'XE11')).toBe(false);
    expect(icd10Matches('', 'E11')).toBe(false);
  });
});

describe('FD-2: exactly one basic package, on sale, offered by the team’s institution', () => {
  const OWN = pkg({ id: 'own', institutionId: INST });
  const OTHER = pkg({ id: 'other', institutionId: 'inst-c02' });
  const RETIRED = pkg({ id: 'retired', status: 'retired' });
  const BASIC2 = pkg({ id: 'basic2', group: 'basic', institutionId: INST });
  const all = [BASIC, ELDERLY, HTN, OWN, OTHER, RETIRED, BASIC2];
  it.each([
    ['basic + elderly + hypertension', ['basic', 'elderly', 'htn'], null],
    ['basic + the institution’s own', ['basic', 'own'], null],
    ['the institution’s own basic', ['basic2'], null],
    ['no basic', ['elderly', 'htn'], /只能选一个基础包/],
    ['two basics', ['basic', 'basic2'], /只能选一个基础包/],
    ['a package chosen twice', ['basic', 'htn', 'htn'], /只能选一次/],
    ['an unknown package', ['basic', 'nope'], /不存在/],
    ['a retired package', ['basic', 'retired'], /已停售/],
    ['another institution’s package', ['basic', 'other'], /不是该团队所在机构/],
  ])('%s', (_name, ids, problem) => {
    const got = selectionProblem(ids as string[], all, INST);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem as RegExp);
  });
});

describe('FD-3: the fee split adds up to the total, ≥100 yuan per person-year', () => {
  it('basic + elderly + hypertension for 2 years: the yearly prices × 2, every part adding up', () => {
    const year = perYear([BASIC, ELDERLY, HTN]);
    expect(year).toEqual({
      feeFen: 26_000,
      insuranceFen: 11_000,
      publicHealthFen: 10_000,
      residentFen: 5_000,
    });
    const total = termTotals([BASIC, ELDERLY, HTN], 2);
    expect(total).toEqual({
      feeFen: 52_000,
      insuranceFen: 22_000,
      publicHealthFen: 20_000,
      residentFen: 10_000,
    });
    expect(splitAddsUp(total)).toBe(true);
    expect(total.insuranceFen + total.publicHealthFen + total.residentFen).toBe(total.feeFen);
  });
  it.each([1, 2, 3])('for %i year(s) every total is the yearly one × years', (years) => {
    const t = termTotals([BASIC, T2DM], years);
    const y = perYear([BASIC, T2DM]);
    expect(t.feeFen).toBe(y.feeFen * years);
    expect(t.residentFen).toBe(y.residentFen * years);
    expect(splitAddsUp(t)).toBe(true);
  });
  it.each([
    [
      'exactly 100 yuan',
      { feeFen: 10_000, insuranceFen: 4_000, publicHealthFen: 4_000, residentFen: 2_000 },
      null,
    ],
    [
      '99.99 yuan',
      { feeFen: 9_999, insuranceFen: 4_000, publicHealthFen: 4_000, residentFen: 1_999 },
      /低于 100 元/,
    ],
    [
      'parts do not add up',
      { feeFen: 12_000, insuranceFen: 4_000, publicHealthFen: 4_000, residentFen: 2_000 },
      /之和/,
    ],
    [
      'a negative part',
      { feeFen: 12_000, insuranceFen: 14_000, publicHealthFen: 0, residentFen: -2_000 },
      /之和/,
    ],
    [
      'resident pays nothing',
      { feeFen: 10_000, insuranceFen: 5_000, publicHealthFen: 5_000, residentFen: 0 },
      null,
    ],
  ])('%s', (_name, split, problem) => {
    const got = feeProblem(split, 10_000);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem as RegExp);
  });
  it('an institution’s basic package alone meets the minimum; other packages may cost anything', () => {
    const cheap = { feeFen: 5_000, insuranceFen: 0, publicHealthFen: 0, residentFen: 5_000 };
    expect(packagePriceProblem({ ...cheap, group: 'basic' }, 10_000)).toMatch(/基础包/);
    expect(packagePriceProblem({ ...cheap, group: 'personalised' }, 10_000)).toBeNull();
    expect(packagePriceProblem({ ...cheap, feeFen: 6_000, group: 'personalised' }, 10_000)).toMatch(
      /非负整数/,
    );
  });
});

describe('team capacity and what an early end gives back', () => {
  it.each([
    [1999, 1, 2000, false],
    [2000, 1, 2000, true],
    [1998, 3, 2000, true],
  ])('%i occupied + %i new of %i: full %s', (occupied, adding, capacity, full) => {
    expect(teamWouldOverflow(occupied, adding, capacity)).toBe(full);
  });
  it.each([
    ['not started yet', '2028-11-22', 2, '2028-10-01', 2],
    ['first day of a 2-year term', '2026-11-22', 2, '2026-11-22', 1],
    ['last day of the first year', '2026-11-22', 2, '2027-11-21', 1],
    ['first day of the second year', '2026-11-22', 2, '2027-11-22', 0],
    ['a 3-year term in its first year', '2026-11-22', 3, '2027-03-01', 2],
    ['a 1-year term', '2026-11-22', 1, '2027-01-01', 0],
  ])('%s', (_name, startsOn, years, today, unused) => {
    expect(unusedWholeYears(startsOn as string, years as number, today as string)).toBe(unused);
  });
  it('refunds the resident’s part of the unused years', () => {
    expect(terminationRefundFen(10_000, 2, 1)).toBe(5_000);
    expect(terminationRefundFen(15_000, 3, 0)).toBe(0);
  });
});
