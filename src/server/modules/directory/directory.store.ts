import type { Department, Institution, Practitioner } from '../../../shared/directory.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Executor } from '../../platform/db/database.js';
import { nextAvailable } from '../scheduling/scheduling.api.js';
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

export type InstitutionView = Institution;

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

export type DepartmentView = Department;

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

export type PractitionerView = Practitioner;

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
  // The earliest bookable session is scheduling's to say (its tables): one query for the page.
  const next = await nextAvailable(db, bookableIds, opts.now, shanghaiDate(opts.now), opts.mode);
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
