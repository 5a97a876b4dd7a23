/**
 * Pure identity rules shared by the server and the web app: roles, resident ID numbers (ID-2), ages and
 * guardianship (ID-6), phone and name shapes. No Node or browser API here.
 */

export const ROLES = [
  'patient',
  'doctor',
  'nurse',
  'pharmacist',
  'pharmacy_staff',
  'org_admin',
  'regulator',
  'insurer',
] as const;
export type Role = (typeof ROLES)[number];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export type IdNumberProblem =
  | 'length'
  | 'characters'
  | 'region'
  | 'birth_date'
  | 'future_birth_date'
  | 'check_digit';

export type IdNumberCheck =
  | { ok: true; idNumber: string; birthDate: string; sex: 'male' | 'female' }
  | { ok: false; problem: IdNumberProblem };

/** The check character of the first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** `YYYY-MM-DD` of a date in Asia/Shanghai, the business calendar. */
export function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/**
 * ID-2: 18 characters = 6-digit region code, 8-digit real birth date not in the future, 3-digit
 * sequence (odd male, even female), check character. Lower-case x is accepted and stored upper-case.
 * A valid number proves its format only, not that the person exists.
 */
export function checkIdNumber(raw: string, today: Date): IdNumberCheck {
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return { ok: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'characters' };
  // Region code form: province 11–82 (GB/T 2260), then a city and county part.
  const province = Number(id.slice(0, 2));
  if (province < 11 || province > 82 || id.slice(0, 6) === '000000') return { ok: false, problem: 'region' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, problem: 'birth_date' };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > shanghaiDate(today)) return { ok: false, problem: 'future_birth_date' };
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, idNumber: id, birthDate, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

export const idNumberProblemText: Record<IdNumberProblem, string> = {
  length: '身份证号码应为 18 位。',
  characters: '身份证号码前 17 位应为数字，最后一位为数字或 X。',
  region: '身份证号码的行政区划代码无效。',
  birth_date: '身份证号码中的出生日期不是有效日期。',
  future_birth_date: '身份证号码中的出生日期晚于今天。',
  check_digit: '身份证号码校验位不正确，请核对后重新输入。',
};

/** Full years of age on `today` (Asia/Shanghai) for a birth date `YYYY-MM-DD`. */
export function ageOn(birthDate: string, today: Date): number {
  const [ty, tm, td] = shanghaiDate(today).split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Adulthood under Chinese civil law (民法典 第十七条). */
export const ADULT_AGE = 18;

export const RELATIONSHIPS = [
  'child',
  'parent',
  'spouse',
  'grandchild',
  'grandparent',
  'sibling',
  'ward',
  'other',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/**
 * ID-6: who may act for a minor — their guardian. We accept the relationships under which the account
 * holder can be a guardian of the dependent (民法典 第二十七条: parents first, then grandparents, adult
 * siblings, or a person appointed — 'ward').
 */
export function canBeGuardianOf(relationship: Relationship): boolean {
  return (
    relationship === 'child' ||
    relationship === 'grandchild' ||
    relationship === 'sibling' ||
    relationship === 'ward'
  );
}

/** Mainland mobile numbers: 11 digits starting with 1[3-9]. */
export function isMobilePhone(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone);
}

/** A person's name as on the ID card: 2–30 characters of Chinese, letters, middle dot or spaces. */
export function isPersonName(name: string): boolean {
  return /^[\p{Script=Han}A-Za-z·•. ]{2,30}$/u.test(name) && name.trim() === name;
}
