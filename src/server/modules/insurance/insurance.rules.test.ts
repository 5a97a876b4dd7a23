import { describe, expect, it } from 'vitest';
import type { PolicyRules } from '../../../shared/insurance.js';
import {
  computeSplit,
  type EngineInput,
  type EngineLine,
  type EngineLineResult,
  type EnginePerson,
  type EngineResult,
} from './insurance.rules.js';

/**
 * The policy engine's money model (insurance-design.md "The money model"): INS-2 (what the fund pays; the
 * employee's personal account pays the self-pay part), INS-3 (the follow-up fee's basis), FD-6 (+1 yuan).
 * Round numbers so each expectation can be checked by hand: 70 % reimbursed, 10 % 乙类先行自付, a 10-yuan
 * ordinary outpatient fee basis, no deductible and a high cap unless a case says otherwise.
 */
const RULES: PolicyRules = {
  deductibleFen: 0,
  reimbursementBp: 7000,
  annualCapFen: 100_000_000,
  categoryBFirstSelfPayBp: 1000,
  serviceFeeBasisFen: 1000,
  accountPaysSelfPay: true,
  familyDoctorReferralBonusFen: 100,
  contractedElderlyCommunityCutFen: 100,
};

const EMPLOYEE: EnginePerson = {
  scheme: 'employee',
  ytdDeductibleFen: 0,
  ytdFundFen: 0,
  accountBalanceFen: 80_000,
};
const RESIDENT: EnginePerson = {
  scheme: 'resident',
  ytdDeductibleFen: 0,
  ytdFundFen: 0,
  accountBalanceFen: 80_000,
};

const drugA = (totalFen: number): Omit<EngineLine, 'line'> => ({ kind: 'drug', category: 'A', totalFen });
const drugB = (totalFen: number): Omit<EngineLine, 'line'> => ({ kind: 'drug', category: 'B', totalFen });
const drugC = (totalFen: number): Omit<EngineLine, 'line'> => ({ kind: 'drug', category: 'C', totalFen });
const service = (totalFen: number): Omit<EngineLine, 'line'> => ({
  kind: 'service',
  category: null,
  totalFen,
});
const delivery = (totalFen: number): Omit<EngineLine, 'line'> => ({
  kind: 'delivery',
  category: null,
  totalFen,
});

interface Case {
  name: string;
  rules?: Partial<PolicyRules>;
  person?: Partial<EnginePerson> & { scheme?: EnginePerson['scheme'] };
  level?: EngineInput['institutionLevel'];
  familyDoctor?: EngineInput['familyDoctor'];
  lines: Omit<EngineLine, 'line'>[];
  /** Per line: [eligible, deductible, fund, account, cash]. */
  expect: [number, number, number, number, number][];
}

function run(c: Pick<Case, 'rules' | 'person' | 'level' | 'familyDoctor' | 'lines'>): EngineResult {
  return computeSplit({
    rules: { ...RULES, ...c.rules },
    institutionLevel: c.level ?? 'tertiary',
    person: { ...EMPLOYEE, ...c.person },
    lines: c.lines.map((l, i) => ({ ...l, line: i + 1 })),
    familyDoctor: c.familyDoctor,
  });
}

const row = (l: EngineLineResult) => [l.eligibleFen, l.deductibleFen, l.fundFen, l.accountFen, l.cashFen];

