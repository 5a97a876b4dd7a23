/**
 * The health-records contract ([6/12]): the archive (居民健康档案), its timeline, results (检验) and
 * examination reports (检查), the patient's authorisations (授权调阅) and access log, break-glass, export,
 * and the HL7 feed administration. TypeBox schemas the routes validate with; `Static` types the web reads.
 * Cite SEC-1 (who may read), REC-3 (patients see their results), ID-6 (proxies).
 */
import { type Static, Type } from 'typebox';
import { DateText, Limit, Nullable, page, Uuid } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });

/**
 * What an authorisation may cover, and what every read is counted under in the access log (SEC-1):
 * basic 基本信息（人口学信息、过敏史、既往史、家族史、生活方式、预防接种）; encounters 就诊记录; diagnoses 诊断;
 * medications 处方与取药; labs 检验结果; exams 检查报告.
 */
export const RECORD_CATEGORIES = [
  'basic',
  'encounters',
  'diagnoses',
  'medications',
  'labs',
  'exams',
] as const;
export const RecordCategory = Type.Enum(RECORD_CATEGORIES);
export type RecordCategory = Static<typeof RecordCategory>;

/** Why a reader may read: the care relationship the access check found (shown in the access log). */
export const RELATIONSHIPS = [
  'self',
  'proxy',
  'visit',
  'family_doctor',
  'referral',
  'remote_consultation',
  'authorisation',
  'break_glass',
] as const;
export const Relationship = Type.Enum(RELATIONSHIPS);
export type Relationship = Static<typeof Relationship>;

// --- The archive

export const AbnormalFlag = Type.Enum(['N', 'H', 'L', 'HH', 'LL', 'A'] as const, {
  description: 'N 正常，H 偏高 ↑，L 偏低 ↓，HH/LL 危急值 ↑↑/↓↓，A 异常（非数值结果）',
});
export type AbnormalFlag = Static<typeof AbnormalFlag>;

export const DiagnosisView = Type.Object({
  id: Uuid,
  icd10: Type.String(),
  name: Type.String(),
  chronic: Type.Boolean(),
  clinicalStatus: Type.Enum(['active', 'resolved', 'inactive'] as const),
  onsetDate: Nullable(DateText),
  recordedAt: Instant,
  institutionName: Nullable(Type.String()),
  practitionerName: Nullable(Type.String()),
  source: Type.Enum(['his', 'online', 'staff', 'seed'] as const),
});
export type DiagnosisView = Static<typeof DiagnosisView>;

export const AllergyItem = Type.Object({
  substance: Type.String(),
  reaction: Nullable(Type.String()),
  recordedAt: Instant,
});

export const VaccinationView = Type.Object({
  id: Uuid,
  vaccine: Type.String(),
  dose: Nullable(Type.String()),
  givenOn: DateText,
  institutionName: Nullable(Type.String()),
});

export const Lifestyle = Type.Object({
  smoking: Type.Optional(Type.Enum(['never', 'former', 'current'] as const)),
  drinking: Type.Optional(Type.Enum(['never', 'occasional', 'regular'] as const)),
  exercise: Type.Optional(Type.String({ maxLength: 200 })),
  diet: Type.Optional(Type.String({ maxLength: 200 })),
});
export type Lifestyle = Static<typeof Lifestyle>;

/**
 * GET /patients/{id}/archive. Sections the reader may not see (an authorisation of chosen categories) are
 * null and named in `hiddenCategories`, so the page can say why they are missing.
 */
