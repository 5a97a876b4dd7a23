import { Button } from 'antd-mobile';
import { ReceiptOutline } from 'antd-mobile-icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { PrescriptionSummary } from '../../../shared/prescriptions.js';
import { useApiData } from '../../components/useApiData.js';
import { RxStatusTag } from './RxParts.js';
import { shownStatus } from './rx.js';
import './prescriptions.css';

const LIVE_REFRESH_MS = 15_000;

/**
 * On a visit's page: the prescriptions the doctor issued in it (signed or later), with a way to them.
 * Nothing shows while there are none, or when they cannot be read.
 */
export function VisitPrescriptions({ visitId, live }: { visitId: string; live: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, reload } = useApiData<Page<PrescriptionSummary>>(
    `/prescriptions?visitId=${encodeURIComponent(visitId)}&limit=20`,
  );
  // While the visit goes on, the doctor may sign one at any moment.
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(reload, LIVE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [live, reload]);
  const items = data?.items.filter((rx) => rx.status !== 'draft' && rx.status !== 'superseded') ?? [];
  const first = items[0];
  if (!first) return null;
  const now = new Date();
  const open = () =>
    navigate(
      items.length === 1 ? `/patient/prescriptions/${first.id}` : `/patient/prescriptions?visitId=${visitId}`,
    );

  return (
    <section className="booking-card rx-visit-entry" data-testid="visit-prescriptions">
      <div className="rx-visit-entry__head">
        <ReceiptOutline className="rx-visit-entry__icon" />
        <span className="rx-visit-entry__title">{t('rxPatient.visit.entry')}</span>
        <RxStatusTag status={shownStatus(first, now)} />
      </div>
      <div className="rx-visit-entry__drugs">{items.flatMap((rx) => rx.drugs).join('、')}</div>
      <Button block color="primary" size="large" onClick={open} data-testid="visit-view-prescriptions">
        {t('rxPatient.visit.view')}
      </Button>
    </section>
  );
}
