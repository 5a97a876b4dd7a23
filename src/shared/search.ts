/**
 * The patient search's contract (GET /api/v1/search?q=, GET /api/v1/institutions/{id}/clinics): hospitals,
 * clinical departments, doctors and conditions (diseases and symptoms) found by a name, its pinyin
 * (full or initials) or a condition. Public: the directory is not patient data.
 */
import { type Static, Type } from 'typebox';
import { InstitutionLevel, InstitutionType, NextAvailable, Title } from './directory.js';
import { Nullable, Uuid } from './http.js';

/** At most this many results of each kind: the answer is one screen, not a list to page through. */
export const SEARCH_CAPS = {
  institutions: 10,
  departments: 20,
  doctors: 20,
  conditions: 5,
  /** Per condition: departments that treat it and doctors who do. */
  conditionDepartments: 6,
  conditionDoctors: 5,
} as const;

export const SEARCH_MAX_LENGTH = 30;

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: SEARCH_MAX_LENGTH,
      description: '医院、科室、医生（中文名或拼音全拼/首字母，如 cjg）、疾病或症状（如 高血压、咳嗽）',
    }),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

const InstitutionRef = Type.Object({ id: Uuid, name: Type.String(), shortName: Nullable(Type.String()) });

export const SearchInstitution = Type.Object({
  id: Uuid,
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  shortName: Nullable(Type.String()),
  type: InstitutionType,
  level: Nullable(InstitutionLevel),
  district: Type.String(),
  address: Nullable(Type.String()),
});
export type SearchInstitution = Static<typeof SearchInstitution>;

/** A clinical (bookable) department with what a patient wants to know before choosing it. */
export const ClinicDepartment = Type.Object({
  id: Uuid,
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  specialty: Type.String({ description: '诊疗科目' }),
  institution: InstitutionRef,
  doctorCount: Type.Integer({ description: '在此出诊的医生数（含多点执业）' }),
  doctorsToday: Type.Integer({ description: '今天在此有出诊排班的医生数' }),
});
export type ClinicDepartment = Static<typeof ClinicDepartment>;
export const ClinicDepartmentList = Type.Object({ items: Type.Array(ClinicDepartment) });
export type ClinicDepartmentList = Static<typeof ClinicDepartmentList>;

export const SearchDoctor = Type.Object({
  id: Uuid,
  name: Type.String(),
  title: Nullable(Title),
  professionalTitle: Type.String(),
  specialty: Type.String(),
  department: Type.Object({ id: Uuid, name: Type.String() }),
  institution: InstitutionRef,
  nextAvailable: Nullable(NextAvailable),
});
export type SearchDoctor = Static<typeof SearchDoctor>;

export const SearchCondition = Type.Object({
  name: Type.String({ description: '疾病或症状，如 高血压' }),
  kind: Type.Enum(['disease', 'symptom'] as const),
  departmentNames: Type.Array(Type.String(), { description: '诊治该病症的科室（通用名，先列首选）' }),
  departments: Type.Array(ClinicDepartment),
  doctors: Type.Array(SearchDoctor, { description: '擅长该病症的医生在前，其次是上述科室的医生' }),
});
export type SearchCondition = Static<typeof SearchCondition>;

export const SearchResult = Type.Object({
  institutions: Type.Array(SearchInstitution),
  departments: Type.Array(ClinicDepartment),
  doctors: Type.Array(SearchDoctor),
  conditions: Type.Array(SearchCondition),
});
export type SearchResult = Static<typeof SearchResult>;
