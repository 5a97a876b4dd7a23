/**
 * The family-doctor contract ([12/12], 家庭医生签约服务, seed 002, FD-1…FD-9): teams and service packages,
 * contracts (sign, pay, renew, switch, terminate), home readings and chronic follow-up (FD-7, FD-8), the
 * team's worklist, two-way referral (FD-4, FD-6), home visits and home nursing (FD-5, FD-9), health
 * education, ratings and the performance assessment. TypeBox schemas the routes validate with; `Static`
 * types the web reads. Money is integer fen.
 */
import { type Static, Type } from 'typebox';
import { DateText, Limit, Nullable, page, QueryInt, Sex, Uuid } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });
const Cursor = Type.Optional(Type.String({ maxLength: 200 }));
const Fen = Type.Integer({ minimum: 0, description: '金额（分）' });

export const IdParams = Type.Object({ id: Uuid });

// --- Vocabulary

export const TEAM_ROLES = ['lead', 'doctor', 'nurse', 'public_health', 'specialist'] as const;
export const TeamRole = Type.Enum(TEAM_ROLES, {
  description:
    'lead 团队长（全科医生）, doctor 医生, nurse 护士, public_health 公卫人员, specialist 专科医生',
});
export type TeamRole = Static<typeof TeamRole>;

export const PACKAGE_GROUPS = [
  'basic',
  'elderly',
  'children',
  'pregnancy',
  'disability',
  'hypertension',
  'diabetes',
  'personalised',
] as const;
export const PackageGroup = Type.Enum(PACKAGE_GROUPS, {
  description:
    'basic 基础包（每份协议必选一个）, elderly 老年人, children 0–6 岁儿童, pregnancy 孕产妇, disability 残疾人, hypertension 高血压, diabetes 糖尿病, personalised 个性化（机构定价）',
});
export type PackageGroup = Static<typeof PackageGroup>;

/**
 * pending_signature: made, the agreement shown, an SMS code sent to the signer; pending_payment: signed,
 * the resident's part unpaid; scheduled: a renewal or switch signed and paid, starting when the current
 * term ends; active: in force; expired: its term is over; cancelled: never started (unpaid, withdrawn);
 * terminated: ended early (by the resident, the team, or a switch).
 */
export const CONTRACT_STATUSES = [
  'pending_signature',
  'pending_payment',
  'scheduled',
  'active',
  'expired',
  'cancelled',
  'terminated',
] as const;
export const ContractStatus = Type.Enum(CONTRACT_STATUSES);
export type ContractStatus = Static<typeof ContractStatus>;

export const CONTRACT_YEARS = [1, 2, 3] as const;

export const CONDITIONS = ['hypertension', 'diabetes'] as const;
export const Condition = Type.Enum(CONDITIONS, { description: 'hypertension 高血压, diabetes 2型糖尿病' });
export type Condition = Static<typeof Condition>;

/** FD-7/FD-8: controlled 控制满意, uncontrolled 控制不满意, urgent 危急（须立即转诊）. */
export const CLASSIFICATIONS = ['controlled', 'uncontrolled', 'urgent'] as const;
export const Classification = Type.Enum(CLASSIFICATIONS);
export type Classification = Static<typeof Classification>;

/**
 * What a follow-up's result asks for next (FD-7, FD-8): routine (next scheduled follow-up), adjust (adjust
 * treatment, follow up within 2 weeks), refer (twice uncontrolled or worse: refer and follow up within
 * 2 weeks), urgent_referral (urgent: refer now).
 */
export const FOLLOWUP_ACTIONS = ['routine', 'adjust', 'refer', 'urgent_referral'] as const;
export const FollowupAction = Type.Enum(FOLLOWUP_ACTIONS);
export type FollowupAction = Static<typeof FollowupAction>;

// --- Teams and packages (FD-1, FD-2)

export const TeamMemberView = Type.Object({
  practitionerId: Uuid,
  name: Type.String(),
  role: TeamRole,
  kind: Type.String({ description: 'doctor / nurse / …' }),
  professionalTitle: Type.String(),
  institutionName: Type.String(),
});
export type TeamMemberView = Static<typeof TeamMemberView>;

export const TeamView = Type.Object({
  id: Uuid,
  name: Type.String(),
  institutionId: Uuid,
  institutionName: Type.String(),
  intro: Type.String(),
  lead: TeamMemberView,
  members: Type.Array(TeamMemberView),
  capacity: Type.Integer(),
  signedCount: Type.Integer({ description: '当前在约居民数' }),
  full: Type.Boolean(),
});
export type TeamView = Static<typeof TeamView>;

