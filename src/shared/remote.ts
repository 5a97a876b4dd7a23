/**
 * The remote-diagnosis contract ([11/12], 基层检查、上级诊断, REMOTE-1…REMOTE-5): a community doctor's request
 * for a reading, the centre's queue, the structured and signed report, critical values, ECG records and
 * their automatic measurements, DICOM studies, laboratory specimens with their chain of custody, and the
 * statistics. TypeBox schemas the routes validate with; `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page, QueryInt, Sex, Uuid } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });

// --- Vocabulary

export const REMOTE_KINDS = ['ecg', 'imaging', 'lab'] as const;
export const RemoteKind = Type.Enum(REMOTE_KINDS, { description: 'ecg 心电, imaging 影像, lab 检验' });
export type RemoteKind = Static<typeof RemoteKind>;

export const IMAGING_MODALITIES = ['DX', 'CT', 'MR', 'US'] as const;
export const RequestModality = Type.Enum(['ECG', ...IMAGING_MODALITIES] as const, {
  description: 'ECG 心电图；DX X线，CT，MR 磁共振，US 超声（影像）；检验不填',
});
export type RequestModality = Static<typeof RequestModality>;

export const URGENCIES = ['routine', 'urgent'] as const;
export const Urgency = Type.Enum(URGENCIES, { description: 'routine 常规, urgent 急诊' });
export type Urgency = Static<typeof Urgency>;

/**
 * requested: waiting for the material (ECG upload, DICOM study, specimen received at the centre);
 * ready: in the centre's queue; claimed: a reading doctor is reading it; reported: a draft report saved;
 * signed: the report is signed and back at the requesting institution and in the archive;
 * redraw: the specimen was rejected and a new one is awaited; cancelled by the requester.
 */
export const REQUEST_STATUSES = [
  'requested',
  'ready',
  'claimed',
  'reported',
  'signed',
  'cancelled',
  'redraw',
] as const;
export const RequestStatus = Type.Enum(REQUEST_STATUSES);
export type RequestStatus = Static<typeof RequestStatus>;

// --- Centres and agreements (REMOTE-1)

export const DiagnosticCentre = Type.Object({
  id: Uuid,
  name: Type.String(),
  shortName: Nullable(Type.String()),
  type: Type.Enum(['ecg_centre', 'imaging_centre', 'lab_centre'] as const),
  /** The kinds the agreement with the caller's institution covers. */
  kinds: Type.Array(RemoteKind),
  agreementNo: Type.String(),
  validTo: Type.String(),
});
export type DiagnosticCentre = Static<typeof DiagnosticCentre>;
export const DiagnosticCentreList = Type.Object({ items: Type.Array(DiagnosticCentre) });

export const ServiceAgreementView = Type.Object({
  id: Uuid,
  agreementNo: Type.String(),
  requesterInstitutionId: Uuid,
  requesterName: Type.String(),
  centreInstitutionId: Uuid,
  centreName: Type.String(),
  kinds: Type.Array(RemoteKind),
  validFrom: Type.String(),
  validTo: Type.String(),
  inForce: Type.Boolean(),
});
export type ServiceAgreementView = Static<typeof ServiceAgreementView>;
export const ServiceAgreementList = Type.Object({ items: Type.Array(ServiceAgreementView) });

// --- Requests (REMOTE-2, REMOTE-3)

