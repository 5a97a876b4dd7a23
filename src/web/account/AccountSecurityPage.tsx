import {
  CopyOutlined,
  DownloadOutlined,
  LockOutlined,
  QrcodeOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  type InputRef,
  Popconfirm,
  Result,
  Space,
  Tag,
  Typography,
} from 'antd';
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type {
  AccountSecurity,
  RecoveryCodes,
  TotpConfirmBody,
  TotpEnrolment,
} from '../../shared/credentials.js';
import { post } from '../api.js';
import { PageLoading } from '../components/PageLoading.js';
import { useApiData } from '../components/useApiData.js';
import { describeError, errorText } from '../errors.js';
import { PasswordChangeForm } from './PasswordChangeForm.js';
import './account.css';

const DAY_MS = 86_400_000;

/** A date and time with the year (an expiry is often in the next one), Asia/Shanghai. */
function formatWhen(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en-US' ? 'en-US' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

/** The base32 secret in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** DJ-6: enrol an authenticator: QR code drawn here from the otpauth URL, the key as text, then a code. */
function TotpEnrolmentPanel({ onEnrolled, onCancel }: { onEnrolled(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [enrolment, setEnrolment] = useState<TotpEnrolment>();
  const [qr, setQr] = useState<string>();
  const [failure, setFailure] = useState<{ title: string; detail?: string } | null>(null);
  const [pending, setPending] = useState(false);
  const codeInput = useRef<InputRef>(null);

  useEffect(() => {
    let live = true;
    post<TotpEnrolment>('/me/totp')
      .then(async (answer) => {
        if (!live) return;
        setEnrolment(answer);
        // Drawn in the browser: the secret never goes to a third-party QR service.
        const url = await QRCode.toDataURL(answer.otpauthUrl, {
          margin: 2,
          width: 200,
          errorCorrectionLevel: 'M',
        });
        if (live) setQr(url);
      })
      .catch((error) => live && setFailure(describeError(error, t)));
    return () => {
      live = false;
    };
  }, [t]);

  // The code field takes the focus once the secret is on screen (it is rendered only then).
  useEffect(() => {
    if (enrolment) codeInput.current?.focus();
  }, [enrolment]);

  async function confirm({ code }: { code: string }) {
    setPending(true);
    setFailure(null);
    try {
      const body: TotpConfirmBody = { code };
      await post<void>('/me/totp/confirm', body);
      message.success(t('accountSecurity.page.enrolled'));
      onEnrolled();
    } catch (error) {
      setFailure(describeError(error, t));
      codeInput.current?.focus();
    } finally {
      setPending(false);
    }
  }

  return (
    <Card variant="borderless" title={t('accountSecurity.page.enrolTitle')} data-testid="totp-enrolment">
      {!enrolment && !failure && <PageLoading />}
      {enrolment && (
        <>
          <Typography.Paragraph strong>{t('accountSecurity.page.step1')}</Typography.Paragraph>
          <div className="account-security__qr">
            {qr && <img src={qr} alt={t('accountSecurity.page.qrAlt')} data-testid="totp-qr" />}
            <div>
              <Typography.Paragraph type="secondary">
                {t('accountSecurity.page.step1Help')}
              </Typography.Paragraph>
              <Typography.Paragraph>{t('accountSecurity.page.manual')}</Typography.Paragraph>
              <Space wrap>
                <code className="account-security__secret" data-testid="totp-secret">
                  {groupSecret(enrolment.secret)}
                </code>
                <Button
                  icon={<CopyOutlined aria-hidden />}
                  onClick={async () =>
                    (await copyText(enrolment.secret))
                      ? message.success(t('accountSecurity.page.copied'))
                      : message.error(t('accountSecurity.page.copyFailed'))
                  }
                >
                  {t('accountSecurity.page.copySecret')}
                </Button>
              </Space>
            </div>
          </div>
          <Typography.Paragraph strong className="account-security__step2">
            {t('accountSecurity.page.step2')}
          </Typography.Paragraph>
          <Form layout="inline" onFinish={confirm} requiredMark={false}>
            <Form.Item
              name="code"
              label={t('accountSecurity.page.code')}
              rules={[
                { required: true, message: t('accountSecurity.secondFactor.codeRequired') },
                { pattern: /^\d{6}$/, message: t('accountSecurity.secondFactor.codeDigits') },
              ]}
            >
              <Input
                ref={codeInput}
                placeholder={t('accountSecurity.page.codePlaceholder')}
                inputMode="numeric"
                maxLength={6}
                autoComplete="one-time-code"
                data-testid="totp-code"
              />
            </Form.Item>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={pending} data-testid="totp-confirm">
                  {t('accountSecurity.page.confirm')}
                </Button>
                <Button onClick={onCancel}>{t('accountSecurity.page.cancel')}</Button>
              </Space>
            </Form.Item>
          </Form>
        </>
      )}
      {failure && (
        <Alert
          className="password-change-form__alert"
          type="error"
          showIcon
          title={failure.title}
          description={failure.detail}
          data-testid="totp-error"
        />
      )}
    </Card>
  );
}

/** DJ-6: recovery codes, shown this once with copy and download; new ones make the old ones stop working. */
function RecoveryCodesCard({
  left,
  fresh,
  onGenerated,
  onDismiss,
}: {
  left: number;
  fresh: string[] | undefined;
  onGenerated(codes: string[]): void;
  onDismiss(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [pending, setPending] = useState(false);

  async function generate() {
    setPending(true);
    try {
      const answer = await post<RecoveryCodes>('/me/recovery-codes');
      onGenerated(answer.codes);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setPending(false);
    }
  }

  function download(codes: string[]) {
    const text = `${t('accountSecurity.page.fileHeader')}\n\n${codes.join('\n')}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'yunyi-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  }

  const generateButton = (onClick?: () => void) => (
    <Button
      icon={<SafetyOutlined aria-hidden />}
      loading={pending}
      onClick={onClick}
      data-testid="recovery-generate"
    >
      {left > 0 ? t('accountSecurity.page.regenerate') : t('accountSecurity.page.generate')}
    </Button>
  );

  return (
    <Card variant="borderless" title={t('accountSecurity.page.recoveryTitle')} data-testid="recovery-codes">
      <Typography.Paragraph>{t('accountSecurity.page.recoveryIntro')}</Typography.Paragraph>
      {fresh ? (
        <>
          <Alert type="warning" showIcon title={t('accountSecurity.page.recoveryOnce')} />
          <ul className="account-security__codes" data-testid="recovery-code-list">
            {fresh.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <Space wrap>
            <Button
              icon={<CopyOutlined aria-hidden />}
              onClick={async () =>
                (await copyText(fresh.join('\n')))
                  ? message.success(t('accountSecurity.page.copied'))
                  : message.error(t('accountSecurity.page.copyFailed'))
              }
              data-testid="recovery-copy"
            >
              {t('accountSecurity.page.copy')}
            </Button>
            <Button
              icon={<DownloadOutlined aria-hidden />}
              onClick={() => download(fresh)}
              data-testid="recovery-download"
            >
              {t('accountSecurity.page.download')}
            </Button>
            <Button type="primary" onClick={onDismiss} data-testid="recovery-done">
              {t('accountSecurity.page.done')}
            </Button>
          </Space>
        </>
      ) : (
        <Space wrap>
          <Typography.Text>
            {t('accountSecurity.page.recoveryLeft')}：
            <span data-testid="recovery-left">
              {t('accountSecurity.page.recoveryCount', { count: left })}
            </span>
          </Typography.Text>
          {left > 0 ? (
            <Popconfirm title={t('accountSecurity.page.regenerateConfirm')} onConfirm={generate}>
              {generateButton()}
            </Popconfirm>
          ) : (
            generateButton(generate)
          )}
        </Space>
      )}
    </Card>
  );
}

/**
 * 账号安全 (DJ-2, DJ-6), from the staff header's account menu: the password's age and expiry with a
 * change button, the second factor's status and enrolment, and the recovery codes.
 */
export function AccountSecurityPage({ passwordPath }: { passwordPath: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data: security, error, reload } = useApiData<AccountSecurity>('/me/security');
  const [enrolling, setEnrolling] = useState(false);
  const [freshCodes, setFreshCodes] = useState<string[]>();
  const { message } = App.useApp();

  if (error) return <Result status="error" title={describeError(error, t).title} />;
  if (!security) return <PageLoading />;

  const daysLeft = security.passwordExpiresAt
    ? Math.ceil((Date.parse(security.passwordExpiresAt) - Date.now()) / DAY_MS)
    : undefined;
  const requiredText = !security.secondFactorRequired
    ? t('accountSecurity.page.mfaOptional')
    : security.secondFactorReason === 'institution'
      ? t('accountSecurity.page.mfaRequiredInstitution')
      : t('accountSecurity.page.mfaRequiredRole');

  async function afterEnrolled() {
    setEnrolling(false);
    reload();
    // Recovery codes come with the authenticator, the way most services hand them out.
    if (security?.recoveryCodesLeft === 0) {
      try {
        setFreshCodes((await post<RecoveryCodes>('/me/recovery-codes')).codes);
        reload();
      } catch (failure) {
        message.error(errorText(failure, t));
      }
    }
  }

  return (
    <div className="account-security" data-testid="account-security">
      <Typography.Title level={2} className="account-security__title">
        {t('accountSecurity.page.title')}
      </Typography.Title>

      <Card
        variant="borderless"
        title={t('accountSecurity.page.passwordSection')}
        extra={
          <Button
            icon={<LockOutlined aria-hidden />}
            onClick={() => navigate(passwordPath)}
            data-testid="change-password"
          >
            {t('accountSecurity.page.changePassword')}
          </Button>
        }
      >
        <Descriptions column={1} data-testid="password-status">
          <Descriptions.Item label={t('accountSecurity.page.passwordChangedAt')}>
            {security.passwordChangedAt
              ? formatWhen(security.passwordChangedAt, i18n.language)
              : t('accountSecurity.page.passwordNever')}
          </Descriptions.Item>
          <Descriptions.Item label={t('accountSecurity.page.passwordExpiresAt')}>
            {security.passwordExpiresAt ? (
              <Space>
                {formatWhen(security.passwordExpiresAt, i18n.language)}
                {daysLeft !== undefined && daysLeft <= 0 ? (
                  <Tag color="red">{t('accountSecurity.page.passwordExpiredTag')}</Tag>
                ) : (
                  <Tag color={daysLeft !== undefined && daysLeft <= 14 ? 'orange' : 'default'}>
                    {t('accountSecurity.page.passwordDaysLeft', { days: daysLeft })}
                  </Tag>
                )}
              </Space>
            ) : (
              t('accountSecurity.page.passwordNoExpiry')
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <Card
        variant="borderless"
        title={t('accountSecurity.page.mfaSection')}
        extra={
          !enrolling && (
            <Button
              type={security.totpEnrolled ? 'default' : 'primary'}
              icon={<QrcodeOutlined aria-hidden />}
              onClick={() => setEnrolling(true)}
              data-testid="totp-enrol"
            >
              {security.totpEnrolled ? t('accountSecurity.page.reEnrol') : t('accountSecurity.page.enrol')}
            </Button>
          )
        }
      >
        <Descriptions column={1} data-testid="mfa-status">
          <Descriptions.Item label={t('accountSecurity.page.mfaStatus')}>
            {security.totpEnrolled ? (
              <Tag color="green" data-testid="mfa-state" data-state="enrolled">
                {t('accountSecurity.page.mfaEnrolled')}
              </Tag>
            ) : (
              <Tag data-testid="mfa-state" data-state="none">
                {t('accountSecurity.page.mfaNotEnrolled')}
              </Tag>
            )}
          </Descriptions.Item>
          {security.totpEnrolledAt && (
            <Descriptions.Item label={t('accountSecurity.page.mfaEnrolledAt')}>
              {formatWhen(security.totpEnrolledAt, i18n.language)}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('accountSecurity.page.mfaRequired')}>{requiredText}</Descriptions.Item>
        </Descriptions>
        {!security.totpEnrolled && security.secondFactorRequired && (
          <Typography.Paragraph type="secondary">
            {t('accountSecurity.page.smsFallback')}
          </Typography.Paragraph>
        )}
        {security.demoSkip && !security.totpEnrolled && (
          <Alert
            type="info"
            showIcon
            title={t('accountSecurity.page.mfaDemoSkip')}
            data-testid="mfa-demo-skip"
          />
        )}
      </Card>

      {enrolling && <TotpEnrolmentPanel onEnrolled={afterEnrolled} onCancel={() => setEnrolling(false)} />}

      {(security.totpEnrolled || freshCodes) && (
        <RecoveryCodesCard
          left={security.recoveryCodesLeft}
          fresh={freshCodes}
          onGenerated={(codes) => {
            setFreshCodes(codes);
            reload();
          }}
          onDismiss={() => setFreshCodes(undefined)}
        />
      )}
    </div>
  );
}

/** The voluntary change, from the staff header's account menu (DJ-2). */
export function VoluntaryPasswordPage({ backPath }: { backPath: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { data: security } = useApiData<AccountSecurity>('/me/security');
  return (
    <div className="password-voluntary" data-testid="password-voluntary">
      <Typography.Title level={2} className="account-security__title">
        {t('accountSecurity.password.voluntaryTitle')}
      </Typography.Title>
      <Card>
        <PasswordChangeForm
          policy={security?.policy}
          autoFocus
          onChanged={() => {
            message.success(t('accountSecurity.password.changed'));
            navigate(backPath);
          }}
        />
      </Card>
    </div>
  );
}
