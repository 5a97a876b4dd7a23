import { Button, Ellipsis, ErrorBlock } from 'antd-mobile';
import { MessageOutline, VideoOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { type SessionState, sessionState } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { addDays, formatYuan, shanghaiDate } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { offersOnline } from '../visits/visitApi.js';
import { DateStrip, type DayMark } from './DateStrip.js';
import { DoctorSummary } from './DoctorSummary.js';
import { SessionCard } from './SessionCard.js';
import '../wording.css';

/** Tokens are released 7 days ahead by default, so a week is what a patient can choose from. */
const DAYS_SHOWN = 7;

/** The best thing a day offers, from its sessions' states. */
function markOf(states: SessionState[]): DayMark {
  if (states.includes('bookable')) return 'available';
  if (states.includes('not_released')) return 'soon';
  if (states.includes('full')) return 'full';
  return 'none';
}

/** ¥50.00, or ¥50.00 – ¥100.00 when the sessions shown differ; undefined without sessions. */
function feeRange(fees: number[]): string | undefined {
  if (fees.length === 0) return undefined;
  const min = Math.min(...fees);
  const max = Math.max(...fees);
  return min === max ? formatYuan(min) : `${formatYuan(min)} – ${formatYuan(max)}`;
}

/**
 * Prices up front ([8/12]): rating (or 暂无评价), completed online visits and the registration fee at a
 * glance, then each way to see the doctor with its price — 挂号费 of the sessions shown, 图文 / 视频问诊
 * where the doctor takes online visits (the fee the visit will be charged).
 */
function DoctorFacts({ doctor, sessionFees }: { doctor: Practitioner; sessionFees: number[] }) {
  const { t } = useTranslation();
  const stats = doctor.stats;
  const fees = doctor.onlineFees;
  const registration = feeRange(sessionFees);
  return (
    <>
      <ul className="doctor-facts" data-testid="doctor-facts">
        <li className="doctor-facts__item" data-testid="doctor-rating">
          {stats && stats.ratingAverage !== null ? (
            <span className="doctor-facts__value">
              {t('wording.doctor.ratingValue', { stars: stats.ratingAverage.toFixed(1) })}
            </span>
          ) : (
            <span className="doctor-facts__value">{t('wording.doctor.noRating')}</span>
          )}
          <span className="doctor-facts__label">
            {stats && stats.ratingCount > 0
              ? t('wording.doctor.ratingCount', { count: stats.ratingCount })
              : t('wording.doctor.rating')}
          </span>
        </li>
        <li className="doctor-facts__item" data-testid="doctor-visits">
          <span className="doctor-facts__value">
            {t('wording.doctor.completedCount', { count: stats?.completedVisits ?? 0 })}
          </span>
          <span className="doctor-facts__label">{t('wording.doctor.completed')}</span>
        </li>
      </ul>
      <ul className="doctor-prices" data-testid="doctor-prices" aria-label={t('wording.doctor.prices')}>
        <li className="doctor-prices__row">
          <span>{t('wording.doctor.registrationFee')}</span>
          <span className="doctor-prices__fee">{registration ?? t('wording.doctor.noSessionFee')}</span>
        </li>
        {fees && (
          <>
            <li className="doctor-prices__row">
              <span>{t('wording.doctor.textVisit')}</span>
              <span className="doctor-prices__fee">
                {t('wording.doctor.perVisit', { price: formatYuan(fees.textFeeFen) })}
              </span>
            </li>
            <li className="doctor-prices__row">
              <span>{t('wording.doctor.videoVisit')}</span>
              <span className="doctor-prices__fee">
                {t('wording.doctor.perVisit', { price: formatYuan(fees.videoFeeFen) })}
              </span>
            </li>
          </>
        )}
      </ul>
    </>
  );
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
  const fees = doctor.data?.onlineFees;
  const sessionFee = feeRange((items ?? []).map((x) => x.feeFen));
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
          <DoctorFacts doctor={doctor.data} sessionFees={(items ?? []).map((x) => x.feeFen)} />
          <div className="doctor-actions">
            <Button
              block
              color="primary"
              onClick={() => document.getElementById('doctor-sessions')?.focus()}
              data-testid="doctor-book"
            >
              {t('wording.doctor.book')}
              {sessionFee ? ` ${sessionFee}` : ''}
            </Button>
            {fees && offersOnline(doctor.data) && doctor.data.bookable && (
              <div className="doctor-actions__online">
                <Button
                  color="primary"
                  fill="outline"
                  onClick={() => navigate(`/patient/visits/new?doctorId=${doctorId}&type=${fees.type}`)}
                  data-testid="doctor-online-visit"
                >
                  <MessageOutline aria-hidden />{' '}
                  {t('wording.doctor.startText', { price: formatYuan(fees.textFeeFen) })}
                </Button>
                <Button
                  color="primary"
                  fill="outline"
                  onClick={() =>
                    navigate(`/patient/visits/new?doctorId=${doctorId}&type=${fees.type}&channel=video`)
                  }
                  data-testid="doctor-video-visit"
                >
                  <VideoOutline aria-hidden />{' '}
                  {t('wording.doctor.startVideo', { price: formatYuan(fees.videoFeeFen) })}
                </Button>
              </div>
            )}
          </div>
        </section>
      )}
      <section className="booking-card">
        <h2 className="booking-card__title" id="doctor-sessions" tabIndex={-1}>
          {t('booking.h5.chooseTime')}
        </h2>
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
