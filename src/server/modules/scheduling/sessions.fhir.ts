/**
 * Scheduling's sessions as FHIR ([6/12]): Schedule (one 出诊排班: a practitioner's session at a department,
 * its horizon in Asia/Shanghai) and Slot (one numbered 号源 token of it, with its time window and quota
 * channel). Not patient data. Names only scheduling's tables; doctors' and departments' names come from
 * directory.api.
 */
import type { CodeableConcept, Schedule, Slot } from '@medplum/fhirtypes';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Mode } from '../../../shared/scheduling.js';
import {
  LOCAL_CS,
  lastChange,
  orValues,
  pageOrder,
  publicPage,
  ref,
  referencedIds,
  referenceParam,
  type SortKey,
  shanghaiDateTime,
  specialtyConcept,
  versionMeta,
} from '../../fhir/datatypes.js';
import { parseDate } from '../../fhir/search.js';
import { and, datesSql, isUuid, or, tokenValues, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider } from '../../fhir/types.js';
import {
  departmentFacts,
  parsePractitionerRoleId,
  practitionerProfiles,
  practitionerRoleId,
} from '../directory/directory.api.js';
import type { Channel } from './schedule.rules.js';

export const VISIT_MODE_SYSTEM = `${LOCAL_CS}/visit-mode`;

const MODES: Record<Mode, string> = {
  offline: '线下门诊',
  online_follow_up: '互联网复诊',
  online_first_visit: '互联网首诊',
  video: '视频问诊',
};
const CHANNELS: Record<Channel, string> = {
  public: '公开号源',
  referral: '转诊号源',
  partner: '合作机构号源',
};

/** 出诊方式 as a service type. */
export const serviceType = (mode: string): CodeableConcept[] => [
  {
    coding: [{ system: VISIT_MODE_SYSTEM, code: mode, display: MODES[mode as Mode] ?? mode }],
    text: MODES[mode as Mode] ?? mode,
  },
];
/** `specialty` of a resource, left out when unknown (FHIR JSON has no empty arrays). */
const specialtyOf = (s: string | undefined) => (s ? { specialty: [specialtyConcept(s)] } : {});

/** The session's start and end instants (its date and wall-clock times in Asia/Shanghai). */
const sessionStart = sql<Date>`((s.date + s.start_time) at time zone 'Asia/Shanghai')`;
const sessionEnd = sql<Date>`((s.date + s.end_time) at time zone 'Asia/Shanghai')`;

/** Names of the practitioners and departments of a page, in two queries (directory's own). */
export async function directoryNames(env: FhirEnv, practitionerIds: string[], departmentIds: string[]) {
  const [doctors, departments] = await Promise.all([
    practitionerProfiles(env.db, practitionerIds),
    departmentFacts(env.db, departmentIds),
  ]);
  return { doctors, departments };
}

// --- Schedule: one session ----------------------------------------------------------------------------

const scheduleUpdated = lastChange(sql.ref('s.created_at'));

function scheduleRows(env: FhirEnv) {
  return env.db
    .selectFrom('schedule as s')
    .select([
      's.id',
      's.institution_id',
      's.department_id',
      's.practitioner_id',
      's.mode',
      's.fee_fen',
      's.capacity',
      's.status',
      's.stopped_reason',
      sessionStart.as('starts_at'),
      sessionEnd.as('ends_at'),
      scheduleUpdated.as('updated'),
    ]);
}
type ScheduleRow = Awaited<ReturnType<ReturnType<typeof scheduleRows>['execute']>>[number];

async function toSchedules(env: FhirEnv, rows: ScheduleRow[]): Promise<(Schedule & { id: string })[]> {
  const { doctors, departments } = await directoryNames(
    env,
    rows.map((r) => r.practitioner_id),
    rows.map((r) => r.department_id),
  );
  return rows.map((r) => {
    const doctor = doctors.get(r.practitioner_id);
    const department = departments.get(r.department_id);
    const fee = `挂号费 ${(r.fee_fen / 100).toFixed(2)} 元，共 ${r.capacity} 个号`;
    return {
      resourceType: 'Schedule',
      id: r.id,
      meta: versionMeta(r.updated),
      active: r.status === 'open',
      serviceType: serviceType(r.mode),
      ...specialtyOf(department?.specialty),
      actor: [
        ref('Practitioner', r.practitioner_id, doctor?.name),
        ref('PractitionerRole', practitionerRoleId(r.practitioner_id, r.department_id)),
        ref('HealthcareService', r.department_id, department?.name),
        ref('Location', r.institution_id, department?.institutionName),
      ],
      planningHorizon: { start: shanghaiDateTime(r.starts_at), end: shanghaiDateTime(r.ends_at) },
      comment:
        r.status === 'open' ? fee : `已停诊${r.stopped_reason ? `：${r.stopped_reason}` : ''}（${fee}）`,
    };
  });
}

/**
 * `actor` of a Schedule (or an Appointment): Practitioner, PractitionerRole (the practitioner at the
 * department), HealthcareService (the department), Location (the institution), Patient where given; a
 * bare id may be any of them.
 */
