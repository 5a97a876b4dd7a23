/** What the patient's visit pages share: refusal texts, tones, what a doctor offers online. */
import type { TFunction } from 'i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { VisitStatus, VisitType } from '../../../shared/visits.js';
import { ApiError } from '../../api.js';
import type { Tone } from '../../booking.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';

/** The doctor takes online visits of some kind (follow-ups, or first visits in a pilot). */
export function offersOnline(doctor: Practitioner): boolean {
  return doctor.offersOnlineFollowUp || doctor.offersOnlineFirstVisit;
}

export const VISIT_TONE: Record<VisitStatus, Tone> = {
  requested: 'warning',
  paid: 'primary',
  waiting: 'primary',
  in_progress: 'success',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
  referred_offline: 'warning',
};

/** Before the doctor starts, the patient side may still cancel (refunded). */
export function isVisitCancellable(status: VisitStatus): boolean {
  return status === 'requested' || status === 'paid' || status === 'waiting';
}

const VISIT_CODES = [
  'FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS',
  'FIRST_VISIT_NOT_ALLOWED',
  'GUARDIAN_REQUIRED',
  'DOCTOR_NOT_AVAILABLE',
  'NOT_YOUR_PATIENT',
] as const;
type VisitCode = (typeof VISIT_CODES)[number];

function isVisitCode(code: string): code is VisitCode {
  return (VISIT_CODES as readonly string[]).includes(code);
}

/**
 * The refusals of a visit request said plainly, with the unmet condition named (in the UI's language);
 * anything else as errors.ts says it.
 */
export function visitErrorText(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError) || !isVisitCode(error.code)) return errorText(error, t);
  const reason = error.extension('reason');
  if (error.code === 'FIRST_VISIT_NOT_ALLOWED' || error.code === 'DOCTOR_NOT_AVAILABLE') {
    const group = error.code === 'FIRST_VISIT_NOT_ALLOWED' ? 'firstVisitReason' : 'doctorReason';
    const known = reason && t(`visits.${group}.${reason}` as never, { defaultValue: '' });
    const said = known || (currentLanguage() === 'zh-CN' ? error.detail : undefined) || error.title;
    return t(`visits.errors.${error.code}`, { reason: String(said).replace(/[。.]$/, '') });
  }
  return t(`visits.errors.${error.code}`);
}

/** What a visit type allows to choose, in the order shown. */
export const TYPE_ORDER: readonly VisitType[] = ['follow_up', 'consultation', 'first_visit'];
