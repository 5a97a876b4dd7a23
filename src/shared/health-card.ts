/**
 * 电子健康卡 ([8/12]): the contract of the electronic health card — the patient's card with its QR code,
 * refreshed every minute, and the staff's verification of a scanned code. Browser-safe: TypeBox only.
 */
import { type Static, Type } from 'typebox';
import { Sex, Uuid } from './http.js';

/** How often a card's QR code changes; a code is accepted in its own minute and the next. */
export const HEALTH_CARD_REFRESH_MS = 60_000;

export const HealthCardParams = Type.Object({ patientId: Uuid });

export const HealthCard = Type.Object({
  patientId: Uuid,
  /** The card number with only its first and last four digits shown. */
  cardNoMasked: Type.String(),
  /** The holder's name masked (张*): the screen may be seen by others at the counter. */
  nameMasked: Type.String(),
  /** The text of the QR code: `YYHC1.<cardId>.<minute>.<mac>` (docs/identity.md). */
  qr: Type.String(),
  /** When the app should fetch the next code (the start of the next minute). */
  refreshAt: Type.String({ format: 'date-time' }),
  /** When this code stops being accepted (the end of the next minute). */
  expiresAt: Type.String({ format: 'date-time' }),
  issuedAt: Type.String({ format: 'date-time', description: '发卡时间' }),
});
export type HealthCard = Static<typeof HealthCard>;

export const HealthCardVerifyBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 200, description: '扫码枪或摄像头读出的二维码内容' }),
});
export type HealthCardVerifyBody = Static<typeof HealthCardVerifyBody>;

export const VerifiedHealthCard = Type.Object({
  patientId: Uuid,
  cardNo: Type.String(),
  name: Type.String(),
  sex: Type.Union([Sex, Type.Null()]),
  /** Whole years on the day of the scan (Asia/Shanghai). */
  age: Type.Union([Type.Integer(), Type.Null()]),
  idNumberMasked: Type.Union([Type.String(), Type.Null()]),
  verifiedAt: Type.String({ format: 'date-time' }),
});
export type VerifiedHealthCard = Static<typeof VerifiedHealthCard>;
