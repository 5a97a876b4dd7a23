import { describe, expect, it } from 'vitest';
import type { Drug } from '../../../shared/prescriptions.js';
import {
  canPrescribe,
  convertDose,
  dailyDose,
  doseUnitsOf,
  isChild,
  longestDays,
  newLine,
  suggestQuantity,
  toBody,
} from './prescribing.js';

/** 苯磺酸氨氯地平片 5mg×7片/盒. */
const amlodipine = { strength: 5, strengthUnit: 'mg', unit: '片', packageSize: 7 };
/** 二甲双胍 0.5g×20片. */
const metformin = { strength: 0.5, strengthUnit: 'g', unit: '片', packageSize: 20 };
/** An oral solution: the unit is the strength unit. */
const syrup = { strength: 1, strengthUnit: 'ml', unit: 'ml', packageSize: 100 };

describe('suggestQuantity (RX-7: dose × frequency × days, whole packages)', () => {
  it('RX-7: 1 片 qd × 7 days of a 7-tablet box is one box; × 28 days four', () => {
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '片', frequency: 'qd', days: 7 })).toBe(1);
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '片', frequency: 'qd', days: 28 })).toBe(4);
  });

  it('RX-7: a dose in the strength unit converts to tablets (10 mg = 2 片)', () => {
    expect(suggestQuantity(amlodipine, { dose: 10, doseUnit: 'mg', frequency: 'qd', days: 7 })).toBe(2);
    expect(suggestQuantity(amlodipine, { dose: 2.5, doseUnit: 'mg', frequency: 'qd', days: 7 })).toBe(1);
  });

  it('RX-7: rounds up to whole packages, never below one', () => {
    expect(suggestQuantity(metformin, { dose: 1, doseUnit: '片', frequency: 'tid', days: 7 })).toBe(2); // 21 片
    expect(suggestQuantity(metformin, { dose: 1, doseUnit: '片', frequency: 'bid', days: 10 })).toBe(1); // 20 片
    expect(suggestQuantity(syrup, { dose: 0.1, doseUnit: 'ml', frequency: 'tid', days: 1 })).toBe(1);
  });

  it('RX-7: floating-point slack does not add a package (0.1 ml × 1000 = 100 ml)', () => {
    expect(suggestQuantity(syrup, { dose: 0.1, doseUnit: 'ml', frequency: 'qd', days: 1000 })).toBe(1);
  });

  it('RX-7: qw once per started week, st once, prn as tid', () => {
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '片', frequency: 'qw', days: 8 })).toBe(1); // 2 片
    expect(suggestQuantity(amlodipine, { dose: 7, doseUnit: '片', frequency: 'qw', days: 8 })).toBe(2);
    expect(suggestQuantity(amlodipine, { dose: 8, doseUnit: '片', frequency: 'st', days: 5 })).toBe(2);
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '片', frequency: 'prn', days: 7 })).toBe(3); // 21
  });

  it('has no suggestion until the line is complete or when the unit does not fit the drug', () => {
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '片', frequency: 'qd' })).toBeNull();
    expect(suggestQuantity(amlodipine, { dose: 0, doseUnit: '片', frequency: 'qd', days: 7 })).toBeNull();
    expect(suggestQuantity(amlodipine, { dose: 1, doseUnit: '粒', frequency: 'qd', days: 7 })).toBeNull();
  });
});

describe('dose units and daily dose', () => {
  it('offers the unit then the strength unit, once when they are the same', () => {
    expect(doseUnitsOf(amlodipine)).toEqual(['片', 'mg']);
    expect(doseUnitsOf(syrup)).toEqual(['ml']);
  });

  it('keeps the amount when the unit changes (1 片 = 5 mg)', () => {
    expect(convertDose(amlodipine, 1, '片', 'mg')).toBe(5);
    expect(convertDose(amlodipine, 2.5, 'mg', '片')).toBe(0.5);
    expect(convertDose(metformin, 0.5, 'g', '片')).toBe(1);
    expect(convertDose(amlodipine, 1, '粒', 'mg')).toBeUndefined();
  });

  it('gives the daily dose in the strength unit (what the maximum is in)', () => {
    expect(dailyDose(amlodipine, 2, '片', 'qd')).toBe(10);
    expect(dailyDose(metformin, 500, 'g', 'tid')).toBe(1500);
    expect(dailyDose(amlodipine, 1, '粒', 'qd')).toBeNull();
  });
});