export const RequestConsent = Type.Object(
  {
    by: Type.Enum(['patient', 'guardian'] as const),
    guardianName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    guardianRelation: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    method: Type.Enum(['written', 'electronic'] as const, {
      description: 'written 纸质知情同意书已签署存档；electronic 患者在本平台确认',
    }),
    /** The doctor confirms the consent was given (REMOTE-2): must be true. */
    confirmed: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type RequestConsent = Static<typeof RequestConsent>;

export const CreateDiagnosticRequestBody = Type.Object(
  {
    patientId: Uuid,
    centreId: Uuid,
    kind: RemoteKind,
    /** Imaging: DX, CT, MR or US; ECG: ECG (the default); lab: none. */
    modality: Type.Optional(RequestModality),
    /** Lab: the panel codes (GET /lab-panels). */
    panels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 20 })),
    urgency: Urgency,
    question: Type.String({ minLength: 2, maxLength: 500, description: '临床问题 / 检查目的' }),
    history: Type.Optional(Type.String({ maxLength: 2000, description: '病史摘要' })),
    consent: RequestConsent,
    /**
     * The patient's electronic health card code, scanned at the desk: identifies the patient in front of the
     * doctor. Without it the doctor must already hold a care relationship with the patient.
     */
    cardCode: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type CreateDiagnosticRequestBody = Static<typeof CreateDiagnosticRequestBody>;

export const RequestPatient = Type.Object({
  id: Uuid,
  name: Type.String(),
  sex: Nullable(Sex),
  age: Nullable(Type.Integer()),
});

export const EcgRecordSummary = Type.Object({
  id: Uuid,
  recordName: Type.String(),
  sourceFormat: Type.Enum(['wfdb-16', 'wfdb-212', 'dicom'] as const),
  leads: Type.Array(Type.String()),
  sampleRate: Type.Number(),
  durationMs: Type.Integer(),
  createdAt: Instant,
});
export type EcgRecordSummary = Static<typeof EcgRecordSummary>;

export const ImagingStudySummary = Type.Object({
  id: Uuid,
  studyUid: Type.String(),
  description: Nullable(Type.String()),
  modalities: Type.Array(Type.String()),
  series: Type.Integer(),
  instances: Type.Integer(),
  createdAt: Instant,
});
export type ImagingStudySummary = Static<typeof ImagingStudySummary>;

export const SPECIMEN_STEPS = [
  'collected',
  'packed',
  'picked_up',
  'received',
  'tested',
  'reported',
  'rejected',
] as const;
export const SpecimenStep = Type.Enum(SPECIMEN_STEPS);
export type SpecimenStep = Static<typeof SpecimenStep>;

export const SpecimenEventView = Type.Object({
  step: SpecimenStep,
  at: Instant,
  by: Type.String({ description: '扫码人姓名' }),
  institutionName: Type.String(),
  reason: Nullable(Type.String()),
});
export const SpecimenView = Type.Object({
  id: Uuid,
  barcode: Type.String(),
  requestId: Uuid,
  container: Type.String(),
  panels: Type.Array(Type.String()),
  status: SpecimenStep,
  rejectReason: Nullable(Type.String()),
  redrawOf: Nullable(Uuid),
  events: Type.Array(SpecimenEventView),
});
export type SpecimenView = Static<typeof SpecimenView>;

export const LabResult = Type.Object({
  panel: Type.String(),
  code: Type.String(),
  name: Type.String(),
  value: Type.String({ description: '结果（原样）' }),
  valueNum: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
  refLow: Nullable(Type.Number()),
  refHigh: Nullable(Type.Number()),
  refText: Nullable(Type.String()),
  flag: Nullable(Type.Enum(['N', 'H', 'L', 'HH', 'LL', 'A'] as const)),
  /** At or past a critical limit (危急值), e.g. potassium ≥ 6.5 mmol/L. */
  critical: Type.Boolean(),
});
export type LabResult = Static<typeof LabResult>;

export const EcgMeasurementsConfirmed = Type.Object(
  {
    heartRate: Nullable(Type.Number({ minimum: 0, maximum: 400 })),
    prMs: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1000 }))),
    qrsMs: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1000 }))),
    qtMs: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2000 }))),
    qtcMs: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2000 }))),
    rhythm: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    /** Whether the doctor took the automatic heart rate as it was (AI 辅助: a suggestion, never signed unseen). */
    heartRateConfirmed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EcgMeasurementsConfirmed = Static<typeof EcgMeasurementsConfirmed>;

export const RemoteReportView = Type.Object({
  id: Uuid,
  status: Type.Enum(['draft', 'signed'] as const),
  authorName: Type.String(),
  authorTitle: Nullable(Type.String()),
  findings: Type.String(),
  conclusion: Type.String(),
  recommendations: Type.String(),
  critical: Type.Boolean(),
  criticalNote: Nullable(Type.String()),
  measurements: Nullable(Type.Record(Type.String(), Type.Unknown())),
  results: Type.Array(LabResult),
  signedAt: Nullable(Instant),
  certificateSerial: Nullable(Type.String()),
  /** The report in the health archive (GET /diagnostic-reports/{id}, /pdf) once signed. */
  archiveReportId: Nullable(Uuid),
});
export type RemoteReportView = Static<typeof RemoteReportView>;

