/**
 * The medical-record part of the online-visit contract (re-exported by visits.ts): the record the doctor
 * writes and signs, its addenda, ICD-10 search, record templates, offline diagnoses (the evidence of a
 * follow-up, VISIT-1) and the empty record.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { DateText as Day, Uuid as Id, Limit } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });
const Items = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
export const RecordDiagnosis = Type.Object({
  icd10: Type.String({ maxLength: 10 }),
  name: Type.String({ maxLength: 200 }),
});
export type RecordDiagnosis = Static<typeof RecordDiagnosis>;

/** 互联网诊疗病历: the structured content the doctor writes (PUT /visits/{id}/record). */
export const RecordContent = Type.Object(
  {
    chiefComplaint: Type.String({ maxLength: 4000 }),
    presentIllness: Type.String({ maxLength: 4000 }),
    pastHistory: Type.String({ maxLength: 4000 }),
    allergies: Type.String({ maxLength: 4000 }),
    onlineObservation: Type.String({ maxLength: 4000 }),
    diagnoses: Type.Array(RecordDiagnosis, { maxItems: 10 }),
    advice: Type.String({ maxLength: 4000 }),
  },
  { additionalProperties: false },
);
export type RecordContent = Static<typeof RecordContent>;

export const RecordAddendum = Type.Object({
  id: Id,
  text: Type.String(),
  signedAt: Instant,
  signature: Type.String(),
  contentHash: Type.String(),
});
export type RecordAddendum = Static<typeof RecordAddendum>;

export const MedicalRecordView = Type.Object(
  {
    visitId: Id,
    status: Type.Enum(['draft', 'signed'] as const),
    content: RecordContent,
    updatedAt: Instant,
    signedAt: Type.Optional(Instant),
    /** SM3 of the canonical signed document, hex. */
    contentHash: Type.Optional(Type.String()),
    /** SM2 signature (DER, base64) of the canonical signed document. */
    signature: Type.Optional(Type.String()),
    doctorName: Type.Optional(Type.String()),
    certificateSerial: Type.Optional(Type.String()),
    addenda: Type.Array(RecordAddendum),
  },
  { description: 'MedicalRecordView' },
);
export type MedicalRecordView = Static<typeof MedicalRecordView>;

export const AddendumBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) });

export const IcdEntry = Type.Object({ code: Type.String(), name: Type.String() });
export type IcdEntry = Static<typeof IcdEntry>;
export const Icd10Query = Type.Object({
  q: Type.String({ maxLength: 50 }),
  limit: Type.Optional(Limit(50)),
});
export const Icd10Page = Items(IcdEntry);

/** A skeleton record a doctor picks and edits (GET /record-templates?departmentId=). */
export const RecordTemplate = Type.Object({
  id: Type.String(),
  name: Type.String(),
  content: Type.Partial(RecordContent),
});
export type RecordTemplate = Static<typeof RecordTemplate>;
export const RecordTemplatesQuery = Type.Object({ departmentId: Id });
export const RecordTemplates = Items(RecordTemplate);

/** An offline diagnosis (VISIT-1): imported from a hospital's system (`his`) or entered by staff. */
export const OfflineDiagnosisView = Type.Object({
  id: Id,
  icd10: Type.String(),
  name: Type.String(),
  diagnosedAt: Day,
  institutionName: Type.String(),
  departmentName: Type.Optional(Type.String()),
  source: Type.String(),
});
export type OfflineDiagnosisView = Static<typeof OfflineDiagnosisView>;
export const OfflineDiagnoses = Items(OfflineDiagnosisView);
export const OfflineDiagnosisBody = Type.Object({
  icd10: Type.String({ minLength: 3, maxLength: 10 }),
  diagnosedAt: Day,
});
export type OfflineDiagnosisBody = Static<typeof OfflineDiagnosisBody>;

export const EMPTY_RECORD: RecordContent = {
  chiefComplaint: '',
  presentIllness: '',
  pastHistory: '',
  allergies: '',
  onlineObservation: '',
  diagnoses: [],
  advice: '',
};