export const Archive = Type.Object({
  patient: Type.Object({
    id: Uuid,
    name: Type.String(),
    sex: Nullable(Type.Enum(['male', 'female'] as const)),
    birthDate: Nullable(DateText),
    age: Nullable(Type.Integer()),
    /** Masked (110101********031X) unless the reader is the patient or a proxy. */
    idNumberMasked: Nullable(Type.String()),
  }),
  relationship: Relationship,
  hiddenCategories: Type.Array(RecordCategory),
  chronicConditions: Nullable(Type.Array(DiagnosisView)),
  diagnoses: Nullable(Type.Array(DiagnosisView)),
  allergies: Nullable(Type.Array(AllergyItem)),
  history: Nullable(
    Type.Object({
      bloodType: Nullable(Type.String()),
      pastHistory: Type.String(),
      surgicalHistory: Type.String(),
      familyHistory: Type.String(),
      lifestyle: Lifestyle,
      updatedAt: Nullable(Instant),
    }),
  ),
  vaccinations: Nullable(Type.Array(VaccinationView)),
  /** Latest value of each tracked measure (血压, 血糖, 糖化血红蛋白, …) for the summary card. */
  latestResults: Nullable(
    Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        valueText: Type.String(),
        unit: Nullable(Type.String()),
        flag: Nullable(AbnormalFlag),
        effectiveAt: Instant,
      }),
    ),
  ),
});
export type Archive = Static<typeof Archive>;

// --- Timeline

export const TIMELINE_KINDS = [
  'encounter',
  'diagnosis',
  'prescription',
  'dispense',
  'lab_report',
  'exam_report',
] as const;
export const TimelineEntry = Type.Object({
  /** `<kind>:<id>`, unique across kinds. */
  key: Type.String(),
  kind: Type.Enum(TIMELINE_KINDS),
  category: RecordCategory,
  at: Instant,
  title: Type.String(),
  subtitle: Nullable(Type.String()),
  institutionName: Nullable(Type.String()),
  /** online 线上 / offline 线下, for encounters. */
  channel: Nullable(Type.Enum(['online', 'offline'] as const)),
  /** The id to open: a report id, a prescription id, an encounter id. */
  refId: Uuid,
  abnormal: Type.Boolean(),
});
export type TimelineEntry = Static<typeof TimelineEntry>;
export const TimelineQuery = Type.Object({
  before: Type.Optional(Type.String({ maxLength: 200, description: '上一页的 nextCursor' })),
  limit: Limit(50, 20),
});
export const TimelinePage = page(TimelineEntry);

// --- Results

