/** Shapes of the /api/v1 answers the SPA reads. */

import type { Relationship, Role } from '../shared/identity.js';

export { RELATIONSHIPS, type Relationship, ROLES, type Role } from '../shared/identity.js';

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
