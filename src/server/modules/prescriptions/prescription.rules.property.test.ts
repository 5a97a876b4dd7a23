import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VISIT_TYPES } from '../../../shared/visits.js';
import type { DrugSeed } from './drug.types.js';
import {
  checkPrescription,
  FREQUENCIES,
  failures,
  RULE_CODES,
  type RuleCode,
  type RuleInput,
  type RuleItem,
  requiredPackages,
  ruleViolation,
} from './prescription.rules.js';
import { amlodipine, FIXTURE_DRUGS, FIXTURE_INTERACTIONS, herb } from './rules.fixtures.js';

const NOW = new Date('2026-03-10T02:00:00Z');

/** The 422/403 codes of the shared design (rx-design.md) a rule check may carry. */
const DESIGN_CODES = new Set([
  'RX_VISIT_TYPE_NOT_ALLOWED',
  'RX_DIAGNOSIS_REQUIRED',
  'RX_VISIT_NOT_OPEN',
  'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
  'RX_TOO_MANY_ITEMS',
  'RX_MIXED_KINDS',
  'RX_DAYS_EXCEEDED',
  'RX_DOSE_EXCEEDED',
  'RX_QUANTITY_MISMATCH',
  'RX_ALLERGY_CONFLICT',
  'RX_DUPLICATE_INGREDIENT',
  'RX_SEVERE_INTERACTION',
  'RX_GUARDIAN_REQUIRED',
  'RX_WEIGHT_REQUIRED',
  'RX_AGE_RESTRICTED',
  'RX_VALIDITY_EXCEEDED',
  'RX_NOT_IN_FORMULARY',
  'RX_UNKNOWN_DRUG',
  'RX_NOT_PRESCRIBER',
]);
const RULE_ID = /^(RX|VISIT|PILOT)-\d+$/;

const POOL: (DrugSeed | undefined)[] = [...FIXTURE_DRUGS, ...[1, 2, 3, 4, 5, 6].map(herb), undefined];

// --- arbitraries -------------------------------------------------------------------------------------------

/** A drug shaped for the arithmetic: integer strength and package size, dosed in either unit. */
const drugArb = fc
  .record({
    strength: fc.constantFrom(0.5, 1, 2.5, 5, 10, 20, 25, 100, 250, 500),
    packageSize: fc.integer({ min: 1, max: 240 }),
  })
  .map((d): DrugSeed => ({ ...amlodipine, ...d }));

/** A plausible line of a fixture drug (or an unknown one): quantity right, days within 1..7. */
const lineArb = fc
  .record({
    drug: fc.constantFrom(...POOL),
    frequency: fc.constantFrom('qd', 'bid', 'tid', 'qn'),
    days: fc.integer({ min: 1, max: 7 }),
  })
  .map(({ drug, frequency, days }): RuleItem => {
    const d = drug ?? amlodipine;
    const item = { dose: 1, doseUnit: d.unit, frequency, days };
    return {
      ...item,
      drug,
      drugId: drug?.id ?? 'YY0000',
      quantity: requiredPackages(d, item) ?? 1,
      route: d.route,
    };
  });

const baseInput = (items: RuleItem[]): RuleInput => ({
  now: NOW,
  visit: {
    type: 'follow_up',
    status: 'in_progress',
    completedAt: null,
    practitionerId: 'doc-1',
    pilotInScope: false,
    guardianConfirmed: false,
  },
  prescriberPractitionerId: 'doc-1',
  diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
  patient: { ageYears: 40, weightKg: 70, allergies: [] },
  chronicStable: false,
  formulary: null,
  interactions: FIXTURE_INTERACTIONS,
  items,
});