export const TeamQuery = Type.Object({
  institutionId: Type.Optional(Uuid),
  /** Teams of the caller's own institution (staff) — the default for staff without institutionId. */
  mine: Type.Optional(Type.Boolean()),
});
export const TeamList = Type.Object({ items: Type.Array(TeamView) });
export type TeamList = Static<typeof TeamList>;

export const PackageView = Type.Object({
  id: Uuid,
  institutionId: Nullable(Uuid),
  code: Type.String(),
  name: Type.String(),
  group: PackageGroup,
  description: Type.String(),
  services: Type.Array(Type.String()),
  /** Per person-year, fen (FD-3): insurance + public health + resident = fee. */
  feeFen: Fen,
  insuranceFen: Fen,
  publicHealthFen: Fen,
  residentFen: Fen,
  minAge: Nullable(Type.Integer()),
  maxAge: Nullable(Type.Integer()),
  sex: Nullable(Sex),
  conditions: Type.Array(Type.String()),
  status: Type.Enum(['active', 'retired'] as const),
});
export type PackageView = Static<typeof PackageView>;

export const PackageQuery = Type.Object({
  institutionId: Type.Optional(Uuid),
  /** Mark each package eligible or not for this person (a resident or their family member). */
  patientId: Type.Optional(Uuid),
});
export const PackageWithEligibility = Type.Object({
  ...PackageView.properties,
  eligible: Nullable(Type.Boolean()),
  ineligibleReason: Nullable(Type.String()),
});
export type PackageWithEligibility = Static<typeof PackageWithEligibility>;
export const PackageList = Type.Object({ items: Type.Array(PackageWithEligibility) });
export type PackageList = Static<typeof PackageList>;

/**
 * An age limit or null (none). Written as one `type: ['integer', 'null']` rather than Nullable's anyOf: the
 * validator coerces types (coerceTypes), and in an anyOf the integer branch turned a null into 0 — a
 * "no upper age" became "age 0 only". With both types in one keyword a null matches and is not coerced.
 */
const NullableAge = Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0, maximum: 150 });

export const PackageBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 30, pattern: '^[A-Z0-9_-]+$' }),
    name: Type.String({ minLength: 2, maxLength: 40 }),
    group: PackageGroup,
    description: Type.String({ minLength: 2, maxLength: 1000 }),
    services: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1, maxItems: 30 }),
    insuranceFen: Fen,
    publicHealthFen: Fen,
    residentFen: Fen,
    minAge: Type.Optional(NullableAge),
    maxAge: Type.Optional(NullableAge),
    sex: Type.Optional(Nullable(Sex)),
    conditions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 10 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type PackageBody = Static<typeof PackageBody>;

// --- Contracts (FD-1, FD-3)

