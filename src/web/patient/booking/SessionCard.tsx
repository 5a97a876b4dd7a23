import { Button } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Schedule } from '../../../shared/scheduling.js';
import { sessionState } from '../../booking.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { ModeTag } from './DoctorSummary.js';

/** One session of a day: its hours, mode and fee, and what can be done with it now. */
export function SessionCard({
  schedule,
  now,
  onChoose,
}: {
  schedule: Schedule;
  now: Date;
  onChoose(): void;
}) {
  const { t, i18n } = useTranslation();
  const state = sessionState(schedule, now);
  return (
    <div className="session-card" data-testid="session" data-state={state}>
      <div className="session-card__main">
        <div className="session-card__time">
          {schedule.startTime}–{schedule.endTime}
        </div>
        <div className="session-card__meta">
          <ModeTag mode={schedule.mode} />
          <span className="session-card__fee">{formatYuan(schedule.feeFen)}</span>
        </div>
      </div>
      <div className="session-card__side">
        {state === 'bookable' && (
          <>
            <span className="session-card__left">{t('booking.h5.left', { count: schedule.available })}</span>
            <Button size="small" color="primary" onClick={onChoose} data-testid="session-book">
              {t('booking.h5.book')}
            </Button>
          </>
        )}
        {state === 'full' && (
          <>
            <span className="session-card__left session-card__left--full">{t('booking.h5.full')}</span>
            <Button
              size="small"
              color="warning"
              fill="outline"
              onClick={onChoose}
              data-testid="session-waitlist"
            >
              {t('booking.h5.waitlist')}
            </Button>
          </>
        )}
        {state === 'not_released' && (
          <span className="session-card__release">
            {t('booking.h5.releaseAt', { time: formatDateTime(schedule.releaseAt, i18n.language) })}
          </span>
        )}
        {state === 'stopped' && <span className="session-card__left">{t('booking.h5.stopped')}</span>}
        {state === 'past' && <span className="session-card__left">{t('booking.h5.past')}</span>}
      </div>
    </div>
  );
}
