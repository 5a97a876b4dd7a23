import { ConfigProvider, SpinLoading, TabBar } from 'antd-mobile';
import enMobile from 'antd-mobile/es/locales/en-US.js';
import zhMobile from 'antd-mobile/es/locales/zh-CN.js';
import { AppOutline, MessageOutline, UserOutline } from 'antd-mobile-icons';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { unwrapDefault } from '../esm.js';
import { PatientVideoCallPage } from '../visits/VideoCallPage.js';
import { AppointmentPage } from './booking/AppointmentPage.js';
import { AppointmentsPage } from './booking/AppointmentsPage.js';
import { ConfirmPage } from './booking/ConfirmPage.js';
import { DepartmentsPage, DoctorsPage, InstitutionsPage } from './booking/DirectoryPages.js';
import { DoctorPage } from './booking/DoctorPage.js';
import { useCheckoutNavigation } from './booking/payment.js';
import { ComingSoonPage } from './ComingSoonPage.js';
import { ConsentGate } from './ConsentGate.js';
import { DependentFormPage } from './DependentFormPage.js';
import { DependentsPage } from './DependentsPage.js';
import { ElderlyModeContext, useElderlyMode } from './elderlyMode.js';
import { FamilyDoctorRoutes } from './family-doctor/FamilyDoctorRoutes.js';
import { HomePage } from './HomePage.js';
import { HealthCardPage } from './health-card/HealthCardPage.js';
import { CheckoutPage } from './insurance/CheckoutPage.js';
import { InsurancePage } from './insurance/InsurancePage.js';
import { WalletLinkFormPage } from './insurance/WalletLinkFormPage.js';
import { MessagesPage } from './MessagesPage.js';
import { MinePage } from './MinePage.js';
import { OrderPage } from './orders/OrderPage.js';
import { OrdersPage } from './orders/OrdersPage.js';
import { AddressesPage } from './prescriptions/AddressesPage.js';
import { AddressFormPage } from './prescriptions/AddressFormPage.js';
import { AllergiesPage } from './prescriptions/AllergiesPage.js';
import { ChoosePharmacyPage } from './prescriptions/ChoosePharmacyPage.js';
import { FulfilmentPage } from './prescriptions/FulfilmentPage.js';
import { PrescriptionPage } from './prescriptions/PrescriptionPage.js';
import { PrescriptionsPage } from './prescriptions/PrescriptionsPage.js';
import { DeletionPage } from './privacy/DeletionPage.js';
import { ReadAloudBar } from './ReadAloud.js';
import { RealNamePage } from './RealNamePage.js';
import { AccessLogPage } from './records/AccessLogPage.js';
import { ArchivePage } from './records/ArchivePage.js';
import { AuthorisationsPage } from './records/AuthorisationsPage.js';
import { ExportPage } from './records/ExportPage.js';
import { GrantPage } from './records/GrantPage.js';
import { ReportPage } from './records/ReportPage.js';
import { ReportsPage } from './records/ReportsPage.js';
import { TimelinePage } from './records/TimelinePage.js';
import { SearchPage } from './search/SearchPage.js';
import { TriagePage } from './triage/TriagePage.js';
import { useUnreadCount } from './unread.js';
import { NewVisitPage } from './visits/NewVisitPage.js';
import { RecordPage } from './visits/RecordPage.js';
import { VisitPage } from './visits/VisitPage.js';
import { VisitsPage } from './visits/VisitsPage.js';
import './patient.css';
import './booking/booking.css';
import './elderly.css';

// The trend charts bring ECharts: loaded when a trend page is opened, not with the H5.
const trendPages = () => import('./records/TrendPages.js');
const TrendsPage = lazy(() => trendPages().then((m) => ({ default: m.TrendsPage })));
const BloodPressureTrendPage = lazy(() => trendPages().then((m) => ({ default: m.BloodPressureTrendPage })));
const LabTrendPage = lazy(() => trendPages().then((m) => ({ default: m.LabTrendPage })));
const charts = (page: ReactNode) => (
  <Suspense
    fallback={
      <div className="patient-loading">
        <SpinLoading color="primary" />
      </div>
    }
  >
    {page}
  </Suspense>
);

const MOBILE_LOCALES = { 'zh-CN': unwrapDefault(zhMobile), 'en-US': unwrapDefault(enMobile) };

const TABS = [
  { key: '/patient', icon: <AppOutline />, label: 'patient.tabs.home' },
  { key: '/patient/messages', icon: <MessageOutline />, label: 'patient.tabs.messages' },
  { key: '/patient/mine', icon: <UserOutline />, label: 'patient.tabs.mine' },
] as const;

