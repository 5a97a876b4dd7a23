/**
 * Staff passwords (DJ-2) and the second factor (DJ-6): the API contract the server's routes validate with
 * and the web's login and account-security pages read, plus the pure password rules both sides check (the
 * web for hints as the person types; the server decides, and also checks the bundled list of common
 * passwords and the account's password history). Browser-safe: TypeBox only, no Node API.
 */
import { type Static, Type } from 'typebox';
import { Nullable, Uuid } from './http.js';
import { Role } from './identity.js';

// --- Password policy (DJ-2).

/**
 * Why a password was refused (422 PASSWORD_POLICY, `rules` in the problem's body), a stable list:
 * - `too_short`: fewer characters than the policy's minimum length;
 * - `too_long`: more than 128 characters;
 * - `too_few_classes`: fewer of the four classes (lower case, upper case, digits, other) than required;
 * - `common`: on the bundled list of common passwords (compared case-insensitively);
 * - `contains_phone`: contains the account's phone number (or its last 8 digits);
 * - `reused`: the current password or one of the last `historyCount`;
 * - `wrong_current`: `current` is not the account's password (POST /me/password).
 */
export const PASSWORD_RULES = [
  'too_short',
  'too_long',
  'too_few_classes',
  'common',
  'contains_phone',
  'reused',
  'wrong_current',
] as const;
export const PasswordRule = Type.Enum(PASSWORD_RULES);
export type PasswordRule = Static<typeof PasswordRule>;

export const PASSWORD_MAX_LENGTH = 128;

/** The numbers a policy is made of (config.security.password; patients: the lighter patient numbers). */
export const PasswordPolicy = Type.Object({
  minLength: Type.Integer(),
  minClasses: Type.Integer({ description: '四类字符（小写、大写、数字、其他）中至少几类' }),
  /** Staff only: days after which the password must be changed at the next login (0: never). */
  maxAgeDays: Type.Integer(),
  /** How many earlier passwords may not be used again. */
  historyCount: Type.Integer(),
});
export type PasswordPolicy = Static<typeof PasswordPolicy>;

/** How many of the four classes a password uses: lower case, upper case, digits, anything else. */
export function passwordClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^a-zA-Z0-9]/.test(password)) n++;
  return n;
}

/**
 * The rules a password breaks that need no list or history: length, classes, the phone number. The
 * server adds `common` and `reused`. Characters are counted as code points (a Chinese character is one).
 */
export function passwordShapeProblems(
  password: string,
  policy: Pick<PasswordPolicy, 'minLength' | 'minClasses'>,
  phone?: string | null,
): PasswordRule[] {
  const rules: PasswordRule[] = [];
  const length = [...password].length;
  if (length < policy.minLength) rules.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) rules.push('too_long');
  if (passwordClasses(password) < policy.minClasses) rules.push('too_few_classes');
  if (phone && (password.includes(phone) || (phone.length >= 8 && password.includes(phone.slice(-8))))) {
    rules.push('contains_phone');
  }
  return rules;
}

/** Text for each rule, zh-CN and en (the problem body carries both; the web shows `zh`). */
export function passwordRuleText(
  rule: PasswordRule,
  policy: Pick<PasswordPolicy, 'minLength' | 'minClasses' | 'historyCount'>,
): { zh: string; en: string } {
  switch (rule) {
    case 'too_short':
      return {
        zh: `密码至少 ${policy.minLength} 位。`,
        en: `At least ${policy.minLength} characters.`,
      };
    case 'too_long':
      return {
        zh: `密码不超过 ${PASSWORD_MAX_LENGTH} 位。`,
        en: `At most ${PASSWORD_MAX_LENGTH} characters.`,
      };
    case 'too_few_classes':
      return {
        zh: `须包含小写字母、大写字母、数字、其他符号中的至少 ${policy.minClasses} 类。`,
        en: `Use at least ${policy.minClasses} of: lower case, upper case, digits, symbols.`,
      };
    case 'common':
      return { zh: '该密码过于常见，容易被猜中。', en: 'This password is too common.' };
    case 'contains_phone':
      return { zh: '密码不能包含手机号。', en: 'The password must not contain the phone number.' };
    case 'reused':
      return {
        zh: `不能使用当前密码或最近 ${policy.historyCount} 次用过的密码。`,
        en: `Do not reuse the current password or any of the last ${policy.historyCount}.`,
      };
    case 'wrong_current':
      return { zh: '当前密码不正确。', en: 'The current password is wrong.' };
  }
}

/** The body of a 422 PASSWORD_POLICY problem, besides the standard problem fields. */
export const PasswordPolicyProblem = Type.Object({
  rules: Type.Array(PasswordRule),
  messages: Type.Array(Type.Object({ rule: PasswordRule, zh: Type.String(), en: Type.String() })),
});
export type PasswordPolicyProblem = Static<typeof PasswordPolicyProblem>;

// --- Login with a second factor (DJ-6).

/** How a second factor may be answered. Passkeys (WebAuthn) are not built: see docs/identity.md. */
export const SECOND_FACTOR_METHODS = ['totp', 'sms', 'recovery'] as const;
export const SecondFactorMethod = Type.Enum(SECOND_FACTOR_METHODS);
export type SecondFactorMethod = Static<typeof SecondFactorMethod>;

const User = Type.Object({ id: Uuid, name: Type.String(), roles: Type.Array(Role) });