export const CreateContractBody = Type.Object(
  {
    teamId: Uuid,
    /** Exactly one basic package plus optional ones the person is eligible for (FD-2). */
    packageIds: Type.Array(Uuid, { minItems: 1, maxItems: 10 }),
    years: Type.Integer({ minimum: 1, maximum: 3, description: '1、2 或 3 年（FD-1）' }),
    /** Who is signed: the caller's own patient and/or family members they act for (a whole family at once). Default: the caller. */
    patientIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type CreateContractBody = Static<typeof CreateContractBody>;

export const ContractPackageView = Type.Object({
  packageId: Uuid,
  code: Type.String(),
  name: Type.String(),
  group: PackageGroup,
  feeFen: Fen,
  insuranceFen: Fen,
  publicHealthFen: Fen,
  residentFen: Fen,
});

export const ContractView = Type.Object({
  id: Uuid,
  contractNo: Type.String(),
  status: ContractStatus,
  patientId: Uuid,
  patientName: Type.String(),
  team: Type.Object({ id: Uuid, name: Type.String(), institutionId: Uuid, institutionName: Type.String() }),
  leadName: Type.String(),
  years: Type.Integer(),
  startsOn: DateText,
  endsOn: DateText,
  packages: Type.Array(ContractPackageView),
  /** Totals for the whole term, fen (FD-3): insurance + public health + resident = fee. */
  feeFen: Fen,
  insuranceFen: Fen,
  publicHealthFen: Fen,
  residentFen: Fen,
  orderId: Nullable(Uuid),
  groupId: Uuid,
  previousContractId: Nullable(Uuid),
  signedAt: Nullable(Instant),
  paidAt: Nullable(Instant),
  terminatedAt: Nullable(Instant),
  terminateReason: Nullable(Type.String()),
  /** Whether renewal (or a switch at renewal) is open now (the last weeks of the term). */
  renewable: Type.Boolean(),
  createdAt: Instant,
  /** Staff lists (签约居民 of the workstation): the resident's sex and age, and their chronic follow-up plans. */
  patientSex: Type.Optional(Nullable(Sex)),
  patientAge: Type.Optional(Nullable(Type.Integer())),
  plans: Type.Optional(
    Type.Array(
      Type.Object({
        condition: Condition,
        lastClassification: Nullable(Classification),
        nextDueOn: Nullable(DateText),
      }),
    ),
  ),
});
export type ContractView = Static<typeof ContractView>;

/** 201 of POST /family-doctor/contracts: the first (or only) contract, and every contract made together. */
export const CreatedContract = Type.Object({
  id: Uuid,
  status: ContractStatus,
  orderId: Type.Optional(Nullable(Uuid)),
  contracts: Type.Array(ContractView),
  /** The agreement text to show before signing (the same for each person but for the name). */
  agreementText: Type.String(),
  /** Demo mode only: the SMS code sent to the signer (the login page shows codes the same way). */
  demoCode: Type.Optional(Type.String()),
});
export type CreatedContract = Static<typeof CreatedContract>;

export const SignContractBody = Type.Object(
  { code: Type.String({ minLength: 4, maxLength: 8, description: '短信验证码' }) },
  { additionalProperties: false },
);
export type SignContractBody = Static<typeof SignContractBody>;

export const RenewContractBody = Type.Object(
  {
    years: Type.Integer({ minimum: 1, maximum: 3 }),
    /** Keep the packages (default) or choose again. */
    packageIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10 })),
    /** Another team: a switch (at renewal, or earlier where the policy allows: CONTRACT_SWITCH_NOT_ALLOWED). */
    teamId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type RenewContractBody = Static<typeof RenewContractBody>;

export const TerminateContractBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);

export const ContractQuery = Type.Object({
  /** Staff: residents of the caller's teams. Residents: their own and their family members'. */
  status: Type.Optional(ContractStatus),
  teamId: Type.Optional(Uuid),
  patientId: Type.Optional(Uuid),
  /** Staff filters: a package group (elderly, hypertension …), a name or pinyin prefix. */
  group: Type.Optional(PackageGroup),
  q: Type.Optional(Type.String({ maxLength: 40 })),
  cursor: Cursor,
  limit: Limit(100, 20),
});
export const ContractPage = page(ContractView);

/** The agreement as signed (its text and SM3 hash), for the resident and the team. */
export const ContractAgreement = Type.Object({
  contractId: Uuid,
  text: Type.String(),
  sm3: Type.String(),
  signedAt: Nullable(Instant),
});

// --- Home readings and follow-up (FD-7, FD-8)

export const BpValues = Type.Object(
  {
    systolic: Type.Integer({ minimum: 40, maximum: 300, description: '收缩压 mmHg' }),
    diastolic: Type.Integer({ minimum: 20, maximum: 200, description: '舒张压 mmHg' }),
    pulse: Type.Optional(Type.Integer({ minimum: 20, maximum: 250 })),
  },
  { additionalProperties: false },
);
export const GlucoseValues = Type.Object(
  {
    mmol: Type.Number({ minimum: 0.5, maximum: 60, description: '血糖 mmol/L（一位小数）' }),
    timing: Type.Enum(['fasting', 'postprandial', 'random'] as const, {
      description: 'fasting 空腹, postprandial 餐后 2 小时, random 随机',
    }),
  },
  { additionalProperties: false },
);

export const ReadingBody = Type.Object(
  {
    kind: Type.Enum(['bp', 'glucose'] as const),
    values: Type.Union([BpValues, GlucoseValues]),
    measuredAt: Instant,
  },
  { additionalProperties: false },
);
export type ReadingBody = Static<typeof ReadingBody>;

