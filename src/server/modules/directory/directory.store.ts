import { shanghaiDate } from '../../../shared/identity.js';
import type { Executor } from '../../platform/db/database.js';
import {
  type DirectoryStatus,
  type InstitutionLevel,
  type InstitutionType,
  offersOnlineFirstVisit,
  type PractitionerKind,
  type ScheduleMode,
  type Sex,
  type Title,
} from './directory.rules.js';

/** Reads shared by the directory's services, and the views they answer with. */

export interface LicenceView {
  kind: string;
  number: string;
  issuedBy: string;
  validFrom: string;
  validTo: string;
  scope: string[];
}

export interface InstitutionView {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  shortName: string | null;
  type: InstitutionType;
  level: InstitutionLevel | null;
  isChildrens: boolean;
  district: string;
  address: string | null;
  phone: string | null;
  allianceOf: string | null;
  status: DirectoryStatus;
  internetHospital: { name: string; approvedAt: string; services: string[] } | null;
  licences: LicenceView[];
}

export function institutionQuery(db: Executor) {
  return db
    .selectFrom('institution as i')
    .select([
      'i.id',
      'i.code',
      'i.name',
      'i.name_en',
      'i.short_name',
      'i.type',
      'i.level',
      'i.is_childrens',
      'i.district',
      'i.address',
      'i.phone',
      'i.alliance_of',
      'i.status',
      'i.internet_hospital',
    ]);
}
type InstitutionRow = Awaited<ReturnType<ReturnType<typeof institutionQuery>['execute']>>[number];

/** ID-5: an institution is shown with its licences (执业许可证, 互联网医院, 药品经营许可证). */
export async function institutionViews(db: Executor, rows: InstitutionRow[]): Promise<InstitutionView[]> {
  if (rows.length === 0) return [];
  const licences = await db
    .selectFrom('licence')
    .select(['institution_id', 'kind', 'number', 'issued_by', 'valid_from', 'valid_to', 'scope'])
    .where(
      'institution_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('valid_from')
    .orderBy('number')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    shortName: r.short_name,
    type: r.type as InstitutionType,
    level: r.level as InstitutionLevel | null,
    isChildrens: r.is_childrens,
    district: r.district,
    address: r.address,
    phone: r.phone,
    allianceOf: r.alliance_of,
    status: r.status as DirectoryStatus,
    internetHospital: r.internet_hospital,
    licences: licences
      .filter((l) => l.institution_id === r.id)
      .map((l) => ({
        kind: l.kind,
        number: l.number,
        issuedBy: l.issued_by,
        validFrom: l.valid_from,
        validTo: l.valid_to,
        scope: l.scope,
      })),
  }));
}

export interface DepartmentView {
  id: string;
  institutionId: string;
  code: string;
  name: string;
  nameEn: string | null;
  specialty: string;
}

export function departmentQuery(db: Executor) {
  return db.selectFrom('department').select(['id', 'institution_id', 'code', 'name', 'name_en', 'specialty']);
}
type DepartmentRow = Awaited<ReturnType<ReturnType<typeof departmentQuery>['execute']>>[number];

export function departmentView(r: DepartmentRow): DepartmentView {
  return {
    id: r.id,
    institutionId: r.institution_id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    specialty: r.specialty,
  };
}

export interface NextAvailable {
  date: string;
  mode: ScheduleMode;
  available: number;
}

export interface PractitionerView {
  id: string;
  code: string;
  kind: PractitionerKind;
  name: string;
  sex: Sex;
  title: Title | null;
  professionalTitle: string;
  specialty: string;
  bio: string;
  institution: { id: string; name: string };
  department: { id: string; name: string };
  sites: { institutionId: string; institutionName: string; departmentId: string; departmentName: string }[];
  practiceSince: number;
  onlineFollowUpSince: number | null;
  offersOnlineFollowUp: boolean;
  offersOnlineFirstVisit: boolean;
  firstVisitTrained: boolean;
  status: DirectoryStatus;
  bookable: boolean;
  licenceNo: string;
  nextAvailable: NextAvailable | null;
}

export function practitionerQuery(db: Executor) {
  return db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .innerJoin('department as d', 'd.id', 'p.department_id')
    .select([
      'p.id',
      'p.code',
      'p.kind',
      'p.name',
      'p.sex',
      'p.title',
      'p.title_order',
      'p.professional_title',
      'p.specialty',
      'p.bio',
      'p.licence_no',
      'p.practice_since',
      'p.online_follow_up_since',
      'p.offers_online',
      'p.first_visit_trained',
      'p.status',
      'p.institution_id',
      'p.department_id',
      'i.name as institution_name',
      'i.status as institution_status',
      'i.internet_hospital',
      'd.name as department_name',
    ]);
}
export type PractitionerRow = Awaited<ReturnType<ReturnType<typeof practitionerQuery>['execute']>>[number];

/** ORG-5: a suspended doctor, or a doctor of a suspended institution, cannot be booked. */
function isBookable(r: PractitionerRow): boolean {
  return r.status === 'active' && r.institution_status === 'active';
}

