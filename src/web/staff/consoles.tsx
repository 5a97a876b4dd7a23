import {
  AccountBookOutlined,
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BarcodeOutlined,
  CalendarOutlined,
  ContactsOutlined,
  ControlOutlined,
  ExperimentOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  HeartOutlined,
  MedicineBoxOutlined,
  MonitorOutlined,
  ProfileOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  VideoCameraOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Role } from '../../shared/identity.js';
import type { Messages } from '../i18n/zh-CN.js';
import type { Console } from '../roles.js';

export type StaffConsole = Exclude<Console, 'patient'>;
export type FeatureKey = keyof Messages['staff']['cards'];

export const FEATURE_ICONS: Record<FeatureKey, ReactNode> = {
  todayVisits: <CalendarOutlined />,
  onlineVisits: <VideoCameraOutlined />,
  records: <FileTextOutlined />,
  nursing: <HeartOutlined />,
  prescriptionReview: <AuditOutlined />,
  circulation: <ShopOutlined />,
  traceCodes: <BarcodeOutlined />,
  schedules: <ScheduleOutlined />,
  bookingPolicy: <ControlOutlined />,
  departments: <TeamOutlined />,
  institution: <BankOutlined />,
  institutions: <ApartmentOutlined />,
  audit: <SafetyCertificateOutlined />,
  alerts: <AlertOutlined />,
  statistics: <BarChartOutlined />,
  settlement: <AccountBookOutlined />,
  review: <FileSearchOutlined />,
  reconciliation: <ReconciliationOutlined />,
  policy: <ProfileOutlined />,
  firstVisitPilot: <ExperimentOutlined />,
  firstVisitWhitelist: <SolutionOutlined />,
  visitSupervision: <MonitorOutlined />,
  formulary: <MedicineBoxOutlined />,
  carePatients: <ContactsOutlined />,
  hl7: <ApiOutlined />,
  breakGlassAlerts: <WarningOutlined />,
};

/** What each clinic role works on; a person with several roles sees the union. */
const CLINIC_FEATURES: Partial<Record<Role, FeatureKey[]>> = {
  doctor: ['todayVisits', 'onlineVisits', 'carePatients', 'records'],
  nurse: ['todayVisits', 'carePatients', 'nursing'],
  pharmacist: ['prescriptionReview', 'circulation'],
  pharmacy_staff: ['circulation', 'traceCodes'],
};

const CONSOLE_FEATURES: Record<Exclude<StaffConsole, 'clinic'>, FeatureKey[]> = {
  admin: [
    'schedules',
    'bookingPolicy',
    'firstVisitWhitelist',
    'visitSupervision',
    'formulary',
    'hl7',
    'departments',
    'institution',
  ],
  regulator: [
    'firstVisitPilot',
    'visitSupervision',
    'breakGlassAlerts',
    'institutions',
    'audit',
    'alerts',
    'statistics',
  ],
  insurer: ['settlement', 'review', 'reconciliation', 'policy'],
};

export function featuresFor(console: StaffConsole, roles: readonly Role[]): FeatureKey[] {
  if (console !== 'clinic') return CONSOLE_FEATURES[console];
  return [...new Set(roles.flatMap((role) => CLINIC_FEATURES[role] ?? []))];
}
