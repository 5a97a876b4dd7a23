import { List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Appointment, AppointmentGuide } from '../../../shared/scheduling.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDateTime } from '../../format.js';
import './waitlist.css';

/** 今日排队: on the visit day, my number and how many are ahead (no calling system: an estimate). */
function QueueState({ queue }: { queue: NonNullable<AppointmentGuide['queue']> }) {
  const { t } = useTranslation();
  return (
    <List className="patient-list guide-list" mode="card" header={t('waitlist.guide.queue')}>
      <List.Item
        data-testid="guide-queue"
        description={
          <span className="guide-queue__note">
            {queue.checkedIn ? `${t('waitlist.guide.queueCheckedIn')}。` : ''}
            {t('waitlist.guide.queueNote')}
          </span>
        }
      >
        <div className="guide-queue__token">
          {t('waitlist.guide.queueToken', { number: queue.tokenNumber })}
        </div>
        <div>{t('waitlist.guide.queueAhead', { count: queue.ahead })}</div>
        <div>{t('waitlist.guide.queueSeen', { count: queue.seen })}</div>
      </List.Item>
    </List>
  );
}

/**
 * 就诊地点 and 就诊须知 of a live appointment: the hospital's address and phone, the department's triage
 * desk, what to bring, when to arrive, and the institution's real cancellation deadline and no-show rule.
 */
export function AppointmentGuideSection({ appointment }: { appointment: Appointment }) {
  const { t, i18n } = useTranslation();
  const { data: g } = useApiData<AppointmentGuide>(`/appointments/${appointment.id}/guide`);
  if (!g) return null;
  const offline = appointment.mode === 'offline';
  return (
    <>
      {g.queue && <QueueState queue={g.queue} />}
      {offline && (
        <List
          className="patient-list guide-list"
          mode="card"
          header={t('waitlist.guide.location')}
          data-testid="guide-location"
        >
          <List.Item description={g.institutionAddress ?? t('waitlist.guide.addressUnknown')}>
            {g.institutionName}
          </List.Item>
          <List.Item description={t('waitlist.guide.departmentHint', { department: g.departmentName })}>
            {g.departmentName}
          </List.Item>
          {g.institutionPhone && (
            <List.Item extra={<a href={`tel:${g.institutionPhone}`}>{g.institutionPhone}</a>}>
              {t('waitlist.guide.phone')}
            </List.Item>
          )}
        </List>
      )}
      <List className="patient-list guide-list" mode="card" header={t('waitlist.guide.title')}>
        <List.Item data-testid="guide-rules">
          <ul className="guide-rules">
            {offline && <li>{t('waitlist.guide.bringId')}</li>}
            <li>{offline ? t('waitlist.guide.arriveEarly') : t('waitlist.guide.arriveEarlyOnline')}</li>
            <li>
              {t('waitlist.guide.cancelRule', { deadline: formatDateTime(g.cancelDeadline, i18n.language) })}
            </li>
            {offline && (
              <li>
                {t('waitlist.guide.noShowRule', {
                  days: g.noShow.windowDays,
                  limit: g.noShow.limit,
                  suspension: g.noShow.suspensionDays,
                })}
              </li>
            )}
          </ul>
        </List.Item>
      </List>
    </>
  );
}