/** `heading`: the tab's h1 for screen readers, on tab pages whose design shows no title of its own. */
function TabLayout({ children, heading }: { children: ReactNode; heading?: (typeof TABS)[number]['label'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const unread = useUnreadCount();
  return (
    <div className="patient-tabs-page">
      {heading && <h1 className="visually-hidden">{t(heading)}</h1>}
      <div className="patient-tabs-page__body">{children}</div>
      <TabBar className="patient-tabbar" activeKey={pathname} onChange={(key) => navigate(key)} safeArea>
        {TABS.map((tab) => (
          <TabBar.Item
            key={tab.key}
            icon={tab.icon}
            title={t(tab.label)}
            badge={tab.key === '/patient/messages' && unread > 0 ? unread : undefined}
          />
        ))}
      </TabBar>
    </div>
  );
}

/** Pages reached from the tab bar, and the pages below them (with their own back arrow). */
const TAB_PAGES: { path: string; page: ReactNode; heading?: (typeof TABS)[number]['label'] }[] = [
  { path: '', page: <HomePage />, heading: 'patient.tabs.home' },
  { path: 'messages', page: <MessagesPage /> },
  { path: 'mine', page: <MinePage />, heading: 'patient.tabs.mine' },
];

const SUB_PAGES: { path: string; page: ReactNode }[] = [
  { path: 'real-name', page: <RealNamePage /> },
  { path: 'dependents', page: <DependentsPage /> },
  { path: 'dependents/new', page: <DependentFormPage /> },
  { path: 'book', page: <InstitutionsPage /> },
  { path: 'search', page: <SearchPage /> },
  { path: 'book/:institutionId', page: <DepartmentsPage /> },
  { path: 'book/:institutionId/:departmentId', page: <DoctorsPage /> },
  { path: 'doctors/:doctorId', page: <DoctorPage /> },
  { path: 'doctors/:doctorId/confirm/:scheduleId', page: <ConfirmPage /> },
  { path: 'appointments', page: <AppointmentsPage /> },
  { path: 'appointments/:id', page: <AppointmentPage /> },
  { path: 'coming-soon/:feature', page: <ComingSoonPage /> },
  { path: 'triage', page: <TriagePage /> },
  { path: 'visits', page: <VisitsPage /> },
  { path: 'visits/new', page: <NewVisitPage /> },
  { path: 'visits/:id', page: <VisitPage /> },
  { path: 'visits/:id/record', page: <RecordPage /> },
  { path: 'visits/:id/video', page: <PatientVideoCallPage /> },
  { path: 'prescriptions', page: <PrescriptionsPage /> },
  { path: 'prescriptions/:id', page: <PrescriptionPage /> },
  { path: 'prescriptions/:id/pharmacies', page: <ChoosePharmacyPage /> },
  { path: 'fulfilments/:id', page: <FulfilmentPage /> },
  { path: 'addresses', page: <AddressesPage /> },
  { path: 'addresses/new', page: <AddressFormPage /> },
  { path: 'allergies', page: <AllergiesPage /> },
  // 健康档案 ([6/12]); `?patient=` names the family member whose records are open (ID-6).
  { path: 'records', page: <ArchivePage /> },
  { path: 'records/timeline', page: <TimelinePage /> },
  { path: 'records/reports', page: <ReportsPage /> },
  { path: 'records/reports/:reportId', page: <ReportPage /> },
  { path: 'records/trends', page: charts(<TrendsPage />) },
  { path: 'records/trends/bp', page: charts(<BloodPressureTrendPage />) },
  { path: 'records/trends/lab/:code', page: charts(<LabTrendPage />) },
  { path: 'records/authorisations', page: <AuthorisationsPage /> },
  { path: 'records/authorisations/new', page: <GrantPage /> },
  { path: 'records/access-log', page: <AccessLogPage /> },
  { path: 'records/export', page: <ExportPage /> },
  // 医保 ([7/12]): linking (ID-3), 家庭共济, and the checkout goToCashier opens for insured orders.
  { path: 'insurance', page: <InsurancePage /> },
  { path: 'insurance/wallet/new', page: <WalletLinkFormPage /> },
  { path: 'orders/:id/checkout', page: <CheckoutPage /> },
  // 缴费记录 ([8/12]): every order of mine and my family's, its payments and refunds, the e-receipt.
  { path: 'orders', page: <OrdersPage /> },
  { path: 'orders/:id', page: <OrderPage /> },
  // 电子健康卡 ([8/12]): `?patient=` opens a family member's card (ID-6).
  { path: 'health-card', page: <HealthCardPage /> },
  // 注销账号 ([10/12]; 个人信息保护法 第四十七条): the preview, then the SMS code.
  { path: 'account/deletion', page: <DeletionPage /> },
  // 家庭医生 ([12/12]): my team, signing, readings, follow-ups, home services (`?patient=`: a family member).
  { path: 'family-doctor/*', page: <FamilyDoctorRoutes /> },
];

/** The phone-first H5 for patients (and the family members they act for). */
export default function PatientApp() {
  const { i18n } = useTranslation();
  const elderlyMode = useElderlyMode();
  useCheckoutNavigation();
  const locale = i18n.language === 'en-US' ? MOBILE_LOCALES['en-US'] : MOBILE_LOCALES['zh-CN'];

  return (
    <ConfigProvider locale={locale}>
      <ElderlyModeContext.Provider value={elderlyMode}>
        {/* The main landmark of every patient page (its title bar and tab bar included). */}
        <main className="patient-app">
          {elderlyMode[0] && <ReadAloudBar />}
          <ConsentGate>
            <Routes>
              {TAB_PAGES.map(({ path, page, heading }) => (
                <Route
                  key={path}
                  {...(path ? { path } : { index: true })}
                  element={<TabLayout heading={heading}>{page}</TabLayout>}
                />
              ))}
              {SUB_PAGES.map(({ path, page }) => (
                <Route key={path} path={path} element={page} />
              ))}
              <Route path="*" element={<Navigate to="/patient" replace />} />
            </Routes>
          </ConsentGate>
        </main>
      </ElderlyModeContext.Provider>
    </ConfigProvider>
  );
}
