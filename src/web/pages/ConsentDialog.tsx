import { Alert, Button, Checkbox, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { agreeToCurrent, CONSENT_VERSION, type ConsentBody } from '../../shared/consent.js';
import { type LegalDoc, LegalText } from './LegalPage.js';

/**
 * SEC-1 (个人信息保护法 第二十八、二十九条): the agreement an SMS sign-up asks for before the account exists —
 * the user agreement and privacy policy, and separately the processing of health data. Both links open
 * the readable texts in place (the typed code stays); nothing is pre-ticked.
 */
export function ConsentDialog({
  open,
  pending,
  onAgree,
  onDecline,
}: {
  open: boolean;
  pending: boolean;
  onAgree(consent: ConsentBody): void;
  onDecline(): void;
}) {
  const { t } = useTranslation();
  const [terms, setTerms] = useState(false);
  const [sensitive, setSensitive] = useState(false);
  const [missing, setMissing] = useState(false);
  const [reading, setReading] = useState<LegalDoc | null>(null);

  const docLink = (doc: LegalDoc, label: string) => (
    <a
      href={`/legal/${doc}`}
      onClick={(event) => {
        event.preventDefault();
        setReading(doc);
      }}
      data-testid={`consent-link-${doc}`}
    >
      {label}
    </a>
  );

  function agree() {
    if (!terms || !sensitive) {
      setMissing(true);
      return;
    }
    onAgree(agreeToCurrent());
  }

  return (
    <>
      <Modal
        open={open}
        title={t('wording.consent.title')}
        closable={false}
        maskClosable={false}
        onCancel={onDecline}
        footer={[
          <Button key="decline" onClick={onDecline} data-testid="consent-decline">
            {t('wording.consent.decline')}
          </Button>,
          <Button key="agree" type="primary" loading={pending} onClick={agree} data-testid="consent-agree">
            {t('wording.consent.agree')}
          </Button>,
        ]}
      >
        <div className="consent-dialog" data-testid="consent-dialog">
          <p>{t('wording.consent.intro')}</p>
          <Checkbox
            checked={terms}
            onChange={(e) => setTerms(e.target.checked)}
            data-testid="consent-terms"
            className="consent-dialog__check"
          >
            {t('wording.consent.agreeTerms')}
            {docLink('terms', t('wording.consent.termsLink'))}
            {t('wording.consent.and')}
            {docLink('privacy', t('wording.consent.privacyLink'))}
          </Checkbox>
          <Checkbox
            checked={sensitive}
            onChange={(e) => setSensitive(e.target.checked)}
            data-testid="consent-sensitive"
            className="consent-dialog__check"
          >
            {t('wording.consent.agreeSensitive')}
          </Checkbox>
          <p className="consent-dialog__version">
            {t('wording.consent.version', { version: CONSENT_VERSION })}
          </p>
          {missing && (!terms || !sensitive) && (
            <Alert type="warning" showIcon title={t('wording.consent.mustTick')} role="alert" />
          )}
        </div>
      </Modal>
      <Modal
        open={reading !== null}
        onCancel={() => setReading(null)}
        footer={null}
        width={640}
        title={null}
        data-testid="consent-reading"
      >
        {reading && <LegalText doc={reading} headingLevel={2} />}
      </Modal>
    </>
  );
}
