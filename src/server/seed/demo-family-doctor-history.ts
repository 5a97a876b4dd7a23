/**
 * [12/12] A year of chronic follow-up for the demo (FD-7, FD-8), made the way the running system would have
 * made it: home readings day by day, each classified by followup.rules.ts and applied to the resident's
 * plan as readings.service / followups.service apply them (the streak, adjust and refer follow-ups within
 * the recheck days, refer alerts), and the team doing its follow-ups on the days the demo's script says.
 * The result is rows for the tables, consistent with the other parts' state machines; nothing is written
 * here. Deterministic: a seeded generator, no Math.random.
 */
import type {
  Classification,
  Condition,
  FollowupAction,
  FollowupRecord,
} from '../../shared/family-doctor.js';
import {
  addDays,
  classifyBp,
  classifyGlucose,
  countsForPlan,
  followupDueOn,
  intervalDays,
  nextAction,
  reasonOf,
  scheduledDueDates,
} from '../modules/family-doctor/followup.rules.js';
import { followupTitle } from '../modules/family-doctor/followup.views.js';
import type { FamilyDoctorSettings } from '../platform/config.js';
import { newId } from '../platform/ids.js';

/** mulberry32: a small seeded generator, the same numbers on every start. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An instant on an Asia/Shanghai day at hh:mm. */
export const at = (day: string, time: string) => new Date(`${day}T${time}:00+08:00`);
const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

export interface ReadingRow {
  id: string;
  patient_id: string;
  kind: 'bp' | 'glucose';
  systolic: number | null;
  diastolic: number | null;
  pulse: number | null;
  glucose_tenths: number | null;
  glucose_timing: 'fasting' | null;
  classification: Classification;
  measured_at: Date;
  source: 'patient' | 'staff';
  entered_by: string;
  created_at: Date;
}

export interface FollowupRow {
  id: string;
  plan_id: string;
  patient_id: string;
  team_id: string;
  reason: 'scheduled' | 'adjust' | 'refer' | 'urgent';
  referral_id: null;
  title: string;
  due_on: string;
  status: 'due' | 'done' | 'cancelled';
  method: 'clinic' | null;
  record: FollowupRecord | null;
  classification: Classification | null;
  action: FollowupAction | null;
  done_at: Date | null;
  done_by: string | null;
  created_at: Date;
}

export interface AlertRow {
  id: string;
  patient_id: string;
  team_id: string;
  reading_id: string | null;
  level: 'refer' | 'urgent';
  reason: string;
  created_at: Date;
  handled_at: Date | null;
  handled_by: string | null;
  handled_note: string | null;
}

export interface PlanRow {
  id: string;
  patient_id: string;
  team_id: string;
  condition: Condition;
  started_on: string;
  status: 'active';
  last_classification: Classification | null;
  uncontrolled_streak: number;
  created_at: Date;
  updated_at: Date;
}

/** One resident's script: who, the plans, the readings and how the team works their follow-ups. */
export interface ResidentScript {
  patientId: string;
  teamId: string;
  /** The account home readings are entered by (the resident's own, or their proxy's on some days). */
  readerAccountIds: string[];
  conditions: Condition[];
  /** The contract's first day: the plans start then; earlier readings are history only. */
  startsOn: string;
  /** Home readings from this day (none when null). */
  readingsFrom: string | null;
  /** Days (inclusive ranges) when blood pressure or fasting glucose runs uncontrolled. */
  bpHigh: [string, string][];
  glucoseHigh: [string, string][];
  /** The last this many blood-pressure readings are uncontrolled (the open refer alert of the demo). */
  lastBpHigh: number;
  /** Per scheduled follow-up (by its index in the year's schedule): done this many days late, or skipped. */
  scheduledLate: Record<number, number | 'skip'>;
  /** Who does the follow-ups: the practitioner and their account. */
  doctor: { practitionerId: string; accountId: string };
  seed: number;
}

export interface History {
  plans: PlanRow[];
  readings: ReadingRow[];
  followups: FollowupRow[];
  alerts: AlertRow[];
  /** Follow-ups whose result asked for a referral (the demo makes one upward referral of the first). */
  referAt: { patientId: string; condition: Condition; at: Date; followup: FollowupRow }[];
}

const RANK = { scheduled: 0, care_plan: 0, adjust: 1, refer: 2, urgent: 3 } as const;

/**
 * Runs the script from its first reading day to yesterday (readings at 07:30, follow-ups at 10:00) and
 * returns the rows. `today` is the Asia/Shanghai day of the seed.
 */
