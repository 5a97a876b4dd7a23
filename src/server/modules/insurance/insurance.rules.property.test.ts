import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyRules } from '../../../shared/insurance.js';
import { computeSplit, type EngineInput, type EngineLine, type EnginePerson } from './insurance.rules.js';

// --- arbitraries -------------------------------------------------------------------------------------------

/** Any policy within the contract's bounds; caps and deductibles small enough to be crossed by an order. */
const rulesArb: fc.Arbitrary<PolicyRules> = fc.record({
  deductibleFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
  reimbursementBp: fc.oneof(
    fc.constantFrom(0, 5000, 7000, 9000, 10_000),
    fc.integer({ min: 0, max: 10_000 }),
  ),
  annualCapFen: fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 1_000_000_000 })),
  categoryBFirstSelfPayBp: fc.integer({ min: 0, max: 10_000 }),
  serviceFeeBasisFen: fc.integer({ min: 0, max: 5000 }),
  accountPaysSelfPay: fc.boolean(),
  familyDoctorReferralBonusFen: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 1000 })),
  contractedElderlyCommunityCutFen: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 1000 })),
});

/** Any person, sometimes already past the deductible or the cap. */
const personArb: fc.Arbitrary<EnginePerson> = fc.record({
  scheme: fc.constantFrom('employee', 'resident'),
  ytdDeductibleFen: fc.integer({ min: 0, max: 60_000 }),
  ytdFundFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 250_000 })),
  accountBalanceFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
});

const lineArb: fc.Arbitrary<Omit<EngineLine, 'line'>> = fc.record({
  kind: fc.constantFrom('drug', 'drug', 'drug', 'delivery', 'service'),
  category: fc.constantFrom('A', 'B', 'C', null),
  // Mostly ordinary amounts, sometimes odd fen, sometimes amounts whose × bp exceeds 2^53.
  totalFen: fc.oneof(
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: 0, max: 1_000_000_000_000 }),
  ),
});

const linesArb = fc
  .array(lineArb, { maxLength: 8 })
  .map((ls): EngineLine[] => ls.map((l, i) => ({ ...l, line: i + 1 })));

const inputArb: fc.Arbitrary<EngineInput> = fc.record(
  {
    rules: rulesArb,
    institutionLevel: fc.constantFrom('primary', 'secondary', 'tertiary'),
    person: personArb,
    lines: linesArb,
    familyDoctor: fc.record({ contractedElderly: fc.boolean(), referredByFamilyDoctor: fc.boolean() }),
  },
  { requiredKeys: ['rules', 'institutionLevel', 'person', 'lines'] },
);

/** The FD-6 amount the order's circumstances allow on a service line (the engine may pay less). */
function fd6Allowance(input: EngineInput): number {
  const fd = input.familyDoctor;
  if (!fd?.contractedElderly) return 0;
  if (input.institutionLevel === 'primary') return input.rules.contractedElderlyCommunityCutFen;
  return fd.referredByFamilyDoctor ? input.rules.familyDoctorReferralBonusFen : 0;
}

// --- properties --------------------------------------------------------------------------------------------

