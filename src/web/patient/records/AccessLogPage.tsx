import { Tag } from 'antd-mobile';
import { CloseCircleOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import type { AccessLogEntry } from '../../../shared/records.js';
import { formatLongDate } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { LoadMore, PatientNote } from './RecordsParts.js';
import { fullTime, groupByDay, withPatient } from './records.js';
import { usePaged } from './usePaged.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

/** A relationship the access log shows: 授权, 就诊, 紧急调阅 … — 紧急调阅 stands out (SEC-1, break-glass). */
const RELATIONSHIP_COLOR = {
  self: 'default',
  proxy: 'default',
  visit: 'primary',
  family_doctor: 'primary',
  referral: 'primary',
  remote_consultation: 'primary',
  authorisation: 'success',
  break_glass: 'warning',
} as const;

/** One read of my records: who, when, what, under which relationship, through which channel. */
function AccessRow({ entry }: { entry: AccessLogEntry }) {
  const { t } = useTranslation();
  const refused = entry.outcome === 'failure';
  const role = entry.reader.role
    ? t(`recordsPatient.role.${entry.reader.role}` as never, { defaultValue: entry.reader.role })
    : null;
  const reader = [role, entry.reader.institutionName].filter(Boolean).join(' · ');
  return (
    <li
      className={`records-access ${refused ? 'records-access--refused' : ''}`}
      data-testid="access-entry"
      data-outcome={entry.outcome}
      data-relationship={entry.relationship ?? 'none'}
    >
      <div className="records-row__head">
        <strong className="records-access__who" data-testid="access-reader">
          {entry.reader.name}
        </strong>
        {refused ? (
          <Tag color="danger" fill="solid" data-testid="access-refused">
            <CloseCircleOutline aria-hidden /> {t('recordsPatient.access.refused')}
          </Tag>
        ) : (
          entry.relationship && (
            <Tag
              color={RELATIONSHIP_COLOR[entry.relationship]}
              fill="outline"
              data-testid="access-relationship"
            >
              {t(`recordsPatient.relationship.${entry.relationship}`)}
            </Tag>
          )
        )}
      </div>
      {reader && <div className="records-muted">{reader}</div>}
      <dl className="records-facts records-facts--compact">
        <div>
          <dt>{t('recordsPatient.access.when')}</dt>
          <dd>{fullTime(entry.at)}</dd>
        </div>
        <div>
          <dt>{t('recordsPatient.access.what')}</dt>
          <dd data-testid="access-category">
            {entry.category
              ? t(`recordsPatient.category.${entry.category}`)
              : refused
                ? t('recordsPatient.access.categoryUnknown')
                : t('recordsPatient.category.all')}
          </dd>
        </div>
        <div>
          <dt>{t('recordsPatient.access.how')}</dt>
          <dd>{t(`recordsPatient.channel.${entry.channel}`)}</dd>
        </div>
      </dl>
      {refused && <p className="records-muted">{t('recordsPatient.access.refusedNote')}</p>}
      {entry.relationship === 'break_glass' && !refused && (
        <p className="records-muted">{t('recordsPatient.access.breakGlassNote')}</p>
      )}
    </li>
  );
}

/** 访问记录: every read of my (or my family member's) records by someone else, refused ones marked (SEC-1). */
export function AccessLogPage() {
  const { t, i18n } = useTranslation();
  const patient = useRecordsPatient();
  const paged = usePaged<AccessLogEntry>(
    patient.patientId ? `/me/access-log?limit=30&patientId=${patient.patientId}` : null,
    (e) => e.id,
  );

  return (
    <div className="patient-page records-page" data-testid="records-access-log">
      <PageHeader
        title={t('recordsPatient.titles.accessLog')}
        back={withPatient('/patient/records', patient.chosen)}
      />
      <PatientNote patient={patient} />
      <p className="patient-page__intro">{t('recordsPatient.access.intro')}</p>
      <Loadable
        items={paged.items}
        error={paged.error}
        empty={t('recordsPatient.access.empty')}
        emptyDesc={t('recordsPatient.access.emptyDesc')}
      >
        {(items) => (
          <>
            {groupByDay(items).map((group) => (
              <section key={group.date} className="booking-card" aria-labelledby={`access-${group.date}`}>
                <h2 className="records-timeline__date" id={`access-${group.date}`}>
                  {formatLongDate(`${group.date}T12:00:00+08:00`, i18n.language)}
                </h2>
                <ul className="records-access-list">
                  {group.entries.map((entry) => (
                    <AccessRow key={entry.id} entry={entry} />
                  ))}
                </ul>
              </section>
            ))}
            <LoadMore hasMore={paged.hasMore} loadMore={paged.loadMore} testId="access-more" />
          </>
        )}
      </Loadable>
    </div>
  );
}
