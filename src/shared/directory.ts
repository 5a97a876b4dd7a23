/**
 * The directory's contract: institutions, departments and practitioners (ORG-1, ORG-2, ORG-5, ID-5) as
 * the API takes and answers them. TypeBox schemas the routes validate with, `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page, Sex, Uuid } from './http.js';
import { Mode } from './scheduling.js';

export const INSTITUTION_TYPES = [
  'hospital',
  'community_centre',
  'community_station',
  'pharmacy',
  'imaging_centre',
  'lab_centre',
  'ecg_centre',
] as const;
export const INSTITUTION_LEVELS = ['tertiary', 'secondary', 'primary'] as const;
export const TITLES = ['resident', 'attending', 'associate_chief', 'chief'] as const;
export const PRACTITIONER_KINDS = ['doctor', 'nurse', 'pharmacist'] as const;

export const InstitutionType = Type.Enum(INSTITUTION_TYPES, { description: '机构类型' });
export type InstitutionType = Static<typeof InstitutionType>;
export const InstitutionLevel = Type.Enum(INSTITUTION_LEVELS, { description: '医院等级：三级/二级/一级' });
export type InstitutionLevel = Static<typeof InstitutionLevel>;
export const Title = Type.Enum(TITLES, {
  description: '医师职称：住院医师/主治医师/副主任医师/主任医师',
});
export type Title = Static<typeof Title>;
export const PractitionerKind = Type.Enum(PRACTITIONER_KINDS, { description: '医师/护士/药师' });
export type PractitionerKind = Static<typeof PractitionerKind>;
/** ORG-5: a practitioner or an institution is active or suspended by the regulator. */
export const DirectoryStatus = Type.Enum(['active', 'suspended'] as const);
export type DirectoryStatus = Static<typeof DirectoryStatus>;

// Empty means no keyword, so a search box can send what it holds.
const Keyword = Type.String({ maxLength: 50, description: '中文关键词（包含匹配）；空串表示不按关键词筛选' });
const Cursor = Type.String({ maxLength: 500, description: '上一页返回的 nextCursor' });
const PageSize = Limit(100, 20);
const DateParam = Type.String({ format: 'date', description: '出诊日期 YYYY-MM-DD' });

export const InstitutionQuery = Type.Object(
  {
    type: Type.Optional(InstitutionType),
    level: Type.Optional(InstitutionLevel),
    district: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
    status: Type.Optional(DirectoryStatus),
    isChildrens: Type.Optional(Type.Boolean({ description: '仅儿童医院' })),
    q: Type.Optional(Keyword),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(PageSize),
  },
  { additionalProperties: false },
);
export type InstitutionQuery = Static<typeof InstitutionQuery>;

export const Licence = Type.Object({
  kind: Type.String({
    description: 'practice 执业许可证 / internet_hospital / pharmacy_business / practitioner',
  }),
  number: Type.String(),
  issuedBy: Type.String(),
  validFrom: Type.String(),
  validTo: Type.String(),
  scope: Type.Array(Type.String(), { description: '诊疗科目或经营范围' }),
});
export type Licence = Static<typeof Licence>;

export const Institution = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  shortName: Nullable(Type.String()),
  type: InstitutionType,
  level: Nullable(InstitutionLevel),
  isChildrens: Type.Boolean(),
  district: Type.String(),
  address: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  allianceOf: Nullable(Uuid),
  status: DirectoryStatus,
  internetHospital: Nullable(
    Type.Object({ name: Type.String(), approvedAt: Type.String(), services: Type.Array(Type.String()) }),
  ),
  licences: Type.Array(Licence, { description: '电子证照（ID-5）' }),
});
export type Institution = Static<typeof Institution>;
export const InstitutionPage = page(Institution);

export const DepartmentQuery = Type.Object(
  { institutionId: Type.Optional(Uuid), cursor: Type.Optional(Cursor), limit: Type.Optional(PageSize) },
  { additionalProperties: false },
);
export type DepartmentQuery = Static<typeof DepartmentQuery>;

export const Department = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  code: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  specialty: Type.String(),
});
export type Department = Static<typeof Department>;
export const DepartmentPage = page(Department);

const DepartmentCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,20}$',
  description: '科室代码，本机构内唯一',
});
const DepartmentName = Type.String({ minLength: 1, maxLength: 50 });
const NameEn = Type.String({ minLength: 1, maxLength: 100 });
const Specialty = Type.String({ minLength: 1, maxLength: 200, description: '诊疗科目或擅长' });

export const DepartmentBody = Type.Object(
  {
    institutionId: Type.Optional(Uuid),
    code: DepartmentCode,
    name: DepartmentName,
    nameEn: Type.Optional(NameEn),
    specialty: Specialty,
  },
  { additionalProperties: false },
);
export type DepartmentBody = Static<typeof DepartmentBody>;

export const DepartmentPatchBody = Type.Object(
  {
    code: Type.Optional(DepartmentCode),
    name: Type.Optional(DepartmentName),
    nameEn: Type.Optional(Nullable(NameEn)),
    specialty: Type.Optional(Specialty),
  },
  { additionalProperties: false },
);
export type DepartmentPatchBody = Static<typeof DepartmentPatchBody>;

