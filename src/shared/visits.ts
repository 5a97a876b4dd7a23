/**
 * The online-visit contract, written once ([4/12]): TypeBox schemas of every request and response of the
 * visits API, used by the server's routes (validation, serialisation, OpenAPI) and imported by the web for
 * its types (`type X = Static<typeof X>`). Also the WebSocket frames.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { DateText as Day, Uuid as Id, Limit, QueryInt, Sex } from './http.js';
import { RecordDiagnosis } from './visit-records.js';

/** The medical record, its addenda, ICD-10, templates, offline diagnoses and the empty record: visit-records.ts. */
export * from './visit-records.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });
const Items = <T extends TSchema>(item: T, description?: string) =>
  Type.Object({ items: Type.Array(item) }, description ? { description } : {});

// --- names ----------------------------------------------------------------------------------------------

export const VISIT_TYPES = ['consultation', 'follow_up', 'first_visit', 'nursing_consultation'] as const;
export const VisitType = Type.Enum(VISIT_TYPES);
export type VisitType = Static<typeof VisitType>;

export const VISIT_STATUSES = [
  'requested',
  'paid',
  'waiting',
  'in_progress',
  'completed',
  'cancelled',
  'expired',
  'referred_offline',
] as const;
export const VisitStatus = Type.Enum(VISIT_STATUSES);
export type VisitStatus = Static<typeof VisitStatus>;
/** States in which the visit is still going (not yet ended one way or another). */
export const OPEN_VISIT_STATUSES: readonly VisitStatus[] = ['requested', 'paid', 'waiting', 'in_progress'];

export const VISIT_CHANNELS = ['text', 'video'] as const;
export const VisitChannel = Type.Enum(VISIT_CHANNELS);
export type VisitChannel = Static<typeof VisitChannel>;

// --- the visit ------------------------------------------------------------------------------------------

/** The offline diagnosis a follow-up rests on (VISIT-1, VISIT-2). */
export const VisitEvidence = Type.Object({
  kind: Type.Enum(['offline_diagnosis', 'document'] as const),
  offlineDiagnosisId: Type.Optional(Id),
  attachmentId: Type.Optional(Id),
  icd10: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  institutionName: Type.Optional(Type.String()),
  diagnosedAt: Type.Optional(Type.String()),
  /** A document uploaded by the patient counts only once the doctor accepted it. */
  acceptedAt: Type.Optional(Instant),
});
export type VisitEvidence = Static<typeof VisitEvidence>;

/** Where the doctor sends the patient offline (VISIT-3). */
export const VisitRecommendation = Type.Object({
  institutionId: Type.Optional(Id),
  institutionName: Type.Optional(Type.String()),
  departmentId: Type.Optional(Id),
  departmentName: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
});
export type VisitRecommendation = Static<typeof VisitRecommendation>;

export const VisitView = Type.Object(
  {
    id: Id,
    type: VisitType,
    status: VisitStatus,
    channel: VisitChannel,
    patientId: Id,
    patientName: Type.String({ description: 'masked for the regulator' }),
    patientSex: Sex,
    patientAge: Type.Integer(),
    isMinor: Type.Boolean(),
    /** The visit's practitioner (a doctor, or a nurse for a nursing consultation). */
    doctorId: Type.Optional(Id),
    doctorName: Type.Optional(Type.String()),
    doctorTitle: Type.Optional(Type.String()),
    departmentId: Id,
    departmentName: Type.String(),
    institutionId: Id,
    institutionName: Type.String(),
    /** [8/12] The institution's English name where it has one (shown in en-US). */
    institutionNameEn: Type.Optional(Type.String()),
    appointmentId: Type.Optional(Id),
    conditionCode: Type.Optional(Type.String()),
    conditionName: Type.Optional(Type.String()),
    description: Type.String(),
    feeFen: Type.Integer(),
    orderId: Type.Optional(Id),
    evidence: Type.Optional(VisitEvidence),
    guardianRequired: Type.Boolean(),
    guardianConfirmedAt: Type.Optional(Instant),
    /** VISIT-4: when the patient (or guardian) accepted the informed-consent text. */
    consentAt: Instant,
    /** Place in the queue while waiting (1 = next); absent otherwise. */
    queuePosition: Type.Optional(Type.Integer()),
    createdAt: Instant,
    paidAt: Type.Optional(Instant),
    startedAt: Type.Optional(Instant),
    completedAt: Type.Optional(Instant),
    endedAt: Type.Optional(Instant),
    expiresAt: Type.Optional(Instant),
    chatClosesAt: Type.Optional(Instant),
    chatClosed: Type.Boolean(),
    referral: Type.Optional(Type.Object({ reason: Type.String(), recommendation: VisitRecommendation })),
    cancelReason: Type.Optional(Type.String()),
    rating: Type.Optional(Type.Object({ stars: Type.Integer(), comment: Type.Optional(Type.String()) })),
    /** Ids of images the patient attached when requesting the visit. */
    attachmentIds: Type.Array(Id),
  },
  { description: 'VisitView' },
);
export type VisitView = Static<typeof VisitView>;