export const CriticalAlertView = Type.Object({
  id: Uuid,
  requestId: Uuid,
  accessionNo: Type.String(),
  patient: RequestPatient,
  kind: RemoteKind,
  reason: Type.String(),
  raisedAt: Instant,
  raisedByName: Type.String(),
  centreName: Type.String(),
  toPractitionerName: Type.String(),
  acknowledgedAt: Nullable(Instant),
  acknowledgedByName: Nullable(Type.String()),
});
export type CriticalAlertView = Static<typeof CriticalAlertView>;
export const CriticalAlertPage = page(CriticalAlertView);
export const CriticalAlertQuery = Type.Object({
  status: Type.Optional(Type.Enum(['open', 'acknowledged', 'all'] as const, { default: 'open' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 20),
});
export const AcknowledgeAlertBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const DiagnosticRequestView = Type.Object({
  id: Uuid,
  accessionNo: Type.String(),
  kind: RemoteKind,
  modality: Nullable(RequestModality),
  panels: Type.Array(Type.String()),
  urgency: Urgency,
  status: RequestStatus,
  question: Type.String(),
  history: Nullable(Type.String()),
  consent: Type.Object({
    by: Type.Enum(['patient', 'guardian'] as const),
    guardianName: Nullable(Type.String()),
    guardianRelation: Nullable(Type.String()),
    method: Type.Enum(['written', 'electronic'] as const),
    recordedAt: Instant,
  }),
  patient: RequestPatient,
  requester: Type.Object({
    institutionId: Uuid,
    institutionName: Type.String(),
    practitionerId: Uuid,
    practitionerName: Type.String(),
  }),
  centre: Type.Object({ institutionId: Uuid, name: Type.String() }),
  claimedBy: Nullable(Type.Object({ practitionerId: Uuid, name: Type.String() })),
  createdAt: Instant,
  materialAt: Nullable(Instant),
  claimedAt: Nullable(Instant),
  signedAt: Nullable(Instant),
  targetAt: Nullable(Instant),
  /** Minutes from the material's arrival to now (or to the signature); null before the material arrives. */
  waitingMinutes: Nullable(Type.Integer()),
  /** Signed after the target, or still unsigned past it. */
  overdue: Type.Boolean(),
  cancelReason: Nullable(Type.String()),
  criticalAlert: Nullable(
    Type.Object({
      id: Uuid,
      raisedAt: Instant,
      acknowledgedAt: Nullable(Instant),
      reason: Type.String(),
      /** Who at the requesting institution acknowledged it (the detail page shows who and when). */
      acknowledgedByName: Type.Optional(Nullable(Type.String())),
    }),
  ),
});
export type DiagnosticRequestView = Static<typeof DiagnosticRequestView>;

/** One request with what was sent and what came back (the detail page, the viewers). */
export const DiagnosticRequestDetail = Type.Object({
  ...DiagnosticRequestView.properties,
  ecg: Type.Array(EcgRecordSummary),
  studies: Type.Array(ImagingStudySummary),
  specimens: Type.Array(SpecimenView),
  report: Nullable(RemoteReportView),
});
export type DiagnosticRequestDetail = Static<typeof DiagnosticRequestDetail>;

export const DiagnosticRequestQuery = Type.Object({
  role: Type.Enum(['requester', 'centre'] as const, {
    description: 'requester: my institution’s requests; centre: my centre’s queue',
  }),
  status: Type.Optional(RequestStatus),
  kind: Type.Optional(RemoteKind),
  /** requester: only the caller's own requests (default: the whole institution's). */
  mine: Type.Optional(Type.Boolean()),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Limit(100, 20),
});
export const DiagnosticRequestPage = page(DiagnosticRequestView);

export const RequestIdParams = Type.Object({ id: Uuid });

export const CancelRequestBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);

/** The reading doctor's draft; each save replaces the draft (REMOTE-4). */
export const SaveReportBody = Type.Object(
  {
    findings: Type.String({ maxLength: 8000, description: '检查所见' }),
    conclusion: Type.String({ maxLength: 4000, description: '诊断意见' }),
    recommendations: Type.Optional(Type.String({ maxLength: 4000, description: '建议' })),
    critical: Type.Boolean({ description: '危急值：保存即通知申请医生' }),
    criticalNote: Type.Optional(Type.String({ maxLength: 500 })),
    /** ECG: the measurements as confirmed or corrected; imaging: free measurements. */
    measurements: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type SaveReportBody = Static<typeof SaveReportBody>;

// --- Imaging (DICOM)

/** POST /diagnostic-requests/{id}/images: the request's study after the upload. */
export const ImagingUploaded = Type.Object({
  studyUid: Type.String(),
  studyId: Uuid,
  series: Type.Array(
    Type.Object({
      seriesUid: Type.String(),
      modality: Nullable(Type.String()),
      /** Instances of the series now stored. */
      instances: Type.Integer(),
    }),
  ),
  /** Instances of the study now stored (a file already stored counts once). */
  instances: Type.Integer(),
  /** Instances this upload added (0 when every file was already stored). */
  added: Type.Integer(),
});
export type ImagingUploaded = Static<typeof ImagingUploaded>;

// --- ECG

export const EcgUploaded = Type.Object({
  id: Uuid,
  leads: Type.Array(Type.String()),
  sampleRate: Type.Number(),
  durationMs: Type.Integer(),
});
export type EcgUploaded = Static<typeof EcgUploaded>;

export const EcgLeadsQuery = Type.Object({
  from: Type.Optional(QueryInt({ minimum: 0, maximum: 604_800_000, description: '起始时间，毫秒' })),
  to: Type.Optional(
    QueryInt({ minimum: 0, maximum: 604_800_000, description: '结束时间，毫秒（最多 60 秒）' }),
  ),
});
export const EcgLeads = Type.Object({
  id: Uuid,
  sampleRate: Type.Number(),
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  /** The whole record's length (the viewer's time slider spans it); optional for older answers. */
  durationMs: Type.Optional(Type.Integer()),
  /** Samples in mV, one array per lead, every lead the same length. */
  leads: Type.Array(Type.Object({ name: Type.String(), mv: Type.Array(Type.Number()) })),
});
export type EcgLeads = Static<typeof EcgLeads>;

export const EcgMeasurements = Type.Object({
  heartRate: Nullable(Type.Number()),
  beats: Type.Array(Type.Object({ sample: Type.Integer(), timeMs: Type.Number() })),
  rrMs: Type.Array(Type.Number()),
  rhythmHint: Type.String({ description: '节律提示（AI 辅助，供医生确认）' }),
  rhythmHintEn: Type.String(),
  leadUsed: Type.String(),
});
export type EcgMeasurements = Static<typeof EcgMeasurements>;

// --- Laboratory

export const LabAnalyte = Type.Object({
  code: Type.String(),
  loinc: Nullable(Type.String()),
  name: Type.String(),
  nameEn: Type.String(),
  unit: Nullable(Type.String()),
  refLow: Nullable(Type.Number()),
  refHigh: Nullable(Type.Number()),
  criticalLow: Nullable(Type.Number()),
  criticalHigh: Nullable(Type.Number()),
  /** Where the adult range differs by sex: refLow/refHigh are the men's, these the women's (WS/T 405, 404). */
  refLowFemale: Type.Optional(Nullable(Type.Number())),
  refHighFemale: Type.Optional(Nullable(Type.Number())),
  /** numeric (the default), or ordinal: one of `values` (尿常规 dipstick: -, ±, 1+ …), normal as `refText`. */
  valueType: Type.Optional(Type.Enum(['numeric', 'ordinal'] as const)),
  values: Type.Optional(Type.Array(Type.String())),
  refText: Type.Optional(Nullable(Type.String())),
});
export const LabPanel = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  container: Type.String({ description: '采血管 / 容器' }),
  containerEn: Type.Optional(Type.String()),
  analytes: Type.Array(LabAnalyte),
});
export type LabPanel = Static<typeof LabPanel>;
export const LabPanelList = Type.Object({ items: Type.Array(LabPanel) });

export const SpecimenEventBody = Type.Object(
  {
    step: Type.Enum(['packed', 'picked_up', 'received', 'tested', 'reported', 'rejected'] as const),
    reason: Type.Optional(
      Type.Enum([
        'haemolysed',
        'insufficient',
        'clotted',
        'wrong_container',
        'unlabelled',
        'delayed',
      ] as const),
    ),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const BarcodeParams = Type.Object({ barcode: Type.String({ pattern: '^[A-Z0-9-]{6,32}$' }) });
/** A specimen is collected for the whole request (one barcode, its tubes in one bag); a re-draw names the rejected one. */
export const CreateSpecimenBody = Type.Object(
  { redrawOf: Type.Optional(Uuid) },
  { additionalProperties: false },
);
/** The request's laboratory results after an entry (manual or HL7), and the critical alert it raised. */
export const LabResultsView = Type.Object({
  requestId: Uuid,
  results: Type.Array(LabResult),
  /** A critical value among the entered results raised this alert (null: none, or the request had one). */
  criticalAlertId: Nullable(Uuid),
});
export type LabResultsView = Static<typeof LabResultsView>;

export const ResultEntryBody = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          panel: Type.String({ minLength: 1, maxLength: 20 }),
          code: Type.String({ minLength: 1, maxLength: 20 }),
          value: Type.String({ minLength: 1, maxLength: 40 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

// --- Statistics

export const RemoteStatsQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
});
export const RemoteStats = Type.Object({
  from: Type.String(),
  to: Type.String(),
  centres: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      kind: RemoteKind,
      institutionsServed: Type.Integer(),
      requests: Type.Integer(),
      signed: Type.Integer(),
      medianTurnaroundMinutes: Nullable(Type.Number()),
      onTargetRate: Nullable(Type.Number({ description: '0–1' })),
      critical: Type.Integer(),
      rejectedSpecimens: Type.Integer(),
    }),
  ),
  requesters: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      requests: Type.Integer(),
      signed: Type.Integer(),
      critical: Type.Integer(),
      rejectedSpecimens: Type.Integer(),
    }),
  ),
  /** Signed reports per day, per kind (the chart). */
  daily: Type.Array(
    Type.Object({ day: Type.String(), ecg: Type.Integer(), imaging: Type.Integer(), lab: Type.Integer() }),
  ),
});
export type RemoteStats = Static<typeof RemoteStats>;

