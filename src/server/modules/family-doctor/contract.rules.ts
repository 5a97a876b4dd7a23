/**
 * Pure rules of family-doctor contracts ([12/12], seed 002): terms of 1, 2 or 3 years and when renewal
 * opens (FD-1), which packages a contract may hold and who is eligible for them (FD-2), the fee, its split
 * and its minimum (FD-3), switching teams (FD-1), team capacity and what a termination gives back. Days are
 * `YYYY-MM-DD` on the Asia/Shanghai calendar; no clock and no database here — the services feed them facts.
 */
import type { PackageGroup } from '../../../shared/family-doctor.js';

// --- Calendar days

const parse = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
};
const format = (at: Date) => at.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const { y, m, d } = parse(day);
  return format(new Date(Date.UTC(y, m - 1, d + n)));
}

/** The same day `n` years later (29 February runs on to 1 March in a common year). */
export function addYears(day: string, n: number): string {
  const { y, m, d } = parse(day);
  return format(new Date(Date.UTC(y + n, m - 1, d)));
}

/** Full years from `from` to `to` (an age, or how many contract years have passed). */
export function fullYears(from: string, to: string): number {
  const a = parse(from);
  const b = parse(to);
  return b.y - a.y - (b.m < a.m || (b.m === a.m && b.d < a.d) ? 1 : 0);
}

/** Full months from `from` to `to`. */
export function fullMonths(from: string, to: string): number {
  const a = parse(from);
  const b = parse(to);
  return (b.y - a.y) * 12 + (b.m - a.m) - (b.d < a.d ? 1 : 0);
}

// --- Terms (FD-1)

export const CONTRACT_YEARS = [1, 2, 3] as const;

/** FD-1: 1, 2 or 3 years, at the resident's choice. */
export const validYears = (years: number) => (CONTRACT_YEARS as readonly number[]).includes(years);

/** FD-1: the last day of a term of `years` starting on `startsOn` (startsOn + years − 1 day). */
export function termEnd(startsOn: string, years: number): string {
  return addDays(addYears(startsOn, years), -1);
}

/** FD-1: the first day of the renewal window — the last `windowDays` days of the term, its last day included. */
export function renewalOpensOn(endsOn: string, windowDays: number): string {
  return addDays(endsOn, -(windowDays - 1));
}

export function renewalOpen(endsOn: string, today: string, windowDays: number): boolean {
  return today >= renewalOpensOn(endsOn, windowDays) && today <= endsOn;
}

/** Where the contract in force stands when its resident asks to renew, possibly with another team. */
export interface CurrentTerm {
  teamId: string;
  startsOn: string;
  endsOn: string;
}

export type RenewalPlan =
  /** Same team or another at renewal: the new term starts the day after the current one ends. */
  | { ok: true; kind: 'renewal' | 'switch'; startsOn: string }
  /** FD-1 "or earlier by policy": another team from today; the current contract ends when the new one starts. */
  | { ok: true; kind: 'early_switch'; startsOn: string }
  | { ok: false; refusal: 'RENEWAL_NOT_OPEN' | 'CONTRACT_SWITCH_NOT_ALLOWED' };

/**
 * FD-1: renewal — and switching teams at renewal — opens in the last `windowDays` days of the term.
 * Switching earlier is refused unless the policy allows it after `earlySwitchAfterMonths` months of the
 * contract (null: never); then the new contract starts today.
 */
export function planRenewal(
  current: CurrentTerm,
  ask: { teamId: string; today: string; windowDays: number; earlySwitchAfterMonths: number | null },
): RenewalPlan {
  const switching = ask.teamId !== current.teamId;
  if (renewalOpen(current.endsOn, ask.today, ask.windowDays))
    return { ok: true, kind: switching ? 'switch' : 'renewal', startsOn: addDays(current.endsOn, 1) };
  if (!switching || ask.today > current.endsOn) return { ok: false, refusal: 'RENEWAL_NOT_OPEN' };
  const after = ask.earlySwitchAfterMonths;
  if (after !== null && fullMonths(current.startsOn, ask.today) >= after)
    return { ok: true, kind: 'early_switch', startsOn: ask.today };
  return { ok: false, refusal: 'CONTRACT_SWITCH_NOT_ALLOWED' };
}