describe('computeSplit — properties (INS-2, INS-3, FD-6)', () => {
  it('INS-2: every line and the total add up (fund + account + cash = total), all parts ≥ 0', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeSplit(input);
        expect(r.lines).toHaveLength(input.lines.length);
        r.lines.forEach((l, i) => {
          expect(l.line).toBe(input.lines[i]?.line);
          expect(l.totalFen).toBe(input.lines[i]?.totalFen);
          expect(l.fundFen + l.accountFen + l.cashFen).toBe(l.totalFen);
          for (const v of [
            l.fundFen,
            l.accountFen,
            l.cashFen,
            l.eligibleFen,
            l.deductibleFen,
            l.familyDoctorFen,
          ]) {
            expect(Number.isSafeInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
        });
        expect(r.fundFen + r.accountFen + r.cashFen).toBe(r.totalFen);
        expect(r.totalFen).toBe(input.lines.reduce((a, l) => a + l.totalFen, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('INS-2: the account never pays more than the balance, and pays nothing for residents or when the policy says no', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeSplit(input);
        expect(r.accountFen).toBeLessThanOrEqual(input.person.accountBalanceFen);
        const self = r.totalFen - r.fundFen;
        if (input.person.scheme === 'employee' && input.rules.accountPaysSelfPay) {
          // The balance is consumed in line order until it or the self-pay runs out.
          expect(r.accountFen).toBe(Math.min(self, input.person.accountBalanceFen));
        } else {
          expect(r.accountFen).toBe(0);
          expect(r.cashFen).toBe(self);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('INS-2: the fund stays within the annual cap (ytdFund + fund ≤ cap), FD-6 included', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeSplit(input);
        const { ytdFundFen } = input.person;
        const cap = input.rules.annualCapFen;
        if (ytdFundFen <= cap) expect(ytdFundFen + r.fundFen).toBeLessThanOrEqual(cap);
        else expect(r.fundFen).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('INS-2/INS-3/FD-6: the fund pays at most the eligible part plus the FD-6 bonus, on service lines only', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeSplit(input);
        const allowance = fd6Allowance(input);
        r.lines.forEach((l, i) => {
          const src = input.lines[i] as EngineLine;
          expect(l.eligibleFen).toBeLessThanOrEqual(l.totalFen);
          expect(l.deductibleFen).toBeLessThanOrEqual(l.eligibleFen);
          expect(l.familyDoctorFen).toBeLessThanOrEqual(src.kind === 'service' ? allowance : 0);
          expect(l.fundFen).toBeLessThanOrEqual(l.eligibleFen + l.familyDoctorFen);
          // The ratio part rounds down: never more than eligible − deductible at the policy's ratio.
          expect(BigInt(l.fundFen - l.familyDoctorFen) * 10_000n).toBeLessThanOrEqual(
            BigInt(l.eligibleFen - l.deductibleFen) * BigInt(input.rules.reimbursementBp),
          );
          if (
            src.kind === 'delivery' ||
            (src.kind === 'drug' && (src.category === 'C' || src.category === null))
          ) {
            expect(l.eligibleFen).toBe(0);
          }
          if (src.kind === 'service') {
            expect(l.eligibleFen).toBe(Math.min(l.totalFen, input.rules.serviceFeeBasisFen)); // INS-3
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('INS-2: the order consumes at most what is left of the deductible, and fills it before the fund pays', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeSplit(input);
        const left = Math.max(0, input.rules.deductibleFen - input.person.ytdDeductibleFen);
        const eligible = r.lines.reduce((a, l) => a + l.eligibleFen, 0);
        expect(r.deductibleFen).toBe(Math.min(left, eligible));
      }),
      { numRuns: 300 },
    );
  });

  it('INS-2: adding a line never changes the split of earlier lines, and no order total decreases', () => {
    fc.assert(
      fc.property(inputArb, lineArb, (input, extra) => {
        const before = computeSplit(input);
        const after = computeSplit({
          ...input,
          lines: [...input.lines, { ...extra, line: input.lines.length + 1 }],
        });
        expect(after.lines.slice(0, before.lines.length)).toEqual(before.lines);
        expect(after.fundFen).toBeGreaterThanOrEqual(before.fundFen);
        expect(after.accountFen).toBeGreaterThanOrEqual(before.accountFen);
        expect(after.cashFen).toBeGreaterThanOrEqual(before.cashFen);
        expect(after.deductibleFen).toBeGreaterThanOrEqual(before.deductibleFen);
      }),
      { numRuns: 300 },
    );
  });

  it('INS-2: a larger balance never means more cash (nor a different fund)', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 100_000 }), (input, more) => {
        const a = computeSplit(input);
        const person = { ...input.person, accountBalanceFen: input.person.accountBalanceFen + more };
        const b = computeSplit({ ...input, person });
        expect(b.fundFen).toBe(a.fundFen);
        expect(b.cashFen).toBeLessThanOrEqual(a.cashFen);
      }),
      { numRuns: 200 },
    );
  });

  it('INS-2: the split is deterministic and does not mutate its input', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input);
        const a = computeSplit(input);
        expect(input).toEqual(copy);
        expect(computeSplit(copy)).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });
});
