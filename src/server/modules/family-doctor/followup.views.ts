/**
 * Chronic follow-up's rows as the contract shows them (src/shared/family-doctor.ts): readings, plans,
 * follow-ups and alerts, with the names a page needs fetched once per page; and the server-made texts of
 * this part (the advice a resident gets after a reading, a follow-up's title, an alert's reason) in zh-CN
 * and en-US from the same facts (docs/architecture.md, "Server-made text"): the rows keep codes, the reader's
 * Accept-Language picks the language.
 */
import type { Selectable } from 'kysely';
import type {
  AlertView,
  Classification,
  Condition,
  FollowupAction,
  FollowupRecord,
  FollowupView,
  PlanView,
  ReadingView,
} from '../../../shared/family-doctor.js';
import type { Executor } from '../../platform/db/database.js';
import type {
  FollowupPlanTable,
  FollowupTable,
  HomeReadingTable,
  ReadingAlertTable,
} from '../../platform/db/schema.js';
import { dayText, type Rendering, type TextLanguage } from '../../platform/texts.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { patientNames } from '../identity/identity.api.js';

export type ReadingRow = Selectable<HomeReadingTable>;
export type PlanRow = Selectable<FollowupPlanTable>;
export type FollowupRow = Selectable<FollowupTable>;
export type AlertRow = Selectable<ReadingAlertTable>;

// --- Texts

const CONDITION_TEXT: Record<Condition, [string, string]> = {
  hypertension: ['高血压', 'Hypertension'],
  diabetes: ['2型糖尿病', 'Type 2 diabetes'],
};
const REASON_TEXT: Record<FollowupRow['reason'], [string, string]> = {
  scheduled: ['定期随访', 'scheduled follow-up'],
  adjust: ['控制不满意复查（2 周内）', 'recheck after an uncontrolled result (within 2 weeks)'],
  refer: ['连续控制不满意：转诊并 2 周内随访', 'uncontrolled twice: refer and follow up within 2 weeks'],
  urgent: ['危急：立即转诊', 'urgent: refer now'],
  care_plan: ['下转康复随访', 'care-plan task'],
};
const pick = (pair: [string, string], lang: TextLanguage) => pair[lang === 'zh-CN' ? 0 : 1];

/** A follow-up's title: the care plan's own words for a care-plan task; otherwise made from its reason. */
export function followupTitle(
  reason: FollowupRow['reason'],
  condition: Condition | null,
  lang: TextLanguage,
): string {
  const what = pick(REASON_TEXT[reason], lang);
  if (!condition) return lang === 'zh-CN' ? `随访：${what}` : `Follow-up: ${what}`;
  const c = pick(CONDITION_TEXT[condition], lang);
  return lang === 'zh-CN' ? `${c}${what}` : `${c}: ${what}`;
}

type AdviceFacts = { action: FollowupAction; kind: 'bp' | 'glucose'; planned: boolean; dueOn: string | null };

/** What the resident reads after submitting a reading (ReadingResult.advice). */
export const ADVICE: Rendering<AdviceFacts, string> = {
  'zh-CN': (p) => {
    const what = p.kind === 'bp' ? '血压' : '血糖';
    if (p.action === 'urgent_referral')
      return `${what}读数达到危急水平。请立即就医（必要时拨打 120）；${p.planned ? '您的家庭医生团队已收到预警，会尽快联系您。' : '如有家庭医生，请同时告知。'}`;
    if (p.action === 'refer')
      return `${what}连续两次控制不满意。${p.planned ? `家庭医生团队会联系您安排转诊，并在 ${dayText(p.dueOn ?? '', 'zh-CN')} 前随访。` : '建议到医院专科就诊。'}`;
    if (p.action === 'adjust')
      return `${what}控制不满意。请按医嘱服药、注意饮食和休息，${p.planned ? `家庭医生会在 ${dayText(p.dueOn ?? '', 'zh-CN')} 前随访并调整治疗。` : '建议尽快咨询医生调整治疗。'}`;
    return `${what}读数在控制范围内，请继续按医嘱服药并定期测量。`;
  },
  'en-US': (p) => {
    const what = p.kind === 'bp' ? 'blood pressure' : 'blood glucose';
    if (p.action === 'urgent_referral')
      return `Your ${what} reading is at an urgent level. Seek care now (call 120 if needed); ${p.planned ? 'your family-doctor team has been alerted and will contact you soon.' : 'tell your family doctor too if you have one.'}`;
    if (p.action === 'refer')
      return `Your ${what} was uncontrolled twice in a row. ${p.planned ? `Your family-doctor team will arrange a referral and follow up by ${dayText(p.dueOn ?? '', 'en-US')}.` : 'Please see a specialist at a hospital.'}`;
    if (p.action === 'adjust')
      return `Your ${what} is not under control. Take your medicine as prescribed and mind your diet and rest; ${p.planned ? `your family doctor will follow up by ${dayText(p.dueOn ?? '', 'en-US')} and adjust the treatment.` : 'please ask a doctor soon about adjusting the treatment.'}`;
    return `Your ${what} reading is within the target. Keep taking your medicine and measuring regularly.`;
  },
};

/** Alert reasons are stored as codes (reading_refer …) and rendered for the reader. */
export const ALERT_REASONS: Record<string, [string, string]> = {
  reading_refer: [
    '居家读数连续两次控制不满意：请安排转诊并在 2 周内随访（FD-7/FD-8）',
    'Home readings uncontrolled twice in a row: refer and follow up within 2 weeks (FD-7/FD-8)',
  ],
  reading_urgent: [
    '居家读数达到危急水平：请立即联系居民并紧急转诊（FD-7/FD-8）',
    'Urgent home reading: contact the resident now and refer urgently (FD-7/FD-8)',
  ],
  followup_refer: [
    '随访连续两次控制不满意：请转诊并在 2 周内随访（FD-7/FD-8）',
    'Uncontrolled at two follow-ups in a row: refer and follow up within 2 weeks (FD-7/FD-8)',
  ],
  followup_urgent: [
    '随访测得危急值：须立即转诊（FD-7/FD-8）',
    'Urgent value at the follow-up: refer now (FD-7/FD-8)',
  ],
};
export const alertReasonText = (code: string, lang: TextLanguage) => {
  const pair = ALERT_REASONS[code];
  return pair ? pick(pair, lang) : code;
};