export function actorMatches(
  raw: string,
  cols: {
    practitioner: Expression<string>;
    department: Expression<string>;
    institution: Expression<string>;
    patient?: Expression<string>;
  },
): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  for (const value of orValues(raw)) {
    const [type, id] = value.includes('/')
      ? (value.split('/').slice(-2) as [string, string])
      : [undefined, value];
    const role = parsePractitionerRoleId(id);
    if (role && (type === undefined || type === 'PractitionerRole')) {
      parts.push(
        sql<SqlBool>`(${cols.practitioner} = ${role.practitionerId} and ${cols.department} = ${role.departmentId})`,
      );
    }
    if (!isUuid(id)) continue;
    if (type === undefined || type === 'Practitioner') parts.push(sql<SqlBool>`${cols.practitioner} = ${id}`);
    if (type === undefined || type === 'HealthcareService')
      parts.push(sql<SqlBool>`${cols.department} = ${id}`);
    if (type === undefined || type === 'Location') parts.push(sql<SqlBool>`${cols.institution} = ${id}`);
    if (cols.patient && (type === undefined || type === 'Patient'))
      parts.push(sql<SqlBool>`${cols.patient} = ${id}`);
  }
  return or(parts);
}

const scheduleSorts: Record<string, SortKey> = {
  date: { expr: sessionStart, kind: 'instant' },
  _id: { expr: sql.ref('s.id'), kind: 'id' },
  _lastUpdated: { expr: scheduleUpdated, kind: 'instant' },
};

const scheduleProvider: FhirProvider = {
  type: 'Schedule',
  category: null,
  common: ['date'],
  searchParams: [
    {
      name: 'actor',
      type: 'reference',
      documentation:
        '出诊医生（Practitioner、PractitionerRole）、科室（HealthcareService）或机构（Location）',
    },
    { name: 'active', type: 'token', documentation: 'true：开放预约；false：已停诊' },
    { name: 'service-type', type: 'token', documentation: `出诊方式 ${VISIT_MODE_SYSTEM}（offline…）` },
  ],
  sorts: ['date', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'actor',
      target: 'Practitioner',
      ids: (r) => referencedIds((r as Schedule).actor, 'Practitioner'),
    },
    {
      param: 'actor',
      target: 'PractitionerRole',
      ids: (r) => referencedIds((r as Schedule).actor, 'PractitionerRole'),
    },
    {
      param: 'actor',
      target: 'HealthcareService',
      ids: (r) => referencedIds((r as Schedule).actor, 'HealthcareService'),
    },
    { param: 'actor', target: 'Location', ids: (r) => referencedIds((r as Schedule).actor, 'Location') },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await scheduleRows(env).where('s.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [resource] = await toSchedules(env, [r]);
    return { resource: resource!, patientId: null, sortValue: r.starts_at.toISOString() };
  },
  async search(env, q) {
    const where: RawBuilder<SqlBool>[] = [];
    if (q.ids) where.push(uuidIn(sql.ref('s.id'), q.ids));
    where.push(datesSql(q.lastUpdated, scheduleUpdated));
    where.push(datesSql(q.date, sessionStart, sessionEnd, env.now));
    for (const raw of q.params.actor ?? []) {
      where.push(
        actorMatches(raw, {
          practitioner: sql.ref('s.practitioner_id'),
          department: sql.ref('s.department_id'),
          institution: sql.ref('s.institution_id'),
        }),
      );
    }
    for (const raw of q.params.active ?? []) {
      const wanted = tokenValues([raw]).map((t) => t.code);
      where.push(
        or([
          ...(wanted.includes('true') ? [sql<SqlBool>`s.status = 'open'`] : []),
          ...(wanted.includes('false') ? [sql<SqlBool>`s.status <> 'open'`] : []),
        ]),
      );
    }
    for (const raw of q.params['service-type'] ?? []) {
      where.push(
        or(
          tokenValues([raw])
            .filter((t) => t.system === undefined || t.system === VISIT_MODE_SYSTEM)
            .map((t) => sql<SqlBool>`s.mode = ${t.code}`),
        ),
      );
    }
    const p = pageOrder(q.sort, q.after, scheduleSorts, sql.ref('s.id'), isUuid);
    let query = scheduleRows(env)
      .select(sql`${p.sortKey.expr}`.as('sort_key'))
      .where(and([...where, p.after]));
    for (const o of p.order) query = query.orderBy(o);
    const rows = await query.limit(q.limit).execute();
    return publicPage(rows, p.sortKey, (rs) => toSchedules(env, rs));
  },
};

// --- Slot: one numbered token -------------------------------------------------------------------------

/**
 * A token changes when it is booked, held, released or stopped: its version follows the latest change of
 * the appointments on it (created, cancelled, checked in, hold expired) and of its session.
 */
const slotUpdated = sql<Date>`date_trunc('milliseconds', greatest(s.created_at, (
  select max(greatest(a.created_at, a.cancelled_at, a.checked_in_at,
                      case when a.status = 'expired' then a.hold_until end))
    from appointment a where a.schedule_id = t.schedule_id and a.token_id = t.id)))`;

