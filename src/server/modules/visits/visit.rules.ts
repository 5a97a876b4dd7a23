/**
 * Pure rules of online visits: who may be seen online for what (VISIT-1, VISIT-6, PILOT-1, PILOT-2,
 * ORG-1, ORG-5), the lifecycle's allowed moves, and fees. No database here; the service feeds them rows.
 */
import type { VisitStatus, VisitType } from '../../../shared/visits.js';
import { identityErrors } from '../identity/identity.errors.js';
import { defaultFeeFen } from '../scheduling/scheduling.api.js';
import { visitErrors } from './visits.errors.js';

export type FirstVisitRefusal =
  | 'no_pilot_scope'
  | 'pilot_not_started'
  | 'pilot_ended'
  | 'not_whitelisted'
  | 'practice_years'
  | 'title'
  | 'online_follow_up_years'
  | 'training';

export type DoctorRefusal =
  | 'suspended'
  | 'institution_suspended'
  | 'licence'
  | 'not_registered_online'
  | 'wrong_kind'
  | 'offline';

const FIRST_VISIT_WORDING: Record<FirstVisitRefusal, string> = {
  no_pilot_scope: '该机构的该专业未列入互联网首诊试点范围（PILOT-1）。',
  pilot_not_started: '该专业的互联网首诊试点尚未开始。',
  pilot_ended: '该专业的互联网首诊试点已结束。',
  not_whitelisted: '该医生不在本机构互联网首诊医生白名单内（PILOT-2）。',
  practice_years: '该医生独立执业不满 3 年，不能开展互联网首诊（PILOT-2）。',
  title: '互联网首诊需由主治医师及以上职称的医生开展（PILOT-2）。',
  online_follow_up_years: '该医生开展互联网复诊不满 1 年，不能开展互联网首诊（PILOT-2）。',
  training: '该医生尚未通过本机构互联网首诊培训考核（PILOT-2）。',
};

const DOCTOR_WORDING: Record<DoctorRefusal, string> = {
  suspended: '该医生已被暂停执业，暂不能接诊（ORG-5）。',
  institution_suspended: '该医生所在机构已被暂停服务（ORG-5）。',
  licence: '该医生的执业证书不在有效期内（ORG-1）。',
  not_registered_online: '该医生未在本机构备案开展互联网诊疗（ORG-1, ORG-2）。',
  wrong_kind: '该医务人员不能提供此类问诊（护理咨询由护士提供，其他由医生提供）。',
  offline: '该科室当前没有在线接诊的医生，请稍后再试或预约。',
};

export const firstVisitNotAllowed = (reason: FirstVisitRefusal) =>
  visitErrors.firstVisitNotAllowed(FIRST_VISIT_WORDING[reason], { reason });

export const doctorNotAvailable = (reason: DoctorRefusal, detail = DOCTOR_WORDING[reason]) =>
  visitErrors.doctorNotAvailable(detail, { reason });

export const followUpRequiresOfflineDiagnosis = (detail?: string) =>
  visitErrors.followUpRequiresOfflineDiagnosis(detail);

/** ID-6, PILOT-3: identity's code, with what the guardian has to do here. */
export const guardianRequired = (detail: string) => identityErrors.guardianRequired(detail);

/** The doctor's side of a first visit (PILOT-2): the bar is checked from the directory, not trusted. */
export interface DoctorFacts {
  kind: string;
  title: string | null;
  status: string;
  institutionStatus: string;
  offersOnline: boolean;
  /** Registered at the visit's institution: home institution or a filed second site (ORG-2). */
  registeredAtInstitution: boolean;
  internetHospital: boolean;
  /** Practitioner licence valid on the day. */
  licenceValid: boolean;
  /** Start of independent practice, `YYYY-MM-DD` (the practitioner licence's first day). */
  practiceSince: string;
  onlineFollowUpSince: number | null;
  firstVisitTrained: boolean;
}

