import { ConfigProvider, TabBar } from 'antd-mobile';
import enMobile from 'antd-mobile/es/locales/en-US.js';
import zhMobile from 'antd-mobile/es/locales/zh-CN.js';
import { AppOutline, MessageOutline, UserOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { unwrapDefault } from '../esm.js';
import { ComingSoonPage } from './ComingSoonPage.js';
import { DependentFormPage } from './DependentFormPage.js';
import { DependentsPage } from './DependentsPage.js';
import { ElderModeContext, useElderMode } from './elderMode.js';
import { HomePage } from './HomePage.js';
import { MessagesPage } from './MessagesPage.js';
import { MinePage } from './MinePage.js';
import { RealNamePage } from './RealNamePage.js';
import './patient.css';

const MOBILE_LOCALES = { 'zh-CN': unwrapDefault(zhMobile), 'en-US': unwrapDefault(enMobile) };

const TABS = [
  { key: '/patient', icon: <AppOutline />, label: 'patient.tabs.home' },
  { key: '/patient/messages', icon: <MessageOutline />, label: 'patient.tabs.messages' },
  { key: '/patient/mine', icon: <UserOutline />, label: 'patient.tabs.mine' },
] as const;

function TabLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (
    <div className="patient-tabs-page">
      <div className="patient-tabs-page__body">{children}</div>
      <TabBar className="patient-tabbar" activeKey={pathname} onChange={(key) => navigate(key)} safeArea>
        {TABS.map((tab) => (
          <TabBar.Item key={tab.key} icon={tab.icon} title={t(tab.label)} />
        ))}
      </TabBar>
    </div>
  );
}

/** The phone-first H5 for patients (and the family members they act for). */
export default function PatientApp() {
  const { i18n } = useTranslation();
  const elderMode = useElderMode();
  const locale = i18n.language === 'en-US' ? MOBILE_LOCALES['en-US'] : MOBILE_LOCALES['zh-CN'];

  return (
    <ConfigProvider locale={locale}>
      <ElderModeContext.Provider value={elderMode}>
        <div className="patient-app">
          <Routes>
            <Route
              index
              element={
                <TabLayout>
                  <HomePage />
                </TabLayout>
              }
            />
            <Route
              path="messages"
              element={
                <TabLayout>
                  <MessagesPage />
                </TabLayout>
              }
            />
            <Route
              path="mine"
              element={
                <TabLayout>
                  <MinePage />
                </TabLayout>
              }
            />
            <Route path="real-name" element={<RealNamePage />} />
            <Route path="dependents" element={<DependentsPage />} />
            <Route path="dependents/new" element={<DependentFormPage />} />
            <Route path="coming-soon/:feature" element={<ComingSoonPage />} />
            <Route path="*" element={<Navigate to="/patient" replace />} />
          </Routes>
        </div>
      </ElderModeContext.Provider>
    </ConfigProvider>
  );
}