export const ReadingView = Type.Object({
  id: Uuid,
  kind: Type.Enum(['bp', 'glucose'] as const),
  systolic: Nullable(Type.Integer()),
  diastolic: Nullable(Type.Integer()),
  pulse: Nullable(Type.Integer()),
  glucoseMmol: Nullable(Type.Number()),
  glucoseTiming: Nullable(Type.Enum(['fasting', 'postprandial', 'random'] as const)),
  classification: Classification,
  measuredAt: Instant,
  source: Type.Enum(['patient', 'staff', 'device'] as const),
});
export type ReadingView = Static<typeof ReadingView>;

/** 201 of POST /patients/{id}/readings: the reading and what the rules made of it. */
export const ReadingResult = Type.Object({
  reading: ReadingView,
  action: FollowupAction,
  /** A follow-up brought forward (within 2 weeks) or an alert raised for the team; null when routine. */
  followupDueOn: Nullable(DateText),
  alert: Type.Boolean(),
  /** What the resident is told (zh-CN or en-US by Accept-Language). */
  advice: Type.String(),
});
export type ReadingResult = Static<typeof ReadingResult>;

export const ReadingQuery = Type.Object({
  kind: Type.Optional(Type.Enum(['bp', 'glucose'] as const)),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  cursor: Cursor,
  limit: Limit(400, 100),
});
export const ReadingPage = page(ReadingView);

export const PlanView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  condition: Condition,
  startedOn: DateText,
  status: Type.Enum(['active', 'closed'] as const),
  lastClassification: Nullable(Classification),
  uncontrolledStreak: Type.Integer(),
  followupsThisYear: Type.Integer(),
  nextDueOn: Nullable(DateText),
});
export type PlanView = Static<typeof PlanView>;

export const FollowupRecord = Type.Object(
  {
    method: Type.Enum(['clinic', 'home', 'phone', 'online'] as const),
    systolic: Type.Optional(Type.Integer({ minimum: 40, maximum: 300 })),
    diastolic: Type.Optional(Type.Integer({ minimum: 20, maximum: 200 })),
    fastingGlucoseMmol: Type.Optional(Type.Number({ minimum: 0.5, maximum: 60 })),
    heartRate: Type.Optional(Type.Integer({ minimum: 20, maximum: 250 })),
    weightKg: Type.Optional(Type.Number({ minimum: 2, maximum: 300 })),
    symptoms: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    adherence: Type.Optional(Type.Enum(['regular', 'intermittent', 'none'] as const)),
    medication: Type.Optional(Type.String({ maxLength: 500 })),
    lifestyle: Type.Optional(Type.String({ maxLength: 500 })),
    advice: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type FollowupRecord = Static<typeof FollowupRecord>;

export const FollowupView = Type.Object({
  id: Uuid,
  planId: Nullable(Uuid),
  patientId: Uuid,
  patientName: Type.String(),
  teamId: Uuid,
  condition: Nullable(Condition),
  reason: Type.Enum(['scheduled', 'adjust', 'refer', 'urgent', 'care_plan'] as const),
  referralId: Nullable(Uuid),
  title: Type.String(),
  dueOn: DateText,
  overdue: Type.Boolean(),
  status: Type.Enum(['due', 'done', 'cancelled'] as const),
  method: Nullable(Type.Enum(['clinic', 'home', 'phone', 'online'] as const)),
  record: Nullable(FollowupRecord),
  classification: Nullable(Classification),
  action: Nullable(FollowupAction),
  doneAt: Nullable(Instant),
  doneByName: Nullable(Type.String()),
});
export type FollowupView = Static<typeof FollowupView>;

/** 200 of POST /family-doctor/followups/{id}/complete: the record, its classification and what comes next. */
export const FollowupResult = Type.Object({
  followup: FollowupView,
  action: FollowupAction,
  /** The resident's next open follow-up with the team (null: none, e.g. a care-plan task with no plan). */
  nextDueOn: Nullable(DateText),
  /** An alert was raised for the team (refer, urgent). */
  alert: Type.Boolean(),
});
export type FollowupResult = Static<typeof FollowupResult>;

export const AlertView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  level: Type.Enum(['uncontrolled', 'refer', 'urgent'] as const),
  reason: Type.String(),
  reading: Nullable(ReadingView),
  createdAt: Instant,
  handledAt: Nullable(Instant),
  teamId: Type.Optional(Uuid),
  /** The reason code the text was made from (reading_refer, reading_urgent, followup_refer, followup_urgent). */
  reasonCode: Type.Optional(Type.String()),
  handledByName: Type.Optional(Nullable(Type.String())),
  handledNote: Type.Optional(Nullable(Type.String())),
});
export type AlertView = Static<typeof AlertView>;

