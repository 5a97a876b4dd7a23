/**
 * Online visit names shared by the server and the web app: visit types and states, the visit, its
 * messages, the medical record and the WebSocket frames, as the API returns them ([3/6]).
 */

export const VISIT_TYPES = ['consultation', 'follow_up', 'first_visit', 'nursing_consultation'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

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
export type VisitStatus = (typeof VISIT_STATUSES)[number];
/** States in which the visit is still going (not yet ended one way or another). */
export const OPEN_VISIT_STATUSES: readonly VisitStatus[] = ['requested', 'paid', 'waiting', 'in_progress'];

export type VisitChannel = 'text' | 'video';

/** The offline diagnosis a follow-up rests on (VISIT-1, VISIT-2). */
export interface VisitEvidence {
  kind: 'offline_diagnosis' | 'document';
  offlineDiagnosisId?: string;
  attachmentId?: string;
  icd10?: string;
  name?: string;
  institutionName?: string;
  diagnosedAt?: string;
  /** A document uploaded by the patient counts only once the doctor accepted it. */
  acceptedAt?: string;
}

export interface VisitView {
  id: string;
  type: VisitType;
  status: VisitStatus;
  channel: VisitChannel;
  patientId: string;
  patientName: string;
  patientSex: 'male' | 'female';
  patientAge: number;
  isMinor: boolean;
  doctorId?: string;
  doctorName?: string;
  doctorTitle?: string;
  departmentId: string;
  departmentName: string;
  institutionId: string;
  institutionName: string;
  appointmentId?: string;
  conditionCode?: string;
  conditionName?: string;
  description: string;
  feeFen: number;
  orderId?: string;
  evidence?: VisitEvidence;
  guardianRequired: boolean;
  guardianConfirmedAt?: string;
  /** VISIT-4: when the patient (or guardian) accepted the informed-consent text. */
  consentAt: string;
  /** Place in the queue while waiting (1 = next); absent otherwise. */
  queuePosition?: number;
  createdAt: string;
  paidAt?: string;
  startedAt?: string;
  completedAt?: string;
  endedAt?: string;
  expiresAt?: string;
  chatClosesAt?: string;
  chatClosed: boolean;
  referral?: { reason: string; recommendation: VisitRecommendation };
  cancelReason?: string;
  rating?: { stars: number; comment?: string };
  /** Ids of images the patient attached when requesting the visit. */
  attachmentIds: string[];
}

export interface VisitRecommendation {
  institutionId?: string;
  institutionName?: string;
  departmentId?: string;
  departmentName?: string;
  note?: string;
}

export type MessageKind = 'text' | 'image' | 'voice' | 'system';

export interface VisitMessage {
  /** Increasing over the whole platform: a client resumes with the last id it saw. */
  id: number;
  visitId: string;
  kind: MessageKind;
  senderRole: 'patient' | 'doctor' | 'system';
  senderName: string;
  /** The sender's own id for the message, so a resent message is stored once. */
  clientId?: string;
  text?: string;
  attachment?: AttachmentView;
  createdAt: string;
}

export interface AttachmentView {
  id: string;
  mime: string;
  sizeBytes: number;
  hasThumbnail: boolean;
  durationMs?: number;
}

export interface RecordDiagnosis {
  icd10: string;
  name: string;
}

/** 互联网诊疗病历: the structured content the doctor writes. */
export interface RecordContent {
  chiefComplaint: string;
  presentIllness: string;
  pastHistory: string;
  allergies: string;
  onlineObservation: string;
  diagnoses: RecordDiagnosis[];
  advice: string;
}

export interface RecordAddendum {
  id: string;
  text: string;
  signedAt: string;
  signature: string;
  contentHash: string;
}

export interface MedicalRecordView {
  visitId: string;
  status: 'draft' | 'signed';
  content: RecordContent;
  updatedAt: string;
  signedAt?: string;
  /** SM3 of the canonical signed document, hex. */
  contentHash?: string;
  /** SM2 signature (DER, base64) of the canonical signed document. */
  signature?: string;
  doctorName?: string;
  certificateSerial?: string;
  addenda: RecordAddendum[];
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actorRole: string;
  actorName?: string;
  details: Record<string, unknown>;
}

export interface IcdEntry {
  code: string;
  name: string;
}

/** WebSocket frames, client → server. */
export type ClientFrame =
  | { type: 'resume'; visitId: string; after?: number }
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

export const EMPTY_RECORD: RecordContent = {
  chiefComplaint: '',
  presentIllness: '',
  pastHistory: '',
  allergies: '',
  onlineObservation: '',
  diagnoses: [],
  advice: '',
};