/** A paid (or free) contract starts now, or waits for its first day (a renewal: scheduled). */
export function statusWhenInForce(startsOn: string, today: string): 'active' | 'scheduled' {
  return startsOn <= today ? 'active' : 'scheduled';
}

// --- Packages and eligibility (FD-2)

export interface PackageFacts {
  id: string;
  institutionId: string | null;
  code: string;
  name: string;
  group: PackageGroup;
  status: 'active' | 'retired';
  feeFen: number;
  insuranceFen: number;
  publicHealthFen: number;
  residentFen: number;
  minAge: number | null;
  maxAge: number | null;
  sex: 'male' | 'female' | null;
  /** ICD-10 prefixes (I10, E11): the person must have one of them diagnosed. */
  conditions: readonly string[];
}

/** The person a package is for: birth date and sex from the real-name record, diagnosed ICD-10 codes. */
export interface PersonFacts {
  birthDate: string | null;
  sex: string | null;
  diagnoses: readonly string[];
}

export type Ineligibility = 'age_unknown' | 'too_young' | 'too_old' | 'sex' | 'condition';

const INELIGIBLE_ZH: Record<Ineligibility, (p: PackageFacts) => string> = {
  age_unknown: () => '没有出生日期，无法确认年龄条件',
  too_young: (p) => `须年满 ${p.minAge} 周岁`,
  too_old: (p) => `限 ${p.maxAge} 周岁及以下`,
  sex: (p) => (p.sex === 'female' ? '限女性' : '限男性'),
  condition: (p) => `须已确诊相应疾病（ICD-10 ${p.conditions.join('、')}）`,
};

export const ineligibleText = (why: Ineligibility, p: PackageFacts) => INELIGIBLE_ZH[why](p);

/** ICD-10 prefix match, ignoring case and the dot: I10 matches I10 and I10.x, E11 matches E11.9. */
export function icd10Matches(prefix: string, code: string): boolean {
  const norm = (s: string) => s.trim().toUpperCase().replace('.', '');
  const p = norm(prefix);
  return p.length > 0 && norm(code).startsWith(p);
}

/**
 * FD-2: whether the person may have the package on `today`: whole years of age within [minAge, maxAge]
 * (a 6-year-old still has the 0–6 package, a 7-year-old not; the elderly package from the 65th birthday),
 * the sex, and one of the package's conditions diagnosed. Null when eligible.
 */
export function ineligibility(p: PackageFacts, person: PersonFacts, today: string): Ineligibility | null {
  if (p.minAge !== null || p.maxAge !== null) {
    if (!person.birthDate) return 'age_unknown';
    const age = fullYears(person.birthDate, today);
    if (p.minAge !== null && age < p.minAge) return 'too_young';
    if (p.maxAge !== null && age > p.maxAge) return 'too_old';
  }
  if (p.sex !== null && person.sex !== p.sex) return 'sex';
  if (p.conditions.length > 0 && !p.conditions.some((c) => person.diagnoses.some((d) => icd10Matches(c, d))))
    return 'condition';
  return null;
}

/**
 * FD-2: the packages chosen for a contract with a team of `institutionId` — each found, chosen once, on sale
 * (active), offered there (the district's menu or the institution's own), and exactly one basic package.
 * Null when the choice stands, else why not (zh-CN, for PACKAGE_INVALID).
 */
