import { Button, Checkbox, Popup, Toast } from 'antd-mobile';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { agreeToCurrent, type ConsentState } from '../../shared/consent.js';
import { post } from '../api.js';
import { useAuth, useMe } from '../auth.js';
import { errorText } from '../errors.js';
import { type LegalDoc, LegalText } from '../pages/LegalPage.js';
import '../pages/legal.css';
import './wording.css';

/**
 * SEC-1: a patient whose recorded consent is not the current texts' version (they changed since) agrees
 * again before anything else opens; declining signs out. Demo accounts are seeded as agreed.
 */
export function ConsentGate({ children }: { children: ReactNode }) {
  const me = useMe();
  if (!me.consent?.required) return <>{children}</>;
  return <ConsentAgain version={me.consent.currentVersion} />;
}

function ConsentAgain({ version }: { version: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const { setMe, logout } = useAuth();
  const [terms, setTerms] = useState(false);
  const [sensitive, setSensitive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reading, setReading] = useState<LegalDoc | null>(null);

  async function agree() {
    if (!terms || !sensitive) {
      Toast.show({ content: t('wording.consent.mustTick') });
      return;
    }
    setBusy(true);
    try {
      const consent = await post<ConsentState>('/me/consent', agreeToCurrent());
      setMe({ ...me, consent });
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
      setBusy(false);
    }
  }

  async function decline() {
    Toast.show({ content: t('wording.consent.declined') });
    await logout();
  }

  const docLink = (doc: LegalDoc, label: string) => (
    <a
      href={`/legal/${doc}`}
      onClick={(event) => {
        event.preventDefault();
        event.stopPropagation();
        setReading(doc);
      }}
    >
      {label}
    </a>
  );

  return (
    <main className="patient-page consent-page" data-testid="consent-page">
      <h1 className="consent-page__title">{t('wording.consent.updatedTitle')}</h1>
      <p className="consent-page__intro">{t('wording.consent.updatedIntro', { version })}</p>
      <div className="booking-card consent-page__card">
        <Checkbox checked={terms} onChange={setTerms} data-testid="consent-terms">
          <span className="consent-page__label">
            {t('wording.consent.agreeTerms')}
            {docLink('terms', t('wording.consent.termsLink'))}
            {t('wording.consent.and')}
            {docLink('privacy', t('wording.consent.privacyLink'))}
          </span>
        </Checkbox>
        <Checkbox checked={sensitive} onChange={setSensitive} data-testid="consent-sensitive">
          <span className="consent-page__label">{t('wording.consent.agreeSensitive')}</span>
        </Checkbox>
      </div>
      <div className="patient-page__actions consent-page__actions">
        <Button block color="primary" size="large" loading={busy} onClick={agree} data-testid="consent-agree">
          {t('wording.consent.agree')}
        </Button>
        <Button block size="large" onClick={decline} data-testid="consent-decline">
          {t('wording.consent.decline')}
        </Button>
      </div>
      <Popup
        visible={reading !== null}
        onMaskClick={() => setReading(null)}
        onClose={() => setReading(null)}
        showCloseButton
        bodyClassName="consent-page__reading"
      >
        {reading && <LegalText doc={reading} headingLevel={2} />}
      </Popup>
    </main>
  );
}