describe('canPrescribe (VISIT-6, PILOT-4)', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  it('VISIT-6: a consultation never carries a prescription', () => {
    expect(canPrescribe({ type: 'consultation', status: 'in_progress' }, now)).toBe(false);
    expect(canPrescribe({ type: 'nursing_consultation', status: 'in_progress' }, now)).toBe(false);
  });

  it('a follow-up or first visit in progress, or completed less than 24 h ago', () => {
    expect(canPrescribe({ type: 'follow_up', status: 'in_progress' }, now)).toBe(true);
    expect(canPrescribe({ type: 'first_visit', status: 'in_progress' }, now)).toBe(true);
    expect(
      canPrescribe({ type: 'follow_up', status: 'completed', completedAt: '2026-11-23T10:30:00Z' }, now),
    ).toBe(true);
    expect(
      canPrescribe({ type: 'follow_up', status: 'completed', completedAt: '2026-11-23T09:30:00Z' }, now),
    ).toBe(false);
    expect(canPrescribe({ type: 'follow_up', status: 'waiting' }, now)).toBe(false);
  });
});

describe('toBody', () => {
  const line = {
    drugId: 'YY0001',
    dose: 1,
    doseUnit: '片',
    frequency: 'qd' as const,
    days: 7,
    quantity: 1,
    route: 'oral',
  };

  it('is null while a line is incomplete', () => {
    expect(toBody({ items: [] }, false)).toBeNull();
    expect(toBody({ items: [{ ...line, quantity: undefined }] }, false)).toBeNull();
    expect(toBody({ items: [{ ...line, drugId: undefined }] }, false)).toBeNull();
    expect(toBody({ items: [line, undefined] }, false)).toBeNull();
    expect(toBody({ items: [{ ...line, days: 1.5 }] }, false)).toBeNull();
  });

  it('RX-6: sends a validity reason only above one day', () => {
    expect(toBody({ items: [line], validDays: 1, validityReason: '出差' }, false)).toEqual({
      items: [line],
      validDays: 1,
    });
    expect(toBody({ items: [line], validDays: 3, validityReason: ' 出差 ' }, false)).toMatchObject({
      validDays: 3,
      validityReason: '出差',
    });
  });

  it('RX-9: sends a long-term reason only above 7 days’ supply', () => {
    const reason = '高血压病情稳定';
    expect(toBody({ items: [line], longTermReason: reason }, false)).not.toHaveProperty('longTermReason');
    expect(
      toBody({ items: [{ ...line, days: 28, quantity: 4 }], longTermReason: reason }, false),
    ).toMatchObject({
      longTermReason: reason,
    });
    expect(longestDays({ items: [line, { ...line, days: 28 }] })).toBe(28);
  });

  it('sends the weight only for a child, notes and overrides only when written', () => {
    expect(toBody({ items: [line], patientWeightKg: 20 }, false)).not.toHaveProperty('patientWeightKg');
    expect(toBody({ items: [line], patientWeightKg: 20 }, true)).toMatchObject({ patientWeightKg: 20 });
    const body = toBody(
      { items: [{ ...line, note: ' ', interactionOverrideReason: '已告知风险并监测' }] },
      false,
    );
    expect(body?.items[0]).toEqual({ ...line, interactionOverrideReason: '已告知风险并监测' });
  });

  it('children are under 14', () => {
    expect(isChild(13)).toBe(true);
    expect(isChild(14)).toBe(false);
  });
});

describe('newLine', () => {
  it('starts a picked drug at one unit once a day for a week, with its route and quantity', () => {
    const drug = { ...amlodipine, id: 'YY0001', route: 'oral' } as Drug;
    expect(newLine(drug)).toEqual({
      drugId: 'YY0001',
      dose: 1,
      doseUnit: '片',
      frequency: 'qd',
      days: 7,
      route: 'oral',
      quantity: 1,
    });
  });
});