/** Our token (and its session's) status as FHIR slotstatus. */
export function slotStatus(token: string, schedule: string): Slot['status'] {
  if (schedule !== 'open' || token === 'stopped') return 'busy-unavailable';
  if (token === 'free') return 'free';
  if (token === 'held') return 'busy-tentative';
  return 'busy';
}

function slotRows(env: FhirEnv) {
  return env.db
    .selectFrom('token as t')
    .innerJoin('schedule as s', 's.id', 't.schedule_id')
    .select([
      't.id',
      't.schedule_id',
      't.token_number',
      't.window_start',
      't.window_end',
      't.channel',
      't.status',
      's.status as schedule_status',
      's.mode',
      's.department_id',
      slotUpdated.as('updated'),
    ]);
}
type SlotRow = Awaited<ReturnType<ReturnType<typeof slotRows>['execute']>>[number];

async function toSlots(env: FhirEnv, rows: SlotRow[]): Promise<(Slot & { id: string })[]> {
  const departments = await departmentFacts(
    env.db,
    rows.map((r) => r.department_id),
  );
  return rows.map((r) => ({
    resourceType: 'Slot',
    id: r.id,
    meta: versionMeta(r.updated),
    serviceType: serviceType(r.mode),
    ...specialtyOf(departments.get(r.department_id)?.specialty),
    schedule: ref('Schedule', r.schedule_id),
    status: slotStatus(r.status, r.schedule_status),
    start: shanghaiDateTime(r.window_start),
    end: shanghaiDateTime(r.window_end),
    overbooked: false,
    comment: `${r.token_number} 号（${CHANNELS[r.channel as Channel] ?? r.channel}）`,
  }));
}

/** FHIR slotstatus codes (OR) as conditions on the token and its session. */
function slotStatusMatches(codes: readonly string[]): RawBuilder<SqlBool> {
  const open = sql<SqlBool>`s.status = 'open'`;
  return or(
    codes.flatMap((c) => {
      if (c === 'free') return [sql<SqlBool>`(t.status = 'free' and ${open})`];
      if (c === 'busy') return [sql<SqlBool>`(t.status = 'booked' and ${open})`];
      if (c === 'busy-tentative') return [sql<SqlBool>`(t.status = 'held' and ${open})`];
      if (c === 'busy-unavailable') return [sql<SqlBool>`(t.status = 'stopped' or s.status <> 'open')`];
      return [];
    }),
  );
}

const slotSorts: Record<string, SortKey> = {
  start: { expr: sql.ref('t.window_start'), kind: 'instant' },
  _id: { expr: sql.ref('t.id'), kind: 'id' },
  _lastUpdated: { expr: slotUpdated, kind: 'instant' },
};

const slotProvider: FhirProvider = {
  type: 'Slot',
  category: null,
  common: ['status'],
  searchParams: [
    { name: 'schedule', type: 'reference', documentation: '所属排班 / Schedule' },
    { name: 'start', type: 'date', documentation: '号源时段开始时间（支持 eq、ge、lt… 前缀）' },
    { name: 'service-type', type: 'token', documentation: `出诊方式 ${VISIT_MODE_SYSTEM}` },
  ],
  sorts: ['start', '_id', '_lastUpdated'],
  includes: [
    { param: 'schedule', target: 'Schedule', ids: (r) => referencedIds([(r as Slot).schedule], 'Schedule') },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await slotRows(env).where('t.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [resource] = await toSlots(env, [r]);
    return { resource: resource!, patientId: null, sortValue: r.window_start.toISOString() };
  },
  async search(env, q) {
    const where: RawBuilder<SqlBool>[] = [];
    if (q.ids) where.push(uuidIn(sql.ref('t.id'), q.ids));
    where.push(datesSql(q.lastUpdated, slotUpdated));
    if (q.status) where.push(slotStatusMatches(q.status));
    where.push(...referenceParam(q.params.schedule, 'Schedule', sql.ref('t.schedule_id')));
    const starts = (q.params.start ?? []).map((raw) => parseDate('start', raw));
    where.push(datesSql(starts, sql.ref('t.window_start'), sql.ref('t.window_start'), env.now));
    for (const raw of q.params['service-type'] ?? []) {
      where.push(
        or(
          tokenValues([raw])
            .filter((t) => t.system === undefined || t.system === VISIT_MODE_SYSTEM)
            .map((t) => sql<SqlBool>`s.mode = ${t.code}`),
        ),
      );
    }
    const p = pageOrder(q.sort, q.after, slotSorts, sql.ref('t.id'), isUuid);
    let query = slotRows(env)
      .select(sql`${p.sortKey.expr}`.as('sort_key'))
      .where(and([...where, p.after]));
    for (const o of p.order) query = query.orderBy(o);
    const rows = await query.limit(q.limit).execute();
    return publicPage(rows, p.sortKey, (rs) => toSlots(env, rs));
  },
};

export const sessionFhirProviders: FhirProvider[] = [scheduleProvider, slotProvider];