// --- The signed report in the archive (GET /diagnostic-reports/{id}, /pdf, /verify)

/** The signature of a remote report checked as any verifier would (certificate, SM3, SM2). */
export const RemoteReportVerification = Type.Object({
  valid: Type.Boolean(),
  signer: Type.Object({ name: Type.String(), practitionerCode: Type.String(), institution: Type.String() }),
  certificate: Type.Object({
    serial: Type.String(),
    issuer: Type.String(),
    validFrom: Type.String(),
    validTo: Type.String(),
    publicKeyPem: Type.String(),
  }),
  hash: Type.String({ description: 'SM3 of the canonical signed document, hex' }),
  problems: Type.Array(Type.String()),
});
export type RemoteReportVerification = Static<typeof RemoteReportVerification>;

/** A signed remote-diagnosis report as the archive shows it: `id` is the archive's report id. */
export const RemoteDiagnosticReport = Type.Object({
  id: Uuid,
  requestId: Uuid,
  accessionNo: Type.String(),
  kind: RemoteKind,
  modality: Nullable(RequestModality),
  panels: Type.Array(Type.String()),
  patient: RequestPatient,
  centre: Type.Object({ institutionId: Uuid, name: Type.String() }),
  requester: Type.Object({ institutionName: Type.String(), practitionerName: Type.String() }),
  question: Type.String(),
  findings: Type.String(),
  conclusion: Type.String(),
  recommendations: Type.String(),
  critical: Type.Boolean(),
  measurements: Nullable(Type.Record(Type.String(), Type.Unknown())),
  results: Type.Array(LabResult),
  signer: Type.Object({ practitionerId: Uuid, name: Type.String(), title: Nullable(Type.String()) }),
  signedAt: Instant,
  certificateSerial: Type.String(),
  contentHash: Type.String({ description: 'SM3 of the signed document, hex' }),
  /** The document format signed: yunyi-diagnostic-report/1. */
  format: Type.String(),
});
export type RemoteDiagnosticReport = Static<typeof RemoteDiagnosticReport>;
export const ReportIdParams = Type.Object({ id: Uuid });