/** A login that opened a session (the password alone, an SMS login, or after the second factor). */
export const SessionGranted = Type.Object({
  token: Type.String(),
  user: User,
  /**
   * DJ-2: the password is an initial one or older than the policy allows. The token is then good only for
   * POST /me/password, GET /me and logout; everything else answers 403 PASSWORD_CHANGE_REQUIRED.
   */
  passwordChangeRequired: Type.Optional(Type.Boolean()),
  /** DJ-6, demo mode only: the account needs a second factor but has none enrolled, and it was skipped. */
  secondFactorSkipped: Type.Optional(Type.Literal('demo')),
});
export type SessionGranted = Static<typeof SessionGranted>;

/** The password was right and a second factor is needed: no token yet. */
export const SecondFactorChallenge = Type.Object({
  mfaRequired: Type.Literal(true),
  challengeId: Uuid,
  /** What this account may answer with: `totp` when enrolled, `sms` otherwise; `recovery` while codes are left. */
  methods: Type.Array(SecondFactorMethod),
  expiresAt: Type.String({ format: 'date-time' }),
  /** Masked phone an SMS code would go to, e.g. 136****0001. */
  phone: Type.String(),
});
export type SecondFactorChallenge = Static<typeof SecondFactorChallenge>;

/** POST /auth/login answers either. */
export const LoginAnswer = Type.Union([SessionGranted, SecondFactorChallenge]);

/** `GET /api/v1/auth/options`: what the login page says before anyone logs in (DJ-6: the demo-mode note). */
export const LoginOptions = Type.Object({
  /** Demo mode: demo accounts without an enrolled second factor log in with the password alone. */
  demo: Type.Boolean(),
});
export type LoginOptions = Static<typeof LoginOptions>;
export type LoginAnswer = Static<typeof LoginAnswer>;

export const SecondFactorBody = Type.Object(
  {
    challengeId: Uuid,
    method: SecondFactorMethod,
    /** 6 digits (TOTP, SMS) or a recovery code (xxxxx-xxxxx; case, spaces and dashes ignored). */
    code: Type.String({ minLength: 1, maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type SecondFactorBody = Static<typeof SecondFactorBody>;

/** POST /auth/login/second-factor/sms: send the SMS code for a challenge. */
export const SecondFactorSmsBody = Type.Object({ challengeId: Uuid }, { additionalProperties: false });
export type SecondFactorSmsBody = Static<typeof SecondFactorSmsBody>;

// --- The account's own security settings (/me/...).

export const ChangePasswordBody = Type.Object(
  {
    /** The current password; absent (or empty) only for a patient account that has none yet. */
    current: Type.Optional(Type.String({ maxLength: PASSWORD_MAX_LENGTH })),
    next: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** POST /me/totp: a new secret, pending until confirmed with a code from the app. */
export const TotpEnrolment = Type.Object({
  otpauthUrl: Type.String({ description: 'otpauth://totp/…，用于生成二维码' }),
  /** The same secret in base32, for typing it into an app by hand. */
  secret: Type.String(),
});
export type TotpEnrolment = Static<typeof TotpEnrolment>;

export const TotpConfirmBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$', description: '身份验证器上的 6 位动态码' }) },
  { additionalProperties: false },
);
export type TotpConfirmBody = Static<typeof TotpConfirmBody>;

/** POST /me/recovery-codes: new codes (earlier ones stop working), shown this once. */
export const RecoveryCodes = Type.Object({ codes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

/** GET /me/security: what the account-security page shows. */
export const AccountSecurity = Type.Object({
  isStaff: Type.Boolean(),
  passwordSet: Type.Boolean(),
  passwordChangedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Staff: when the password must be changed (null: no password, or no maximum age). */
  passwordExpiresAt: Nullable(Type.String({ format: 'date-time' })),
  passwordChangeRequired: Type.Boolean(),
  /** The policy this account's password must meet (staff or the lighter patient policy). */
  policy: PasswordPolicy,
  totpEnrolled: Type.Boolean(),
  totpEnrolledAt: Nullable(Type.String({ format: 'date-time' })),
  secondFactorRequired: Type.Boolean(),
  /** Why: the account's role, its institution's setting, or a factor it enrolled itself. */
  secondFactorReason: Nullable(Type.Enum(['role', 'institution', 'enrolled'] as const)),
  /** Demo mode: an account without an enrolled factor logs in with the password alone. */
  demoSkip: Type.Boolean(),
  recoveryCodesLeft: Type.Integer(),
});
export type AccountSecurity = Static<typeof AccountSecurity>;

// --- An institution's setting: do its doctors and pharmacists need a second factor (DJ-6)?

export const InstitutionMfaPolicy = Type.Object({
  institutionId: Uuid,
  doctors: Type.Boolean(),
  pharmacists: Type.Boolean(),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type InstitutionMfaPolicy = Static<typeof InstitutionMfaPolicy>;

export const InstitutionMfaPolicyBody = Type.Object(
  { doctors: Type.Optional(Type.Boolean()), pharmacists: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type InstitutionMfaPolicyBody = Static<typeof InstitutionMfaPolicyBody>;

/** Roles that always need a second factor (DJ-6); doctors and pharmacists by their institution's setting. */
export const MFA_ROLES = [
  'org_admin',
  'regulator',
  'insurer',
  'system_admin',
  'security_admin',
  'audit_admin',
] as const;
