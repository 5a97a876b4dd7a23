import { Button, Ellipsis, ErrorBlock } from 'antd-mobile';
import { VideoOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { type SessionState, sessionState } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { addDays, shanghaiDate } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { offersOnline } from '../visits/visitApi.js';
import { DateStrip, type DayMark } from './DateStrip.js';
import { DoctorSummary } from './DoctorSummary.js';
import { SessionCard } from './SessionCard.js';

/** Tokens are released 7 days ahead by default, so a week is what a patient can choose from. */
const DAYS_SHOWN = 7;

/** The best thing a day offers, from its sessions' states. */
function markOf(states: SessionState[]): DayMark {
  if (states.includes('bookable')) return 'available';
  if (states.includes('not_released')) return 'soon';
  if (states.includes('full')) return 'full';
  return 'none';
}

/** Step 4: a doctor's sessions over the next days, each with its tokens left and fee. */
export function DoctorPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { doctorId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const now = useNow(true, 30_000);
  const today = shanghaiDate(now);
  const days = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(today, i));

  const doctor = useApiData<Practitioner>(`/doctors/${doctorId}`);
  const schedules = useApiData<Page<Schedule>>(
    `/schedules?doctorId=${doctorId}&from=${today}&to=${days[days.length - 1]}`,
  );
  const items = schedules.data?.items;

  const marks: Record<string, DayMark> = {};
  for (const day of days) {
    marks[day] = markOf((items ?? []).filter((s) => s.date === day).map((s) => sessionState(s, now)));
  }
  const selected =
    params.get('date') ??
    days.find((d) => marks[d] === 'available') ??
    days.find((d) => marks[d] !== 'none') ??
    today;
  const sessions = items?.filter((s) => s.date === selected);
  const back = doctor.data
    ? `/patient/book/${doctor.data.institution.id}/${doctor.data.department.id}`
    : '/patient/book';

  return (
    <div className="patient-page" data-testid="doctor-page">
      <PageHeader title={t('booking.h5.doctorTitle')} back={back} />
      {doctor.data && (
        <section className="booking-card doctor-profile">
          <DoctorSummary doctor={doctor.data} />
          <div className="doctor-profile__section">
            <strong>{t('booking.h5.specialtyLabel')}</strong>
            {doctor.data.specialty}
          </div>
          {doctor.data.bio && (
            <Ellipsis
              className="doctor-profile__bio"
              rows={2}
              content={doctor.data.bio}
              expandText={t('booking.h5.expand')}
              collapseText={t('booking.h5.collapse')}
            />
          )}
          {offersOnline(doctor.data) && doctor.data.bookable && (
            <Button
              className="doctor-profile__online"
              block
              color="primary"
              fill="outline"
              onClick={() => navigate(`/patient/visits/new?doctorId=${doctorId}`)}
              data-testid="doctor-online-visit"
            >
              <VideoOutline /> {t('visits.h5.entry')}
            </Button>
          )}
        </section>
      )}
      <section className="booking-card">
        <h2 className="booking-card__title">{t('booking.h5.chooseTime')}</h2>
        <DateStrip
          days={days}
          today={today}
          selected={selected}
          marks={marks}
          onSelect={(day) => setParams({ date: day }, { replace: true })}
        />
        <Loadable items={sessions} error={schedules.error} empty={t('booking.h5.noSession')}>
          {(list) => (
            <div className="session-list">
              {list.map((schedule) => (
                <SessionCard
                  key={schedule.id}
                  schedule={schedule}
                  now={now}
                  onChoose={() =>
                    navigate(`/patient/doctors/${doctorId}/confirm/${schedule.id}?date=${schedule.date}`)
                  }
                />
              ))}
            </div>
          )}
        </Loadable>
      </section>
      {doctor.error !== undefined && <ErrorBlock status="default" title={t('common.loadFailed')} />}
    </div>
  );
}
