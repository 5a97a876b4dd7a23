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
  CloudUploadOutlined,
  ContactsOutlined,
  ControlOutlined,
  ExperimentOutlined,
  FieldTimeOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FundViewOutlined,
  HeartOutlined,
  HistoryOutlined,
  LineChartOutlined,
  LockOutlined,
  MedicineBoxOutlined,
  MonitorOutlined,
  ProfileOutlined,
  QrcodeOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  SearchOutlined,
  SecurityScanOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserAddOutlined,
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
  todayVisits: <CalendarOutlined aria-hidden />,
  onlineVisits: <VideoCameraOutlined aria-hidden />,
  records: <FileTextOutlined aria-hidden />,
  nursing: <HeartOutlined aria-hidden />,
  prescriptionReview: <AuditOutlined aria-hidden />,
  circulation: <ShopOutlined aria-hidden />,
  traceCodes: <BarcodeOutlined aria-hidden />,
  schedules: <ScheduleOutlined aria-hidden />,
  bookingPolicy: <ControlOutlined aria-hidden />,
  departments: <TeamOutlined aria-hidden />,
  institution: <BankOutlined aria-hidden />,
  institutions: <ApartmentOutlined aria-hidden />,
  alerts: <AlertOutlined aria-hidden />,
  statistics: <BarChartOutlined aria-hidden />,
  settlement: <AccountBookOutlined aria-hidden />,
  review: <FileSearchOutlined aria-hidden />,
  reconciliation: <ReconciliationOutlined aria-hidden />,
  policy: <ProfileOutlined aria-hidden />,
  firstVisitPilot: <ExperimentOutlined aria-hidden />,
  firstVisitWhitelist: <SolutionOutlined aria-hidden />,
  visitSupervision: <MonitorOutlined aria-hidden />,
  formulary: <MedicineBoxOutlined aria-hidden />,
  carePatients: <ContactsOutlined aria-hidden />,
  hl7: <ApiOutlined aria-hidden />,
  breakGlassAlerts: <WarningOutlined aria-hidden />,
  healthCardScan: <QrcodeOutlined aria-hidden />,
  accounts: <UserAddOutlined aria-hidden />,
  accountControl: <LockOutlined aria-hidden />,
  securityAlerts: <SecurityScanOutlined aria-hidden />,
  securityPolicy: <SafetyOutlined aria-hidden />,
  adminActions: <HistoryOutlined aria-hidden />,
  auditEvents: <SearchOutlined aria-hidden />,
  auditVerify: <SafetyCertificateOutlined aria-hidden />,
  auditRetention: <FieldTimeOutlined aria-hidden />,
  remoteRequests: <CloudUploadOutlined aria-hidden />,
  readingQueue: <FundViewOutlined aria-hidden />,
  remoteStats: <LineChartOutlined aria-hidden />,
};

/** What each clinic role works on; a person with several roles sees the union. */
const CLINIC_FEATURES: Partial<Record<Role, FeatureKey[]>> = {
  doctor: [
    'todayVisits',
    'onlineVisits',
    'carePatients',
    'records',
    'healthCardScan',
    'remoteRequests',
    'readingQueue',
  ],
  nurse: ['todayVisits', 'carePatients', 'nursing', 'healthCardScan', 'remoteRequests'],
  pharmacist: ['prescriptionReview', 'circulation', 'healthCardScan'],
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
    'healthCardScan',
    'departments',
    'institution',
    'remoteStats',
  ],
  regulator: [
    'firstVisitPilot',
    'visitSupervision',
    'breakGlassAlerts',
    'institutions',
    'alerts',
    'statistics',
    'remoteStats',
  ],
  insurer: ['settlement', 'review', 'reconciliation', 'policy'],
  // DJ-8 三权分立: each administrator sees the other two's actions (adminActions); DJ-15: only the audit
  // administrator reads audit records (the regulator's former 全程留痕 card is gone).
  system: ['accounts', 'adminActions'],
  security: ['accountControl', 'securityAlerts', 'securityPolicy', 'adminActions'],
  audit: ['auditEvents', 'auditVerify', 'auditRetention', 'adminActions'],
};

export function featuresFor(console: StaffConsole, roles: readonly Role[]): FeatureKey[] {
  if (console !== 'clinic') return CONSOLE_FEATURES[console];
  return [...new Set(roles.flatMap((role) => CLINIC_FEATURES[role] ?? []))];
}