export const ObservationView = Type.Object({
  id: Uuid,
  reportId: Nullable(Uuid),
  category: Type.Enum(['laboratory', 'vital-signs', 'imaging', 'exam'] as const),
  codeSystem: Type.String({ description: 'http://loinc.org，或发送方本地编码系统的 URL' }),
  code: Type.String(),
  name: Type.String(),
  valueNum: Nullable(Type.Number()),
  valueText: Nullable(Type.String()),
  unit: Nullable(Type.String()),
  refLow: Nullable(Type.Number()),
  refHigh: Nullable(Type.Number()),
  refText: Nullable(Type.String()),
  flag: Nullable(AbnormalFlag),
  effectiveAt: Instant,
});
export type ObservationView = Static<typeof ObservationView>;
export const ObservationQuery = Type.Object({
  code: Type.Optional(
    Type.String({ maxLength: 64, description: '指标编码（LOINC 或本地编码）；可用逗号分隔多个' }),
  ),
  category: Type.Optional(Type.Enum(['laboratory', 'vital-signs', 'imaging', 'exam'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(500, 200),
});
export const ObservationPage = page(ObservationView);

export const ReportView = Type.Object({
  id: Uuid,
  kind: Type.Enum(['lab', 'imaging', 'ecg', 'ultrasound', 'pathology', 'other'] as const),
  category: Type.Enum(['labs', 'exams'] as const),
  code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  effectiveAt: Instant,
  issuedAt: Instant,
  institutionName: Nullable(Type.String()),
  performerName: Nullable(Type.String()),
  verifierName: Nullable(Type.String()),
  findings: Nullable(Type.String()),
  conclusion: Nullable(Type.String()),
  signed: Nullable(Type.Object({ signedBy: Type.String(), signedAt: Instant, certSerial: Type.String() })),
  abnormalCount: Type.Integer(),
  observations: Type.Array(ObservationView),
  /**
   * [11/12] Where the report came from: remote (a signed remote-diagnosis report: GET
   * /diagnostic-reports/{id}/pdf prints it), his (a hospital system), seed.
   */
  source: Type.Optional(Type.Enum(['his', 'seed', 'remote'] as const)),
});
export type ReportView = Static<typeof ReportView>;
export const ReportQuery = Type.Object({
  kind: Type.Optional(Type.Enum(['lab', 'exam'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(50, 20),
});
export const ReportPage = page(ReportView);

// --- Authorisations (授权调阅) and the access log

export const AuthorisationView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  grantee: Type.Object({
    kind: Type.Enum(['practitioner', 'institution'] as const),
    id: Uuid,
    name: Type.String(),
    /** The doctor's institution and department, or null for an institution. */
    detail: Nullable(Type.String()),
  }),
  /** null: every category. */
  categories: Nullable(Type.Array(RecordCategory)),
  expiresAt: Instant,
  createdAt: Instant,
  revokedAt: Nullable(Instant),
  status: Type.Enum(['active', 'expired', 'revoked'] as const),
});
export type AuthorisationView = Static<typeof AuthorisationView>;
export const AuthorisationCreate = Type.Object(
  {
    /** Whose records: the caller's own (omitted) or a dependent's the caller acts for (ID-6). */
    patientId: Type.Optional(Uuid),
    practitionerId: Type.Optional(Uuid),
    institutionId: Type.Optional(Uuid),
    categories: Type.Optional(
      Nullable(Type.Array(RecordCategory, { minItems: 1, maxItems: 6, uniqueItems: true })),
    ),
    /** 1–365 days from now. */
    days: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);
export type AuthorisationCreate = Static<typeof AuthorisationCreate>;
export const AuthorisationQuery = Type.Object({
  patientId: Type.Optional(Uuid),
  status: Type.Optional(Type.Enum(['active', 'all'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(50, 20),
});
export const AuthorisationPage = page(AuthorisationView);

export const AccessLogEntry = Type.Object({
  id: Type.String(),
  at: Instant,
  patientId: Uuid,
  /** The reader: a doctor's name, institution and role; never an ID number or phone. */
  reader: Type.Object({
    name: Type.String(),
    role: Nullable(Type.String()),
    institutionName: Nullable(Type.String()),
  }),
  /** null: every category (a break-glass opens them all), or a refused attempt whose category is unknown. */
  category: Nullable(RecordCategory),
  /** What was read: archive, timeline, observations, reports, export, fhir:Observation, break_glass, … */
  what: Type.String(),
  /** The relationship the read was allowed under; null for a refused attempt (outcome failure). */
  relationship: Nullable(Relationship),
  channel: Type.Enum(['app', 'fhir', 'export'] as const),
  outcome: Type.Enum(['success', 'failure'] as const),
});
export type AccessLogEntry = Static<typeof AccessLogEntry>;
export const AccessLogQuery = Type.Object({
  patientId: Type.Optional(Uuid),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 30),
});
export const AccessLogPage = page(AccessLogEntry);

// --- Break-glass (紧急调阅)

export const BreakGlassRequest = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const BreakGlassView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  readerName: Type.String(),
  institutionName: Nullable(Type.String()),
  reason: Type.String(),
  createdAt: Instant,
  expiresAt: Instant,
  reviewedAt: Nullable(Instant),
  reviewNote: Nullable(Type.String()),
});
export type BreakGlassView = Static<typeof BreakGlassView>;
export const BreakGlassPage = page(BreakGlassView);
/** GET /break-glass-alerts (regulator): newest first; `unreviewed` lists only those awaiting review. */
export const BreakGlassQuery = Type.Object({
  status: Type.Optional(Type.Enum(['unreviewed', 'all'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 30),
});
export const BreakGlassReview = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** Staff: the patients the caller may open now (a visit, an authorisation, break-glass): "我的患者". */
export const CarePatient = Type.Object({
  patientId: Uuid,
  name: Type.String(),
  sex: Nullable(Type.Enum(['male', 'female'] as const)),
  age: Nullable(Type.Integer()),
  relationship: Relationship,
  categories: Nullable(Type.Array(RecordCategory)),
  until: Nullable(Instant),
});
export type CarePatient = Static<typeof CarePatient>;
export const CarePatientList = Type.Object({ items: Type.Array(CarePatient) });

export const ExportQuery = Type.Object({ format: Type.Enum(['pdf', 'fhir'] as const) });

// --- HL7 feeds (admin)

export const Hl7MessageView = Type.Object({
  id: Uuid,
  sendingFacility: Type.String(),
  controlId: Type.String(),
  messageType: Type.String(),
  status: Type.Enum(['applied', 'held', 'dead', 'replayed', 'discarded'] as const),
  ackCode: Type.Enum(['AA', 'AE', 'AR'] as const),
  errorCode: Nullable(Type.String()),
  errorDetail: Nullable(Type.String()),
  receivedAt: Instant,
  appliedAt: Nullable(Instant),
  attempts: Type.Integer(),
});
export type Hl7MessageView = Static<typeof Hl7MessageView>;
export const Hl7MessageDetail = Type.Object({
  ...Hl7MessageView.properties,
  raw: Type.String({
    description:
      "The message text, segments separated by \\r (shown to the feed institution's administrators only; audited)",
  }),
});
export const Hl7MessageQuery = Type.Object({
  status: Type.Optional(Type.Enum(['applied', 'held', 'dead', 'replayed', 'discarded'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 30),
});
export const Hl7MessagePage = page(Hl7MessageView);
export const Hl7Replay = Type.Object(
  { raw: Type.String({ minLength: 8, maxLength: 65536 }) },
  { additionalProperties: false },
);
export const Hl7FeedStatus = Type.Object({
  listening: Type.Boolean(),
  port: Nullable(Type.Integer()),
  feeds: Type.Array(
    Type.Object({
      sendingFacility: Type.String(),
      institutionName: Type.String(),
      lastReceivedAt: Nullable(Instant),
      applied24h: Type.Integer(),
      dead: Type.Integer(),
      held: Type.Integer(),
    }),
  ),
});
export type Hl7FeedStatus = Static<typeof Hl7FeedStatus>;
export const Hl7MatchView = Type.Object({
  id: Uuid,
  messageId: Uuid,
  messageType: Type.String(),
  name: Type.String(),
  sex: Nullable(Type.Enum(['male', 'female'] as const)),
  birthDate: Nullable(DateText),
  idNumberMasked: Nullable(Type.String()),
  candidates: Type.Array(
    Type.Object({
      patientId: Uuid,
      name: Type.String(),
      sex: Nullable(Type.String()),
      birthDate: Nullable(DateText),
      idNumberMasked: Nullable(Type.String()),
    }),
  ),
  status: Type.Enum(['pending', 'matched', 'created', 'rejected'] as const),
  createdAt: Instant,
  /** The patient staff matched or created (resolved matches). */
  resolvedPatientId: Type.Optional(Nullable(Uuid)),
  /** The held message's status after the resolution: applied, or dead when it no longer applies. */
  messageStatus: Type.Optional(Type.Enum(['applied', 'held', 'dead', 'replayed', 'discarded'] as const)),
});
export type Hl7MatchView = Static<typeof Hl7MatchView>;
export const Hl7MatchPage = page(Hl7MatchView);
/** GET /hl7/matches: pending ones by default, oldest first (the longest waiting); `all` newest first. */
export const Hl7MatchQuery = Type.Object({
  status: Type.Optional(Type.Enum(['pending', 'all'] as const)),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 30),
});
export const Hl7MatchResolve = Type.Object(
  {
    action: Type.Enum(['match', 'create', 'reject'] as const),
    patientId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
