import { Badge, Card, Empty, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { addDays, formatMonthDay, formatWeekday, shanghaiDate } from '../../format.js';
import { BookingsTable } from './BookingsTable.js';
import { ModeTag, ScheduleStatusTag, TokensLeft } from './tags.js';
import './scheduling.css';

const DAYS_SHOWN = 7;

/**
 * 今日接诊: a doctor's own sessions today and the next days, each with its bookings; staff without a
 * practitioner record of their own (a nurse at the desk) see every session of their institution.
 */
export function TodayVisitsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const today = shanghaiDate();
  const days = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(today, i));
  const [day, setDay] = useState(today);
  const own = me.practitionerId !== undefined;
  const filter = own ? `doctorId=${me.practitionerId}` : `institutionId=${me.institutionId}`;
  const { data, error } = useApiData<Page<Schedule>>(
    `/schedules?${filter}&from=${today}&to=${days[DAYS_SHOWN - 1]}`,
  );
  const doctors = useApiData<Page<Practitioner>>(
    own ? null : `/doctors?institutionId=${me.institutionId}&limit=100`,
  );
  const doctorName = (id: string) => doctors.data?.items.find((d) => d.id === id)?.name;
  const sessions = data?.items.filter((s) => s.date === day) ?? [];

  return (
    <div className="staff-page" data-testid="today-visits">
      <Card
        variant="borderless"
        title={t('staff.cards.todayVisits.title')}
        extra={<Typography.Text type="secondary">{t('booking.staff.todayHint')}</Typography.Text>}
      >
        <Tabs
          activeKey={day}
          onChange={setDay}
          items={days.map((d) => {
            const count = data?.items.filter((s) => s.date === d && s.status === 'open').length ?? 0;
            return {
              key: d,
              label: (
                <span data-testid={`day-${d}`} className="day-tab">
                  {d === today ? t('booking.staff.today') : formatWeekday(d, i18n.language)}{' '}
                  {formatMonthDay(d, i18n.language)}
                  {count > 0 && <Badge count={count} size="small" color="#0c7a7c" />}
                </span>
              ),
            };
          })}
        />
        {data === undefined && error === undefined ? (
          <Spin className="staff-page__spin" />
        ) : sessions.length === 0 ? (
          <Empty description={t('booking.staff.noSessions')} />
        ) : (
          <div className="session-stack">
            {sessions.map((s) => (
              <Card
                key={s.id}
                size="small"
                className="session-panel"
                data-testid="session-panel"
                title={
                  <span className="session-panel__title">
                    {s.startTime}–{s.endTime}
                    <ModeTag mode={s.mode} />
                    {!own && doctorName(s.doctorId)}
                    <ScheduleStatusTag status={s.status} />
                  </span>
                }
                extra={<TokensLeft schedule={s} />}
              >
                <BookingsTable schedule={s} />
              </Card>
            ))}
          </div>
        )}
      </Card>
    </div>
  );
}
