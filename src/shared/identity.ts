/**
 * Pure identity rules shared by the server and the web app: roles, resident ID numbers (ID-2), ages and
 * guardianship (ID-6), phone and name shapes; and the identity API's contract (TypeBox schemas the
 * routes validate with, `Static` types the web reads). No Node or browser API here.
 */
import { type Static, Type } from 'typebox';
import { ConsentBody, ConsentState } from './consent.js';
import { page, Sex, Uuid } from './http.js';

export const ROLES = [
  'patient',
  'doctor',
  'nurse',
  'pharmacist',
  'pharmacy_staff',
  'org_admin',
  'regulator',
  'insurer',
  // DJ-8 三权分立: the platform's three administrators; no account holds two of them.
  'system_admin',
  'security_admin',
  'audit_admin',
] as const;
/** DJ-8: the three separated administrator roles. */
export const ADMIN_ROLES = ['system_admin', 'security_admin', 'audit_admin'] as const;
export const Role = Type.Enum(ROLES);
export type Role = Static<typeof Role>;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * ID-2: the first two digits of a region code are a province-level division of GB/T 2260; 71 is
 * Taiwan, 81 and 82 the residence permits of Hong Kong and Macao residents (region 810000, 820000),
 * 83 that of Taiwan residents (830000) — 港澳台居民居住证 carry a number of the same form.
 */
const PROVINCES = new Set(
  [
    '11 12 13 14 15', // 华北
    '21 22 23', // 东北
    '31 32 33 34 35 36 37', // 华东
    '41 42 43 44 45 46', // 中南
    '50 51 52 53 54', // 西南
    '61 62 63 64 65', // 西北
    '71 81 82 83', // 台湾，港澳台居民居住证
  ].flatMap((group) => group.split(' ')),
);
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
  // ID-2: the region code starts with a province of GB/T 2260, then a city and county part.
  if (!PROVINCES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };
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
export const Relationship = Type.Enum(RELATIONSHIPS);
export type Relationship = Static<typeof Relationship>;

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

// --- The identity API's contract (/auth, /me, /patients).

export const Phone = Type.String({
  pattern: '^1[3-9][0-9]{9}$',
  description: '中国大陆手机号（11 位）',
  examples: ['13800000001'],
});
const Name = Type.String({ minLength: 1, maxLength: 30, description: '与身份证一致的姓名' });
const IdNumber = Type.String({ minLength: 1, maxLength: 32, description: '18 位居民身份证号码' });
const Otp = Type.String({ pattern: '^[0-9]{6}$', description: '6 位短信验证码' });

export const OtpBody = Type.Object({ phone: Phone }, { additionalProperties: false });
export type OtpBody = Static<typeof OtpBody>;

/** What a call that sends an SMS code answers (202); `devCode` only in demo mode. */
export const CodeSent = Type.Object({
  sent: Type.Boolean(),
  devCode: Type.Optional(Type.String({ description: '仅演示模式：发出的短信验证码' })),
});
export type CodeSent = Static<typeof CodeSent>;

// Exactly one of password or otp; the route checks it so the validation error names the field.
export const LoginBody = Type.Object(
  {
    phone: Phone,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    otp: Type.Optional(Otp),
    /** SEC-1: needed when an SMS login registers a new account (else PRIVACY_CONSENT_REQUIRED); recorded when given. */
    consent: Type.Optional(ConsentBody),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const LoginResult = Type.Object({
  token: Type.String(),
  user: Type.Object({ id: Uuid, name: Type.String(), roles: Type.Array(Role) }),
});
export type LoginResult = Static<typeof LoginResult>;

/** GET /me: the account, its institution and practitioner record (staff), its patient record. */
export const Me = Type.Object({
  id: Uuid,
  name: Type.String(),
  roles: Type.Array(Role),
  phone: Type.String({ description: '脱敏手机号，如 138****0001' }),
  institutionId: Type.Optional(Uuid),
  institutionName: Type.Optional(Type.String()),
  /** Set for a doctor, nurse or pharmacist: their practitioner record. */
  practitionerId: Type.Optional(Uuid),
  realNameVerified: Type.Boolean(),
  patientId: Type.Optional(Uuid),
  idNumber: Type.Optional(Type.String({ description: '脱敏身份证号，如 1101**********1234' })),
  birthDate: Type.Optional(Type.String()),
  sex: Type.Optional(Sex),
  /** SEC-1: a patient account's consent; the app asks again while `required`. */
  consent: Type.Optional(ConsentState),
});
export type Me = Static<typeof Me>;

export const RealNameBody = Type.Object({ name: Name, idNumber: IdNumber }, { additionalProperties: false });
export type RealNameBody = Static<typeof RealNameBody>;

/** A person the account acts for (亲情账户, ID-6). */
export const Dependent = Type.Object({
  id: Uuid,
  patientId: Uuid,
  name: Type.String(),
  idNumber: Type.String({ description: '脱敏身份证号' }),
  birthDate: Type.String(),
  sex: Sex,
  age: Type.Integer(),
  relationship: Relationship,
  status: Type.Enum(['active', 'pending_confirmation'] as const),
  isMinor: Type.Boolean(),
  isGuardian: Type.Boolean(),
  devCode: Type.Optional(Type.String({ description: '仅演示模式：发给成年就诊人的确认验证码' })),
});
export type Dependent = Static<typeof Dependent>;
export const DependentPage = page(Dependent);

export const DependentBody = Type.Object(
  { name: Name, idNumber: IdNumber, relationship: Relationship, phone: Type.Optional(Phone) },
  { additionalProperties: false },
);
export type DependentBody = Static<typeof DependentBody>;

export const ConfirmDependentBody = Type.Object({ code: Otp }, { additionalProperties: false });
export type ConfirmDependentBody = Static<typeof ConfirmDependentBody>;

/** GET /patients/{id}: the patient as its holder or an active proxy sees it. */
export const PatientProfile = Type.Object({
  id: Uuid,
  name: Type.String(),
  idNumber: Type.String({ description: '脱敏身份证号；未实名时为空串' }),
  birthDate: Type.String({ description: '未实名时为空串' }),
  sex: Type.Union([Sex, Type.Literal('')], { description: '未实名时为空串' }),
  age: Type.Integer(),
  relation: Type.Enum(['self', 'proxy'] as const),
});
export type PatientProfile = Static<typeof PatientProfile>;

// --- 账户偏好 ([8/12]): kept per account on the server, so they follow the person to any device.

/** From this age 长辈模式 is on until the account holder says otherwise, and the app asks once. */
export const ELDERLY_AGE = 65;

/** GET/PUT /me/preferences. */
export const Preferences = Type.Object({
  elderlyMode: Type.Boolean({ description: '长辈模式是否开启（未回答时：年满 65 岁为开启）' }),
  elderlyModeAnswered: Type.Boolean({ description: '账户持有人是否已回答过“是否开启长辈模式？”' }),
  askElderlyMode: Type.Boolean({ description: '年满 65 岁且尚未回答：首页询问一次' }),
  currentPatientId: Type.Union([Uuid, Type.Null()], {
    description: '当前就诊人：null 为本人，否则为已生效代理的就诊人（ID-6）',
  }),
});
export type Preferences = Static<typeof Preferences>;

export const PreferencesBody = Type.Object(
  {
    elderlyMode: Type.Optional(Type.Boolean()),
    currentPatientId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PreferencesBody = Static<typeof PreferencesBody>;
