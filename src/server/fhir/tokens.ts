/**
 * SMART-style scopes of a FHIR caller ([6/12]), derived from the session's roles — no separate token
 * store: the bearer token is the session token of /api/v1/auth/login (DJ-4 idle timeout and logout apply
 * as everywhere). The scope says which kind of reader the caller is; what they may read of a patient is
 * decided by the one access check (records/care-access.ts, SEC-1), so a scope never widens it.
 */
import type { AuthContext } from '../platform/auth/access.js';

/** Roles with care relationships (SEC-1): they read patient data as far as those relationships go. */
const CLINICAL = ['doctor', 'nurse'] as const;

/** Resource types anyone signed in may read: the directory and the schedules (no patient data). */
export const DIRECTORY_SCOPES = [
  'user/Practitioner.read',
  'user/PractitionerRole.read',
  'user/Organization.read',
  'user/Location.read',
  'user/HealthcareService.read',
  'user/Schedule.read',
  'user/Slot.read',
];

export function scopesOf(auth: AuthContext): string[] {
  const scopes = new Set<string>();
  if (auth.roles.includes('patient')) {
    scopes.add('patient/*.read');
    scopes.add('patient/Appointment.write');
  }
  if (auth.roles.some((r) => (CLINICAL as readonly string[]).includes(r))) scopes.add('user/*.read');
  for (const s of DIRECTORY_SCOPES) scopes.add(s);
  return [...scopes];
}

export const SCOPE_DOC = [
  '以 Bearer 会话令牌访问（/api/v1/auth/login），scope 由账号角色决定（SMART 风格）：',
  '患者 patient/*.read（本人及已确认代理的家庭成员）+ patient/Appointment.write（POST /Appointment 预约）；',
  '医生、护士 user/*.read（仅限有诊疗关系或获得授权的患者，SEC-1；无关系的患者在查询中不出现，按编号读取返回 403 NO_CARE_RELATIONSHIP）；',
  '药师、机构管理员、监管、医保等其他角色只读目录类资源（Practitioner、PractitionerRole、Organization、Location、HealthcareService、Schedule、Slot）。',
  '/metadata 无需令牌；其余请求缺少或令牌无效时返回 401 与 WWW-Authenticate。',
].join('');
