import { Button, Dialog, SpinLoading, Toast } from 'antd-mobile';
import { toDataURL } from 'qrcode';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { HEALTH_CARD_REFRESH_MS, type HealthCard } from '../../../shared/health-card.js';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import { get } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { PageHeader } from '../PageHeader.js';
import './health-card.css';

interface Person {
  patientId: string;
  name: string;
  isSelf: boolean;
}

/**
 * The card of one person with its QR code, fetched again at `refreshAt` (each minute) and on 刷新; a
 * countdown says when. The code is only accepted in its minute and the next, so a screenshot is useless.
 */
function CardView({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [card, setCard] = useState<HealthCard>();
  const [qr, setQr] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [now, setNow] = useState(() => Date.now());
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refresh trigger.
  useEffect(() => {
    let current = true;
    get<HealthCard>(`/health-cards/${person.isSelf ? 'self' : person.patientId}`).then(
      async (answer) => {
        const url = await toDataURL(answer.qr, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
        if (!current) return;
        setCard(answer);
        setQr(url);
        setError(undefined);
      },
      (failure) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [person, version]);

  // The next code at the start of the next minute (at most a minute away, whatever the phone's clock says).
  useEffect(() => {
    if (!card) return;
    const wait = Math.min(Math.max(Date.parse(card.refreshAt) - Date.now(), 1_000), HEALTH_CARD_REFRESH_MS);
    const timer = setTimeout(() => setVersion((v) => v + 1), wait);
    return () => clearTimeout(timer);
  }, [card]);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, []);

  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    Toast.show({ content: t('healthCard.patient.refreshed'), duration: 1200 });
  }, [t]);

  if (error && !card) {
    return (
      <div className="hc-card hc-card--error" role="alert" data-testid="health-card-error">
        <p>{errorText(error, t)}</p>
        <Button color="primary" fill="outline" onClick={() => setVersion((v) => v + 1)}>
          {t('healthCard.patient.refresh')}
        </Button>
      </div>
    );
  }
  if (!card || !qr) {
    return (
      <div className="patient-loading">
        <SpinLoading color="primary" />
      </div>
    );
  }
  const seconds = Math.max(0, Math.min(60, Math.ceil((Date.parse(card.refreshAt) - now) / 1000)));
  return (
    <section
      className="hc-card"
      data-testid="health-card"
      data-patient={card.patientId}
      aria-labelledby="hc-title"
    >
      <div className="hc-card__band">
        <h2 className="hc-card__title" id="hc-title">
          {t('healthCard.patient.title')}
        </h2>
        <span className="hc-card__region">{t('healthCard.patient.region')}</span>
      </div>
      <dl className="hc-card__facts">
        <div>
          <dt>{t('healthCard.patient.holder')}</dt>
          <dd data-testid="health-card-name">{card.nameMasked}</dd>
        </div>
        <div>
          <dt>{t('healthCard.patient.cardNo')}</dt>
          <dd data-testid="health-card-no">{card.cardNoMasked}</dd>
        </div>
      </dl>
      <img
        className="hc-card__qr"
        src={qr}
        alt={t('healthCard.patient.qrAlt', { name: card.nameMasked })}
        data-testid="health-card-qr"
        data-expires={card.expiresAt}
      />
      <p className="hc-card__countdown" aria-live="off" data-testid="health-card-countdown">
        {t('healthCard.patient.refreshIn', { seconds })}
      </p>
      <Button
        className="hc-card__refresh"
        color="primary"
        fill="outline"
        onClick={refresh}
        data-testid="health-card-refresh"
      >
        {t('healthCard.patient.refresh')}
      </Button>
      <ul className="hc-card__hints">
        <li>{t('healthCard.patient.brightness')}</li>
        <li>{t('healthCard.patient.validity')}</li>
      </ul>
    </section>
  );
}

/**
 * 我的 → 电子健康卡 (/patient/health-card): the card of oneself or of a family member one acts for (ID-6),
 * chosen with the switch at the top; `?patient=` preselects a family member.
 */
export function HealthCardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const dependents = useApiData<Page<Dependent>>('/me/dependents');

  const persons: Person[] | undefined = dependents.data
    ? [
        ...(me.realNameVerified && me.patientId
          ? [{ patientId: me.patientId, name: me.name, isSelf: true }]
          : []),
        ...dependents.data.items
          .filter((d) => d.status === 'active')
          .map((d) => ({ patientId: d.patientId, name: d.name, isSelf: false })),
      ]
    : undefined;
  const wanted = params.get('patient');
  const chosen = persons?.find((p) => p.patientId === wanted) ?? persons?.[0];

  useEffect(() => {
    if (dependents.error) {
      void Dialog.alert({ content: errorText(dependents.error, t), confirmText: t('common.confirm') });
    }
  }, [dependents.error, t]);

  return (
    <div className="patient-page hc-page" data-testid="health-card-page">
      <PageHeader title={t('healthCard.patient.title')} back="/patient/mine" />
      <div className="hc-main">
        <p className="patient-page__intro">{t('healthCard.patient.intro')}</p>
        {!me.realNameVerified && (
          <div className="booking-card hc-notice" data-testid="health-card-verify-first">
            <p>{t('healthCard.patient.verifyFirst')}</p>
            <Button color="primary" onClick={() => navigate('/patient/real-name')}>
              {t('healthCard.patient.goVerify')}
            </Button>
          </div>
        )}
        {persons && persons.length > 1 && (
          <fieldset className="hc-switch">
            <legend className="visually-hidden">{t('healthCard.patient.person')}</legend>
            {persons.map((p) => (
              <button
                key={p.patientId}
                type="button"
                className="hc-switch__option"
                aria-pressed={p.patientId === chosen?.patientId}
                data-testid="health-card-person"
                onClick={() => setParams(p.isSelf ? {} : { patient: p.patientId }, { replace: true })}
              >
                {p.isSelf ? `${p.name}（${t('healthCard.patient.self')}）` : p.name}
              </button>
            ))}
          </fieldset>
        )}
        {persons === undefined && !dependents.error && (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
        {chosen && <CardView key={chosen.patientId} person={chosen} />}
      </div>
    </div>
  );
}
