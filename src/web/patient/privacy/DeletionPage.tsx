import { Button, Dialog, ErrorBlock, Input, List, SpinLoading, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeSent } from '../../../shared/identity.js';
import type { DeletionItem, DeletionPreview, DeletionResult } from '../../../shared/privacy.js';
import { post } from '../../api.js';
import { useAuth } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { useCountdown } from '../../components/useCountdown.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';
import { PageHeader } from '../PageHeader.js';
import './privacy.css';

/**
 * 注销账号 / 删除个人信息 (个人信息保护法 第四十七条; REC-4): what goes, what stays and why (from the
 * server's preview, in the reader's language), what is still open, and the SMS code that confirms it.
 */
export function DeletionPage() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const { data, error } = useApiData<DeletionPreview>('/me/deletion-request/preview');
  const [code, setCode] = useState('');
  const [devCode, setDevCode] = useState<string>();
  const [sending, setSending] = useState(false);
  const [pending, setPending] = useState(false);
  const [secondsLeft, startCountdown] = useCountdown();
  const en = currentLanguage() === 'en-US';

  async function sendCode() {
    setSending(true);
    try {
      const sent = await post<CodeSent>('/me/deletion-request/otp');
      setDevCode(sent.devCode);
      startCountdown(60);
    } catch (err) {
      Toast.show({ content: errorText(err, t), icon: 'fail' });
    } finally {
      setSending(false);
    }
  }

  async function submit() {
    if (!/^\d{6}$/.test(code)) {
      Toast.show({ content: t('privacyPatient.deletion.codeRequired') });
      return;
    }
    const ok = await Dialog.confirm({
      title: t('privacyPatient.deletion.confirmTitle'),
      content: t('privacyPatient.deletion.confirmBody'),
      confirmText: t('privacyPatient.deletion.confirmOk'),
      cancelText: t('privacyPatient.deletion.cancel'),
    });
    if (!ok) return;
    setPending(true);
    try {
      await post<DeletionResult>('/me/deletion-request', { otp: code });
      Toast.show({ content: t('privacyPatient.deletion.done'), icon: 'success' });
      await logout();
    } catch (err) {
      Toast.show({ content: errorText(err, t), icon: 'fail' });
      setPending(false);
    }
  }

  const item = (i: DeletionItem) => (
    <List.Item
      key={i.kind}
      data-testid={`deletion-${i.action === 'keep' ? 'kept' : 'removed'}-${i.kind}`}
      description={
        <>
          {i.action === 'keep' && i.rule && (
            <div className="deletion-rule">
              {i.years !== null
                ? t('privacyPatient.deletion.keepFor', { years: i.years, rule: i.rule })
                : t('privacyPatient.deletion.keepRule', { rule: i.rule })}
            </div>
          )}
          <div>{en ? i.whyEn : i.why}</div>
        </>
      }
      extra={i.count > 0 ? t('privacyPatient.deletion.count', { count: i.count }) : undefined}
    >
      {en ? i.labelEn : i.label}
    </List.Item>
  );

  return (
    <div className="patient-page" data-testid="deletion-page">
      <PageHeader title={t('privacyPatient.deletion.title')} back="/patient/mine" />
      {data === undefined && error !== undefined && (
        <ErrorBlock
          className="patient-empty"
          status="default"
          title={t('common.loadFailed')}
          description={errorText(error, t)}
        />
      )}
      {data === undefined && error === undefined && (
        <div className="patient-loading">
          <SpinLoading color="primary" />
        </div>
      )}
      {data && (
        <>
          <p className="deletion-intro">{t('privacyPatient.deletion.intro')}</p>
          {data.blockers.length > 0 && (
            <List
              className="patient-list deletion-blockers"
              mode="card"
              header={t('privacyPatient.deletion.blockedTitle')}
              data-testid="deletion-blockers"
            >
              {data.blockers.map((b) => (
                <List.Item key={b.id} description={t('privacyPatient.deletion.blockedHint')}>
                  {en ? b.labelEn : b.label}
                </List.Item>
              ))}
            </List>
          )}
          <List className="patient-list" mode="card" header={t('privacyPatient.deletion.removedTitle')}>
            {data.removed.map(item)}
          </List>
          <List className="patient-list" mode="card" header={t('privacyPatient.deletion.keptTitle')}>
            {data.kept.map(item)}
          </List>
          {data.phoneReleased && (
            <p className="deletion-intro">{t('privacyPatient.deletion.phoneReleased')}</p>
          )}
          {data.canDelete && (
            <div className="patient-page__actions deletion-confirm">
              <label className="deletion-code" htmlFor="deletion-code">
                {t('privacyPatient.deletion.code')}
              </label>
              <div className="deletion-code-row">
                <Input
                  id="deletion-code"
                  className="deletion-code-input"
                  placeholder={t('privacyPatient.deletion.codePlaceholder')}
                  inputMode="numeric"
                  maxLength={6}
                  autoComplete="one-time-code"
                  value={code}
                  onChange={setCode}
                  data-testid="deletion-code"
                />
                <Button
                  size="middle"
                  onClick={sendCode}
                  loading={sending}
                  disabled={secondsLeft > 0}
                  data-testid="deletion-send-code"
                >
                  {secondsLeft > 0
                    ? t('privacyPatient.deletion.resendIn', { seconds: secondsLeft })
                    : t('privacyPatient.deletion.sendCode')}
                </Button>
              </div>
              {devCode && (
                <p className="deletion-dev-code" data-testid="deletion-dev-code">
                  {t('privacyPatient.deletion.devCodeHint', { code: devCode })}
                </p>
              )}
              <Button
                block
                size="large"
                color="danger"
                loading={pending}
                onClick={submit}
                data-testid="deletion-submit"
              >
                {t('privacyPatient.deletion.submit')}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
