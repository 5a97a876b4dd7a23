import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PASSWORD_RULES,
  passwordClasses,
  passwordRuleText,
  passwordShapeProblems,
} from '../../../shared/credentials.js';
import { isCommonPassword } from './credentials.service.js';

const staff = { minLength: 8, minClasses: 3 };
const policy = { minLength: 8, minClasses: 3, historyCount: 5 };

describe('DJ-2: password rules', () => {
  it('DJ-2: counts the four classes', () => {
    expect(passwordClasses('abc')).toBe(1);
    expect(passwordClasses('abcDEF')).toBe(2);
    expect(passwordClasses('abcDEF12')).toBe(3);
    expect(passwordClasses('aB1!')).toBe(4);
    expect(passwordClasses('密码密码')).toBe(1); // other characters
  });

  it('DJ-2: ≥ 8 characters with 3 of 4 classes; the phone (or its last 8 digits) is not allowed', () => {
    expect(passwordShapeProblems('Demo@2026', staff)).toEqual([]);
    expect(passwordShapeProblems('De@26', staff)).toEqual(['too_short']);
    expect(passwordShapeProblems('abcdefgh', staff)).toEqual(['too_few_classes']);
    expect(passwordShapeProblems('abc', staff)).toEqual(['too_short', 'too_few_classes']);
    expect(passwordShapeProblems('Aa!13900000001', staff, '13900000001')).toEqual(['contains_phone']);
    expect(passwordShapeProblems('Aa!00000001x', staff, '13900000001')).toEqual(['contains_phone']);
    expect(passwordShapeProblems(`Aa1${'x'.repeat(130)}`, staff)).toEqual(['too_long']);
    // Characters are code points: eight Chinese characters are eight characters.
    expect(passwordShapeProblems('云医密码Ab1!', staff)).toEqual([]);
  });

  it('DJ-2: the patient policy is lighter (2 classes)', () => {
    expect(passwordShapeProblems('lina2026home', { minLength: 8, minClasses: 2 })).toEqual([]);
    expect(passwordShapeProblems('lina2026home', staff)).toEqual(['too_few_classes']);
  });

  it('DJ-2: the bundled common list is checked case-insensitively', () => {
    expect(isCommonPassword('P@ssw0rd')).toBe(true);
    expect(isCommonPassword('p@SSW0RD')).toBe(true);
    expect(isCommonPassword('123456')).toBe(true);
    expect(isCommonPassword('Fresh#Start2026')).toBe(false);
  });

  it('DJ-2: every rule has a zh-CN and an English text', () => {
    for (const rule of PASSWORD_RULES) {
      const text = passwordRuleText(rule, policy);
      expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(text.en).toMatch(/[A-Za-z]/);
    }
  });

  it('DJ-2 (property): a password is accepted by shape exactly when it is long enough, has enough classes and no phone', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20, unit: fc.constantFrom(...'aZ9!bY8?c'.split('')) }),
        fc.integer({ min: 4, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        (password, minLength, minClasses) => {
          const rules = passwordShapeProblems(password, { minLength, minClasses }, '13900000001');
          expect(rules.includes('too_short')).toBe([...password].length < minLength);
          expect(rules.includes('too_few_classes')).toBe(passwordClasses(password) < minClasses);
          expect(rules.includes('contains_phone')).toBe(false);
          // Adding characters never makes a password worse by shape.
          const longer = passwordShapeProblems(`${password}aZ9!`, { minLength, minClasses });
          expect(longer.filter((r) => r !== 'too_long').length).toBeLessThanOrEqual(rules.length);
        },
      ),
    );
  });
});