export const DoctorQuery = Type.Object(
  {
    institutionId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    title: Type.Optional(Title),
    date: Type.Optional(DateParam),
    mode: Type.Optional(Mode),
    q: Type.Optional(Keyword),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(PageSize),
  },
  { additionalProperties: false },
);
export type DoctorQuery = Static<typeof DoctorQuery>;

/** A doctor's earliest open session with released public tokens. */
export const NextAvailable = Type.Object({
  date: Type.String(),
  mode: Mode,
  available: Type.Integer({ description: '已放号、可预约的公众号源数' }),
});
export type NextAvailable = Static<typeof NextAvailable>;

/**
 * GET /doctors/{id} ([8/12] prices up front): the doctor's ratings and completed online visits, composed
 * from the visits module's exported figures (directory reads none of visits' tables).
 */
export const DoctorStats = Type.Object({
  ratingAverage: Nullable(Type.Number({ description: '评价平均星级（1–5，保留一位小数）；无评价时为 null' })),
  ratingCount: Type.Integer({ description: '有评价的问诊数' }),
  completedVisits: Type.Integer({ description: '已完成的在线问诊数' }),
});
export type DoctorStats = Static<typeof DoctorStats>;

/** The price of an online visit with the doctor, as the visit form will charge it (fen). */
export const OnlineVisitFees = Type.Object({
  type: Type.Enum(['follow_up', 'first_visit', 'consultation'] as const, {
    description: '从医生主页发起时默认的问诊类型',
  }),
  textFeeFen: Type.Integer({ description: '图文问诊费（分）' }),
  videoFeeFen: Type.Integer({ description: '视频问诊费（分）' }),
});
export type OnlineVisitFees = Static<typeof OnlineVisitFees>;

export const Practitioner = Type.Object({
  id: Uuid,
  code: Type.String(),
  kind: PractitionerKind,
  name: Type.String(),
  sex: Sex,
  title: Nullable(Title),
  professionalTitle: Type.String(),
  specialty: Type.String(),
  bio: Type.String(),
  institution: Type.Object({ id: Uuid, name: Type.String() }),
  department: Type.Object({ id: Uuid, name: Type.String() }),
  sites: Type.Array(
    Type.Object({
      institutionId: Uuid,
      institutionName: Type.String(),
      departmentId: Uuid,
      departmentName: Type.String(),
    }),
    { description: '多点执业的其他执业地点（ORG-2）' },
  ),
  practiceSince: Type.Integer(),
  onlineFollowUpSince: Nullable(Type.Integer()),
  offersOnlineFollowUp: Type.Boolean(),
  offersOnlineFirstVisit: Type.Boolean(),
  firstVisitTrained: Type.Boolean(),
  status: DirectoryStatus,
  bookable: Type.Boolean({ description: '本人及所属机构均未被暂停（ORG-5）' }),
  licenceNo: Type.String({ description: '执业证书编码（ID-5）' }),
  nextAvailable: Nullable(NextAvailable),
  /** Only on GET /doctors/{id}. */
  stats: Type.Optional(DoctorStats),
  /** Only on GET /doctors/{id}; null when the doctor takes no online visits now. */
  onlineFees: Type.Optional(Nullable(OnlineVisitFees)),
});
export type Practitioner = Static<typeof Practitioner>;
export const PractitionerPage = page(Practitioner);

const PersonName = Type.String({ minLength: 2, maxLength: 30 });
const ProfessionalTitle = Type.String({ minLength: 1, maxLength: 30, description: '如 主任医师、主管护师' });
const LicenceNo = Type.String({ pattern: '^[0-9A-Za-z-]{6,32}$', description: '执业证书编码' });
const PractitionerCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: '人员编码（工号）' });
const Year = Type.Integer({ minimum: 1900, maximum: 2100 });
const Bio = Type.String({ maxLength: 2000 });

export const PractitionerBody = Type.Object(
  {
    code: Type.Optional(PractitionerCode),
    name: PersonName,
    sex: Sex,
    kind: PractitionerKind,
    title: Type.Optional(Title),
    professionalTitle: ProfessionalTitle,
    departmentId: Uuid,
    specialty: Specialty,
    bio: Type.Optional(Bio),
    licenceNo: LicenceNo,
    practiceSince: Year,
    onlineFollowUpSince: Type.Optional(Year),
    offersOnline: Type.Optional(Type.Boolean()),
    firstVisitTrained: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PractitionerBody = Static<typeof PractitionerBody>;

export const PractitionerPatchBody = Type.Object(
  {
    code: Type.Optional(PractitionerCode),
    name: Type.Optional(PersonName),
    sex: Type.Optional(Sex),
    title: Type.Optional(Nullable(Title)),
    professionalTitle: Type.Optional(ProfessionalTitle),
    departmentId: Type.Optional(Uuid),
    specialty: Type.Optional(Specialty),
    bio: Type.Optional(Bio),
    licenceNo: Type.Optional(LicenceNo),
    practiceSince: Type.Optional(Year),
    onlineFollowUpSince: Type.Optional(Nullable(Year)),
    offersOnline: Type.Optional(Type.Boolean()),
    firstVisitTrained: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PractitionerPatchBody = Static<typeof PractitionerPatchBody>;

export const SuspendBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500, description: '暂停原因' }) },
  { additionalProperties: false },
);
export type SuspendBody = Static<typeof SuspendBody>;
