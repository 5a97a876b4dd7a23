import { describe, expect, it } from 'vitest';
import type { DrugSeed } from './drug.types.js';
import {
  checkPrescription,
  dailyDose,
  FREQUENCIES,
  failures,
  RULE_CODES,
  type RuleCheck,
  type RuleCode,
  type RuleInput,
  type RuleItem,
  requiredPackages,
  ruleViolation,
} from './prescription.rules.js';
import {
  amlodipine,
  amlodipineBenazepril,
  amoxicillin,
  aspirin,
  astragalus,
  danshenPills,
  diazepam,
  FIXTURE_INTERACTIONS,
  herb,
  ibuprofenSuspension,
  levofloxacin,
  meropenem,
  morphine,
  nifedipine,
  warfarin,
} from './rules.fixtures.js';

const NOW = new Date('2026-03-10T02:00:00Z');
const HOUR = 3600_000;

/** A line: one unit once a day for 7 days, the quantity computed unless given. */
function line(drug: DrugSeed, over: Partial<RuleItem> = {}): RuleItem {
  const item: RuleItem = {
    drug,
    drugId: drug.id,
    dose: 1,
    doseUnit: drug.unit,
    frequency: 'qd',
    days: 7,
    quantity: 0,
    route: drug.route,
    ...over,
  };
  return { ...item, quantity: over.quantity ?? requiredPackages(drug, item) ?? 0 };
}

/** 张伟, 58, at his hypertension follow-up: a clean amlodipine prescription. */
function rx(over: Partial<RuleInput> = {}, visit: Partial<RuleInput['visit']> = {}): RuleInput {
  return {
    now: NOW,
    visit: {
      type: 'follow_up',
      status: 'in_progress',
      completedAt: null,
      practitionerId: 'doc-1',
      pilotInScope: false,
      guardianConfirmed: false,
      ...visit,
    },
    prescriberPractitionerId: 'doc-1',
    diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
    patient: { ageYears: 58, weightKg: 70, allergies: [] },
    chronicStable: false,
    formulary: null,
    interactions: FIXTURE_INTERACTIONS,
    items: [line(amlodipine)],
    ...over,
  };
}

const child = (ageYears: number, weightKg: number | null, items: RuleItem[]) =>
  rx({ patient: { ageYears, weightKg, allergies: [] }, items }, { guardianConfirmed: true });
const ibuprofen5ml = (days = 3) => line(ibuprofenSuspension, { dose: 5, frequency: 'tid', days });
const longTerm = (days: number, drug = amlodipine) =>
  rx({ chronicStable: true, longTermReason: '高血压病情稳定，长期服药', items: [line(drug, { days })] });

interface Row {
  rule: string;
  code: RuleCode;
  /** The drug a failure names, when it is about one. */
  drug?: DrugSeed;
  fires: string;
  firing: RuleInput;
  nearMiss: string;
  passing: RuleInput;
}