// --- Views

export function readingView(r: ReadingRow): ReadingView {
  return {
    id: r.id,
    kind: r.kind,
    systolic: r.systolic,
    diastolic: r.diastolic,
    pulse: r.pulse,
    glucoseMmol: r.glucose_tenths === null ? null : r.glucose_tenths / 10,
    glucoseTiming: r.glucose_timing,
    classification: r.classification,
    measuredAt: r.measured_at.toISOString(),
    source: r.source,
  };
}

/** Plans with their follow-ups done this (calendar) year and the next one due. */
export async function planViews(db: Executor, plans: PlanRow[], today: string): Promise<PlanView[]> {
  if (plans.length === 0) return [];
  const ids = plans.map((p) => p.id);
  const yearStart = new Date(`${today.slice(0, 4)}-01-01T00:00:00+08:00`);
  const [done, next] = await Promise.all([
    db
      .selectFrom('followup')
      .select(['plan_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('plan_id', 'in', ids)
      .where('status', '=', 'done')
      .where('done_at', '>=', yearStart)
      .groupBy('plan_id')
      .execute(),
    db
      .selectFrom('followup')
      .select(['plan_id', (eb) => eb.fn.min('due_on').as('due_on')])
      .where('plan_id', 'in', ids)
      .where('status', '=', 'due')
      .groupBy('plan_id')
      .execute(),
  ]);
  const doneBy = new Map(done.map((d) => [d.plan_id, Number(d.n)]));
  const nextBy = new Map(next.map((d) => [d.plan_id, d.due_on ? String(d.due_on) : null]));
  return plans.map((p) => ({
    id: p.id,
    patientId: p.patient_id,
    condition: p.condition,
    startedOn: p.started_on,
    status: p.status,
    lastClassification: p.last_classification,
    uncontrolledStreak: p.uncontrolled_streak,
    followupsThisYear: doneBy.get(p.id) ?? 0,
    nextDueOn: nextBy.get(p.id) ?? null,
  }));
}

/** A page of follow-ups with the residents' and the recorders' names and the plans' conditions. */
export async function followupViews(
  db: Executor,
  rows: FollowupRow[],
  today: string,
  lang: TextLanguage,
): Promise<FollowupView[]> {
  if (rows.length === 0) return [];
  const planIds = [...new Set(rows.map((r) => r.plan_id).filter((id): id is string => id !== null))];
  const [names, people, plans] = await Promise.all([
    patientNames(
      db,
      rows.map((r) => r.patient_id),
    ),
    practitionerProfiles(
      db,
      rows.map((r) => r.done_by).filter((id): id is string => id !== null),
    ),
    planIds.length === 0
      ? Promise.resolve([])
      : db.selectFrom('followup_plan').select(['id', 'condition']).where('id', 'in', planIds).execute(),
  ]);
  const conditionOf = new Map(plans.map((p) => [p.id, p.condition]));
  return rows.map((f) => {
    const condition = f.plan_id ? (conditionOf.get(f.plan_id) ?? null) : null;
    return {
      id: f.id,
      planId: f.plan_id,
      patientId: f.patient_id,
      patientName: names.get(f.patient_id) ?? '',
      teamId: f.team_id,
      condition,
      reason: f.reason,
      referralId: f.referral_id,
      title: f.reason === 'care_plan' ? f.title : followupTitle(f.reason, condition, lang),
      dueOn: f.due_on,
      overdue: f.status === 'due' && f.due_on < today,
      status: f.status,
      method: f.method,
      record: (f.record as FollowupRecord | null) ?? null,
      classification: f.classification as Classification | null,
      action: f.action,
      doneAt: f.done_at?.toISOString() ?? null,
      doneByName: f.done_by ? (people.get(f.done_by)?.name ?? null) : null,
    };
  });
}

export async function alertViews(db: Executor, rows: AlertRow[], lang: TextLanguage): Promise<AlertView[]> {
  if (rows.length === 0) return [];
  const readingIds = rows.map((r) => r.reading_id).filter((id): id is string => id !== null);
  const [names, people, readings] = await Promise.all([
    patientNames(
      db,
      rows.map((r) => r.patient_id),
    ),
    practitionerProfiles(
      db,
      rows.map((r) => r.handled_by).filter((id): id is string => id !== null),
    ),
    readingIds.length === 0
      ? Promise.resolve([])
      : db.selectFrom('home_reading').selectAll().where('id', 'in', readingIds).execute(),
  ]);
  const readingOf = new Map(readings.map((r) => [r.id, r]));
  return rows.map((a) => {
    const reading = a.reading_id ? readingOf.get(a.reading_id) : undefined;
    return {
      id: a.id,
      patientId: a.patient_id,
      patientName: names.get(a.patient_id) ?? '',
      level: a.level,
      reason: alertReasonText(a.reason, lang),
      reasonCode: a.reason,
      reading: reading ? readingView(reading) : null,
      createdAt: a.created_at.toISOString(),
      handledAt: a.handled_at?.toISOString() ?? null,
      teamId: a.team_id,
      handledByName: a.handled_by ? (people.get(a.handled_by)?.name ?? null) : null,
      handledNote: a.handled_note,
    };
  });
}
