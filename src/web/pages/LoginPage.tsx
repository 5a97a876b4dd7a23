import { LockOutlined, MobileOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Tabs, Typography } from 'antd';
import { createContext, useContext, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { SecondFactorChallenge } from '../../shared/credentials.js';
import type { CodeSent, LoginBody, Me } from '../../shared/identity.js';
import { ApiError, post } from '../api.js';
import { type LoginOutcome, PASSWORD_CHANGE_PATH, useAuth } from '../auth.js';
import { Brand } from '../components/Brand.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { PageLoading } from '../components/PageLoading.js';
import { useCountdown } from '../components/useCountdown.js';
import { describeError } from '../errors.js';
import { CONSOLE_ROLES, type Console, canOpen, homePath } from '../roles.js';
import { PHONE_PATTERN } from '../validation.js';
import { ConsentDialog } from './ConsentDialog.js';
import { SecondFactorStep } from './SecondFactorStep.js';
import { useDemoMode } from './useDemoMode.js';
import './login.css';

const OTP_RESEND_SECONDS = 60;

type Failure = { title: string; detail?: string } | null;

/** DJ-6: a form whose password (or SMS code) was right hands the second factor's challenge up to the page. */
const ChallengeContext = createContext<(challenge: SecondFactorChallenge) => void>(() => {});

/** Where a finished login goes: the forced password change (DJ-2) first, else back or home. */
function useAfterSignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  return (outcome: Extract<LoginOutcome, { kind: 'signedIn' }>) =>
    navigate(
      outcome.passwordChangeRequired ? PASSWORD_CHANGE_PATH : targetAfterLogin(outcome.me, location.state),
      { replace: true },
    );
}

/** `intercept` takes a refusal the form answers itself (true: handled, no failure shown). */
function useSubmit(intercept?: (error: unknown, body: LoginBody) => boolean) {
  const { t } = useTranslation();
  const { login } = useAuth();
  const afterSignIn = useAfterSignIn();
  const onChallenge = useContext(ChallengeContext);
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure>(null);

  async function submit(body: LoginBody) {
    setPending(true);
    setFailure(null);
    try {
      const outcome = await login(body);
      if (outcome.kind === 'secondFactor') {
        setPending(false);
        onChallenge(outcome.challenge);
      } else afterSignIn(outcome);
    } catch (error) {
      if (!intercept?.(error, body)) setFailure(describeError(error, t));
      setPending(false);
    }
  }
  return { submit, pending, failure };
}

/** Back to the page that sent the person here, if their roles may open it; else their home. */
function targetAfterLogin(me: Me, state: unknown): string {
  const from = (state as { from?: string } | null)?.from;
  const console = from?.split('/')[1];
  if (from && console && console in CONSOLE_ROLES && canOpen(console as Console, me.roles)) return from;
  return homePath(me.roles);
}

function FailureAlert({ failure }: { failure: Failure }) {
  if (!failure) return null;
  return (
    <Alert
      className="login-alert"
      type="error"
      showIcon
      title={failure.title}
      description={failure.detail}
      data-testid="login-error"
    />
  );
}

