import { List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { PrescriptionSummary } from '../../../shared/prescriptions.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { FulfilmentStatusTag, RxStatusTag } from './RxParts.js';
import { isFulfilmentStatus, listTag, shownStatus } from './rx.js';
import './prescriptions.css';

/** A row of 我的处方: drugs, status, who for, doctor and institution, until when it is valid. */
function RxCard({ rx, now, onOpen }: { rx: PrescriptionSummary; now: Date; onOpen(): void }) {
  const { t, i18n } = useTranslation();
  const status = shownStatus(rx, now);
  const tag = listTag(status, isFulfilmentStatus(rx.fulfilmentStatus) ? rx.fulfilmentStatus : null);
  return (
    <List.Item
      className="rx-card"
      data-testid="rx-item-card"
      data-id={rx.id}
      data-status={status}
      onClick={onOpen}
      arrowIcon
    >
      <div className="rx-card__head">
        <span className="rx-card__drugs" data-testid="rx-drugs">
          {rx.drugs.join('、')}
        </span>
        {tag.kind === 'rx' ? (
          <RxStatusTag status={tag.status} />
        ) : (
          <FulfilmentStatusTag status={tag.status} />
        )}
      </div>
      <div className="rx-card__line">
        {rx.doctorName} · {rx.institutionName}
      </div>
      <div className="rx-card__line">{t('rxPatient.list.patient', { name: rx.patientName })}</div>
      <div className="rx-card__line rx-card__foot">
        <span>
          {rx.validUntil
            ? t('rxPatient.list.validUntil', { time: formatDateTime(rx.validUntil, i18n.language) })
            : formatDateTime(rx.signedAt ?? rx.createdAt, i18n.language)}
        </span>
        <strong className="rx-card__amount">{formatYuan(rx.totalFen)}</strong>
      </div>
    </List.Item>
  );
}

/** 我的处方: signed prescriptions of mine and of the family members I act for; `?visitId=` narrows to a visit. */
export function PrescriptionsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const visitId = params.get('visitId');
  const { data, error } = useApiData<Page<PrescriptionSummary>>(
    visitId ? `/prescriptions?visitId=${encodeURIComponent(visitId)}&limit=50` : '/prescriptions?limit=50',
  );
  const now = useNow(true, 60_000);
  const items = data?.items
    .filter((rx) => rx.status !== 'draft')
    .sort((a, b) => {
      const at = a.signedAt ?? a.createdAt;
      const bt = b.signedAt ?? b.createdAt;
      return at < bt ? 1 : at > bt ? -1 : 0;
    });

  return (
    <div className="patient-page" data-testid="prescriptions-page">
      <PageHeader
        title={visitId ? t('rxPatient.list.visitOnly') : t('rxPatient.titles.list')}
        back={visitId ? `/patient/visits/${visitId}` : '/patient'}
        right={
          visitId ? (
            <button type="button" className="link-button" onClick={() => navigate('/patient/prescriptions')}>
              {t('rxPatient.list.showAll')}
            </button>
          ) : undefined
        }
      />
      <Loadable
        items={items}
        error={error}
        empty={t('rxPatient.list.empty')}
        emptyDesc={t('rxPatient.list.emptyDesc')}
      >
        {(list) => (
          <List className="patient-list rx-list" mode="card">
            {list.map((rx) => (
              <RxCard
                key={rx.id}
                rx={rx}
                now={now}
                onOpen={() => navigate(`/patient/prescriptions/${rx.id}`)}
              />
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}