/** Anything the service could hand over, including nonsense the HTTP schema would already refuse. */
const anyItemArb = fc
  .record({
    drug: fc.constantFrom(...POOL),
    dose: fc.oneof(
      fc.constantFrom(0, 0.5, 1, 2, 5, 10, 250, 1000),
      fc.double({ min: -5, max: 5000, noNaN: true }),
    ),
    doseUnit: fc.constantFrom('mg', 'g', '片', 'ml', '丸', '粒', '支', 'μg'),
    frequency: fc.constantFrom(...Object.keys(FREQUENCIES), 'q2d', ''),
    days: fc.integer({ min: 0, max: 40 }),
    quantity: fc.integer({ min: 0, max: 12 }),
    interactionOverrideReason: fc.option(fc.constantFrom('', '  ', '获益大于风险'), { nil: undefined }),
  })
  .map(({ drug, ...rest }): RuleItem => ({ ...rest, drug, drugId: drug?.id ?? 'YY0000', route: 'oral' }));

const anyInputArb = fc
  .record({
    type: fc.constantFrom(...VISIT_TYPES),
    status: fc.constantFrom('in_progress', 'completed', 'waiting', 'cancelled'),
    completedHoursAgo: fc.option(fc.double({ min: -1, max: 72, noNaN: true }), { nil: null }),
    pilotInScope: fc.boolean(),
    guardianConfirmed: fc.boolean(),
    samePrescriber: fc.boolean(),
    diagnosed: fc.boolean(),
    ageYears: fc.double({ min: 0, max: 95, noNaN: true }),
    weightKg: fc.option(fc.double({ min: 2, max: 150, noNaN: true }), { nil: null }),
    allergies: fc.subarray(['青霉素', '阿司匹林过敏', '头孢菌素类', '磺胺类', ' ', '非甾体抗炎药']),
    chronicStable: fc.boolean(),
    formulary: fc.option(fc.subarray(FIXTURE_DRUGS.map((d) => d.id)), { nil: null }),
    items: fc.array(anyItemArb, { minLength: 1, maxLength: 8 }),
    validDays: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
    validityReason: fc.option(fc.constantFrom('', '出差'), { nil: undefined }),
    longTermReason: fc.option(fc.constantFrom('', '病情稳定'), { nil: undefined }),
  })
  .map(
    (r): RuleInput => ({
      ...baseInput(r.items),
      visit: {
        type: r.type,
        status: r.status,
        completedAt:
          r.completedHoursAgo === null ? null : new Date(NOW.getTime() - r.completedHoursAgo * 3600_000),
        practitionerId: 'doc-1',
        pilotInScope: r.pilotInScope,
        guardianConfirmed: r.guardianConfirmed,
      },
      prescriberPractitionerId: r.samePrescriber ? 'doc-1' : 'doc-2',
      diagnoses: r.diagnosed ? [{ icd10: 'J02.9', name: '急性咽炎' }] : [],
      patient: { ageYears: r.ageYears, weightKg: r.weightKg, allergies: r.allergies },
      chronicStable: r.chronicStable,
      formulary: r.formulary === null ? null : new Set(r.formulary),
      validDays: r.validDays,
      validityReason: r.validityReason,
      longTermReason: r.longTermReason,
    }),
  );

const failingCodes = (input: RuleInput) => new Set(failures(checkPrescription(input)).map((c) => c.code));

// --- properties -----------------------------------------------------------------------------------------