export const VisitParams = Type.Object({ id: Id });
export type VisitParams = Static<typeof VisitParams>;

/** POST /visits: a follow-up, consultation, pilot first visit or nursing consultation (VISIT-4: consent). */
export const CreateVisitBody = Type.Object(
  {
    type: VisitType,
    doctorId: Type.Optional(Id),
    departmentId: Type.Optional(Id),
    appointmentId: Type.Optional(Id),
    patientId: Type.Optional(Id),
    conditionCode: Type.Optional(Type.String({ maxLength: 10 })),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    channel: Type.Optional(VisitChannel),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 9 })),
    evidenceAttachmentId: Type.Optional(Id),
    consent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateVisitBody = Static<typeof CreateVisitBody>;

export const CreatedVisit = Type.Object({ id: Id, status: VisitStatus, orderId: Type.Optional(Id) });
export type CreatedVisit = Static<typeof CreatedVisit>;

export const VISIT_LIST_SCOPES = ['mine', 'queue', 'history', 'institution', 'region'] as const;
export type VisitListScope = (typeof VISIT_LIST_SCOPES)[number];

export const VisitListQuery = Type.Object({
  scope: Type.Optional(Type.Enum(VISIT_LIST_SCOPES)),
  status: Type.Optional(VisitStatus),
  type: Type.Optional(VisitType),
  patientId: Type.Optional(Id),
  /** Created on or after / on or before these days (Asia/Shanghai). */
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  /** Keyset paging: visits created before this instant (the previous page's nextCursor). */
  before: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Limit(200)),
});
export type VisitListQuery = Static<typeof VisitListQuery>;

export const VisitPage = Type.Object({ items: Type.Array(VisitView), nextCursor: Type.Optional(Instant) });
export type VisitPage = Static<typeof VisitPage>;

export const CancelVisitBody = Type.Optional(
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }),
);
export type CancelVisitBody = Static<typeof CancelVisitBody>;

export const ReferOfflineBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  recommendation: Type.Object({
    institutionId: Type.Optional(Id),
    departmentId: Type.Optional(Id),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  }),
});
export type ReferOfflineBody = Static<typeof ReferOfflineBody>;

export const RatingBody = Type.Object({
  stars: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.Optional(Type.String({ maxLength: 500 })),
});
export type RatingBody = Static<typeof RatingBody>;

