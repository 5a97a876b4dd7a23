/**
 * One home service (FD-5, FD-9): the 核验码 in big digits to show the nurse at the door, pay or cancel,
 * the status timeline, the visit record, and a rating once completed.
 */
import { Button, Dialog, Steps, Toast } from 'antd-mobile';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { HomeServiceDetail } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatWindow, formatYuan } from '../../format.js';
import { goToCashier, usePaymentPolling } from '../booking/payment.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { Card, Frame, RateButton, Waiting } from './FdParts.js';
import { fdPath, formatInstant, useFdPatient } from './fd.js';
import { StatusTag } from './HomeServicePages.js';

/** While a nurse may be on the way, the page asks again this often. */
const REFRESH_MS = 20_000;

/** The request's progress: made, paid, accepted, arrived (checked in), done (checked out). */
function Timeline({ s }: { s: HomeServiceDetail }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const paid = s.status !== 'pending_payment' && s.status !== 'cancelled';
  const steps = [
    { key: 'created', at: s.createdAt, done: true },
    { key: 'paid', at: null, done: paid || Boolean(s.acceptedAt) },
    { key: 'accepted', at: s.acceptedAt, done: Boolean(s.acceptedAt) },
    { key: 'checkedIn', at: s.checkedInAt, done: Boolean(s.checkedInAt) },
    { key: 'checkedOut', at: s.checkedOutAt, done: Boolean(s.checkedOutAt) },
  ] as const;
  const current = steps.filter((x) => x.done).length - 1;
  return (
    <Steps direction="vertical" current={current} className="fd-steps" data-testid="fd-hs-timeline">
      {steps.map((step, i) => (
        <Steps.Step
          key={step.key}
          status={i <= current ? 'finish' : 'wait'}
          title={t(`fdResident.homeServices.step.${step.key}`)}
          description={
            step.key === 'accepted' && s.provider
              ? `${s.provider.name} · ${s.provider.professionalTitle}${step.at ? ` · ${formatInstant(step.at, lang)}` : ''}`
              : step.at
                ? formatInstant(step.at, lang)
                : undefined
          }
        />
      ))}
    </Steps>
  );
}

