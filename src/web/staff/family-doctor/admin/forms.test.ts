import { describe, expect, it } from 'vitest';
import {
  defaultRole,
  ICD10_PREFIX,
  packageBody,
  percent,
  servicesFromText,
  stars,
  teamBody,
  totalFen,
  yuanToFen,
} from './forms.js';

describe('family-doctor admin forms', () => {
  it.each([
    [12.34, 1234],
    [0.1 + 0.2, 30],
    [100, 10_000],
    [null, 0],
    [undefined, 0],
  ])('yuan %s → %s fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it('FD-3: the fee is the sum of the three shares', () => {
    expect(totalFen({ insuranceYuan: 60.5, publicHealthYuan: 25.3, residentYuan: 14.2 })).toBe(10_000);
  });

  it.each([
    [0.8125, '81.3%'],
    [1, '100.0%'],
    [0, '0.0%'],
    [null, '—'],
  ])('rate %s shows as %s', (rate, text) => {
    expect(percent(rate)).toBe(text);
  });

  it('stars with one decimal, null as a dash', () => {
    expect(stars(4.666)).toBe('4.7');
    expect(stars(null)).toBe('—');
  });

  it.each([
    ['I10', true],
    ['E11', true],
    ['E11.9', true],
    ['E', false],
    ['E11.91', true],
    ['E11.', false],
    ['i10', false],
    ['10', false],
    ['高血压', false],
  ])('ICD-10 prefix %s valid: %s', (code, valid) => {
    expect(ICD10_PREFIX.test(code)).toBe(valid);
  });

  it('services: one a line, blank lines dropped', () => {
    expect(servicesFromText(' 上门随访 \n\n康复指导\n')).toEqual(['上门随访', '康复指导']);
  });

  it('the package body: fen, no limits left out, conditions upper case and unique', () => {
    expect(
      packageBody({
        code: 'REHAB-2',
        name: ' 居家康复 ',
        group: 'personalised',
        description: '说明',
        servicesText: '一\n二',
        insuranceYuan: 50,
        publicHealthYuan: null,
        residentYuan: 30.5,
        minAge: 60,
        maxAge: null,
        sex: 'any',
        conditions: ['i10', 'I10', ' e11 '],
      }),
    ).toEqual({
      code: 'REHAB-2',
      name: '居家康复',
      group: 'personalised',
      description: '说明',
      services: ['一', '二'],
      insuranceFen: 5000,
      publicHealthFen: 0,
      residentFen: 3050,
      minAge: 60,
      conditions: ['I10', 'E11'],
    });
  });

  it('the team body: empty rows and the lead left out of the members', () => {
    expect(
      teamBody({
        name: '团队',
        capacity: 100,
        leadPractitionerId: 'a',
        members: [{ practitionerId: 'a', role: 'doctor' }, { practitionerId: 'b', role: 'nurse' }, {}],
      }),
    ).toEqual({
      name: '团队',
      intro: '',
      capacity: 100,
      leadPractitionerId: 'a',
      members: [{ practitionerId: 'b', role: 'nurse' }],
    });
  });

  it('a new member: nurse, doctor here, specialist from elsewhere', () => {
    expect(defaultRole({ kind: 'nurse', institutionId: 'x' }, 'x')).toBe('nurse');
    expect(defaultRole({ kind: 'doctor', institutionId: 'x' }, 'x')).toBe('doctor');
    expect(defaultRole({ kind: 'doctor', institutionId: 'y' }, 'x')).toBe('specialist');
  });
});