export const TimelineEntry = Type.Object({
  at: Instant,
  kind: Type.String(),
  actorRole: Type.String(),
  actorName: Type.Optional(Type.String()),
  /** What the event recorded; its keys depend on the kind (docs/visits.md). */
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;
export const Timeline = Items(TimelineEntry);
export type Timeline = Static<typeof Timeline>;

// --- chat and attachments -------------------------------------------------------------------------------

export const AttachmentView = Type.Object(
  {
    id: Id,
    mime: Type.String(),
    sizeBytes: Type.Integer(),
    hasThumbnail: Type.Boolean(),
    durationMs: Type.Optional(Type.Integer()),
  },
  { description: 'AttachmentView' },
);
export type AttachmentView = Static<typeof AttachmentView>;

export const MESSAGE_KINDS = ['text', 'image', 'voice', 'system'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const VisitMessage = Type.Object(
  {
    /** Increasing over the whole platform: a client resumes with the last id it saw. */
    id: Type.Integer(),
    visitId: Id,
    kind: Type.Enum(MESSAGE_KINDS),
    senderRole: Type.Enum(['patient', 'doctor', 'system'] as const),
    senderName: Type.String(),
    /** The sender's own id for the message, so a resent message is stored once. */
    clientId: Type.Optional(Type.String()),
    text: Type.Optional(Type.String()),
    /**
     * [8/12] A system line's key (server/modules/visits/system-lines.ts) and its facts; `text` is already in
     * the reader's language (Accept-Language, or the socket's `lang`), so a client needs these only to
     * render the line itself.
     */
    textKey: Type.Optional(Type.String()),
    textParams: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    attachment: Type.Optional(AttachmentView),
    createdAt: Instant,
  },
  { description: 'VisitMessage' },
);
export type VisitMessage = Static<typeof VisitMessage>;
export const VisitMessages = Items(VisitMessage);

export const MessagesQuery = Type.Object({
  after: Type.Optional(QueryInt({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  limit: Type.Optional(Limit(500)),
});
export type MessagesQuery = Static<typeof MessagesQuery>;

export const PostMessageBody = Type.Object({
  clientId: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.Enum(['text', 'image', 'voice'] as const),
  text: Type.Optional(Type.String({ maxLength: 2000 })),
  attachmentId: Type.Optional(Id),
});
export type PostMessageBody = Static<typeof PostMessageBody>;

export const UploadQuery = Type.Object({
  durationMs: Type.Optional(QueryInt({ minimum: 0, maximum: 600_000, description: '语音时长（毫秒）' })),
});
export const AttachmentQuery = Type.Object({
  thumb: Type.Optional(Type.Enum(['1', 'true', '0', 'false'] as const)),
});

// --- calls ----------------------------------------------------------------------------------------------

export const CallParams = Type.Object({ id: Id, callId: Id });
export const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
export const VisitCall = Type.Object({ id: Id, iceServers: Type.Array(IceServer) });
export type VisitCall = Static<typeof VisitCall>;
export const JoinCallBody = Type.Object({ recordingConsent: Type.Boolean() });

// --- the doctor's view of the patient ---------------------------------------------------------------------

/** What the doctor sees of the patient: offline diagnoses and earlier signed records at this institution. */
export const PatientHistory = Type.Object({
  offlineDiagnoses: Type.Array(
    Type.Object({
      id: Id,
      icd10: Type.String(),
      name: Type.String(),
      diagnosedAt: Day,
      source: Type.String(),
      institutionName: Type.String(),
      departmentName: Type.Optional(Type.String()),
      doctorName: Type.Optional(Type.String()),
    }),
  ),
  records: Type.Array(
    Type.Object({
      visitId: Id,
      type: VisitType,
      signedAt: Instant,
      doctorName: Type.String(),
      chiefComplaint: Type.String(),
      diagnoses: Type.Array(RecordDiagnosis),
      advice: Type.String(),
    }),
  ),
});
export type PatientHistory = Static<typeof PatientHistory>;

// --- on-demand queue ------------------------------------------------------------------------------------

/** A practitioner's presence in their department's on-demand queue. */
export const Presence = Type.Object({ online: Type.Boolean(), departmentId: Id });
export type Presence = Static<typeof Presence>;
export const PresenceBody = Type.Object({ online: Type.Boolean() });

/** A department's on-demand queue: practitioners online, visits waiting, the follow-up fee. */
export const OnDemandStatus = Type.Object({
  open: Type.Boolean(),
  onlineDoctors: Type.Integer(),
  waiting: Type.Integer(),
  feeFen: Type.Integer(),
});
export type OnDemandStatus = Static<typeof OnDemandStatus>;

// --- first-visit pilot (PILOT-1, PILOT-2) ---------------------------------------------------------------

export const PILOT_STATUSES = ['active', 'not_started', 'ended', 'revoked'] as const;
export type PilotStatus = (typeof PILOT_STATUSES)[number];

/** Where the regulator opened online first visits: institution × specialty, with dates (PILOT-1). */
export const PilotScopeView = Type.Object({
  id: Id,
  institutionId: Id,
  institutionName: Type.String(),
  specialty: Type.String(),
  startsOn: Day,
  endsOn: Day,
  status: Type.Enum(PILOT_STATUSES),
  createdAt: Instant,
  revokedAt: Type.Optional(Instant),
});
export type PilotScopeView = Static<typeof PilotScopeView>;
export const PilotScopes = Items(PilotScopeView);
export const PilotScopeBody = Type.Object({
  institutionId: Id,
  specialty: Type.String({ minLength: 1, maxLength: 50 }),
  startsOn: Day,
  endsOn: Day,
});
export type PilotScopeBody = Static<typeof PilotScopeBody>;

/** The first-visit bar (PILOT-2), in the order the whitelist shows it. */
export const BAR_CONDITIONS = [
  'licence',
  'practice_years',
  'title',
  'online_follow_up_years',
  'training',
] as const;
export type BarCondition = (typeof BAR_CONDITIONS)[number];
export const BarCheck = Type.Object({ condition: Type.Enum(BAR_CONDITIONS), met: Type.Boolean() });
export type BarCheck = Static<typeof BarCheck>;

/** One whitelisted practitioner and the bar checked today (PILOT-2). */
export const WhitelistEntry = Type.Object({
  practitionerId: Id,
  name: Type.String(),
  professionalTitle: Type.String(),
  departmentName: Type.String(),
  addedAt: Instant,
  bar: Type.Array(BarCheck),
  /** Every condition of the bar holds today. */
  eligible: Type.Boolean(),
});
export type WhitelistEntry = Static<typeof WhitelistEntry>;
export const Whitelist = Items(WhitelistEntry);
export const WhitelistBody = Type.Object({ practitionerId: Id });
export const WhitelistEntryParams = Type.Object({ id: Id, practitionerId: Id });

// --- WebSocket ------------------------------------------------------------------------------------------

/** The most visits one `resume` frame may name (a client following more sends several). */
export const MAX_RESUME_VISITS = 500;

/** WebSocket frames, client → server. */
export type ClientFrame =
  | { type: 'resume'; visitId: string; after?: number }
  /** Many visits in one frame (at most MAX_RESUME_VISITS): each answered as its own single-visit resume. */
  | { type: 'resume'; visits: { visitId: string; after?: number }[] }
  | { type: 'message'; visitId: string; clientId: string; kind: 'text'; text: string }
  | { type: 'message'; visitId: string; clientId: string; kind: 'image' | 'voice'; attachmentId: string }
  | { type: 'read'; visitId: string; lastReadId: number }
  | { type: 'typing'; visitId: string }
  | { type: 'signal'; visitId: string; data: unknown }
  | { type: 'ping' };

/** WebSocket frames, server → client. */
export type ServerFrame =
  | { type: 'message'; visitId: string; message: VisitMessage }
  | { type: 'resumed'; visitId: string; lastId: number }
  | { type: 'read'; visitId: string; role: 'patient' | 'doctor'; lastReadId: number }
  | { type: 'typing'; visitId: string; role: 'patient' | 'doctor' }
  | { type: 'signal'; visitId: string; from: 'patient' | 'doctor'; data: unknown }
  | { type: 'visit'; visitId: string; status: VisitStatus }
  | { type: 'error'; visitId?: string; code: string; detail: string }
  | { type: 'pong' };

/**
 * The close code of a socket whose API node is draining ([9/12], RFC 6455 §7.4.1 as registered with IANA:
 * 1012 "Service Restart"): the client reconnects at once — to another node behind the load balancer —
 * and resumes from the last message it saw.
 */
export const SERVICE_RESTART_CLOSE = 1012;
export const SERVICE_RESTART_REASON = 'service restart: reconnect';
