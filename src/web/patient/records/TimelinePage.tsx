import { Tag } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { TimelineEntry } from '../../../shared/records.js';
import { formatLongDate, formatTime } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { LoadMore, PatientNote } from './RecordsParts.js';
import { groupByDay, timelineTarget, withPatient } from './records.js';
import { usePaged } from './usePaged.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

/** One event of the timeline; a report or a prescription opens on tap. */
function Entry({ entry, patientId }: { entry: TimelineEntry; patientId: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const target = timelineTarget(entry, patientId);
  const body = (
    <>
      <span className="records-timeline__time">{formatTime(entry.at)}</span>
      <span className="records-timeline__main">
        <span className="records-timeline__head">
          <Tag color="primary" fill="outline">
            {t(`recordsPatient.kind.${entry.kind}`)}
          </Tag>
          {entry.channel && (
            <Tag
              color={entry.channel === 'online' ? 'success' : 'default'}
              fill="outline"
              data-testid="timeline-channel"
            >
              {t(`recordsPatient.channelBadge.${entry.channel}`)}
            </Tag>
          )}
          {entry.abnormal && (
            <Tag color="danger" fill="outline" data-testid="timeline-abnormal">
              {t('recordsPatient.timeline.abnormal')}
            </Tag>
          )}
        </span>
        <strong className="records-timeline__title">{entry.title}</strong>
        {(entry.subtitle || entry.institutionName) && (
          <span className="records-muted">
            {[entry.subtitle, entry.institutionName].filter(Boolean).join(' · ')}
          </span>
        )}
      </span>
      {target && <RightOutline className="records-timeline__arrow" aria-hidden />}
    </>
  );
  return (
    <li
      className="records-timeline__item"
      data-testid="timeline-entry"
      data-kind={entry.kind}
      data-key={entry.key}
    >
      {target ? (
        <button type="button" className="records-timeline__button" onClick={() => navigate(target)}>
          {body}
        </button>
      ) : (
        <div className="records-timeline__button">{body}</div>
      )}
    </li>
  );
}

/** 时间轴: visits online and offline, diagnoses, prescriptions and dispensing, results — newest first, by day. */
export function TimelinePage() {
  const { t, i18n } = useTranslation();
  const patient = useRecordsPatient();
  const paged = usePaged<TimelineEntry>(
    patient.patientId ? `/patients/${patient.patientId}/timeline?limit=20` : null,
    (entry) => entry.key,
  );

  return (
    <div className="patient-page records-page" data-testid="records-timeline">
      <PageHeader
        title={t('recordsPatient.titles.timeline')}
        back={withPatient('/patient/records', patient.chosen)}
      />
      <PatientNote patient={patient} />
      <Loadable items={paged.items} error={paged.error} empty={t('recordsPatient.timeline.empty')}>
        {(items) => (
          <>
            {groupByDay(items).map((group) => (
              <section
                key={group.date}
                className="booking-card records-timeline__day"
                aria-labelledby={`day-${group.date}`}
              >
                <h2 className="records-timeline__date" id={`day-${group.date}`}>
                  {formatLongDate(`${group.date}T12:00:00+08:00`, i18n.language)}
                </h2>
                <ol className="records-timeline">
                  {group.entries.map((entry) => (
                    <Entry key={entry.key} entry={entry} patientId={patient.chosen} />
                  ))}
                </ol>
              </section>
            ))}
            <LoadMore hasMore={paged.hasMore} loadMore={paged.loadMore} testId="timeline-more" />
          </>
        )}
      </Loadable>
    </div>
  );
}