export function doctorRefusal(d: DoctorFacts, type: VisitType): DoctorRefusal | null {
  if (d.status !== 'active') return 'suspended';
  if (d.institutionStatus !== 'active') return 'institution_suspended';
  if (!d.licenceValid) return 'licence';
  if (!d.offersOnline || !d.registeredAtInstitution || !d.internetHospital) return 'not_registered_online';
  const wantsNurse = type === 'nursing_consultation';
  if (wantsNurse ? d.kind !== 'nurse' : d.kind !== 'doctor') return 'wrong_kind';
  return null;
}

const TITLE_RANK: Record<string, number> = { resident: 1, attending: 2, associate_chief: 3, chief: 4 };

/** Whole years from `since` (YYYY-MM-DD) to `today` (YYYY-MM-DD). */
export function fullYears(since: string, today: string): number {
  const [y1, m1, d1] = since.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = today.split('-').map(Number) as [number, number, number];
  let years = y2 - y1;
  if (m2 < m1 || (m2 === m1 && d2 < d1)) years -= 1;
  return years;
}

/** PILOT-2: the unmet condition of the first-visit bar, or null when the doctor meets it. */
export function firstVisitBarRefusal(d: DoctorFacts, today: string): FirstVisitRefusal | null {
  return firstVisitBar(d, today).find((c) => !c.met)?.condition ?? null;
}

/** Every condition of the bar with whether it holds (for the whitelist page). */
export type BarRefusal = 'practice_years' | 'title' | 'online_follow_up_years' | 'training';

export function firstVisitBar(d: DoctorFacts, today: string): { condition: BarRefusal; met: boolean }[] {
  const year = Number(today.slice(0, 4));
  return [
    { condition: 'practice_years', met: d.licenceValid && fullYears(d.practiceSince, today) >= 3 },
    { condition: 'title', met: (TITLE_RANK[d.title ?? ''] ?? 0) >= TITLE_RANK.attending! },
    {
      condition: 'online_follow_up_years',
      met: d.onlineFollowUpSince !== null && year - d.onlineFollowUpSince >= 1,
    },
    { condition: 'training', met: d.firstVisitTrained },
  ];
}

export interface PilotScopeFacts {
  startsOn: string;
  endsOn: string;
  revoked: boolean;
}

/** PILOT-1: is a first visit open at this institution × specialty on `today`? */
export function pilotRefusal(scopes: PilotScopeFacts[], today: string): FirstVisitRefusal | null {
  const live = scopes.filter((s) => !s.revoked);
  if (live.length === 0) return 'no_pilot_scope';
  if (live.some((s) => s.startsOn <= today && today <= s.endsOn)) return null;
  return live.some((s) => s.startsOn > today) ? 'pilot_not_started' : 'pilot_ended';
}

/** ICD-10 category (3 characters): a follow-up is "the same condition" within a category (VISIT-1). */
export function icdCategory(code: string): string {
  return code.trim().toUpperCase().replace('.', '').slice(0, 3);
}

/** VISIT-6: consultations give advice only; no diagnosis. */
export function mayDiagnose(type: VisitType): boolean {
  return type === 'follow_up' || type === 'first_visit';
}

/** Fee of an on-demand visit in fen; booked visits carry their schedule's fee (INS-3: priced like offline). */
export function visitFeeFen(type: VisitType, title: string | null): number {
  if (type === 'consultation') return 2_000;
  if (type === 'nursing_consultation') return 1_500;
  return defaultFeeFen(title);
}

/** The lifecycle's moves: from which states each action may be taken. */
export const MOVES = {
  pay: ['requested'],
  openQueue: ['paid'],
  start: ['waiting'],
  complete: ['in_progress'],
  cancel: ['requested', 'paid', 'waiting'],
  expire: ['paid', 'waiting'],
  referOffline: ['waiting', 'in_progress'],
} as const satisfies Record<string, readonly VisitStatus[]>;

export function canMove(action: keyof typeof MOVES, status: string): boolean {
  return (MOVES[action] as readonly string[]).includes(status);
}

/** Refund on referral (VISIT-3), in fen, by the configured percentage. */
export function referRefundFen(feeFen: number, percent: number): number {
  return Math.floor((feeFen * Math.max(0, Math.min(100, percent))) / 100);
}

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export const invalidDate = (text: string) => visitErrors.invalidDate(`“${text}”不是有效的日期。`);