/**
 * The earliest open session from today on (Asia/Shanghai) with public tokens that are released, free
 * and not yet over, per doctor: one grouped query for the whole page, served by
 * schedule_practitioner_date and slot_free (0004).
 */
async function nextAvailable(
  db: Executor,
  practitionerIds: string[],
  now: Date,
  mode: ScheduleMode | undefined,
): Promise<Map<string, NextAvailable>> {
  if (practitionerIds.length === 0) return new Map();
  let q = db
    .selectFrom('schedule as s')
    .innerJoin('slot as t', 't.schedule_id', 's.id')
    .innerJoin('institution as si', 'si.id', 's.institution_id')
    .distinctOn('s.practitioner_id')
    .select([
      's.practitioner_id',
      's.date',
      's.mode',
      (eb) => eb.fn.countAll<number | string>().as('available'),
    ])
    .where('s.practitioner_id', 'in', practitionerIds)
    .where('s.status', '=', 'open')
    .where('s.date', '>=', shanghaiDate(now))
    .where('s.release_at', '<=', now)
    // A session at another site (多点执业) of a suspended institution cannot be booked either (ORG-5).
    .where('si.status', '=', 'active')
    .where('t.status', '=', 'free')
    .where('t.channel', '=', 'public')
    .where('t.window_end', '>', now);
  if (mode) q = q.where('s.mode', '=', mode);
  const rows = await q
    .groupBy(['s.practitioner_id', 's.id', 's.date', 's.start_time', 's.mode'])
    .orderBy('s.practitioner_id')
    .orderBy('s.date')
    .orderBy('s.start_time')
    .orderBy('s.id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.practitioner_id,
      { date: r.date, mode: r.mode as ScheduleMode, available: Number(r.available) },
    ]),
  );
}

export async function practitionerViews(
  db: Executor,
  rows: PractitionerRow[],
  opts: { now: Date; mode?: ScheduleMode | undefined },
): Promise<PractitionerView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const sites = await db
    .selectFrom('practitioner_site as ps')
    .innerJoin('institution as i', 'i.id', 'ps.institution_id')
    .innerJoin('department as d', 'd.id', 'ps.department_id')
    .select([
      'ps.practitioner_id',
      'ps.institution_id',
      'i.name as institution_name',
      'ps.department_id',
      'd.name as department_name',
    ])
    .where('ps.practitioner_id', 'in', ids)
    .orderBy('i.code')
    .orderBy('d.code')
    .execute();
  const bookableIds = rows.filter((r) => r.kind === 'doctor' && isBookable(r)).map((r) => r.id);
  const next = await nextAvailable(db, bookableIds, opts.now, opts.mode);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    kind: r.kind as PractitionerKind,
    name: r.name,
    sex: r.sex as Sex,
    title: r.title as Title | null,
    professionalTitle: r.professional_title,
    specialty: r.specialty,
    bio: r.bio,
    institution: { id: r.institution_id, name: r.institution_name },
    department: { id: r.department_id, name: r.department_name },
    sites: sites
      .filter((s) => s.practitioner_id === r.id)
      .map((s) => ({
        institutionId: s.institution_id,
        institutionName: s.institution_name,
        departmentId: s.department_id,
        departmentName: s.department_name,
      })),
    practiceSince: r.practice_since,
    onlineFollowUpSince: r.online_follow_up_since,
    offersOnlineFollowUp: r.kind === 'doctor' && r.offers_online,
    offersOnlineFirstVisit: offersOnlineFirstVisit(
      r.kind,
      r.first_visit_trained,
      r.internet_hospital?.services ?? null,
    ),
    firstVisitTrained: r.first_visit_trained,
    status: r.status as DirectoryStatus,
    bookable: isBookable(r),
    licenceNo: r.licence_no,
    nextAvailable: next.get(r.id) ?? null,
  }));
}

/**
 * Whether a practitioner practises at an institution (and department): their registered site or one
 * filed for multi-site practice (多点执业, ORG-2). For other modules (scheduling) before they put a
 * doctor's session at a site; null when the practitioner does not practise there.
 */
export async function practiceSite(
  db: Executor,
  practitionerId: string,
  institutionId: string,
  departmentId?: string,
): Promise<{ practitionerStatus: string; institutionStatus: string; kind: string } | null> {
  const row = await db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', (join) => join.on('i.id', '=', institutionId))
    .select(['p.status as practitionerStatus', 'i.status as institutionStatus', 'p.kind'])
    .where('p.id', '=', practitionerId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('p.institution_id', '=', institutionId),
          ...(departmentId ? [eb('p.department_id', '=', departmentId)] : []),
        ]),
        eb.exists(
          eb
            .selectFrom('practitioner_site as ps')
            .select('ps.practitioner_id')
            .whereRef('ps.practitioner_id', '=', 'p.id')
            .where('ps.institution_id', '=', institutionId)
            .$if(departmentId !== undefined, (q) => q.where('ps.department_id', '=', departmentId!)),
        ),
      ]),
    )
    .executeTakeFirst();
  return row ?? null;
}

/** The constraint a unique violation (23505) broke, or null for any other error. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : null;
}
