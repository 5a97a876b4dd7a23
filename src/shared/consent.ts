/**
 * SEC-1 (个人信息保护法 第十四、二十八、二十九条): the consent an account gives at sign-up — the user
 * agreement, the privacy policy, and a separate consent to process sensitive personal information
 * (health data). The texts live in the web's i18n (legal.*); their version is this constant. Changing a
 * text means raising the version: every patient account is asked again before it continues.
 */
import { type Static, Type } from 'typebox';

/** The version of the texts in force (a date, compared for equality: anything else is asked again). */
export const CONSENT_VERSION = '2026-12-01';

/** What the person agreed to; each must be true (the separate sensitive-data consent is not implied). */
export const ConsentBody = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 32, description: '所同意文本的版本，须为当前版本' }),
    terms: Type.Boolean({ description: '同意《用户协议》' }),
    privacy: Type.Boolean({ description: '同意《隐私政策》' }),
    sensitive: Type.Boolean({ description: '单独同意处理健康信息等敏感个人信息' }),
  },
  { additionalProperties: false },
);
export type ConsentBody = Static<typeof ConsentBody>;

/** The account's consent as GET /me reports it; `required` when the recorded version is not the current. */
export const ConsentState = Type.Object({
  currentVersion: Type.String(),
  agreedVersion: Type.Union([Type.String(), Type.Null()]),
  agreedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  required: Type.Boolean(),
});
export type ConsentState = Static<typeof ConsentState>;

/** The body of someone who ticked every box for the current texts. */
export function agreeToCurrent(): ConsentBody {
  return { version: CONSENT_VERSION, terms: true, privacy: true, sensitive: true };
}