export function simulate(s: ResidentScript, today: string, settings: FamilyDoctorSettings): History {
  const rnd = seeded(s.seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const t = settings.thresholds;
  const inRange = (ranges: [string, string][], day: string) => ranges.some(([a, b]) => day >= a && day <= b);
  const out: History = { plans: [], readings: [], followups: [], alerts: [], referAt: [] };
  const planOf = new Map<Condition, PlanRow>();
  const created = at(s.startsOn, '09:10');
  const schedule = scheduledDueDates(s.startsOn, settings.followupsPerYear);
  /** The planned (due) days of the year's schedule and how late each is done. */
  const lateness = new Map<string, number | 'skip'>();
  for (const c of s.conditions) {
    const plan: PlanRow = {
      id: newId(),
      patient_id: s.patientId,
      team_id: s.teamId,
      condition: c,
      started_on: s.startsOn,
      status: 'active',
      last_classification: null,
      uncontrolled_streak: 0,
      created_at: created,
      updated_at: created,
    };
    planOf.set(c, plan);
    out.plans.push(plan);
    schedule.forEach((due, i) => {
      lateness.set(due, s.scheduledLate[i] ?? 0);
      out.followups.push(newFollowup(plan, 'scheduled', due, created));
    });
  }

  const bp = (high: boolean) =>
    high
      ? { systolic: pick(142, 158), diastolic: pick(86, 96) }
      : { systolic: pick(118, 136), diastolic: pick(70, 86) };
  const glucose = (high: boolean) => (high ? pick(73, 84) : pick(55, 68));

  function newFollowup(plan: PlanRow, reason: FollowupRow['reason'], due: string, when: Date): FollowupRow {
    return {
      id: newId(),
      plan_id: plan.id,
      patient_id: plan.patient_id,
      team_id: plan.team_id,
      reason,
      referral_id: null,
      title: followupTitle(reason, plan.condition, 'zh-CN'),
      due_on: due,
      status: 'due',
      method: null,
      record: null,
      classification: null,
      action: null,
      done_at: null,
      done_by: null,
      created_at: when,
    };
  }

  /** followups.service applyResult: the plan's streak, a follow-up within the recheck days, an alert. */
  function apply(
    plan: PlanRow,
    c: Classification,
    day: string,
    when: Date,
    source: 'reading' | 'followup',
    readingId: string | null,
  ): FollowupAction {
    const { action, streak } = nextAction(plan.uncontrolled_streak, c);
    plan.uncontrolled_streak = streak;
    plan.last_classification = c;
    plan.updated_at = when;
    const reason = reasonOf(action);
    const due = followupDueOn(action, day, settings.recheckDays, source);
    if (!reason || !due) return action;
    const sooner = out.followups
      .filter((f) => f.plan_id === plan.id && f.status === 'due' && f.due_on <= due)
      .sort((a, b) => a.due_on.localeCompare(b.due_on))[0];
    if (sooner) {
      if (sooner.reason !== 'scheduled' && RANK[sooner.reason] < RANK[reason]) {
        sooner.reason = reason;
        sooner.title = followupTitle(reason, plan.condition, 'zh-CN');
      }
    } else out.followups.push(newFollowup(plan, reason, due, when));
    if (action === 'adjust') return action;
    const level = action === 'refer' ? 'refer' : 'urgent';
    const open = out.alerts.some(
      (a) => a.patient_id === s.patientId && a.team_id === s.teamId && a.handled_at === null,
    );
    if (level === 'urgent' || !open)
      out.alerts.push({
        id: newId(),
        patient_id: s.patientId,
        team_id: s.teamId,
        reading_id: readingId,
        level,
        reason: `${source}_${level}`,
        created_at: when,
        handled_at: null,
        handled_by: null,
        handled_note: null,
      });
    return action;
  }

  /** followups.service completeFollowup: measured at the clinic, kept as readings, the result applied. */
  function complete(plan: PlanRow, f: FollowupRow, day: string) {
    const when = at(day, '10:00');
    const record: FollowupRecord = { method: 'clinic', adherence: 'regular' };
    let c: Classification | null = null;
    if (plan.condition === 'hypertension') {
      const v = bp(inRange(s.bpHigh, day));
      Object.assign(record, { ...v, heartRate: pick(64, 82), medication: '苯磺酸氨氯地平片 5 mg 每日一次' });
      c = classifyBp(v.systolic, v.diastolic, t);
      out.readings.push(reading('bp', v, null, c, when, 'staff', s.doctor.accountId));
    } else {
      const tenths = glucose(inRange(s.glucoseHigh, day));
      Object.assign(record, { fastingGlucoseMmol: tenths / 10, medication: '二甲双胍片 0.5 g 每日两次' });
      c = classifyGlucose(tenths, 'fasting', t);
      out.readings.push(reading('glucose', null, tenths, c, when, 'staff', s.doctor.accountId));
    }
    record.advice =
      c === 'controlled'
        ? '控制满意，继续目前治疗，低盐低脂饮食，规律监测。'
        : '控制不满意，已调整治疗，两周内复查；如有头痛、胸闷、视物模糊立即就医。';
    for (const o of out.followups)
      if (o.plan_id === plan.id && o.status === 'due' && o.id !== f.id && o.reason !== 'scheduled')
        o.status = 'cancelled';
    f.status = 'done';
    const action = apply(plan, c, day, when, 'followup', null);
    Object.assign(f, {
      method: 'clinic',
      record,
      classification: c,
      action,
      done_at: when,
      done_by: s.doctor.practitionerId,
    });
    if (action === 'refer' || action === 'urgent_referral')
      out.referAt.push({ patientId: s.patientId, condition: plan.condition, at: when, followup: f });
    if (!out.followups.some((o) => o.plan_id === plan.id && o.status === 'due'))
      out.followups.push(
        newFollowup(plan, 'scheduled', addDays(day, intervalDays(settings.followupsPerYear)), when),
      );
    // The team deals with the resident's open alerts at the visit (called, adjusted, referred).
    for (const a of out.alerts)
      if (a.patient_id === s.patientId && a.handled_at === null) {
        a.handled_at = when;
        a.handled_by = s.doctor.practitionerId;
        a.handled_note = action === 'refer' ? '已面对面随访并办理上转。' : '已面对面随访，调整治疗。';
      }
  }

  function reading(
    kind: 'bp' | 'glucose',
    v: { systolic: number; diastolic: number } | null,
    tenths: number | null,
    c: Classification,
    when: Date,
    source: 'patient' | 'staff',
    by: string,
  ): ReadingRow {
    return {
      id: newId(),
      patient_id: s.patientId,
      kind,
      systolic: v?.systolic ?? null,
      diastolic: v?.diastolic ?? null,
      pulse: v ? pick(62, 84) : null,
      glucose_tenths: tenths,
      glucose_timing: tenths === null ? null : 'fasting',
      classification: c,
      measured_at: when,
      source,
      entered_by: by,
      created_at: when,
    };
  }

  // The last blood-pressure reading days (Monday and Thursday mornings) before today.
  const bpDays: string[] = [];
  if (s.readingsFrom)
    for (let d = s.readingsFrom; d < today; d = addDays(d, 1))
      if ([1, 4].includes(weekday(d))) bpDays.push(d);
  const lastHigh = new Set(s.lastBpHigh > 0 ? bpDays.slice(-s.lastBpHigh) : []);

  const first = s.readingsFrom && s.readingsFrom < s.startsOn ? s.readingsFrom : s.startsOn;
  for (let day = first; day < today; day = addDays(day, 1)) {
    const wd = weekday(day);
    if (s.readingsFrom && day >= s.readingsFrom) {
      const by = s.readerAccountIds[pick(0, 9) < 8 ? 0 : s.readerAccountIds.length - 1]!;
      if (wd === 1 || wd === 4) {
        const v = bp(inRange(s.bpHigh, day) || lastHigh.has(day));
        if (lastHigh.has(day) && bpDays.at(-1) === day) Object.assign(v, { systolic: 165, diastolic: 100 });
        const c = classifyBp(v.systolic, v.diastolic, t);
        const r = reading('bp', v, null, c, at(day, '07:30'), 'patient', by);
        out.readings.push(r);
        const plan = planOf.get('hypertension');
        if (plan && day >= s.startsOn && countsForPlan('bp', null, c))
          apply(plan, c, day, r.measured_at, 'reading', r.id);
      }
      if (wd === 0) {
        const tenths = glucose(inRange(s.glucoseHigh, day));
        const c = classifyGlucose(tenths, 'fasting', t);
        const r = reading('glucose', null, tenths, c, at(day, '07:00'), 'patient', by);
        out.readings.push(r);
        const plan = planOf.get('diabetes');
        if (plan && day >= s.startsOn && countsForPlan('glucose', 'fasting', c))
          apply(plan, c, day, r.measured_at, 'reading', r.id);
      }
    }
    for (const plan of out.plans) {
      const todo = out.followups.filter((f) => {
        if (f.plan_id !== plan.id || f.status !== 'due') return false;
        if (f.reason !== 'scheduled') return addDays(f.due_on, -2) === day;
        const late = lateness.get(f.due_on) ?? 0;
        return late !== 'skip' && addDays(f.due_on, late) === day;
      });
      for (const f of todo) if (f.status === 'due') complete(plan, f, day);
    }
  }
  return out;
}
