/**
 * The policy engine ([7/12]): how an order's fee lines split between the pooled fund (统筹基金), the
 * personal account (个人账户) and cash, under one policy version and the person's year-to-date position.
 * Pure: no clock, no database. Integer fen throughout; the rounding rules are stated where they apply,
 * and the parts of every line always add up to the line's total and are never negative.
 *
 * Rules: INS-1 (designation, checked before this), INS-2 (what is paid; the personal account may pay the
 * self-pay part for employees), INS-3 (online follow-up fee eligible as the offline ordinary outpatient
 * fee), FD-6 (family-doctor +1 yuan rules).
 */
import type { InsuranceCategory, PolicyRules, Scheme } from '../../../shared/insurance.js';

export interface EngineLine {
  line: number;
  kind: 'drug' | 'delivery' | 'service';
  category: InsuranceCategory | null;
  totalFen: number;
}

export interface EnginePerson {
  scheme: Scheme;
  /** Eligible amounts counted toward this year's deductible so far. */
  ytdDeductibleFen: number;
  /** What the fund has paid this year so far (toward the annual cap). */
  ytdFundFen: number;
  /** The personal account available to pay (the payer's balance under 家庭共济). */
  accountBalanceFen: number;
}

export interface EngineInput {
  rules: PolicyRules;
  institutionLevel: 'primary' | 'secondary' | 'tertiary';
  person: EnginePerson;
  lines: EngineLine[];
  familyDoctor?: { contractedElderly: boolean; referredByFamilyDoctor: boolean };
}

export interface EngineLineResult {
  line: number;
  totalFen: number;
  /** The part the policy makes eligible (after 乙类先行自付, 丙类, INS-3's service basis). */
  eligibleFen: number;
  /** Of the eligible part, what went to the deductible (paid by the patient). */
  deductibleFen: number;
  /** The fund's part, FD-6's bonus included (fundFen ≤ eligibleFen + familyDoctorFen). */
  fundFen: number;
  /** FD-6: the part of fundFen that is the family-doctor bonus or community cut (0 on other lines). */
  familyDoctorFen: number;
  accountFen: number;
  cashFen: number;
}

export interface EngineResult {
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  /** Deductible consumed by this order (add to ytdDeductibleFen). */
  deductibleFen: number;
  /** FD-6 bonus/cut included in fundFen. */
  familyDoctorFen: number;
  lines: EngineLineResult[];
}

const BP = 10_000n;

/** A programming defect (bad input from our own code), not a user error: a plain Error. */
function assertFen(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(
      `computeSplit: ${what} must be a non-negative integer number of fen, got ${String(value)}`,
    );
  }
}

function assertBp(value: unknown, what: string): asserts value is number {
  assertFen(value, what);
  if (value > 10_000) throw new Error(`computeSplit: ${what} must be at most 10000 bp, got ${value}`);
}

/** ⌊amount × bp / 10000⌋, exact (BigInt, so no float error and no overflow above 2^53 / 10^4). */
function shareDown(amount: number, bp: number): number {
  return Number((BigInt(amount) * BigInt(bp)) / BP);
}

/** amount × bp / 10000 rounded half up to the fen (amount, bp ≥ 0, so "half up" = ⌊x + ½⌋). */
function shareHalfUp(amount: number, bp: number): number {
  return Number((BigInt(amount) * BigInt(bp) + BP / 2n) / BP);
}

function validate(input: EngineInput): void {
  const { rules, person, lines } = input;
  assertFen(rules.deductibleFen, 'rules.deductibleFen');
  assertBp(rules.reimbursementBp, 'rules.reimbursementBp');
  assertFen(rules.annualCapFen, 'rules.annualCapFen');
  assertBp(rules.categoryBFirstSelfPayBp, 'rules.categoryBFirstSelfPayBp');
  assertFen(rules.serviceFeeBasisFen, 'rules.serviceFeeBasisFen');
  assertFen(rules.familyDoctorReferralBonusFen, 'rules.familyDoctorReferralBonusFen');
  assertFen(rules.contractedElderlyCommunityCutFen, 'rules.contractedElderlyCommunityCutFen');
  assertFen(person.ytdDeductibleFen, 'person.ytdDeductibleFen');
  assertFen(person.ytdFundFen, 'person.ytdFundFen');
  assertFen(person.accountBalanceFen, 'person.accountBalanceFen');
  if (!Array.isArray(lines)) throw new Error('computeSplit: lines must be an array');
  for (const l of lines) {
    assertFen(l.totalFen, `line ${l.line} totalFen`);
    if (l.kind !== 'drug' && l.kind !== 'delivery' && l.kind !== 'service') {
      throw new Error(`computeSplit: line ${l.line} has an unknown kind ${String(l.kind)}`);
    }
  }
}

/**
 * Step 1, the eligible part of a line (INS-2: consultation fees and catalogue drugs are paid; INS-3 for
 * the service fee).
 */