/** The phone field both login forms share. */
function PhoneField({
  extra,
  autoComplete,
  testId,
}: {
  extra?: string;
  autoComplete: string;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="phone"
      label={t('login.phone')}
      extra={extra}
      rules={[
        { required: true, message: t('login.phoneRequired') },
        { pattern: PHONE_PATTERN, message: t('login.phoneInvalid') },
      ]}
    >
      <Input
        prefix={<MobileOutlined aria-hidden />}
        placeholder={t('login.phonePlaceholder')}
        inputMode="numeric"
        maxLength={11}
        autoComplete={autoComplete}
        data-testid={testId}
      />
    </Form.Item>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const { submit, pending, failure } = useSubmit();
  return (
    <Form layout="vertical" size="large" requiredMark={false} onFinish={submit} autoComplete="on">
      <PhoneField autoComplete="username" testId="login-phone" />
      <Form.Item
        name="password"
        label={t('login.password')}
        rules={[{ required: true, message: t('login.passwordRequired') }]}
      >
        <Input.Password
          prefix={<LockOutlined aria-hidden />}
          placeholder={t('login.passwordPlaceholder')}
          autoComplete="current-password"
          data-testid="login-password"
        />
      </Form.Item>
      <FailureAlert failure={failure} />
      <Button type="primary" htmlType="submit" block loading={pending} data-testid="login-submit">
        {t('login.submit')}
      </Button>
    </Form>
  );
}

function OtpForm() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ phone: string; otp: string }>();
  // SEC-1: a new phone's first SMS login asks for consent before the account is created.
  const [needsConsent, setNeedsConsent] = useState<LoginBody | null>(null);
  const { submit, pending, failure } = useSubmit((error, body) => {
    const consent = error instanceof ApiError && error.code === 'PRIVACY_CONSENT_REQUIRED';
    if (consent) setNeedsConsent(body);
    return consent;
  });
  const [secondsLeft, startCountdown] = useCountdown();
  const [sending, setSending] = useState(false);
  const [devCode, setDevCode] = useState<string>();
  const [sendFailure, setSendFailure] = useState<Failure>(null);

  async function sendCode() {
    const { phone } = await form.validateFields(['phone']);
    setSending(true);
    setSendFailure(null);
    try {
      const result = await post<CodeSent>('/auth/otp', { phone });
      setDevCode(result.devCode);
      startCountdown(OTP_RESEND_SECONDS);
    } catch (error) {
      setSendFailure(describeError(error, t));
    } finally {
      setSending(false);
    }
  }

  return (
    <Form form={form} layout="vertical" size="large" requiredMark={false} onFinish={submit}>
      <PhoneField extra={t('login.otpNewUser')} autoComplete="tel" testId="otp-phone" />
      <Form.Item label={t('login.otp')} required>
        <Space.Compact block>
          <Form.Item name="otp" noStyle rules={[{ required: true, message: t('login.otpRequired') }]}>
            <Input
              prefix={<SafetyOutlined aria-hidden />}
              placeholder={t('login.otpPlaceholder')}
              inputMode="numeric"
              maxLength={6}
              autoComplete="one-time-code"
              data-testid="otp-code"
            />
          </Form.Item>
          <Button
            className="login-otp-button"
            onClick={sendCode}
            loading={sending}
            disabled={secondsLeft > 0}
            data-testid="otp-send"
          >
            {secondsLeft > 0 ? t('login.resendIn', { seconds: secondsLeft }) : t('login.sendOtp')}
          </Button>
        </Space.Compact>
      </Form.Item>
      {devCode && (
        <Typography.Paragraph className="login-dev-code" data-testid="dev-code-hint">
          {t('login.devCodeHint', { code: devCode })}
        </Typography.Paragraph>
      )}
      <FailureAlert failure={sendFailure ?? failure} />
      <Button type="primary" htmlType="submit" block loading={pending} data-testid="otp-submit">
        {t('login.submit')}
      </Button>
      <ConsentDialog
        open={needsConsent !== null}
        pending={pending}
        onAgree={(consent) => needsConsent && submit({ ...needsConsent, consent })}
        onDecline={() => setNeedsConsent(null)}
      />
    </Form>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { me, passwordChangeRequired } = useAuth();
  const afterSignIn = useAfterSignIn();
  const demo = useDemoMode();
  // DJ-6: set once the password was right and a second factor is asked.
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  if (me === undefined) return <PageLoading />;
  if (me) return <Navigate to={passwordChangeRequired ? PASSWORD_CHANGE_PATH : homePath(me.roles)} replace />;

  return (
    <div className="login-page">
      <header className="login-topbar">
        <LanguageSwitch />
      </header>
      <main className="login-main">
        <section className="login-hero">
          <Brand light />
          <p className="login-hero__features">{t('login.features')}</p>
        </section>
        <Card className="login-card" variant="borderless">
          <Typography.Title level={3} className="login-card__title">
            {challenge ? t('accountSecurity.secondFactor.title') : t('login.welcome')}
          </Typography.Title>
          {challenge ? (
            <SecondFactorStep
              challenge={challenge}
              onBack={() => setChallenge(null)}
              onSignedIn={(outcome) => outcome.kind === 'signedIn' && afterSignIn(outcome)}
            />
          ) : (
            <ChallengeContext.Provider value={setChallenge}>
              <Tabs
                centered
                items={[
                  { key: 'password', label: t('login.tabPassword'), children: <PasswordForm /> },
                  { key: 'otp', label: t('login.tabOtp'), children: <OtpForm /> },
                ]}
              />
            </ChallengeContext.Provider>
          )}
          {demo && (
            <Typography.Paragraph className="login-demo-note" data-testid="login-demo-note">
              {t('accountSecurity.secondFactor.demoNote')}
            </Typography.Paragraph>
          )}
        </Card>
      </main>
      <footer className="login-footer">{t('login.footer')}</footer>
    </div>
  );
}
