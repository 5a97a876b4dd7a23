/**
 * Smart triage's contract ([8/12], 智能导诊): a complaint in Chinese → red flags first, then suggested
 * departments with reasons and, where the region has one, the institution and department to book.
 * docs/triage.md explains the model. The text is never stored (docs/triage.md).
 */
import { type Static, Type } from 'typebox';
import { Uuid } from './http.js';

/** The longest complaint the service reads (TRIAGE_TEXT_TOO_LONG beyond). */
export const TRIAGE_MAX_CHARS = 500;

export const TriageSex = Type.Enum(['male', 'female'] as const);

export const TriageBody = Type.Object(
  {
    // Length is checked by the service, so an empty or long text answers with triage's own codes.
    text: Type.String({ description: '主诉，中文，1–500 字' }),
    age: Type.Optional(Type.Number({ minimum: 0, maximum: 130, description: '年龄（岁，婴儿可用小数）' })),
    sex: Type.Optional(TriageSex),
    patientId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type TriageBody = Static<typeof TriageBody>;

export const TriageDepartment = Type.Object({
  /** The plain Chinese clinical name (心血管内科, 儿童皮肤科, …). */
  name: Type.String(),
  institutionId: Type.Optional(Uuid),
  institutionName: Type.Optional(Type.String()),
  departmentId: Type.Optional(Uuid),
  reason: Type.String(),
  /** The department's share of the evidence, 0–1. */
  score: Type.Number(),
});
export type TriageDepartment = Static<typeof TriageDepartment>;

export const TriageResult = Type.Object({
  redFlag: Type.Boolean(),
  /** The red flags recognised (ids are stable: stroke, chest_pain_sweating, suicidal, …). */
  redFlags: Type.Array(Type.Object({ id: Type.String(), label: Type.String() })),
  advice: Type.String(),
  departments: Type.Array(TriageDepartment),
});
export type TriageResult = Static<typeof TriageResult>;