export function selectionProblem(
  requested: readonly string[],
  found: readonly PackageFacts[],
  institutionId: string,
): string | null {
  if (new Set(requested).size !== requested.length) return '同一个服务包只能选一次。';
  const byId = new Map(found.map((p) => [p.id, p]));
  const chosen = requested.map((id) => byId.get(id));
  if (chosen.some((p) => p === undefined)) return '所选服务包不存在。';
  const pkgs = chosen as PackageFacts[];
  const retired = pkgs.find((p) => p.status !== 'active');
  if (retired) return `服务包“${retired.name}”已停售。`;
  const foreign = pkgs.find((p) => p.institutionId !== null && p.institutionId !== institutionId);
  if (foreign) return `服务包“${foreign.name}”不是该团队所在机构提供的服务包。`;
  const basics = pkgs.filter((p) => p.group === 'basic').length;
  if (basics !== 1) return `每份签约须且只能选一个基础包（FD-2），现在选了 ${basics} 个。`;
  return null;
}

// --- Fees (FD-3)

export interface Split {
  feeFen: number;
  insuranceFen: number;
  publicHealthFen: number;
  residentFen: number;
}

const ZERO: Split = { feeFen: 0, insuranceFen: 0, publicHealthFen: 0, residentFen: 0 };

export const addSplit = (a: Split, b: Split): Split => ({
  feeFen: a.feeFen + b.feeFen,
  insuranceFen: a.insuranceFen + b.insuranceFen,
  publicHealthFen: a.publicHealthFen + b.publicHealthFen,
  residentFen: a.residentFen + b.residentFen,
});

export const timesSplit = (a: Split, n: number): Split => ({
  feeFen: a.feeFen * n,
  insuranceFen: a.insuranceFen * n,
  publicHealthFen: a.publicHealthFen * n,
  residentFen: a.residentFen * n,
});

/** FD-3: the split adds up to the fee (insurance fund + public-health fund + resident = fee). */
export const splitAddsUp = (s: Split) =>
  s.insuranceFen + s.publicHealthFen + s.residentFen === s.feeFen &&
  [s.feeFen, s.insuranceFen, s.publicHealthFen, s.residentFen].every((v) => Number.isInteger(v) && v >= 0);

/** One person-year of the chosen packages (their yearly prices summed). */
export const perYear = (pkgs: readonly Split[]): Split => pkgs.reduce(addSplit, ZERO);

/** FD-3: a contract's totals for its term: the yearly prices × years (whole fen, exact). */
export const termTotals = (pkgs: readonly Split[], years: number): Split => timesSplit(perYear(pkgs), years);

/**
 * FD-3: a contract's yearly fee per person must add up and be at least `minFeePerYearFen` (100 yuan).
 * Null when it does, else why not (zh-CN).
 */
export function feeProblem(year: Split, minFeePerYearFen: number): string | null {
  if (!splitAddsUp(year)) return '服务费的医保基金、公卫经费和居民个人分担之和与服务费不一致（FD-3）。';
  if (year.feeFen < minFeePerYearFen)
    return `签约服务费每人每年 ${yuan(year.feeFen)} 元，低于 ${yuan(minFeePerYearFen)} 元的标准（FD-3）。`;
  return null;
}

/** A package's own price as an institution sets it (FD-3): the parts add up; a basic package alone meets the minimum. */
export function packagePriceProblem(
  p: Split & { group: PackageGroup },
  minFeePerYearFen: number,
): string | null {
  if (!splitAddsUp(p)) return '服务包的医保基金、公卫经费和居民个人分担须为非负整数（分）。';
  if (p.group === 'basic' && p.feeFen < minFeePerYearFen)
    return `基础包每人每年不低于 ${yuan(minFeePerYearFen)} 元（FD-3）。`;
  return null;
}

export const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);

// --- Capacity and termination

/** A team takes no more residents than its capacity, counting those being signed and those in force. */
export const teamWouldOverflow = (occupied: number, adding: number, capacity: number) =>
  occupied + adding > capacity;

/**
 * What a contract ended early gives back to the resident: their part of the contract years not yet begun
 * (the year under way is kept — its services were open to them). A contract that has not started yet
 * (scheduled) gives back every year.
 */
export function unusedWholeYears(startsOn: string, years: number, today: string): number {
  if (today < startsOn) return years;
  return Math.max(0, years - (fullYears(startsOn, today) + 1));
}

export function terminationRefundFen(residentFen: number, years: number, unused: number): number {
  return Math.floor(residentFen / years) * unused;
}
