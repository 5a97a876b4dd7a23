import { ArrowLeftOutlined, KeyOutlined, MessageOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, type InputRef, Space, Typography } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  SecondFactorChallenge,
  SecondFactorMethod,
  SecondFactorSmsBody,
} from '../../shared/credentials.js';
import type { CodeSent } from '../../shared/identity.js';
import { ApiError, post } from '../api.js';
import { type LoginOutcome, useAuth } from '../auth.js';
import { useCountdown } from '../components/useCountdown.js';
import { describeError } from '../errors.js';

const SMS_RESEND_SECONDS = 60;
const ICONS: Record<SecondFactorMethod, ReactNode> = {
  totp: <SafetyOutlined aria-hidden />,
  sms: <MessageOutlined aria-hidden />,
  recovery: <KeyOutlined aria-hidden />,
};
const SWITCH_LABEL = { totp: 'useTotp', sms: 'useSms', recovery: 'useRecovery' } as const;

type Failure = { title: string; detail?: string } | null;

/**
 * DJ-6: the login's second step. The password was right; the person answers the challenge with a code
 * from their authenticator app (TOTP), an SMS code (sent on request, with a resend countdown) or one of
 * their recovery codes. The code field takes the focus whenever the step or the method changes.
 */
export function SecondFactorStep({
  challenge,
  onBack,
  onSignedIn,
}: {
  challenge: SecondFactorChallenge;
  onBack(): void;
  onSignedIn(outcome: LoginOutcome): void;
}) {
  const { t } = useTranslation();
  const { verifySecondFactor } = useAuth();
  const [form] = Form.useForm<{ code: string }>();
  const [method, setMethod] = useState<SecondFactorMethod>(
    challenge.methods.includes('totp') ? 'totp' : (challenge.methods[0] ?? 'sms'),
  );
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure>(null);
  const [expired, setExpired] = useState(false);
  const [sending, setSending] = useState(false);
  const [devCode, setDevCode] = useState<string>();
  const [secondsLeft, startCountdown] = useCountdown();
  const codeInput = useRef<InputRef>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refocus whenever the method changes
  useEffect(() => {
    codeInput.current?.focus();
  }, [method]);

  function switchTo(next: SecondFactorMethod) {
    setMethod(next);
    setFailure(null);
    form.resetFields();
  }

  async function sendSms() {
    setSending(true);
    setFailure(null);
    try {
      const body: SecondFactorSmsBody = { challengeId: challenge.challengeId };
      const sent = await post<CodeSent>('/auth/login/second-factor/sms', body);
      setDevCode(sent.devCode);
      startCountdown(SMS_RESEND_SECONDS);
      codeInput.current?.focus();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'MFA_CHALLENGE_INVALID') setExpired(true);
      setFailure(describeError(error, t));
    } finally {
      setSending(false);
    }
  }

  async function submit({ code }: { code: string }) {
    setPending(true);
    setFailure(null);
    try {
      const outcome = await verifySecondFactor({
        challengeId: challenge.challengeId,
        method,
        code: code.trim(),
      });
      onSignedIn(outcome);
    } catch (error) {
      setPending(false);
      // An expired or used-up challenge cannot be answered again: back to the password.
      if (error instanceof ApiError && error.code === 'MFA_CHALLENGE_INVALID') setExpired(true);
      // INVALID_CREDENTIALS is titled for the password ("手机号或密码错误"); here it is the code that was wrong.
      setFailure(
        error instanceof ApiError && error.code === 'INVALID_CREDENTIALS'
          ? { title: t('accountSecurity.secondFactor.wrongCode') }
          : describeError(error, t),
      );
      form.setFieldValue('code', '');
      codeInput.current?.focus();
    }
  }

  const sixDigits = method !== 'recovery';
  const others = challenge.methods.filter((m) => m !== method);

  return (
    <div className="second-factor" data-testid="second-factor">
      <Typography.Paragraph type="secondary" className="second-factor__intro">
        {t('accountSecurity.secondFactor.intro')}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" size="large" requiredMark={false} onFinish={submit}>
        <Form.Item
          label={t(`accountSecurity.secondFactor.${method}Label`)}
          extra={
            method === 'sms'
              ? t('accountSecurity.secondFactor.smsHelp', { phone: challenge.phone })
              : t(`accountSecurity.secondFactor.${method === 'totp' ? 'totpHelp' : 'recoveryHelp'}`)
          }
          htmlFor="second-factor-code"
          required
        >
          <Space.Compact block>
            <Form.Item
              name="code"
              noStyle
              rules={[
                { required: true, message: t('accountSecurity.secondFactor.codeRequired') },
                ...(sixDigits
                  ? [{ pattern: /^\d{6}$/, message: t('accountSecurity.secondFactor.codeDigits') }]
                  : []),
              ]}
            >
              <Input
                ref={codeInput}
                id="second-factor-code"
                prefix={ICONS[method]}
                placeholder={t(`accountSecurity.secondFactor.${method}Placeholder`)}
                inputMode={sixDigits ? 'numeric' : 'text'}
                maxLength={sixDigits ? 6 : 32}
                autoComplete={sixDigits ? 'one-time-code' : 'off'}
                aria-label={t(`accountSecurity.secondFactor.${method}Label`)}
                data-testid="second-factor-code"
              />
            </Form.Item>
            {method === 'sms' && (
              <Button
                className="login-otp-button"
                onClick={sendSms}
                loading={sending}
                disabled={secondsLeft > 0}
                data-testid="second-factor-send-sms"
              >
                {secondsLeft > 0
                  ? t('accountSecurity.secondFactor.resendIn', { seconds: secondsLeft })
                  : t('accountSecurity.secondFactor.sendSms')}
              </Button>
            )}
          </Space.Compact>
        </Form.Item>
        {method === 'sms' && devCode && (
          <Typography.Paragraph className="login-dev-code" data-testid="second-factor-dev-code">
            {t('login.devCodeHint', { code: devCode })}
          </Typography.Paragraph>
        )}
        {failure && (
          <Alert
            className="login-alert"
            type="error"
            showIcon
            title={expired ? t('accountSecurity.secondFactor.expired') : failure.title}
            description={expired ? undefined : failure.detail}
            data-testid="second-factor-error"
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={pending}
          disabled={expired}
          data-testid="second-factor-submit"
        >
          {t('accountSecurity.secondFactor.submit')}
        </Button>
      </Form>
      {others.length > 0 && (
        <nav className="second-factor__others" aria-label={t('accountSecurity.secondFactor.otherMethods')}>
          {others.map((m) => (
            <Button
              key={m}
              type="link"
              icon={ICONS[m]}
              onClick={() => switchTo(m)}
              data-testid={`second-factor-use-${m}`}
            >
              {t(`accountSecurity.secondFactor.${SWITCH_LABEL[m]}`)}
            </Button>
          ))}
        </nav>
      )}
      <Button
        type="link"
        icon={<ArrowLeftOutlined aria-hidden />}
        onClick={onBack}
        data-testid="second-factor-back"
      >
        {t('accountSecurity.secondFactor.back')}
      </Button>
    </div>
  );
}
