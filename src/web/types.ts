/** Shapes of the /api/v1 answers the SPA reads. */

export const ROLES = [
  'patient',
  'doctor',
  'nurse',
  'pharmacist',
  'pharmacy_staff',
  'org_admin',
  'regulator',
  'insurer',
] as const;
export type Role = (typeof ROLES)[number];

export const RELATIONSHIPS = [
  'child',
  'parent',
  'spouse',
  'grandchild',
  'grandparent',
  'sibling',
  'ward',
  'other',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export type Sex = 'male' | 'female';

export interface Me {
  id: string;
  name: string;
  roles: Role[];
  phone: string;
  institutionId?: string;
  institutionName?: string;
  realNameVerified: boolean;
  patientId?: string;
  idNumber?: string;
  birthDate?: string;
  sex?: Sex;
}

export interface LoginResult {
  token: string;
  user: { id: string; name: string; roles: Role[] };
}

export interface OtpResult {
  sent: boolean;
  devCode?: string;
}

export interface Dependent {
  id: string;
  patientId: string;
  name: string;
  idNumber: string;
  birthDate: string;
  sex: Sex;
  age: number;
  relationship: Relationship;
  status: 'active' | 'pending_confirmation';
  isMinor: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
