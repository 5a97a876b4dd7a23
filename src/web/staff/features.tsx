import type { ComponentType } from 'react';
import { SecurityAccountsPage, SystemAccountsPage } from './administration/AccountsPage.js';
import { AdminActionsPage } from './administration/AdminActionsPage.js';
import { AuditEventsPage } from './administration/AuditEventsPage.js';
import { AuditRetentionPage } from './administration/AuditRetentionPage.js';
import { AuditVerifyPage } from './administration/AuditVerifyPage.js';
import { SecurityAlertsPage } from './administration/SecurityAlertsPage.js';
import { SecurityPolicyPage } from './administration/SecurityPolicyPage.js';
import type { FeatureKey } from './consoles.js';
import { AssessmentPage } from './family-doctor/AssessmentPage.js';
import { HomeNursingPage } from './family-doctor/HomeNursingPage.js';
import { ReferralsPage } from './family-doctor/ReferralsPage.js';
import { TeamsAdminPage } from './family-doctor/TeamsAdminPage.js';
import { WorkstationPage } from './family-doctor/WorkstationPage.js';
import { HealthCardScanPage } from './health-card/HealthCardScanPage.js';
import { Hl7Page } from './hl7/Hl7Page.js';
import { InsurancePolicyPage } from './insurance/PolicyPage.js';
import { InsuranceReconciliationPage } from './insurance/ReconciliationPage.js';
import { InsuranceReviewPage } from './insurance/ReviewPage.js';
import { InsuranceSettlementPage } from './insurance/SettlementPage.js';
import { CirculationPage } from './prescriptions/CirculationPage.js';
import { FormularyPage } from './prescriptions/FormularyPage.js';
import { ReviewPage } from './prescriptions/ReviewPage.js';
import { StockPage } from './prescriptions/StockPage.js';
import { CarePatientsPage } from './records/CarePatientsPage.js';
import { ReadingQueuePage } from './remote/centre/ReadingQueuePage.js';
import { RemoteRequestsPage } from './remote/RemoteRequestsPage.js';
import { RemoteStatsPage } from './remote/RemoteStatsPage.js';
import { BookingPolicyPage } from './scheduling/BookingPolicyPage.js';
import { SchedulesPage } from './scheduling/SchedulesPage.js';
import { TodayVisitsPage } from './scheduling/TodayVisitsPage.js';
import { BreakGlassAlertsPage } from './supervision/BreakGlassAlertsPage.js';
import { FirstVisitPilotPage } from './supervision/FirstVisitPilotPage.js';
import { FirstVisitWhitelistPage } from './supervision/FirstVisitWhitelistPage.js';
import { VisitSupervisionPage } from './supervision/VisitSupervisionPage.js';
import { OnlineVisitsPage } from './visits/OnlineVisitsPage.js';

/** The console features built so far; the others open the 即将上线 page. */
export const FEATURE_PAGES: Partial<Record<FeatureKey, ComponentType>> = {
  todayVisits: TodayVisitsPage,
  onlineVisits: OnlineVisitsPage,
  schedules: SchedulesPage,
  bookingPolicy: BookingPolicyPage,
  firstVisitPilot: FirstVisitPilotPage,
  firstVisitWhitelist: FirstVisitWhitelistPage,
  visitSupervision: VisitSupervisionPage,
  prescriptionReview: ReviewPage,
  circulation: CirculationPage,
  traceCodes: StockPage,
  formulary: FormularyPage,
  carePatients: CarePatientsPage,
  hl7: Hl7Page,
  healthCardScan: HealthCardScanPage,
  breakGlassAlerts: BreakGlassAlertsPage,
  settlement: InsuranceSettlementPage,
  review: InsuranceReviewPage,
  reconciliation: InsuranceReconciliationPage,
  policy: InsurancePolicyPage,
  accounts: SystemAccountsPage,
  accountControl: SecurityAccountsPage,
  securityAlerts: SecurityAlertsPage,
  securityPolicy: SecurityPolicyPage,
  adminActions: AdminActionsPage,
  auditEvents: AuditEventsPage,
  auditVerify: AuditVerifyPage,
  auditRetention: AuditRetentionPage,
  remoteRequests: RemoteRequestsPage,
  readingQueue: ReadingQueuePage,
  remoteStats: RemoteStatsPage,
  familyDoctor: WorkstationPage,
  nursing: HomeNursingPage,
  referrals: ReferralsPage,
  familyTeams: TeamsAdminPage,
  fdAssessment: AssessmentPage,
};