/** The invariant of every split (design): parts add up per line and in total, and are never negative. */
function expectConsistent(r: EngineResult) {
  for (const l of r.lines) {
    expect(l.fundFen + l.accountFen + l.cashFen).toBe(l.totalFen);
    for (const v of [l.fundFen, l.accountFen, l.cashFen, l.eligibleFen, l.deductibleFen])
      expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(r.fundFen + r.accountFen + r.cashFen).toBe(r.totalFen);
  expect(r.fundFen).toBe(r.lines.reduce((a, l) => a + l.fundFen, 0));
  expect(r.accountFen).toBe(r.lines.reduce((a, l) => a + l.accountFen, 0));
  expect(r.cashFen).toBe(r.lines.reduce((a, l) => a + l.cashFen, 0));
  expect(r.totalFen).toBe(r.lines.reduce((a, l) => a + l.totalFen, 0));
}

const CASES: Case[] = [
  // --- schemes (INS-2)
  {
    name: 'INS-2: employee — the personal account pays the self-pay part',
    lines: [drugA(10_000)],
    expect: [[10_000, 0, 7000, 3000, 0]],
  },
  {
    name: 'INS-2: employee under a policy where the account does not pay self-pay — all cash',
    rules: { accountPaysSelfPay: false },
    lines: [drugA(10_000)],
    expect: [[10_000, 0, 7000, 0, 3000]],
  },
  {
    name: 'INS-2: resident — no personal account even with a balance and accountPaysSelfPay',
    person: RESIDENT,
    lines: [drugA(10_000), service(1000)],
    expect: [
      [10_000, 0, 7000, 0, 3000],
      [1000, 0, 700, 0, 300],
    ],
  },
  {
    name: 'INS-2: balance exhausted part-way — the account stops at the balance, the rest is cash',
    person: { accountBalanceFen: 4000 },
    lines: [drugA(10_000), drugA(10_000), drugC(500)],
    expect: [
      [10_000, 0, 7000, 3000, 0],
      [10_000, 0, 7000, 1000, 2000],
      [0, 0, 0, 0, 500],
    ],
  },
  {
    name: 'INS-2: zero balance — everything not from the fund is cash',
    person: { accountBalanceFen: 0 },
    lines: [drugA(10_000)],
    expect: [[10_000, 0, 7000, 0, 3000]],
  },
  // --- deductible
  {
    name: 'INS-2: deductible crossed mid-order — the first line partly deductible, later lines fully reimbursed',
    rules: { deductibleFen: 20_000 },
    person: { ...RESIDENT, ytdDeductibleFen: 15_000 },
    lines: [drugA(8000), drugA(10_000)],
    // 5000 left: line 1 → 5000 deductible, 70 % of 3000 = 2100; line 2 → 70 % of 10000.
    expect: [
      [8000, 5000, 2100, 0, 5900],
      [10_000, 0, 7000, 0, 3000],
    ],
  },
  {
    name: 'INS-2: deductible not reached in this order — the fund pays nothing',
    rules: { deductibleFen: 30_000 },
    person: { ...RESIDENT, ytdDeductibleFen: 10_000 },
    lines: [drugA(8000), service(1000)],
    expect: [
      [8000, 8000, 0, 0, 8000],
      [1000, 1000, 0, 0, 1000],
    ],
  },
  {
    name: 'INS-2: deductible already met this year (ytd above it) — nothing more deducted',
    rules: { deductibleFen: 20_000 },
    person: { ...RESIDENT, ytdDeductibleFen: 25_000 },
    lines: [drugA(1000)],
    expect: [[1000, 0, 700, 0, 300]],
  },
  {
    name: 'INS-2: only the eligible part fills the deductible (C drug and delivery do not)',
    rules: { deductibleFen: 1000 },
    person: RESIDENT,
    lines: [drugC(5000), delivery(800), drugB(2000)],
    // B: 200 first self-pay, 1800 eligible, 1000 deductible, 70 % of 800 = 560.
    expect: [
      [0, 0, 0, 0, 5000],
      [0, 0, 0, 0, 800],
      [1800, 1000, 560, 0, 1440],
    ],
  },
  // --- annual cap
  {
    name: 'INS-2: annual cap reached mid-order — the fund stops exactly at the cap',
    rules: { annualCapFen: 100_000 },
    person: { ...RESIDENT, ytdFundFen: 95_000 },
    lines: [drugA(6000), drugA(6000), drugA(6000)],
    expect: [
      [6000, 0, 4200, 0, 1800],
      [6000, 0, 800, 0, 5200],
      [6000, 0, 0, 0, 6000],
    ],
  },
  {
    name: 'INS-2: ytd already above the cap — the fund pays nothing (never negative)',
    rules: { annualCapFen: 100_000 },
    person: { ...RESIDENT, ytdFundFen: 120_000 },
    lines: [drugA(6000)],
    expect: [[6000, 0, 0, 0, 6000]],
  },
  // --- categories
  {
    name: 'INS-2: category A — the whole line is eligible',
    lines: [drugA(2000)],
    expect: [[2000, 0, 1400, 600, 0]],
  },
  {
    name: 'INS-2: category B — 乙类先行自付 10 % then 70 % of the rest',
    person: RESIDENT,
    lines: [drugB(2000)],
    expect: [[1800, 0, 1260, 0, 740]],
  },
  {
    name: 'INS-2: category B — the first self-pay rounds half up (345 × 10 % = 34.5 → 35)',
    person: RESIDENT,
    lines: [drugB(345)],
    // eligible 310, 70 % = 217.
    expect: [[310, 0, 217, 0, 128]],
  },
  {
    name: 'INS-2: category B — the first self-pay rounds half up on 5 fen (0.5 → 1) and down below half (333 → 33)',
    person: RESIDENT,
    lines: [drugB(5), drugB(333)],
    // 5: eligible 4, ⌊2.8⌋ = 2.  333: first self-pay 33.3 → 33, eligible 300, 210.
    expect: [
      [4, 0, 2, 0, 3],
      [300, 0, 210, 0, 123],
    ],
  },
  {
    name: 'INS-2: category C — nothing from the fund; the account still pays the self-pay',
    lines: [drugC(3000)],
    expect: [[0, 0, 0, 3000, 0]],
  },
  {
    name: 'INS-2: a drug without a catalogue category (目录外) — nothing from the fund',
    person: RESIDENT,
    lines: [{ kind: 'drug', category: null, totalFen: 3000 }],
    expect: [[0, 0, 0, 0, 3000]],
  },
  {
    name: 'INS-2: delivery — nothing from the fund',
    person: RESIDENT,
    lines: [delivery(800)],
    expect: [[0, 0, 0, 0, 800]],
  },
  // --- INS-3 service basis
  {
    name: 'INS-3: a 50-yuan chief-physician follow-up fee is eligible only up to the 10-yuan basis',
    person: RESIDENT,
    lines: [service(5000)],
    expect: [[1000, 0, 700, 0, 4300]],
  },
  {
    name: 'INS-3: a fee below the basis is eligible whole',
    person: RESIDENT,
    lines: [service(800)],
    expect: [[800, 0, 560, 0, 240]],
  },
  {
    name: 'INS-3: employee — the account pays the fee above the basis too (it is self-pay)',
    lines: [service(5000)],
    expect: [[1000, 0, 700, 4300, 0]],
  },
  // --- FD-6
  {
    name: 'FD-6: contracted elderly referred by the family doctor, secondary — 1 yuan more on the service fee',
    person: RESIDENT,
    level: 'secondary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [service(5000)],
    expect: [[1000, 0, 800, 0, 4200]],
  },
  {
    name: 'FD-6: contracted elderly referred by the family doctor, tertiary — 1 yuan more on the service fee',
    person: RESIDENT,
    level: 'tertiary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [service(5000)],
    expect: [[1000, 0, 800, 0, 4200]],
  },
  {
    name: 'FD-6: contracted elderly at a secondary hospital without a referral — no bonus',
    person: RESIDENT,
    level: 'secondary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: false },
    lines: [service(5000)],
    expect: [[1000, 0, 700, 0, 4300]],
  },
  {
    name: 'FD-6: contracted elderly at primary — the community self-pay is cut by 1 yuan (no referral needed)',
    person: RESIDENT,
    level: 'primary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: false },
    lines: [service(1000)],
    expect: [[1000, 0, 800, 0, 200]],
  },
  {
    name: 'FD-6: the referral bonus is not paid at primary — only the community cut',
    rules: { familyDoctorReferralBonusFen: 300, contractedElderlyCommunityCutFen: 100 },
    person: RESIDENT,
    level: 'primary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [service(1000)],
    expect: [[1000, 0, 800, 0, 200]],
  },
  {
    name: 'FD-6: the community cut is not paid at secondary — only the referral bonus',
    rules: { familyDoctorReferralBonusFen: 300, contractedElderlyCommunityCutFen: 100 },
    person: RESIDENT,
    level: 'secondary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [service(1000)],
    expect: [[1000, 0, 1000, 0, 0]],
  },
  {
    name: 'FD-6: not contracted elderly — no bonus at secondary nor cut at primary',
    person: RESIDENT,
    level: 'secondary',
    familyDoctor: { contractedElderly: false, referredByFamilyDoctor: true },
    lines: [service(1000)],
    expect: [[1000, 0, 700, 0, 300]],
  },
  {
    name: 'FD-6: not contracted elderly at primary — no cut',
    person: RESIDENT,
    level: 'primary',
    familyDoctor: { contractedElderly: false, referredByFamilyDoctor: false },
    lines: [service(1000)],
    expect: [[1000, 0, 700, 0, 300]],
  },
  {
    name: 'FD-6: not on drug or delivery lines — only the service line gets the bonus',
    person: RESIDENT,
    level: 'secondary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [drugA(1000), delivery(800), service(1000)],
    expect: [
      [1000, 0, 700, 0, 300],
      [0, 0, 0, 0, 800],
      [1000, 0, 800, 0, 200],
    ],
  },
  {
    name: 'FD-6: never beyond the line self-pay — a 50-fen fee at 90 % gets 5 fen, not 100',
    rules: { reimbursementBp: 9000 },
    person: RESIDENT,
    level: 'primary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: false },
    lines: [service(50)],
    expect: [[50, 0, 50, 0, 0]],
  },
  {
    name: 'FD-6: never beyond the annual cap — the bonus stops at what is left of the cap',
    rules: { annualCapFen: 100_000 },
    person: { ...RESIDENT, ytdFundFen: 99_250 },
    level: 'tertiary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
    lines: [service(5000)],
    // 750 left: 700 by the ratio, 50 of the bonus.
    expect: [[1000, 0, 750, 0, 4250]],
  },
  {
    name: 'FD-6: paid even while the deductible takes the ratio part',
    rules: { deductibleFen: 5000 },
    person: RESIDENT,
    level: 'primary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: false },
    lines: [service(1000)],
    expect: [[1000, 1000, 100, 0, 900]],
  },
  {
    name: 'FD-6: employee — the account pays the self-pay left after the cut',
    level: 'primary',
    familyDoctor: { contractedElderly: true, referredByFamilyDoctor: false },
    lines: [service(1000)],
    expect: [[1000, 0, 800, 200, 0]],
  },
  // --- rounding
  {
    name: 'INS-2: rounding — a 1-fen A line: the fund share rounds down to 0, the patient pays the fen',
    person: RESIDENT,
    lines: [drugA(1), drugA(1), drugA(1)],
    // Rounded per line, not on the order total (3 × 0.7 would be 2 fen on the total).
    expect: [
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
    ],
  },
  {
    name: 'INS-2: rounding — 333 fen at 70 %: the fund pays ⌊233.1⌋ = 233, the patient 100',
    person: RESIDENT,
    lines: [drugA(333)],
    expect: [[333, 0, 233, 0, 100]],
  },
  {
    name: 'INS-2: rounding — 999 fen at 70 % rounds down even at .3 and .9 (699.3 → 699)',
    person: RESIDENT,
    lines: [drugA(999), drugA(7)],
    expect: [
      [999, 0, 699, 0, 300],
      [7, 0, 4, 0, 3],
    ],
  },
  {
    name: 'INS-2: an empty order — all zero',
    lines: [],
    expect: [],
  },
  {
    name: 'INS-2: a 0-fen line — all zero',
    lines: [drugA(0)],
    expect: [[0, 0, 0, 0, 0]],
  },
];

describe('computeSplit — the money model', () => {
  it.each(CASES)('$name', (c) => {
    const r = run(c);
    expect(r.lines.map(row)).toEqual(c.expect);
    expect(r.lines.map((l) => l.line)).toEqual(c.lines.map((_, i) => i + 1));
    expectConsistent(r);
  });

  it('INS-2: the order totals are the sums of the lines, and deductibleFen is what this order consumed', () => {
    const r = run({
      rules: { deductibleFen: 20_000 },
      person: { ytdDeductibleFen: 15_000, accountBalanceFen: 3000 },
      lines: [drugA(8000), drugB(2000), service(5000), delivery(800)],
    });
    expect(r).toMatchObject({ totalFen: 15_800, deductibleFen: 5000, accountFen: 3000 });
    expect(r.fundFen).toBe(2100 + 1260 + 700);
    expect(r.cashFen).toBe(15_800 - r.fundFen - 3000);
    expectConsistent(r);
  });

  it('FD-6: familyDoctorFen reports the bonus part of the fund', () => {
    const r = run({
      person: RESIDENT,
      level: 'secondary',
      familyDoctor: { contractedElderly: true, referredByFamilyDoctor: true },
      lines: [drugA(1000), service(1000)],
    });
    expect(r.lines.map((l) => l.familyDoctorFen)).toEqual([0, 100]);
    expect(r.familyDoctorFen).toBe(100);
  });

  it('INS-2: amounts beyond 2^53 / 10^4 are split exactly (no float error)', () => {
    const total = 9_000_000_000_001; // × 7000 exceeds Number.MAX_SAFE_INTEGER
    const r = run({ person: RESIDENT, rules: { annualCapFen: 1_000_000_000 }, lines: [drugA(total)] });
    expect(r.lines[0]?.fundFen).toBe(1_000_000_000);
    const u = run({
      person: RESIDENT,
      rules: { annualCapFen: Number.MAX_SAFE_INTEGER },
      lines: [drugA(total)],
    });
    expect(u.lines[0]?.fundFen).toBe(6_300_000_000_000); // ⌊6 300 000 000 000.7⌋
    expectConsistent(u);
  });
});

describe('computeSplit — defensive validation (a defect of the caller throws a plain Error)', () => {
  const bad: [string, Pick<Case, 'rules' | 'person' | 'lines'>][] = [
    ['a non-integer line total', { lines: [drugA(10.5)] }],
    ['a negative line total', { lines: [drugA(-1)] }],
    ['a NaN line total', { lines: [drugA(Number.NaN)] }],
    ['an unsafe line total', { lines: [drugA(2 ** 53)] }],
    ['a negative balance', { person: { accountBalanceFen: -1 }, lines: [drugA(100)] }],
    ['a negative ytd fund', { person: { ytdFundFen: -1 }, lines: [drugA(100)] }],
    ['a negative ytd deductible', { person: { ytdDeductibleFen: -5 }, lines: [drugA(100)] }],
    ['a non-integer balance', { person: { accountBalanceFen: 0.5 }, lines: [drugA(100)] }],
    ['a reimbursement ratio above 100 %', { rules: { reimbursementBp: 10_001 }, lines: [drugA(100)] }],
    ['a negative cap', { rules: { annualCapFen: -1 }, lines: [drugA(100)] }],
  ];
  it.each(bad)('INS-2: throws on %s', (_name, c) => {
    expect(() => run(c)).toThrow(Error);
    expect(() => run(c)).toThrow(/computeSplit/);
  });

  it('INS-2: an unknown line kind throws', () => {
    const lines = [{ kind: 'gift', category: null, totalFen: 100 } as unknown as EngineLine];
    expect(() => run({ lines })).toThrow(/unknown kind/);
  });
});
