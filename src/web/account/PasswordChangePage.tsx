import { LogoutOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router-dom';
import type { AccountSecurity, PasswordPolicy } from '../../shared/credentials.js';
import { get } from '../api.js';
import { useAuth } from '../auth.js';
import { Brand } from '../components/Brand.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { PageLoading } from '../components/PageLoading.js';
import { homePath } from '../roles.js';
import { PasswordChangeForm } from './PasswordChangeForm.js';
import '../pages/login.css';

/**
 * DJ-2: the forced password change. Shown whenever the login said `passwordChangeRequired` or a call was
 * refused with 403 PASSWORD_CHANGE_REQUIRED; every console redirects here until the password is changed
 * (RequireConsole), and the only other way out is logging out. On success: the person's home console.
 */
export function PasswordChangePage() {
  const { t } = useTranslation();
  const { me, passwordChangeRequired, logout } = useAuth();
  const navigate = useNavigate();
  const [policy, setPolicy] = useState<PasswordPolicy>();

  useEffect(() => {
    if (!me || !passwordChangeRequired) return;
    // The account's own policy when the server lets a must-change session read it; else DJ-2's defaults.
    get<AccountSecurity>('/me/security').then(
      (security) => setPolicy(security.policy),
      () => undefined,
    );
  }, [me, passwordChangeRequired]);

  if (me === undefined) return <PageLoading />;
  if (me === null) return <Navigate to="/login" replace />;
  if (!passwordChangeRequired) return <Navigate to={homePath(me.roles)} replace />;

  return (
    <div className="login-page">
      <header className="login-topbar">
        <LanguageSwitch />
      </header>
      <main className="login-main">
        <Card
          className="login-card password-change-page__card"
          variant="borderless"
          data-testid="password-change-page"
        >
          <div className="password-change-page__brand">
            <Brand compact />
          </div>
          <Typography.Title level={1} className="login-card__title password-change-page__title">
            {t('accountSecurity.password.forcedTitle')}
          </Typography.Title>
          <Alert
            type="warning"
            showIcon
            className="password-change-form__alert"
            title={t('accountSecurity.password.forcedExpired')}
          />
          <PasswordChangeForm
            policy={policy}
            autoFocus
            onChanged={() => navigate(homePath(me.roles), { replace: true })}
          />
          <div className="password-change-page__actions">
            <Button type="link" icon={<LogoutOutlined aria-hidden />} onClick={logout} data-testid="logout">
              {t('accountSecurity.password.logout')}
            </Button>
          </div>
        </Card>
      </main>
      <footer className="login-footer">{t('login.footer')}</footer>
    </div>
  );
}