function eligibleOf(line: EngineLine, rules: PolicyRules): number {
  switch (line.kind) {
    case 'service':
      // INS-3: the online follow-up fee is paid like the offline ordinary outpatient fee (诊查费), whatever
      // the doctor's title: eligible up to the basis, the rest of the fee is self-pay.
      return Math.min(line.totalFen, rules.serviceFeeBasisFen);
    case 'delivery':
      // Delivery is not a medical fee: never paid by the fund (INS-2).
      return 0;
    case 'drug':
      switch (line.category) {
        case 'A': // 甲类: the whole line.
          return line.totalFen;
        case 'B':
          // 乙类先行自付: the patient first pays categoryBFirstSelfPayBp of the line, rounded HALF UP to the
          // fen (so 333 fen at 10 % → 33 fen first self-pay, 335 at 10 % → 34); the rest is eligible.
          return line.totalFen - shareHalfUp(line.totalFen, rules.categoryBFirstSelfPayBp);
        default:
          // 丙类, and a drug without a catalogue category (目录外): nothing from the fund.
          return 0;
      }
  }
}

/**
 * Splits an order's lines between the pooled fund, the personal account and cash (the design's "money
 * model"; INS-2, INS-3, FD-6). Lines are processed in the order of the array (the caller passes them in
 * line order): the deductible, the annual cap and the account balance are consumed line by line, so an
 * earlier line's split never depends on a later line. Throws a plain Error on malformed input (negative or
 * non-integer fen, a ratio above 10000 bp): that is a defect of the caller, not a user error.
 */
export function computeSplit(input: EngineInput): EngineResult {
  validate(input);
  const { rules, person, institutionLevel } = input;

  // What is left of the annual deductible, the annual cap and the account; consumed in line order.
  let deductibleLeft = Math.max(0, rules.deductibleFen - person.ytdDeductibleFen);
  // A person already above the cap (ytdFundFen > annualCapFen) gets nothing more, never a negative fund.
  let capLeft = Math.max(0, rules.annualCapFen - person.ytdFundFen);
  // INS-2: only an employee's personal account may pay the self-pay part, and only when the policy says
  // so; residents (城乡居民) have no personal account: account = 0.
  const accountPays = person.scheme === 'employee' && rules.accountPaysSelfPay;
  let balanceLeft = accountPays ? person.accountBalanceFen : 0;

  // FD-6: which family-doctor rule applies to service lines of this order, if any.
  const fd = input.familyDoctor;
  let fdBonus = 0;
  if (fd?.contractedElderly) {
    if (institutionLevel === 'primary') {
      // FD-6: the contracted elderly person's community self-pay for the service fee is cut by 1 yuan.
      fdBonus = rules.contractedElderlyCommunityCutFen;
    } else if (fd.referredByFamilyDoctor) {
      // FD-6: referred by their family doctor to a secondary/tertiary hospital: 1 yuan more reimbursed.
      fdBonus = rules.familyDoctorReferralBonusFen;
    }
  }

  const lines: EngineLineResult[] = [];
  for (const line of input.lines) {
    const total = line.totalFen;
    // 1. Eligible part (INS-2, INS-3).
    const eligible = eligibleOf(line, rules);

    // 2. The eligible part first fills what is left of the annual deductible; that part is self-pay.
    const deductible = Math.min(eligible, deductibleLeft);
    deductibleLeft -= deductible;

    // 3. The fund's share of the rest, rounded DOWN to the fen (the patient pays the remaining fen), then
    //    capped so that ytdFundFen + fund so far ≤ annualCapFen (the cap may be reached mid-order).
    let fund = Math.min(shareDown(eligible - deductible, rules.reimbursementBp), capLeft);
    capLeft -= fund;

    // 4. FD-6, on service lines only: the bonus never exceeds the line's self-pay (fund ≤ line total)
    //    nor what is left of the cap.
    let familyDoctor = 0;
    if (line.kind === 'service' && fdBonus > 0) {
      familyDoctor = Math.min(fdBonus, total - fund, capLeft);
      fund += familyDoctor;
      capLeft -= familyDoctor;
    }

    // 5. Self-pay = line − fund; the personal account pays it while the balance lasts (in line order),
    //    cash pays the rest.
    const selfPay = total - fund;
    const account = Math.min(selfPay, balanceLeft);
    balanceLeft -= account;
    const cash = selfPay - account;

    lines.push({
      line: line.line,
      totalFen: total,
      eligibleFen: eligible,
      deductibleFen: deductible,
      fundFen: fund,
      familyDoctorFen: familyDoctor,
      accountFen: account,
      cashFen: cash,
    });
  }

  const sum = (pick: (l: EngineLineResult) => number) => lines.reduce((acc, l) => acc + pick(l), 0);
  return {
    totalFen: sum((l) => l.totalFen),
    fundFen: sum((l) => l.fundFen),
    accountFen: sum((l) => l.accountFen),
    cashFen: sum((l) => l.cashFen),
    deductibleFen: sum((l) => l.deductibleFen),
    familyDoctorFen: sum((l) => l.familyDoctorFen),
    lines,
  };
}
