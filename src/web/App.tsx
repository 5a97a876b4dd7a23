import { ConfigProvider } from 'antd';
import enAntd from 'antd/es/locale/en_US.js';
import zhAntd from 'antd/es/locale/zh_CN.js';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { PasswordChangePage } from './account/PasswordChangePage.js';
import { AuthProvider, PASSWORD_CHANGE_PATH, RequireConsole, useAuth } from './auth.js';
import { PageLoading } from './components/PageLoading.js';
import { unwrapDefault } from './esm.js';
import { LegalPage } from './pages/LegalPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { homePath } from './roles.js';
import { antdTheme } from './theme.js';

const PatientApp = lazy(() => import('./patient/PatientApp.js'));
const StaffApp = lazy(() => import('./staff/StaffApp.js'));

const ANTD_LOCALES = { 'zh-CN': unwrapDefault(zhAntd), 'en-US': unwrapDefault(enAntd) };

function AntdProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en-US' ? ANTD_LOCALES['en-US'] : ANTD_LOCALES['zh-CN'];
  return (
    <ConfigProvider locale={locale} theme={antdTheme}>
      {children}
    </ConfigProvider>
  );
}

function RootRedirect() {
  const { me, passwordChangeRequired } = useAuth();
  if (me === undefined) return <PageLoading />;
  if (me && passwordChangeRequired) return <Navigate to={PASSWORD_CHANGE_PATH} replace />;
  return <Navigate to={me ? homePath(me.roles) : '/login'} replace />;
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <AntdProvider>
          <Suspense fallback={<PageLoading />}>
            <Routes>
              <Route path="/" element={<RootRedirect />} />
              <Route path="/login" element={<LoginPage />} />
              {/* DJ-2: the forced password change; every console sends a must-change session here. */}
              <Route path={PASSWORD_CHANGE_PATH} element={<PasswordChangePage />} />
              <Route path="/legal/:doc" element={<LegalPage />} />
              <Route
                path="/patient/*"
                element={
                  <RequireConsole console="patient">
                    <PatientApp />
                  </RequireConsole>
                }
              />
              {(['clinic', 'admin', 'regulator', 'insurer', 'system', 'security', 'audit'] as const).map(
                (console) => (
                  <Route
                    key={console}
                    path={`/${console}/*`}
                    element={
                      <RequireConsole console={console}>
                        <StaffApp console={console} />
                      </RequireConsole>
                    }
                  />
                ),
              )}
              <Route path="*" element={<RootRedirect />} />
            </Routes>
          </Suspense>
        </AntdProvider>
      </AuthProvider>
    </BrowserRouter>
  );
}
