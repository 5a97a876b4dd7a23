import {
  AppstoreOutlined,
  BankOutlined,
  DownOutlined,
  LockOutlined,
  LogoutOutlined,
  SafetyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App as AntApp, Avatar, Button, Dropdown, Layout, Menu, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { AccountSecurityPage, VoluntaryPasswordPage } from '../account/AccountSecurityPage.js';
import { useAuth, useMe } from '../auth.js';
import { Brand } from '../components/Brand.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { CONSOLE_ROLES } from '../roles.js';
import { ClinicVideoCallPage } from '../visits/VideoCallPage.js';
import { FEATURE_ICONS, featuresFor, type StaffConsole } from './consoles.js';
import { FEATURE_PAGES } from './features.js';
import { StaffComingSoon, StaffHome } from './StaffHome.js';
import './staff.css';

const { Sider, Header, Content } = Layout;

/** The account's own pages in every staff console (DJ-2, DJ-6). */
const ACCOUNT_SECURITY = 'account/security';
const ACCOUNT_PASSWORD = 'account/password';

/** The antd shell shared by the clinic, admin, regulator and insurer consoles. */
export default function StaffApp({ console }: { console: StaffConsole }) {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  // Below the lg breakpoint the menu overlays the page, so choosing an entry closes it.
  const [overlay, setOverlay] = useState(false);

  const features = featuresFor(console, me.roles);
  const base = `/${console}`;
  const selected = location.pathname.slice(base.length + 1).split('/')[0] || 'home';
  const roles = me.roles.filter((role) => CONSOLE_ROLES[console].includes(role));

  const items = [
    { key: 'home', icon: <AppstoreOutlined aria-hidden />, label: t('staff.menuHome') },
    ...features.map((key) => ({ key, icon: FEATURE_ICONS[key], label: t(`staff.cards.${key}.title`) })),
  ];

  return (
    <AntApp component={false}>
      <Layout className="staff-layout">
        <Sider
          className="staff-sider"
          width={220}
          breakpoint="lg"
          collapsedWidth={0}
          collapsed={collapsed}
          onCollapse={setCollapsed}
          onBreakpoint={setOverlay}
        >
          <div className="staff-sider__brand">
            <Brand compact light />
          </div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            onClick={({ key }) => {
              navigate(key === 'home' ? base : `${base}/${key}`);
              if (overlay) setCollapsed(true);
            }}
          />
        </Sider>
        <Layout>
          <Header className="staff-header">
            {/* The console's name is every staff page's h1 (a page's own title is its h2/h3). */}
            <Typography.Title level={1} className="staff-header__title">
              {t(`staff.consoles.${console}`)}
            </Typography.Title>
            <div className="staff-header__right">
              {me.institutionName && (
                <span className="staff-header__institution" data-testid="institution-name">
                  <BankOutlined aria-hidden /> {me.institutionName}
                </span>
              )}
              <LanguageSwitch />
              <span className="staff-header__user">
                {/* DJ-2 / DJ-6: the account menu — 账号安全 and 修改密码. */}
                <Dropdown
                  trigger={['click']}
                  menu={{
                    items: [
                      {
                        key: 'security',
                        icon: <SafetyOutlined aria-hidden />,
                        label: t('accountSecurity.page.menu'),
                        'data-testid': 'menu-account-security',
                      },
                      {
                        key: 'password',
                        icon: <LockOutlined aria-hidden />,
                        label: t('accountSecurity.page.changePassword'),
                        'data-testid': 'menu-change-password',
                      },
                    ],
                    onClick: ({ key }) =>
                      navigate(`${base}/${key === 'security' ? ACCOUNT_SECURITY : ACCOUNT_PASSWORD}`),
                  }}
                >
                  <Button
                    type="text"
                    className="staff-header__account"
                    aria-label={`${me.name}，${t('accountSecurity.page.accountMenu')}`}
                    data-testid="account-menu"
                  >
                    <Avatar
                      size="small"
                      icon={<UserOutlined aria-hidden />}
                      className="staff-header__avatar"
                    />
                    <span data-testid="user-name">{me.name}</span>
                    <DownOutlined aria-hidden className="staff-header__account-caret" />
                  </Button>
                </Dropdown>
                {roles.map((role) => (
                  <Tag key={role} color="cyan" variant="filled">
                    {t(`roles.${role}`)}
                  </Tag>
                ))}
              </span>
              <Button
                icon={<LogoutOutlined aria-hidden />}
                onClick={logout}
                data-testid="logout"
                aria-label={t('common.logout')}
              >
                <span className="staff-header__logout-text">{t('common.logout')}</span>
              </Button>
            </div>
          </Header>
          <Content className="staff-content">
            <Routes>
              <Route index element={<StaffHome console={console} roles={roles} features={features} />} />
              <Route
                path={ACCOUNT_SECURITY}
                element={<AccountSecurityPage passwordPath={`${base}/${ACCOUNT_PASSWORD}`} />}
              />
              <Route
                path={ACCOUNT_PASSWORD}
                element={<VoluntaryPasswordPage backPath={`${base}/${ACCOUNT_SECURITY}`} />}
              />
              {features.includes('onlineVisits') && (
                <Route path="onlineVisits/:visitId/video" element={<ClinicVideoCallPage />} />
              )}
              {features.map((key) => {
                const Page = FEATURE_PAGES[key];
                return (
                  <Route
                    key={key}
                    path={`${key}/*`}
                    element={Page ? <Page /> : <StaffComingSoon feature={key} base={base} />}
                  />
                );
              })}
              <Route path="*" element={<Navigate to={base} replace />} />
            </Routes>
          </Content>
        </Layout>
      </Layout>
    </AntApp>
  );
}
