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
  /** Set for a doctor, nurse or pharmacist: their practitioner record. */
  practitionerId?: string;
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

// --- Directory, scheduling, payments and notifications (booking, issue 2).

export type InstitutionLevel = 'tertiary' | 'secondary' | 'primary';
export type DoctorTitle = 'resident' | 'attending' | 'associate_chief' | 'chief';

import type { AppointmentView as Appointment, Channel, Mode, OrderStatus } from '../shared/scheduling.js';

export type {
  AppointmentStatus,
  AppointmentView as Appointment,
  BookingPolicy,
  Channel,
  OrderStatus,
} from '../shared/scheduling.js';
/** A visit mode (门诊, 在线复诊, 在线首诊, 视频问诊). */
export type ScheduleMode = Mode;

export interface Institution {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  level: InstitutionLevel | null;
  isChildrens: boolean;
  district: string;
  address: string | null;
  phone: string | null;
  status: 'active' | 'suspended';
}

export interface Department {
  id: string;
  institutionId: string;
  code: string;
  name: string;
  specialty: string;
}

export interface Doctor {
  id: string;
  name: string;
  sex: Sex;
  title: DoctorTitle | null;
  professionalTitle: string;
  specialty: string;
  bio: string;
  institution: { id: string; name: string };
  department: { id: string; name: string };
  status: 'active' | 'suspended';
  bookable: boolean;
  nextAvailable: { date: string; mode: ScheduleMode; available: number } | null;
}

export interface Schedule {
  id: string;
  doctorId: string;
  departmentId: string;
  institutionId: string;
  date: string;
  startTime: string;
  endTime: string;
  mode: ScheduleMode;
  feeFen: number;
  capacity: number;
  /** Free public tokens. */
  available: number;
  releaseAt: string;
  status: 'open' | 'stopped';
  quotas: Record<Channel, number>;
}

export type BookResult = Pick<
  Appointment,
  'id' | 'status' | 'tokenNumber' | 'windowStart' | 'windowEnd' | 'orderId' | 'holdUntil'
>;

export interface WaitlistResult {
  id: string;
  position: number;
}

export interface Order {
  id: string;
  status: OrderStatus;
  amountFen: number;
  refundedFen: number;
  description: string;
  expiresAt: string;
  paidAt: string | null;
}

export interface PayResult {
  prepayId: string;
  cashierUrl: string;
}

export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  refType: string | null;
  refId: string | null;
  read: boolean;
  createdAt: string;
}

export interface NotificationPage extends Page<AppNotification> {
  unread: number;
}

export interface BulkScheduleResult {
  created: string[];
  skipped: { date: string; startTime: string; code: string; reason: string }[];
}