const rows: Row[] = [
  {
    rule: 'VISIT-6',
    code: 'RX_VISIT_TYPE_NOT_ALLOWED',
    fires: 'a consultation',
    firing: rx({}, { type: 'consultation' }),
    nearMiss: 'a follow-up',
    passing: rx(),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_VISIT_TYPE_NOT_ALLOWED',
    fires: 'a nursing consultation',
    firing: rx({}, { type: 'nursing_consultation' }),
    nearMiss: 'a follow-up',
    passing: rx(),
  },
  {
    rule: 'PILOT-4',
    code: 'RX_VISIT_TYPE_NOT_ALLOWED',
    fires: 'a first visit outside the pilot',
    firing: rx({}, { type: 'first_visit' }),
    nearMiss: 'an in-scope pilot first visit',
    passing: rx({}, { type: 'first_visit', pilotInScope: true }),
  },
  {
    rule: 'RX-1',
    code: 'RX_NOT_PRESCRIBER',
    fires: 'another doctor',
    firing: rx({ prescriberPractitionerId: 'doc-2' }),
    nearMiss: 'the visit’s doctor',
    passing: rx(),
  },
  {
    rule: 'RX-1',
    code: 'RX_NOT_PRESCRIBER',
    fires: 'a visit without a doctor',
    firing: rx({}, { practitionerId: null }),
    nearMiss: 'the visit’s doctor',
    passing: rx(),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_VISIT_NOT_OPEN',
    fires: 'completed 24 h + 1 ms ago',
    firing: rx({}, { status: 'completed', completedAt: new Date(NOW.getTime() - 24 * HOUR - 1) }),
    nearMiss: 'completed exactly 24 h ago',
    passing: rx({}, { status: 'completed', completedAt: new Date(NOW.getTime() - 24 * HOUR) }),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_VISIT_NOT_OPEN',
    fires: 'a visit still waiting',
    firing: rx({}, { status: 'waiting' }),
    nearMiss: 'in progress',
    passing: rx(),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_VISIT_NOT_OPEN',
    fires: 'completed without a completion time',
    firing: rx({}, { status: 'completed' }),
    nearMiss: 'completed 1 h ago',
    passing: rx({}, { status: 'completed', completedAt: new Date(NOW.getTime() - HOUR) }),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_DIAGNOSIS_REQUIRED',
    fires: 'no diagnosis',
    firing: rx({ diagnoses: [] }),
    nearMiss: 'one diagnosis',
    passing: rx(),
  },
  {
    rule: 'VISIT-6',
    code: 'RX_DIAGNOSIS_REQUIRED',
    fires: 'only a blank diagnosis',
    firing: rx({ diagnoses: [{ icd10: ' ', name: '' }] }),
    nearMiss: 'one diagnosis',
    passing: rx(),
  },
  {
    rule: 'RX-5',
    code: 'RX_GUARDIAN_REQUIRED',
    fires: 'a child of 5.9 without the guardian',
    firing: rx({ patient: { ageYears: 5.9, weightKg: 20, allergies: [] }, items: [ibuprofen5ml()] }),
    nearMiss: 'a child of 6.0',
    passing: rx({ patient: { ageYears: 6, weightKg: 20, allergies: [] }, items: [ibuprofen5ml()] }),
  },
  {
    rule: 'RX-5',
    code: 'RX_GUARDIAN_REQUIRED',
    fires: 'a child of 2 without the guardian',
    firing: rx({ patient: { ageYears: 2, weightKg: 12, allergies: [] }, items: [ibuprofen5ml()] }),
    nearMiss: 'the guardian confirmed',
    passing: child(2, 12, [ibuprofen5ml()]),
  },
  {
    rule: 'RX-6',
    code: 'RX_VALIDITY_EXCEEDED',
    fires: '4 days with a reason',
    firing: rx({ validDays: 4, validityReason: '患者出差' }),
    nearMiss: '3 days with a reason',
    passing: rx({ validDays: 3, validityReason: '患者出差' }),
  },
  {
    rule: 'RX-6',
    code: 'RX_VALIDITY_EXCEEDED',
    fires: '2 days without a reason',
    firing: rx({ validDays: 2, validityReason: ' ' }),
    nearMiss: '1 day without a reason',
    passing: rx({ validDays: 1 }),
  },
  {
    rule: 'RX-6',
    code: 'RX_VALIDITY_EXCEEDED',
    fires: '0 days',
    firing: rx({ validDays: 0 }),
    nearMiss: 'the default (the day of issue)',
    passing: rx(),
  },
  {
    rule: 'RX-1',
    code: 'RX_NOT_IN_FORMULARY',
    drug: amlodipine,
    fires: 'a drug outside the formulary',
    firing: rx({ formulary: new Set([nifedipine.id]) }),
    nearMiss: 'a drug in it',
    passing: rx({ formulary: new Set([amlodipine.id]) }),
  },
  {
    rule: 'RX-4',
    code: 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
    drug: morphine,
    fires: 'a narcotic',
    firing: rx({ items: [line(morphine, { frequency: 'tid', days: 3 })] }),
    nearMiss: 'a restricted (not special) antimicrobial',
    passing: rx({ items: [line(levofloxacin, { days: 5 })] }),
  },
  {
    rule: 'RX-4',
    code: 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
    drug: diazepam,
    fires: 'a class-2 psychotropic',
    firing: rx({ items: [line(diazepam, { frequency: 'qn' })] }),
    nearMiss: 'an unrestricted antimicrobial',
    passing: rx({ items: [line(amoxicillin, { frequency: 'tid', days: 5 })] }),
  },
  {
    rule: 'RX-4',
    code: 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
    drug: meropenem,
    fires: 'a 特殊使用级 antimicrobial',
    firing: rx({ items: [line(meropenem, { frequency: 'q8h', days: 3 })] }),
    nearMiss: 'a restricted antimicrobial',
    passing: rx({ items: [line(levofloxacin, { days: 5 })] }),
  },
  {
    rule: 'RX-8',
    code: 'RX_TOO_MANY_ITEMS',
    fires: '6 drugs',
    firing: rx({
      items: [amlodipine, nifedipine, warfarin, danshenPills, amoxicillin, levofloxacin].map((d) =>
        line(d, { days: 5 }),
      ),
    }),
    nearMiss: '5 drugs',
    passing: rx({
      items: [amlodipine, nifedipine, warfarin, danshenPills, amoxicillin].map((d) => line(d, { days: 5 })),
    }),
  },
  {
    rule: 'RX-8',
    code: 'RX_TOO_MANY_ITEMS',
    fires: '5 drugs and one unknown',
    firing: rx({
      items: [
        ...[1, 2, 3, 4, 5].map((n) => line(herb(n), { dose: 10 })),
        { ...line(astragalus), drug: undefined, drugId: 'YY0000' },
      ],
    }),
    nearMiss: '6 herbal pieces on their own (not counted as Western drugs)',
    passing: rx({ items: [1, 2, 3, 4, 5, 6].map((n) => line(herb(n), { dose: 10 })) }),
  },
  {
    rule: 'RX-8',
    code: 'RX_MIXED_KINDS',
    fires: 'a herbal piece with a Western drug',
    firing: rx({ items: [line(amlodipine), line(astragalus, { dose: 10 })] }),
    nearMiss: 'a patent drug with a Western drug',
    passing: rx({ items: [line(amlodipine), line(danshenPills, { dose: 10, frequency: 'tid' })] }),
  },
  {
    rule: 'RX-8',
    code: 'RX_DUPLICATE_INGREDIENT',
    drug: amlodipine,
    fires: 'the same drug twice',
    firing: rx({ items: [line(amlodipine), line(amlodipine)] }),
    nearMiss: 'two different drugs',
    passing: rx({ items: [line(amlodipine), line(nifedipine)] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_DUPLICATE_INGREDIENT',
    drug: amlodipineBenazepril,
    fires: 'amlodipine with amlodipine/benazepril',
    firing: rx({ items: [line(amlodipine), line(amlodipineBenazepril)] }),
    nearMiss: 'nifedipine with amlodipine/benazepril',
    passing: rx({ items: [line(nifedipine), line(amlodipineBenazepril)] }),
  },
  {
    rule: 'RX-9',
    code: 'RX_DAYS_EXCEEDED',
    drug: amlodipine,
    fires: '8 days without a reason',
    firing: rx({ chronicStable: true, items: [line(amlodipine, { days: 8 })] }),
    nearMiss: '7 days',
    passing: rx({ chronicStable: true }),
  },
  {
    rule: 'RX-9',
    code: 'RX_DAYS_EXCEEDED',
    drug: amlodipine,
    fires: '31 days, chronic, with a reason',
    firing: longTerm(31),
    nearMiss: '30 days, chronic, with a reason',
    passing: longTerm(30),
  },
  {
    rule: 'RX-9',
    code: 'RX_DAYS_EXCEEDED',
    drug: amlodipine,
    fires: '14 days with a reason but no stable chronic diagnosis',
    firing: { ...longTerm(14), chronicStable: false },
    nearMiss: '14 days, chronic, with a reason',
    passing: longTerm(14),
  },
  {
    rule: 'RX-9',
    code: 'RX_DAYS_EXCEEDED',
    drug: ibuprofenSuspension,
    fires: 'an NSAID (not a long-term drug) for 30 days, chronic, with a reason',
    firing: longTerm(30, ibuprofenSuspension),
    nearMiss: 'the NSAID for 7 days',
    passing: longTerm(7, ibuprofenSuspension),
  },
  {
    rule: 'RX-9',
    code: 'RX_DAYS_EXCEEDED',
    drug: amoxicillin,
    fires: 'an antimicrobial for 8 days, chronic, with a reason',
    firing: longTerm(8, amoxicillin),
    nearMiss: 'an antimicrobial for 7 days',
    passing: longTerm(7, amoxicillin),
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: '2 boxes for 7 days of 1 片 qd (7 a box)',
    firing: rx({ items: [line(amlodipine, { quantity: 2 })] }),
    nearMiss: '1 box',
    passing: rx({ items: [line(amlodipine, { quantity: 1 })] }),
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: '1 box for 8 days (2 needed)',
    firing: { ...longTerm(8), items: [line(amlodipine, { days: 8, quantity: 1 })] },
    nearMiss: '2 boxes',
    passing: { ...longTerm(8), items: [line(amlodipine, { days: 8, quantity: 2 })] },
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: 'a dose unit that fits neither mg nor 片',
    firing: rx({ items: [line(amlodipine, { doseUnit: 'g', quantity: 1 })] }),
    nearMiss: 'a dose in mg',
    passing: rx({ items: [line(amlodipine, { dose: 5, doseUnit: 'mg' })] }),
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: 'an unknown frequency',
    firing: rx({ items: [line(amlodipine, { frequency: 'q2d', quantity: 1 })] }),
    nearMiss: 'qn',
    passing: rx({ items: [line(amlodipine, { frequency: 'qn' })] }),
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: 'st over 2 days',
    firing: rx({ items: [line(amlodipine, { frequency: 'st', days: 2, quantity: 1 })] }),
    nearMiss: 'st for 1 day',
    passing: rx({ items: [line(amlodipine, { frequency: 'st', days: 1 })] }),
  },
  {
    rule: 'RX-7',
    code: 'RX_QUANTITY_MISMATCH',
    drug: amlodipine,
    fires: 'a zero dose',
    firing: rx({ items: [line(amlodipine, { dose: 0, quantity: 1 })] }),
    nearMiss: 'half a tablet',
    passing: rx({ items: [line(amlodipine, { dose: 0.5 })] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_DOSE_EXCEEDED',
    drug: amlodipine,
    fires: '11 mg a day (max 10)',
    firing: rx({ items: [line(amlodipine, { dose: 11, doseUnit: 'mg' })] }),
    nearMiss: 'exactly 10 mg a day',
    passing: rx({ items: [line(amlodipine, { dose: 10, doseUnit: 'mg' })] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_DOSE_EXCEEDED',
    drug: amlodipine,
    fires: '1 片 tid = 15 mg',
    firing: rx({ items: [line(amlodipine, { frequency: 'tid' })] }),
    nearMiss: '1 片 bid = 10 mg',
    passing: rx({ items: [line(amlodipine, { frequency: 'bid' })] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_DOSE_EXCEEDED',
    drug: amoxicillin,
    fires: 'a 15 kg child at 201 mg tid (40 mg/kg = 600)',
    firing: child(8, 15, [line(amoxicillin, { dose: 201, doseUnit: 'mg', frequency: 'tid', days: 5 })]),
    nearMiss: 'exactly 200 mg tid',
    passing: child(8, 15, [line(amoxicillin, { dose: 200, doseUnit: 'mg', frequency: 'tid', days: 5 })]),
  },
  {
    rule: 'RX-10',
    code: 'RX_DOSE_EXCEEDED',
    drug: ibuprofenSuspension,
    fires: 'a 70 kg child of 13 above the adult maximum (2400 < 40 × 70)',
    firing: child(13, 70, [
      line(ibuprofenSuspension, { dose: 2500 / 4, doseUnit: 'mg', frequency: 'qid', days: 3 }),
    ]),
    nearMiss: 'exactly the adult maximum',
    passing: child(13, 70, [
      line(ibuprofenSuspension, { dose: 600, doseUnit: 'mg', frequency: 'qid', days: 3 }),
    ]),
  },
  {
    rule: 'RX-10',
    code: 'RX_DOSE_EXCEEDED',
    drug: amoxicillin,
    fires: 'a child of 13.9 (paediatric: < 14) at 1000 mg tid, 40 kg',
    firing: child(13.9, 40, [line(amoxicillin, { dose: 1000, doseUnit: 'mg', frequency: 'tid', days: 5 })]),
    nearMiss: 'a 14-year-old (adult limits) at the same dose',
    passing: rx({
      patient: { ageYears: 14, weightKg: 40, allergies: [] },
      items: [line(amoxicillin, { dose: 1000, doseUnit: 'mg', frequency: 'tid', days: 5 })],
    }),
  },
  {
    rule: 'RX-10',
    code: 'RX_WEIGHT_REQUIRED',
    drug: amoxicillin,
    fires: 'a child on a mg/kg drug without weight',
    firing: child(8, null, [line(amoxicillin, { frequency: 'tid', days: 5 })]),
    nearMiss: 'with weight',
    passing: child(8, 25, [line(amoxicillin, { frequency: 'tid', days: 5 })]),
  },
  {
    rule: 'RX-10',
    code: 'RX_AGE_RESTRICTED',
    drug: levofloxacin,
    fires: 'levofloxacin at 17',
    firing: rx({
      patient: { ageYears: 17, weightKg: 60, allergies: [] },
      items: [line(levofloxacin, { days: 5 })],
    }),
    nearMiss: 'at 18',
    passing: rx({
      patient: { ageYears: 18, weightKg: 60, allergies: [] },
      items: [line(levofloxacin, { days: 5 })],
    }),
  },
  {
    rule: 'RX-10',
    code: 'RX_AGE_RESTRICTED',
    drug: ibuprofenSuspension,
    fires: 'ibuprofen suspension at 0.4 years',
    firing: child(0.4, 7, [line(ibuprofenSuspension, { dose: 2, frequency: 'tid', days: 3 })]),
    nearMiss: 'at 0.5 years',
    passing: child(0.5, 7, [line(ibuprofenSuspension, { dose: 2, frequency: 'tid', days: 3 })]),
  },
  {
    rule: 'RX-10',
    code: 'RX_ALLERGY_CONFLICT',
    drug: amoxicillin,
    fires: 'amoxicillin for a patient allergic to 青霉素 (class 青霉素类)',
    firing: rx({
      patient: { ageYears: 30, weightKg: 60, allergies: ['青霉素'] },
      items: [line(amoxicillin, { frequency: 'tid', days: 5 })],
    }),
    nearMiss: 'a 头孢菌素 allergy',
    passing: rx({
      patient: { ageYears: 30, weightKg: 60, allergies: ['头孢菌素'] },
      items: [line(amoxicillin, { frequency: 'tid', days: 5 })],
    }),
  },
  {
    rule: 'RX-10',
    code: 'RX_ALLERGY_CONFLICT',
    drug: aspirin,
    fires: 'aspirin for ‘ 阿司匹林过敏 ’ (text contains the ingredient)',
    firing: rx({
      patient: { ageYears: 60, weightKg: 60, allergies: [' 阿司匹林过敏 '] },
      items: [line(aspirin)],
    }),
    nearMiss: 'an unrelated allergy',
    passing: rx({ patient: { ageYears: 60, weightKg: 60, allergies: ['花粉', ''] }, items: [line(aspirin)] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_SEVERE_INTERACTION',
    drug: aspirin,
    fires: 'warfarin with aspirin',
    firing: rx({ items: [line(warfarin), line(aspirin)] }),
    nearMiss: 'warfarin with amlodipine',
    passing: rx({ items: [line(warfarin), line(amlodipine)] }),
  },
  {
    rule: 'RX-10',
    code: 'RX_SEVERE_INTERACTION',
    drug: warfarin,
    fires: 'aspirin with warfarin (unordered), blank override',
    firing: rx({ items: [line(aspirin), line(warfarin, { interactionOverrideReason: '  ' })] }),
    nearMiss: 'aspirin with nifedipine',
    passing: rx({ items: [line(aspirin), line(nifedipine)] }),
  },
];

const byCode = (checks: RuleCheck[], code: RuleCode) => checks.filter((c) => c.code === code);

describe('prescribing rules, table-driven: each code fires, and a near-miss passes', () => {
  it.each(rows)('$rule $code fires: $fires', ({ rule, code, drug, firing }) => {
    const found = failures(checkPrescription(firing)).filter((c) => c.code === code);
    expect(found.length).toBeGreaterThan(0);
    const [first] = found;
    expect(first.rule).toBe(rule);
    expect(first.message).toContain(rule);
    expect(first.messageEn).toContain(rule);
    if (drug) {
      expect(first).toMatchObject({ drugId: drug.id, drugName: drug.genericName });
      expect(first.message).toContain(drug.genericName);
    }
  });

  it.each(rows)('$rule $code near-miss passes: $nearMiss', ({ code, passing }) => {
    const checks = checkPrescription(passing);
    expect(failures(checks)).toEqual([]);
    // The rule ran and says so.
    expect(byCode(checks, code).some((c) => c.outcome === 'pass')).toBe(true);
  });
});

describe('rule details', () => {
  it('RX-1: an unknown drug is named by its id and skipped by the drug rules', () => {
    const checks = checkPrescription(
      rx({ items: [{ ...line(amlodipine), drug: undefined, drugId: 'YY0000' }] }),
    );
    expect(failures(checks)).toEqual([
      expect.objectContaining({ rule: 'RX-1', code: 'RX_UNKNOWN_DRUG', drugId: 'YY0000', outcome: 'fail' }),
    ]);
    expect(failures(checks)[0].message).toContain('YY0000');
  });

  it('RX-8: the same drug twice is reported once, under RX-8, not again as a shared ingredient (RX-10)', () => {
    const found = failures(checkPrescription(rx({ items: [line(amlodipine), line(amlodipine)] })));
    expect(found.map((c) => `${c.rule} ${c.code} ${c.drugId}`)).toEqual([
      `RX-8 RX_DUPLICATE_INGREDIENT ${amlodipine.id}`,
    ]);
  });

  it('RX-1: no formulary given (null) means no formulary check at all', () => {
    expect(byCode(checkPrescription(rx()), 'RX_NOT_IN_FORMULARY')).toEqual([]);
  });

  it('RX-4 names what the drug is (narcotic, psychotropic, special antimicrobial)', () => {
    const checks = failures(
      checkPrescription(rx({ items: [line(morphine), line(diazepam), line(meropenem)] })),
    );
    const special = checks.filter((c) => c.code === 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN').map((c) => c.message);
    expect(special).toEqual([
      expect.stringContaining('麻醉药品'),
      expect.stringContaining('第二类精神药品'),
      expect.stringContaining('特殊使用级抗菌药物'),
    ]);
  });

  it('RX-7: the quantity failure gives the expected number of packages', () => {
    const [f] = failures(
      checkPrescription(rx({ items: [line(amlodipine, { days: 5, frequency: 'bid', quantity: 1 })] })),
    );
    expect(f.code).toBe('RX_QUANTITY_MISMATCH');
    expect(f.message).toContain('应为 2盒');
    expect(f.messageEn).toContain('expected 2');
  });

  it('RX-9: 8–30 days only of a long-term (chronic) drug: amlodipine passes, an NSAID is refused, saying why', () => {
    expect(failures(checkPrescription(longTerm(30)))).toEqual([]);
    expect(amlodipine.chronic).toBe(true);
    expect(ibuprofenSuspension.chronic).toBe(false);
    const found = failures(checkPrescription(longTerm(8, ibuprofenSuspension)));
    expect(found).toEqual([
      expect.objectContaining({ rule: 'RX-9', code: 'RX_DAYS_EXCEEDED', drugId: ibuprofenSuspension.id }),
    ]);
    expect(found[0].message).toContain('不属于慢性病长期用药');
    expect(found[0].messageEn).toContain('not a long-term');
    // With both drugs on one long-term prescription, only the non-chronic one is named.
    const both = failures(
      checkPrescription({
        ...longTerm(14),
        items: [line(amlodipine, { days: 14 }), line(ibuprofenSuspension, { days: 14 })],
      }),
    );
    expect(both.map((c) => `${c.rule} ${c.code} ${c.drugId}`)).toEqual([
      `RX-9 RX_DAYS_EXCEEDED ${ibuprofenSuspension.id}`,
    ]);
  });

  it('RX-9: a specially managed drug is never long-term (besides RX-4)', () => {
    const codes = failures(checkPrescription(longTerm(14, diazepam))).map((c) => `${c.rule} ${c.code}`);
    expect(codes).toEqual(['RX-4 RX_SPECIAL_DRUG_ONLINE_FORBIDDEN', 'RX-9 RX_DAYS_EXCEEDED']);
  });

  it('RX-10: a child on a drug without a mg/kg limit needs no weight; the adult maximum holds', () => {
    const checks = checkPrescription(child(10, null, [line(amlodipine)]));
    expect(failures(checks)).toEqual([]);
    expect(byCode(checks, 'RX_WEIGHT_REQUIRED')).toEqual([]);
  });

  it('RX-10: allergy matching strips a trailing 类 and blanks both sides', () => {
    const allergic = (allergies: string[]) =>
      byCode(
        failures(
          checkPrescription(
            rx({
              patient: { ageYears: 30, weightKg: 60, allergies },
              items: [line(amoxicillin, { frequency: 'tid', days: 5 })],
            }),
          ),
        ),
        'RX_ALLERGY_CONFLICT',
      ).length;
    expect(allergic(['青霉素类'])).toBe(1);
    expect(allergic([' 阿莫西林 '])).toBe(1);
    expect(allergic(['对青霉素类药物过敏'])).toBe(1);
    expect(allergic(['磺胺类'])).toBe(0);
    // One character never stands for a longer term ('青' alone is not 青霉素).
    expect(allergic(['青'])).toBe(0);
  });

  describe('RX-10: allergy text and drug terms match both ways', () => {
    /** A cephalosporin: ingredient 头孢呋辛, class 头孢菌素类 (test data, like the fixtures). */
    const cefuroxime: DrugSeed = {
      ...amoxicillin,
      id: 'YY9014',
      genericName: '头孢呋辛酯片',
      nameEn: 'Cefuroxime Axetil Tablets',
      dosageForm: '片剂',
      strength: 250,
      unit: '片',
      packageSize: 12,
      maxDailyDose: 1000,
      maxDailyDosePerKg: 30,
      ingredients: ['头孢呋辛'],
      allergenClasses: ['头孢菌素类'],
    };
    const conflicts = (drug: DrugSeed, allergies: string[]) =>
      byCode(
        failures(
          checkPrescription(
            rx({
              patient: { ageYears: 30, weightKg: 60, allergies },
              items: [line(drug, { frequency: 'bid', days: 5 })],
            }),
          ),
        ),
        'RX_ALLERGY_CONFLICT',
      );

    it.each([
      ['头孢', 'the allergy is part of the class and the ingredient'],
      ['头孢过敏', '过敏 dropped'],
      ['对头孢类药物过敏', '对, 类, 药物, 过敏 dropped'],
      [' 头孢 类 ', 'blanks dropped'],
      ['头孢菌素类', 'the class itself'],
      ['头孢呋辛酯片过敏史', 'the allergy contains the ingredient'],
      ['花粉、头孢', 'one of a list'],
    ])('「%s」 refuses cefuroxime (%s)', (allergy) => {
      const [c] = conflicts(cefuroxime, [allergy]);
      expect(c).toMatchObject({ rule: 'RX-10', drugId: cefuroxime.id, outcome: 'fail' });
      expect(c.message).toContain(allergy.trim());
    });

    it.each([
      ['头', 'one character'],
      ['孢', 'one character, inside the term'],
      ['头孢过', 'not part of any term'],
      ['青霉素', 'another class'],
    ])('「%s」 does not refuse cefuroxime (%s)', (allergy) => {
      expect(conflicts(cefuroxime, [allergy])).toEqual([]);
    });

    it('a cephalosporin allergy does not refuse a penicillin', () => {
      expect(conflicts(amoxicillin, ['头孢过敏'])).toEqual([]);
    });
  });

  it('RX-10: a severe interaction with a written reason on the later drug is overridden, kept for the pharmacist, not a failure', () => {
    const checks = checkPrescription(
      rx({
        items: [line(warfarin), line(aspirin, { interactionOverrideReason: '冠脉支架术后，获益大于风险' })],
      }),
    );
    expect(failures(checks)).toEqual([]);
    const [ov] = byCode(checks, 'RX_SEVERE_INTERACTION');
    expect(ov).toMatchObject({ rule: 'RX-10', outcome: 'overridden', drugId: aspirin.id });
    expect(ov.message).toContain('冠脉支架术后');
    expect(ov.message).toContain('华法林钠片');
  });

  it('RX-10: a reason on the earlier drug of the pair does not override it; the check says where the reason goes', () => {
    const checks = checkPrescription(
      rx({
        items: [line(warfarin, { interactionOverrideReason: '冠脉支架术后，获益大于风险' }), line(aspirin)],
      }),
    );
    const [f] = byCode(failures(checks), 'RX_SEVERE_INTERACTION');
    expect(f).toMatchObject({ rule: 'RX-10', outcome: 'fail', drugId: aspirin.id });
    expect(f.message).toContain('请在本药一行注明理由');
    expect(f.message).not.toContain('冠脉支架术后');
  });

  it('RX-10: a reason overrides only the pairs its drug closes with drugs above it, not a drug added below', () => {
    // Test table: warfarin–aspirin (fixture), warfarin–ibuprofen and aspirin–ibuprofen.
    const interactions = [
      ...FIXTURE_INTERACTIONS,
      { a: '华法林', b: '布洛芬', effect: '出血风险增加', effectEn: 'increased bleeding risk' },
      {
        a: '阿司匹林',
        b: '布洛芬',
        effect: '减弱阿司匹林抗血小板作用',
        effectEn: 'weaker antiplatelet effect',
      },
    ];
    const checks = checkPrescription(
      rx({
        interactions,
        items: [
          line(warfarin),
          line(aspirin, { interactionOverrideReason: '冠脉支架术后，获益大于风险' }),
          line(ibuprofenSuspension, { dose: 5, frequency: 'tid', days: 3 }),
        ],
      }),
    );
    const found = byCode(checks, 'RX_SEVERE_INTERACTION').map(
      (c) => `${c.drugId} ${c.outcome} ${c.message.includes('华法林钠片') ? 'warfarin' : 'aspirin'}`,
    );
    expect(found).toEqual([
      `${aspirin.id} overridden warfarin`, // A–B: the reason is on B, the later one
      `${ibuprofenSuspension.id} fail warfarin`, // C–A: no reason on C
      `${ibuprofenSuspension.id} fail aspirin`, // C–B: B's reason does not reach a drug added after it
    ]);
  });

  it('every failure about a drug names it; ruleViolation is the first failure, in rule order', () => {
    const checks = checkPrescription(
      rx({ items: [line(morphine), line(amlodipine, { quantity: 9 })] }, { type: 'consultation' }),
    );
    expect(ruleViolation(checks)).toMatchObject({ rule: 'VISIT-6', code: 'RX_VISIT_TYPE_NOT_ALLOWED' });
    expect(failures(checks).map((c) => c.code)).toEqual([
      'RX_VISIT_TYPE_NOT_ALLOWED',
      'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
      'RX_QUANTITY_MISMATCH',
    ]);
    expect(ruleViolation(checkPrescription(rx()))).toBeUndefined();
  });

  it('a clean prescription reports every rule that ran, each passing, each code a known one', () => {
    const checks = checkPrescription(rx({ formulary: new Set([amlodipine.id]) }));
    expect(checks.every((c) => c.outcome === 'pass')).toBe(true);
    expect(new Set(checks.map((c) => c.code))).toEqual(
      new Set(RULE_CODES.filter((c) => c !== 'RX_WEIGHT_REQUIRED')),
    );
  });

  it('RX-8: an empty list is refused (the HTTP schema already requires one item)', () => {
    expect(ruleViolation(checkPrescription(rx({ items: [] })))).toMatchObject({
      rule: 'RX-8',
      code: 'RX_QUANTITY_MISMATCH',
    });
  });
});

describe('dose and quantity arithmetic (RX-7, RX-10)', () => {
  it('has the shared frequencies', () => {
    expect(Object.keys(FREQUENCIES)).toEqual([
      'qd',
      'bid',
      'tid',
      'qid',
      'qn',
      'q12h',
      'q8h',
      'q6h',
      'qw',
      'prn',
      'st',
    ]);
    expect(FREQUENCIES.q8h).toMatchObject({ perDay: 3, zh: '每8小时一次' });
  });

  it('computes the daily dose in the strength unit from a dose in either unit', () => {
    const item = { dose: 2, doseUnit: '片', frequency: 'bid', days: 7 };
    expect(dailyDose(amlodipine, item)).toBe(20);
    expect(dailyDose(amlodipine, { ...item, dose: 5, doseUnit: 'mg' })).toBe(10);
    expect(dailyDose(amlodipine, { ...item, dose: 5, doseUnit: ' MG ' })).toBe(10);
    expect(dailyDose(ibuprofenSuspension, { ...item, dose: 5, doseUnit: 'ml', frequency: 'prn' })).toBe(300);
    expect(dailyDose(amlodipine, { ...item, frequency: 'qw' })).toBeCloseTo(10 / 7);
    expect(dailyDose(amlodipine, { ...item, doseUnit: '粒' })).toBeNull();
    expect(dailyDose(amlodipine, { ...item, frequency: 'daily' })).toBeNull();
  });

  it('rounds the packages up: qw per started week, st once, prn as tid', () => {
    const p = (drug: DrugSeed, dose: number, doseUnit: string, frequency: string, days: number) =>
      requiredPackages(drug, { dose, doseUnit, frequency, days });
    expect(p(amlodipine, 1, '片', 'qd', 7)).toBe(1);
    expect(p(amlodipine, 1, '片', 'qd', 8)).toBe(2);
    expect(p(amlodipine, 2.5, 'mg', 'qd', 14)).toBe(1); // half a tablet a day
    expect(p(amlodipine, 1, '片', 'qw', 8)).toBe(1); // 2 administrations
    expect(p(amlodipine, 1, '片', 'qw', 50)).toBe(2); // 8 administrations
    expect(p(amlodipine, 3, '片', 'st', 1)).toBe(1);
    expect(p(amlodipine, 1, '片', 'prn', 3)).toBe(2); // 9 tablets
    expect(p(ibuprofenSuspension, 100, 'mg', 'tid', 7)).toBe(2); // 5 ml × 21 = 105 ml, 100 ml a bottle
    expect(p(amoxicillin, 0.1, '粒', 'tid', 80)).toBe(1); // 24 capsules exactly, despite 0.1 × 3 in floating point
    expect(p(amlodipine, 1, 'g', 'qd', 7)).toBeNull();
  });
});