describe('RX-7: whole packages, rounded up (property)', () => {
  it('packages × size covers the units needed, one package fewer would not', () => {
    fc.assert(
      fc.property(
        drugArb,
        fc.integer({ min: 1, max: 40 }), // quarter units per administration
        fc.boolean(),
        fc.constantFrom(...Object.keys(FREQUENCIES)),
        fc.integer({ min: 1, max: 30 }),
        (drug, quarters, inStrengthUnit, frequency, days) => {
          const units = quarters / 4;
          const line = inStrengthUnit
            ? { dose: units * drug.strength, doseUnit: drug.strengthUnit, frequency, days }
            : { dose: units, doseUnit: drug.unit, frequency, days };
          // Administrations, written out again here rather than borrowed from the code under test.
          const times =
            frequency === 'qw'
              ? Math.ceil(days / 7)
              : frequency === 'st'
                ? 1
                : frequency === 'prn'
                  ? 3 * days
                  : FREQUENCIES[frequency as keyof typeof FREQUENCIES].perDay * days;
          const needed = units * times;
          const packages = requiredPackages(drug, line);
          expect(packages).not.toBeNull();
          const p = packages as number;
          expect(Number.isInteger(p)).toBe(true);
          // 1e-9 relative slack: the same floating-point tolerance the rules use (0.1 × 3 ≠ 0.3).
          expect(p * drug.packageSize).toBeGreaterThanOrEqual(needed * (1 - 1e-9));
          expect((p - 1) * drug.packageSize).toBeLessThan(needed);
        },
      ),
    );
  });
});

describe('RX-4, RX-8: adding a drug never clears a rejection (property)', () => {
  const LIST_LEVEL: RuleCode[] = ['RX_TOO_MANY_ITEMS', 'RX_MIXED_KINDS', 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN'];

  it('a list refused for too many drugs, mixed kinds or a special drug stays refused with one more', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 8 }),
        lineArb,
        fc.nat(),
        (items, extra, at) => {
          const before = failingCodes(baseInput(items));
          const longer = items.toSpliced(at % (items.length + 1), 0, extra);
          const after = failingCodes(baseInput(longer));
          for (const code of LIST_LEVEL) if (before.has(code)) expect([...after]).toContain(code);
        },
      ),
    );
  });

  it('more generally, no failing code of a non-empty list disappears when a line is added', () => {
    fc.assert(
      fc.property(anyInputArb, anyItemArb, fc.nat(), (input, extra, at) => {
        const before = failingCodes(input);
        const after = failingCodes({
          ...input,
          items: input.items.toSpliced(at % (input.items.length + 1), 0, extra),
        });
        for (const code of before) expect([...after]).toContain(code);
      }),
    );
  });

  it('the refusals do not depend on the order of the lines (interaction overrides aside)', () => {
    // An interaction override is the reason written on the later drug of the pair (RX-10, docs/prescriptions.md),
    // so it depends on the order by design: the lines here carry none.
    const withShuffle = anyInputArb
      .map((input) => ({
        ...input,
        items: input.items.map(({ interactionOverrideReason: _, ...item }) => item),
      }))
      .chain((input) =>
        fc.tuple(
          fc.constant(input),
          fc.shuffledSubarray(input.items, { minLength: input.items.length, maxLength: input.items.length }),
        ),
      );
    fc.assert(
      fc.property(withShuffle, ([input, shuffled]) => {
        expect(failingCodes({ ...input, items: shuffled })).toEqual(failingCodes(input));
      }),
    );
  });
});

describe('checkPrescription is deterministic and speaks only known codes and rule ids (property)', () => {
  it('same input, same checks; input untouched; codes from the design; rule ids cited', () => {
    fc.assert(
      fc.property(anyInputArb, (input) => {
        const copy = structuredClone(input);
        const checks = checkPrescription(input);
        expect(checkPrescription(input)).toEqual(checks);
        expect(input).toEqual(copy);
        expect(checks.length).toBeGreaterThan(0);
        for (const c of checks) {
          expect([...DESIGN_CODES]).toContain(c.code);
          expect(RULE_CODES).toContain(c.code);
          expect(c.rule).toMatch(RULE_ID);
          expect(['pass', 'fail', 'overridden']).toContain(c.outcome);
          expect(c.message).toContain(c.rule);
          expect(c.messageEn).toContain(c.rule);
          if (c.drugName) expect(c.message).toContain(c.drugName);
        }
        const failed = failures(checks);
        expect(ruleViolation(checks)).toEqual(failed[0]);
      }),
    );
  });

  it('RULE_CODES are all design codes', () => {
    for (const code of RULE_CODES) expect([...DESIGN_CODES]).toContain(code);
  });
});
