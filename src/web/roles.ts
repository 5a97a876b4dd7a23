import type { Role } from '../shared/identity.js';

export type Console =
  | 'patient'
  | 'clinic'
  | 'admin'
  | 'regulator'
  | 'insurer'
  | 'system'
  | 'security'
  | 'audit';

const CONSOLE_OF_ROLE: Record<Role, Console> = {
  patient: 'patient',
  doctor: 'clinic',
  nurse: 'clinic',
  pharmacist: 'clinic',
  pharmacy_staff: 'clinic',
  org_admin: 'admin',
  regulator: 'regulator',
  insurer: 'insurer',
  system_admin: 'system',
  security_admin: 'security',
  audit_admin: 'audit',
};

/** Roles that may open each console. */
export const CONSOLE_ROLES: Record<Console, Role[]> = {
  patient: ['patient'],
  clinic: ['doctor', 'nurse', 'pharmacist', 'pharmacy_staff'],
  admin: ['org_admin'],
  regulator: ['regulator'],
  insurer: ['insurer'],
  system: ['system_admin'],
  security: ['security_admin'],
  audit: ['audit_admin'],
};

/** The first staff role decides the home; an account with only the patient role lands on the H5. */
export function homeConsole(roles: readonly Role[]): Console {
  const staff = roles.find((role) => role !== 'patient' && role in CONSOLE_OF_ROLE);
  return staff ? CONSOLE_OF_ROLE[staff] : 'patient';
}

export function homePath(roles: readonly Role[]): string {
  return `/${homeConsole(roles)}`;
}

export function canOpen(console: Console, roles: readonly Role[]): boolean {
  return roles.some((role) => CONSOLE_ROLES[console].includes(role));
}
