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
