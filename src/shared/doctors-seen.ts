/**
 * 我看过的医生 / 复诊续方 ([8/12]): the doctors a patient has seen — at an appointment, in an online visit, or
 * who recorded an offline diagnosis — with what to do next: an online follow-up (its price) or a booking
 * (the next bookable session). GET /me/doctors?patientId=.
 */
import { type Static, Type } from 'typebox';
import { NextAvailable } from './directory.js';
import { Nullable, Uuid } from './http.js';

export const DoctorsSeenQuery = Type.Object(
  {
    patientId: Type.Optional(
      Type.String({ format: 'uuid', description: '本人（默认）或所代理的就诊人（ID-6）' }),
    ),
  },
  { additionalProperties: false },
);
export type DoctorsSeenQuery = Static<typeof DoctorsSeenQuery>;

/** A diagnosis the doctor made for the patient (an offline diagnosis, VISIT-1): each condition once. */
export const SeenDiagnosis = Type.Object({
  id: Uuid,
  name: Type.String({ description: '诊断名称，患者按名称选择' }),
  icd10: Type.String({ description: '内部使用的 ICD-10 编码，不向患者展示' }),
  diagnosedAt: Type.String(),
});
export type SeenDiagnosis = Static<typeof SeenDiagnosis>;

export const SEEN_VIA = ['appointment', 'online_visit', 'offline_diagnosis'] as const;

export const DoctorSeen = Type.Object({
  doctorId: Uuid,
  name: Type.String(),
  professionalTitle: Type.String(),
  institutionId: Uuid,
  institutionName: Type.String(),
  departmentId: Uuid,
  departmentName: Type.String(),
  lastSeenOn: Type.String({ description: '最近一次就诊或诊断的日期（YYYY-MM-DD，上海时间）' }),
  seenVia: Type.Array(Type.Enum(SEEN_VIA)),
  diagnoses: Type.Array(SeenDiagnosis, { description: '该医生作出的诊断，新的在前，同一疾病只列一次' }),
  onlineFollowUp: Nullable(
    Type.Object(
      { textFeeFen: Type.Integer(), videoFeeFen: Type.Integer() },
      { description: '医生提供线上复诊时的价格（分，图文 / 视频）' },
    ),
  ),
  bookable: Type.Boolean({ description: '本人及所属机构均未被暂停（ORG-5）' }),
  nextAvailable: Nullable(NextAvailable),
});
export type DoctorSeen = Static<typeof DoctorSeen>;

/** At most MAX_DOCTORS_SEEN doctors, the most recently seen first: one page holds them. */
export const MAX_DOCTORS_SEEN = 20;
export const DoctorsSeenPage = Type.Object({
  patientId: Nullable(Uuid),
  items: Type.Array(DoctorSeen),
  nextCursor: Type.Null(),
});
export type DoctorsSeenPage = Static<typeof DoctorsSeenPage>;
