import { describe, expect, it } from 'vitest';
import { ageOn, canBeGuardianOf, checkIdNumber, idCheckChar, isMobilePhone } from './identity.rules.js';

const today = new Date('2026-11-22T04:00:00Z');
// Build a valid number from its first 17 digits so the tests never depend on a real person's ID.
const valid = (first17: string) => first17 + idCheckChar(first17);

describe('ID-2 resident ID number (GB 11643-1999)', () => {
  it('accepts a valid number and derives birth date and sex', () => {
    const id = valid('11010119900307123');
    const r = checkIdNumber(id, today);
    expect(r).toEqual({ ok: true, idNumber: id, birthDate: '1990-03-07', sex: 'male' });
    const f = checkIdNumber(valid('44030419851231002'), today);
    expect(f.ok && f.sex).toBe('female');
  });

  it('knows the published example 11010519491231002X', () => {
    expect(checkIdNumber('11010519491231002X', today)).toMatchObject({
      ok: true,
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('accepts a lower-case x and stores it upper-case', () => {
    const r = checkIdNumber('11010519491231002x', today);
    expect(r).toMatchObject({ ok: true, idNumber: '11010519491231002X' });
  });

  it('refuses a wrong check digit', () => {
    const id = valid('11010119900307123');
    const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    expect(checkIdNumber(wrong, today)).toEqual({ ok: false, problem: 'check_digit' });
  });

  it('refuses an impossible date (Feb 30, Feb 29 of a common year, month 13)', () => {
    expect(checkIdNumber(valid('11010119900230123'), today)).toEqual({ ok: false, problem: 'birth_date' });
    expect(checkIdNumber(valid('11010120230229123'), today)).toEqual({ ok: false, problem: 'birth_date' });
    expect(checkIdNumber(valid('11010119901301123'), today)).toEqual({ ok: false, problem: 'birth_date' });
    // 2024 is a leap year: 29 February exists.
    expect(checkIdNumber(valid('11010120240229123'), today).ok).toBe(true);
  });

  it('refuses a birth date in the future (Asia/Shanghai calendar)', () => {
    expect(checkIdNumber(valid('11010120261123123'), today)).toEqual({
      ok: false,
      problem: 'future_birth_date',
    });
    // 22 Nov 2026 20:00 UTC is already 23 Nov in Shanghai: born "today" is fine.
    expect(checkIdNumber(valid('11010120261123123'), new Date('2026-11-22T20:00:00Z')).ok).toBe(true);
  });

  it('refuses the wrong length and bad characters', () => {
    expect(checkIdNumber('1101011990030712', today)).toEqual({ ok: false, problem: 'length' });
    expect(checkIdNumber(`${valid('11010119900307123')}0`, today)).toEqual({ ok: false, problem: 'length' });
    expect(checkIdNumber('110101199003071X3X', today)).toEqual({ ok: false, problem: 'characters' });
    expect(checkIdNumber('11010119900307123Y', today)).toEqual({ ok: false, problem: 'characters' });
  });

  it('refuses a region code that is not a province', () => {
    expect(checkIdNumber(valid('00010119900307123'), today)).toEqual({ ok: false, problem: 'region' });
    expect(checkIdNumber(valid('99010119900307123'), today)).toEqual({ ok: false, problem: 'region' });
  });

  // GB/T 2260 province-level codes, and 81/82/83 of the Hong Kong, Macao and Taiwan residents'
  // residence permits (港澳台居民居住证), which carry an 18-character number of the same form.
  const PROVINCES = [
    ...[11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46],
    ...[50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83],
  ];

  it('accepts a Taiwan resident residence-permit number (region 830000)', () => {
    expect(checkIdNumber('830000198802110027', today)).toEqual({
      ok: true,
      idNumber: '830000198802110027',
      birthDate: '1988-02-11',
      sex: 'female',
    });
    expect(checkIdNumber(valid('81000019900307123'), today).ok).toBe(true);
    expect(checkIdNumber(valid('82000019900307123'), today).ok).toBe(true);
  });

  it('accepts every province of GB/T 2260 and refuses every other two-digit prefix', () => {
    for (let p = 0; p <= 99; p++) {
      const prefix = String(p).padStart(2, '0');
      const r = checkIdNumber(valid(`${prefix}010119900307123`), today);
      expect({ prefix, ok: r.ok }).toEqual({ prefix, ok: PROVINCES.includes(p) });
      if (!r.ok) expect(r.problem).toBe('region');
    }
  });

  it('refuses two-digit prefixes that are no province (19–20, 24–30, 38–40, 47–49, 55–60, 66–70, 72–80, 84+)', () => {
    for (const prefix of [
      '19',
      '20',
      '24',
      '30',
      '38',
      '47',
      '49',
      '55',
      '60',
      '66',
      '70',
      '72',
      '80',
      '84',
    ]) {
      expect(checkIdNumber(valid(`${prefix}010119900307123`), today)).toEqual({
        ok: false,
        problem: 'region',
      });
    }
  });
});

describe('ages and guardianship (ID-6)', () => {
  it('counts full years in Asia/Shanghai', () => {
    expect(ageOn('2019-05-01', today)).toBe(7);
    expect(ageOn('1954-11-22', today)).toBe(72);
    expect(ageOn('1954-11-23', today)).toBe(71);
    expect(ageOn('2008-11-23', new Date('2026-11-22T16:30:00Z'))).toBe(18);
  });

  it('only a guardian-like relationship may act for a minor', () => {
    expect(canBeGuardianOf('child')).toBe(true);
    expect(canBeGuardianOf('ward')).toBe(true);
    expect(canBeGuardianOf('spouse')).toBe(false);
    expect(canBeGuardianOf('other')).toBe(false);
  });

  it('knows a mainland mobile number', () => {
    expect(isMobilePhone('13800000001')).toBe(true);
    expect(isMobilePhone('12800000001')).toBe(false);
    expect(isMobilePhone('1380000000')).toBe(false);
  });
});