/** POST /family-doctor/alerts/{id}/handle: a team member has dealt with the alert (called, referred, …). */
export const HandleAlertBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type HandleAlertBody = Static<typeof HandleAlertBody>;

/** The team's worklist: alerts first (urgent first), then overdue and due follow-ups. */
export const Worklist = Type.Object({
  alerts: Type.Array(AlertView),
  overdue: Type.Array(FollowupView),
  due: Type.Array(FollowupView),
  counts: Type.Object({ alerts: Type.Integer(), overdue: Type.Integer(), due: Type.Integer() }),
});
export type Worklist = Static<typeof Worklist>;

export const WorklistQuery = Type.Object({
  teamId: Type.Optional(Uuid),
  /** Follow-ups due within this many days from today (default 14). */
  withinDays: Type.Optional(QueryInt({ minimum: 0, maximum: 90 })),
});

export const PatientFollowups = Type.Object({
  plans: Type.Array(PlanView),
  /** The latest follow-ups first (bounded: the last 100 by due date). */
  followups: Type.Array(FollowupView),
});
export type PatientFollowups = Static<typeof PatientFollowups>;

// --- Referral (FD-4, FD-6)

export const CarePlan = Type.Object(
  {
    diagnosis: Type.Optional(Type.String({ maxLength: 200 })),
    medication: Type.Optional(Type.String({ maxLength: 1000 })),
    advice: Type.Optional(Type.String({ maxLength: 1000 })),
    /** Each task becomes a follow-up on the resident's team's worklist. */
    tasks: Type.Array(
      Type.Object(
        {
          title: Type.String({ minLength: 2, maxLength: 80 }),
          dueInDays: Type.Integer({ minimum: 0, maximum: 365 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type CarePlan = Static<typeof CarePlan>;

export const CreateReferralBody = Type.Object(
  {
    patientId: Uuid,
    direction: Type.Enum(['up', 'down'] as const),
    toInstitutionId: Uuid,
    departmentId: Type.Optional(Uuid),
    summary: Type.String({ minLength: 2, maxLength: 2000, description: '病情摘要与转诊原因' }),
    carePlan: Type.Optional(CarePlan),
  },
  { additionalProperties: false },
);
export type CreateReferralBody = Static<typeof CreateReferralBody>;

export const REFERRAL_STATUSES = [
  'sent',
  'accepted',
  'booked',
  'completed',
  'declined',
  'cancelled',
] as const;
export const ReferralStatus = Type.Enum(REFERRAL_STATUSES);
export type ReferralStatus = Static<typeof ReferralStatus>;

export const ReferralView = Type.Object({
  id: Uuid,
  referralNo: Type.String(),
  direction: Type.Enum(['up', 'down'] as const),
  status: ReferralStatus,
  patient: Type.Object({ id: Uuid, name: Type.String(), sex: Nullable(Sex), age: Nullable(Type.Integer()) }),
  from: Type.Object({
    institutionId: Uuid,
    institutionName: Type.String(),
    practitionerId: Uuid,
    practitionerName: Type.String(),
  }),
  to: Type.Object({
    institutionId: Uuid,
    institutionName: Type.String(),
    departmentId: Nullable(Uuid),
    departmentName: Nullable(Type.String()),
  }),
  summary: Type.String(),
  carePlan: Nullable(CarePlan),
  /** The resident holds a family-doctor contract (referred contracted residents get priority, FD-4). */
  contracted: Type.Boolean(),
  /** FD-6 applies when the referred visit is settled: a contracted resident aged 65 or over. */
  elderlyBonus: Type.Boolean(),
  appointment: Nullable(
    Type.Object({
      id: Uuid,
      date: DateText,
      windowStart: Instant,
      doctorName: Type.String(),
      status: Type.String(),
    }),
  ),
  declineReason: Nullable(Type.String()),
  /** What the receiving side wrote on completing it. */
  completeNote: Nullable(Type.String()),
  acceptedAt: Nullable(Instant),
  bookedAt: Nullable(Instant),
  completedAt: Nullable(Instant),
  createdAt: Instant,
});
export type ReferralView = Static<typeof ReferralView>;

export const ReferralQuery = Type.Object({
  /** outgoing: sent by my institution; incoming: sent to it. Patients see their own (and family's). */
  box: Type.Optional(Type.Enum(['outgoing', 'incoming'] as const)),
  direction: Type.Optional(Type.Enum(['up', 'down'] as const)),
  status: Type.Optional(ReferralStatus),
  patientId: Type.Optional(Uuid),
  cursor: Cursor,
  limit: Limit(100, 20),
});
export const ReferralPage = page(ReferralView);

/** Book the referred visit on the hospital's referral quota (FD-4): a session (出诊) of the receiving side. */
export const BookReferralBody = Type.Object({ scheduleId: Uuid }, { additionalProperties: false });
export const DeclineReferralBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);
export const CompleteReferralBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
/** Institutions a referral may go to from the caller's (alliance hospitals up; community centres down). */
export const ReferralTargetQuery = Type.Object({ direction: Type.Enum(['up', 'down'] as const) });
export const ReferralTargets = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      level: Type.String(),
      departments: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
    }),
  ),
});
export type ReferralTargets = Static<typeof ReferralTargets>;

// --- Home visits and home nursing (FD-5, FD-9)

export const HomeServiceItemView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  category: Type.Enum(['visit', 'sickbed', 'nursing'] as const),
  itemFeeFen: Fen,
  /** The visit fee (FD-5) for the provider this item needs, added to the item's fee. */
  visitFeeFen: Fen,
  description: Type.String(),
});
export type HomeServiceItemView = Static<typeof HomeServiceItemView>;
export const HomeServiceItemList = Type.Object({ items: Type.Array(HomeServiceItemView) });
export type HomeServiceItemList = Static<typeof HomeServiceItemList>;
/**
 * The catalogue for one resident (optional): with `patientId` (the caller's own or a family member's), a
 * home visit is priced by the title of the lead of that resident's contract team (FD-5), the fee the
 * request will charge; without it, at the attending rate.
 */
