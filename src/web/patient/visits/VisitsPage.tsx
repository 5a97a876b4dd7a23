import { List, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { VisitPage, VisitView } from '../../../shared/visits.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDateTime } from '../../format.js';
import { institutionDisplayName } from '../../names.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { VisitStatusTag } from './VisitParts.js';
import './visits.css';

/** A row of 我的问诊: doctor, department, who, type and when, with the status. */
function VisitCard({ visit, onOpen }: { visit: VisitView; onOpen(): void }) {
  const { t, i18n } = useTranslation();
  return (
    <List.Item className="visit-card" data-testid="visit-item" onClick={onOpen}>
      <div className="visit-card__head">
        <span className="visit-card__doctor">{visit.doctorName ?? t('visits.h5.waitingDoctor')}</span>
        <span className="visit-card__dept">{visit.departmentName}</span>
        <VisitStatusTag status={visit.status} />
      </div>
      <div className="visit-card__line">{institutionDisplayName(visit, i18n.language)}</div>
      <div className="visit-card__line">{t('visits.h5.patientLine', { name: visit.patientName })}</div>
      <div className="visit-card__line visit-card__when">
        <Tag color="primary" fill="outline" className="visit-card__type">
          {t(`visits.type.${visit.type}`)}
        </Tag>
        {visit.conditionName && <span>{visit.conditionName} · </span>}
        {formatDateTime(visit.createdAt, i18n.language)}
      </div>
    </List.Item>
  );
}

/** 我的问诊: mine and those of the people I act for, latest first. */
export function VisitsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, error } = useApiData<VisitPage>('/visits');
  const items = data?.items
    .slice()
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));

  return (
    <div className="patient-page" data-testid="visits-page">
      <PageHeader
        title={t('visits.h5.myVisits')}
        back="/patient/mine"
        right={
          <button type="button" className="link-button" onClick={() => navigate('/patient/visits/new')}>
            {t('visits.h5.newVisit')}
          </button>
        }
      />
      <Loadable
        items={items}
        error={error}
        empty={t('visits.h5.noVisits')}
        emptyDesc={t('visits.h5.noVisitsDesc')}
      >
        {(list) => (
          <List className="patient-list visit-list" mode="card">
            {list.map((visit) => (
              <VisitCard
                key={visit.id}
                visit={visit}
                onOpen={() => navigate(`/patient/visits/${visit.id}`)}
              />
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}