/** One request: the code to show at the door, pay, progress, record, rating. */
export function HomeServicePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const patient = useFdPatient();
  const [elderly] = useElderlyModeSetting();
  const { data: s, error, reload } = useApiData<HomeServiceDetail>(`/home-services/${id}`);
  const confirming = usePaymentPolling(s?.orderId ?? undefined, reload);
  const lang = i18n.language;

  const status = s?.status;
  useEffect(() => {
    if (!status || !['requested', 'accepted', 'in_service'].includes(status)) return;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [status, reload]);

  const pay = useCallback(async () => {
    if (!s?.orderId) return;
    try {
      await goToCashier(s.orderId);
    } catch (failure) {
      Toast.show({ content: errorText(failure, t) });
      reload();
    }
  }, [s, t, reload]);

  async function cancel() {
    if (!s) return;
    const ok = await Dialog.confirm({
      title: t('fdResident.homeServices.cancelTitle'),
      content:
        s.status === 'requested'
          ? t('fdResident.homeServices.cancelRefund')
          : t('fdResident.homeServices.cancelContent'),
      confirmText: t('fdResident.homeServices.cancel'),
      cancelText: t('fdResident.homeServices.keep'),
    });
    if (!ok) return;
    try {
      await post(`/home-services/${s.id}/cancel`, { reason: t('fdResident.homeServices.cancelReason') });
      Toast.show({ icon: 'success', content: t('fdResident.homeServices.cancelled') });
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    }
    reload();
  }

  const back = fdPath('home-services', patient.chosen);
  if (!s) {
    return (
      <Frame title={t('fdResident.titles.homeService')} back={back} testId="fd-hs-detail" patient={patient}>
        <Waiting error={error} />
      </Frame>
    );
  }

  const showCode = s.clientCode && ['requested', 'accepted', 'in_service'].includes(s.status);
  const record = s.record as { summary?: string; advice?: string } | null;

  return (
    <Frame title={t('fdResident.titles.homeService')} back={back} testId="fd-hs-detail" patient={patient}>
      <header className={`fd-hero fd-hero--hs-${s.status}`} data-status={s.status}>
        <div className="fd-hero__top">
          <span className="fd-hero__team">{s.item.name}</span>
          <StatusTag status={s.status} onDark />
        </div>
        <div className="fd-hero__hint">
          {confirming ? t('fdResident.overview.confirming') : t(`fdResident.homeServices.hint.${s.status}`)}
        </div>
        {s.status === 'pending_payment' && s.orderId && !confirming && (
          <div className="fd-hero__buttons">
            <Button color="primary" onClick={pay} data-testid="fd-hs-pay">
              {t('fdResident.homeServices.pay', { amount: formatYuan(s.feeFen) })}
            </Button>
          </div>
        )}
      </header>

      {showCode && (
        <section
          className="booking-card fd-client-code"
          aria-labelledby="fd-code-title"
          data-testid="fd-client-code"
        >
          <h2 className="fd-client-code__title" id="fd-code-title">
            {t('fdResident.homeServices.codeTitle')}
          </h2>
          <p className="fd-client-code__digits">
            <span aria-hidden data-testid="fd-client-code-digits">
              {s.clientCode}
            </span>
            {/* Read digit by digit, not as one big number. */}
            <span className="fd-sr-only">{s.clientCode!.split('').join(' ')}</span>
          </p>
          <p className="fd-muted">{t('fdResident.homeServices.codeHint')}</p>
        </section>
      )}

      <Card id="hs-progress" title={t('fdResident.homeServices.progress')}>
        <Timeline s={s} />
      </Card>

      <Card id="hs-info" title={t('fdResident.homeServices.info')}>
        <dl className="fd-facts">
          <div>
            <dt>{t('fdResident.homeServices.no')}</dt>
            <dd className="fd-mono">{s.serviceNo}</dd>
          </div>
          <div>
            <dt>{t('fdResident.homeServices.patient')}</dt>
            <dd>{s.patient.name}</dd>
          </div>
          <div>
            <dt>{t('fdResident.homeServices.window')}</dt>
            <dd data-testid="fd-hs-window-text">{formatWindow(s.window.start, s.window.end, lang)}</dd>
          </div>
          <div>
            <dt>{t('fdResident.homeServices.address')}</dt>
            <dd>{s.address}</dd>
          </div>
          {!elderly && (
            <div>
              <dt>{t('fdResident.homeServices.institution')}</dt>
              <dd>{s.institutionName}</dd>
            </div>
          )}
          <div>
            <dt>{t('fdResident.homeServices.total')}</dt>
            <dd>{formatYuan(s.feeFen)}</dd>
          </div>
          {s.note && (
            <div>
              <dt>{t('fdResident.homeServices.note')}</dt>
              <dd>{s.note}</dd>
            </div>
          )}
        </dl>
      </Card>

      {(s.status === 'pending_payment' || s.status === 'requested') && !confirming && (
        <div className="patient-page__actions">
          <Button block fill="outline" onClick={cancel} data-testid="fd-hs-cancel">
            {t('fdResident.homeServices.cancel')}
          </Button>
        </div>
      )}

      {s.status === 'completed' && (
        <Card id="hs-record" title={t('fdResident.homeServices.record')}>
          {record?.summary && <p className="fd-text">{record.summary}</p>}
          {record?.advice && (
            <p className="fd-text">{t('fdResident.homeServices.adviceLine', { advice: record.advice })}</p>
          )}
          <div className="fd-followup__rate">
            <RateButton subject="home_service" subjectId={s.id} testId="fd-rate-hs" />
          </div>
        </Card>
      )}
    </Frame>
  );
}