export const HomeServiceItemQuery = Type.Object({ patientId: Type.Optional(Uuid) });

export const ServiceWindow = Type.Object(
  { start: Instant, end: Instant },
  { additionalProperties: false, description: '上门时间段' },
);

export const CreateHomeServiceBody = Type.Object(
  {
    patientId: Uuid,
    itemCode: Type.String({ minLength: 2, maxLength: 30 }),
    window: ServiceWindow,
    address: Type.String({ minLength: 5, maxLength: 200 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateHomeServiceBody = Static<typeof CreateHomeServiceBody>;

export const HOME_SERVICE_STATUSES = [
  'pending_payment',
  'requested',
  'accepted',
  'in_service',
  'completed',
  'cancelled',
] as const;
export const HomeServiceStatus = Type.Enum(HOME_SERVICE_STATUSES);
export type HomeServiceStatus = Static<typeof HomeServiceStatus>;

export const Position = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof Position>;

export const HomeServiceView = Type.Object({
  id: Uuid,
  serviceNo: Type.String(),
  status: HomeServiceStatus,
  patient: Type.Object({ id: Uuid, name: Type.String(), sex: Nullable(Sex), age: Nullable(Type.Integer()) }),
  item: HomeServiceItemView,
  institutionId: Uuid,
  institutionName: Type.String(),
  window: ServiceWindow,
  /** The full address for the resident and the accepted provider; masked for everyone else. */
  address: Type.String(),
  note: Nullable(Type.String()),
  feeFen: Fen,
  orderId: Nullable(Uuid),
  provider: Nullable(
    Type.Object({ practitionerId: Uuid, name: Type.String(), professionalTitle: Type.String() }),
  ),
  /** Only to the resident (and their proxy): the code to show the nurse at the door (FD-9). */
  clientCode: Nullable(Type.String()),
  record: Nullable(Type.Record(Type.String(), Type.Unknown())),
  acceptedAt: Nullable(Instant),
  checkedInAt: Nullable(Instant),
  checkedOutAt: Nullable(Instant),
  panic: Type.Boolean({ description: '有未处理的紧急求助' }),
  createdAt: Instant,
});
export type HomeServiceView = Static<typeof HomeServiceView>;

export const HomeServiceQuery = Type.Object({
  /** Staff: open (requested, unassigned, at my institution), mine (accepted by me), all (my institution). */
  box: Type.Optional(Type.Enum(['open', 'mine', 'all'] as const)),
  status: Type.Optional(HomeServiceStatus),
  patientId: Type.Optional(Uuid),
  cursor: Cursor,
  limit: Limit(100, 20),
});
export const HomeServicePage = page(HomeServiceView);

export const CheckInBody = Type.Object(
  { clientCode: Type.String({ minLength: 4, maxLength: 8 }), position: Position },
  { additionalProperties: false },
);
export const CheckOutBody = Type.Object(
  {
    position: Position,
    record: Type.Object(
      {
        summary: Type.String({ minLength: 2, maxLength: 2000, description: '服务经过与结果' }),
        vitals: Type.Optional(
          Type.Object(
            {
              systolic: Type.Optional(Type.Integer({ minimum: 40, maximum: 300 })),
              diastolic: Type.Optional(Type.Integer({ minimum: 20, maximum: 200 })),
              pulse: Type.Optional(Type.Integer({ minimum: 20, maximum: 250 })),
              temperature: Type.Optional(Type.Number({ minimum: 30, maximum: 45 })),
            },
            { additionalProperties: false },
          ),
        ),
        materials: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 })),
        advice: Type.Optional(Type.String({ maxLength: 1000 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CheckOutBody = Static<typeof CheckOutBody>;
export const PositionBody = Type.Object({ position: Position }, { additionalProperties: false });
export const PanicBody = Type.Object(
  { position: Type.Optional(Position), note: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
/** The institution's handling of a panic (what was done: called the provider, sent someone, the police). */
export const HandlePanicBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const CancelHomeServiceBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);

export const HomeServiceEventView = Type.Object({
  kind: Type.Enum(['check_in', 'position', 'check_out', 'panic', 'panic_handled'] as const),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  at: Instant,
  note: Nullable(Type.String()),
});
export const HomeServiceDetail = Type.Object({
  ...HomeServiceView.properties,
  events: Type.Array(HomeServiceEventView),
});
export type HomeServiceDetail = Static<typeof HomeServiceDetail>;

// --- Health education and ratings

export const ArticleView = Type.Object({
  id: Uuid,
  title: Type.String(),
  summary: Type.String(),
  body: Type.String(),
  audiences: Type.Array(Type.String()),
  publishedAt: Instant,
  /** For a resident: when it was pushed to them and read (null: not yet). */
  pushedAt: Nullable(Instant),
  readAt: Nullable(Instant),
});
export type ArticleView = Static<typeof ArticleView>;
export const ArticleList = Type.Object({
  items: Type.Array(ArticleView),
  /** Paged (newest first): the cursor of the next page, null on the last. */
  nextCursor: Type.Optional(Nullable(Type.String())),
});
export type ArticleList = Static<typeof ArticleList>;
/** Residents: the articles pushed to them or to a family member they act for (`patientId`). Staff: all. */
export const ArticleQuery = Type.Object({
  patientId: Type.Optional(Uuid),
  cursor: Cursor,
  limit: Limit(100, 20),
});
/** Reading an article as a resident (or for a family member) sets its read receipt. */
export const ArticleReadQuery = Type.Object({ patientId: Type.Optional(Uuid) });
/** Pushes and read receipts of one team (default: every team of the caller). */
export const ArticleReadsQuery = Type.Object({ teamId: Type.Optional(Uuid) });
export const PushArticleBody = Type.Object(
  {
    /** Push to the team's contracted residents with any of these conditions or groups. */
    audiences: Type.Array(Type.String({ minLength: 2, maxLength: 20 }), { minItems: 1, maxItems: 10 }),
    teamId: Uuid,
  },
  { additionalProperties: false },
);
export const PushResult = Type.Object({ pushed: Type.Integer() });
export const ArticleReadStats = Type.Object({ pushed: Type.Integer(), read: Type.Integer() });

export const RatingBody = Type.Object(
  {
    subject: Type.Enum(['contract', 'followup', 'home_service'] as const),
    subjectId: Uuid,
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RatingBody = Static<typeof RatingBody>;
/** 201 of POST /family-doctor/ratings. */
export const RatingView = Type.Object({
  id: Uuid,
  subject: Type.Enum(['contract', 'followup', 'home_service'] as const),
  subjectId: Uuid,
  teamId: Uuid,
  stars: Type.Integer(),
  comment: Nullable(Type.String()),
  createdAt: Instant,
});
export type RatingView = Static<typeof RatingView>;

// --- Performance assessment (seed 002 (十五))

export const AssessmentQuery = Type.Object({
  institutionId: Type.Optional(Uuid),
  from: Type.Optional(DateText),
  to: Type.Optional(DateText),
});

export const TeamAssessment = Type.Object({
  teamId: Uuid,
  teamName: Type.String(),
  institutionId: Uuid,
  institutionName: Type.String(),
  signed: Type.Integer({ description: '在约居民' }),
  byGroup: Type.Record(Type.String(), Type.Integer()),
  /** Contracts that ended in the period and were renewed, of those that ended (0–1; null: none ended). */
  renewalRate: Nullable(Type.Number()),
  followupsDone: Type.Integer(),
  followupsOnTime: Type.Integer(),
  onTimeRate: Nullable(Type.Number()),
  /** Of the residents in a plan, those whose last classification is controlled. */
  hypertensionControlRate: Nullable(Type.Number()),
  diabetesControlRate: Nullable(Type.Number()),
  referralsUp: Type.Integer(),
  referralsDown: Type.Integer(),
  homeServices: Type.Integer(),
  satisfaction: Nullable(Type.Number({ description: '平均星级 1–5' })),
  ratings: Type.Integer(),
});
export type TeamAssessment = Static<typeof TeamAssessment>;

export const Assessment = Type.Object({
  from: DateText,
  to: DateText,
  teams: Type.Array(TeamAssessment),
  /** The same measures over all teams shown. */
  total: TeamAssessment,
  /** Signed residents by month of the period (for the trend chart). */
  signedByMonth: Type.Array(Type.Object({ month: Type.String(), signed: Type.Integer() })),
});
export type Assessment = Static<typeof Assessment>;

// --- The resident's overview

/** GET /family-doctor/me?patientId=: my (or a family member's) family doctor at a glance. */
export const MyFamilyDoctor = Type.Object({
  patientId: Uuid,
  contract: Nullable(ContractView),
  /** A renewal or switch waiting for the current term to end. */
  next: Nullable(ContractView),
  team: Nullable(TeamView),
  plans: Type.Array(PlanView),
  nextFollowup: Nullable(FollowupView),
  latestReadings: Type.Array(ReadingView),
  unreadArticles: Type.Integer(),
});
export type MyFamilyDoctor = Static<typeof MyFamilyDoctor>;
export const MyFamilyDoctorQuery = Type.Object({ patientId: Type.Optional(Uuid) });

// --- Team administration (the institution's org_admin: POST /family-doctor/teams, PUT /family-doctor/teams/{id})

export const TeamMemberBody = Type.Object(
  { practitionerId: Uuid, role: TeamRole },
  { additionalProperties: false },
);
export type TeamMemberBody = Static<typeof TeamMemberBody>;

/**
 * A team of the caller's institution: a general practitioner as lead (role lead, not repeated in members),
 * its other members with their roles (a specialist may practise at an alliance hospital), and how many
 * residents it may hold (a full team takes no new contracts).
 */
export const TeamBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 40 }),
    intro: Type.String({ maxLength: 500 }),
    capacity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    leadPractitionerId: Uuid,
    members: Type.Array(TeamMemberBody, { maxItems: 30 }),
  },
  { additionalProperties: false },
);
export type TeamBody = Static<typeof TeamBody>;

/**
 * GET /family-doctor/teams/candidates (org_admin): who may be put in the caller's institution's teams — its
 * active doctors and nurses, and the doctors of the alliance hospital(s) as specialists. The directory has
 * no list of nurses, so the admin page needs this one.
 */
export const TeamCandidate = Type.Object({
  practitionerId: Uuid,
  name: Type.String(),
  kind: Type.String({ description: 'doctor / nurse' }),
  professionalTitle: Type.String(),
  institutionId: Uuid,
  institutionName: Type.String(),
  departmentName: Type.String(),
});
export type TeamCandidate = Static<typeof TeamCandidate>;
export const TeamCandidateList = Type.Object({ items: Type.Array(TeamCandidate) });
export type TeamCandidateList = Static<typeof TeamCandidateList>;

// --- Contracts: the signer's SMS code again (POST /family-doctor/contracts/{id}/code)

/** A new SMS code was sent to the signer; demo mode echoes it (as the login page's demo codes). */
export const ContractCodeSent = Type.Object({ demoCode: Type.Optional(Type.String()) });
export type ContractCodeSent = Static<typeof ContractCodeSent>;
