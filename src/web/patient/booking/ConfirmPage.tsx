import { Button, List, NoticeBar, Result, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { BookResult, Schedule, WaitlistEntry } from '../../../shared/scheduling.js';
import { ApiError, post } from '../../api.js';
import { newIdempotencyKey, sessionState } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDay, formatWindow, formatYuan, shanghaiDate } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { useGoVerify } from '../RealNamePage.js';
import { formatRemaining, useHoldLeft } from './AppointmentParts.js';
import { DoctorSummary, ModeTag } from './DoctorSummary.js';
import { type PatientChoice, PatientSwitch } from './PatientSwitch.js';
import { goToCashier } from './payment.js';

/** A refused booking, said in the page with the way forward the refusal allows. */
function BookingError({ error, onWaitlist }: { error: unknown; onWaitlist(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const goVerify = useGoVerify();
  const code = error instanceof ApiError ? error.code : '';
  const action =
    code === 'SLOT_FULL' ? (
      <button type="button" className="link-button" onClick={onWaitlist} data-testid="error-waitlist">
        {t('booking.h5.joinWaitlist')}
      </button>
    ) : code === 'REAL_NAME_REQUIRED' ? (
      <button type="button" className="link-button" onClick={goVerify}>
        {t('patient.mine.realName')}
      </button>
    ) : code === 'DUPLICATE_BOOKING' || code === 'TOO_MANY_BOOKINGS' ? (
      <button type="button" className="link-button" onClick={() => navigate('/patient/appointments')}>
        {t('booking.h5.myAppointments')}
      </button>
    ) : null;
  return (
    <div data-testid="book-error">
      <NoticeBar className="booking-notice" color="alert" wrap content={errorText(error, t)} extra={action} />
    </div>
  );
}

function BookedResult({ result, patient, feeFen }: { result: BookResult; patient: string; feeFen: number }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const pending = result.status === 'pending_payment';
  const left = useHoldLeft(pending ? result.holdUntil : undefined);
  const detail = `/patient/appointments/${result.id}`;

  async function pay() {
    try {
      await goToCashier(result.orderId!, () => navigate(detail, { replace: true }));
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
    }
  }

  return (
    <div data-testid="booked-result">
      <Result
        className="patient-result"
        status="success"
        title={t('booking.h5.booked')}
        description={
          pending
            ? t('waitlist.payLeft', { time: formatRemaining(left ?? 0, t) })
            : t('booking.h5.bookedConfirmed')
        }
      />
      <List className="patient-list" mode="card">
        <List.Item extra={patient}>{t('booking.h5.patient')}</List.Item>
        <List.Item
          extra={
            <strong data-testid="token-number">{t('booking.token', { number: result.tokenNumber })}</strong>
          }
        >
          {t('booking.tokenNumber')}
        </List.Item>
        <List.Item
          extra={
            <span data-testid="token-window">
              {formatWindow(result.windowStart, result.windowEnd, i18n.language)}
            </span>
          }
        >
          {t('booking.h5.visitWindow')}
        </List.Item>
        <List.Item extra={formatYuan(feeFen)}>{t('booking.fee')}</List.Item>
      </List>
      <div className="patient-page__actions booking-actions">
        {pending && result.orderId && (
          <Button block color="primary" size="large" onClick={pay} data-testid="pay-now">
            {t('booking.h5.payNow', { amount: formatYuan(feeFen) })}
          </Button>
        )}
        <Button block size="large" onClick={() => navigate(detail, { replace: true })}>
          {t('booking.h5.viewAppointment')}
        </Button>
      </div>
    </div>
  );
}

/** Step 5: who the visit is for and the fee; then the booking, or the waitlist when it is full. */
export function ConfirmPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { doctorId = '', scheduleId = '' } = useParams();
  const [params] = useSearchParams();
  const date = params.get('date') ?? shanghaiDate();
  const doctor = useApiData<Practitioner>(`/doctors/${doctorId}`);
  const schedules = useApiData<Page<Schedule>>(`/schedules?doctorId=${doctorId}&from=${date}&to=${date}`);
  const schedule = schedules.data?.items.find((s) => s.id === scheduleId);
  const [patient, setPatient] = useState<PatientChoice>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [booked, setBooked] = useState<BookResult>();
  const [waitlisted, setWaitlisted] = useState<WaitlistEntry>();
  const forPatient = patient?.patientId ? { patientId: patient.patientId } : {};

  async function submit<T>(call: () => Promise<T>, done: (value: T) => void) {
    setBusy(true);
    setFailure(undefined);
    try {
      done(await call());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  const book = () =>
    submit(
      () =>
        post<BookResult>(
          '/appointments',
          { scheduleId, ...forPatient },
          { 'Idempotency-Key': newIdempotencyKey() },
        ),
      setBooked,
    );
  const joinWaitlist = () =>
    submit(() => post<WaitlistEntry>(`/schedules/${scheduleId}/waitlist`, forPatient), setWaitlisted);

  const back = `/patient/doctors/${doctorId}?date=${date}`;
  const state = schedule ? sessionState(schedule, new Date()) : undefined;

  return (
    <div className="patient-page" data-testid="confirm-page">
      <PageHeader title={t('booking.h5.confirmTitle')} back={back} />
      {booked && schedule && patient ? (
        <BookedResult result={booked} patient={patient.name} feeFen={schedule.feeFen} />
      ) : waitlisted ? (
        <div data-testid="waitlist-result">
          <Result
            className="patient-result"
            status="waiting"
            title={t('booking.h5.waitlisted')}
            description={
              <span data-testid="waitlist-position">
                {t('booking.h5.waitlistPosition', { position: waitlisted.position })}
              </span>
            }
          />
          <p className="patient-page__footnote">{t('booking.h5.waitlistHint')}</p>
          <div className="patient-page__actions">
            <Button block size="large" onClick={() => navigate('/patient/appointments')}>
              {t('booking.h5.myAppointments')}
            </Button>
          </div>
        </div>
      ) : (
        <Loadable
          items={schedule ? [schedule] : schedules.data && []}
          error={schedules.error}
          empty={t('booking.h5.sessionGone')}
        >
          {([s]) => (
            <>
              {doctor.data && (
                <section className="booking-card">
                  <DoctorSummary doctor={doctor.data} />
                </section>
              )}
              <List className="patient-list" mode="card" header={t('booking.h5.visitInfo')}>
                <List.Item extra={`${formatDay(s.date, i18n.language)} ${s.startTime}–${s.endTime}`}>
                  {t('booking.h5.visitTime')}
                </List.Item>
                <List.Item extra={<ModeTag mode={s.mode} />}>{t('booking.mode.label')}</List.Item>
                <List.Item extra={<strong className="booking-fee">{formatYuan(s.feeFen)}</strong>}>
                  {t('booking.fee')}
                </List.Item>
                <List.Item
                  extra={
                    state === 'bookable' ? t('booking.h5.left', { count: s.available }) : t('booking.h5.full')
                  }
                >
                  {t('booking.h5.tokens')}
                </List.Item>
              </List>
              <section className="booking-card">
                <h2 className="booking-card__title">{t('booking.h5.patient')}</h2>
                <PatientSwitch value={patient} onChange={setPatient} />
              </section>
              {failure !== undefined && <BookingError error={failure} onWaitlist={joinWaitlist} />}
              <p className="patient-page__footnote">{t('booking.h5.notice')}</p>
              <div className="patient-page__actions">
                {state === 'full' ? (
                  <Button
                    block
                    color="warning"
                    size="large"
                    loading={busy}
                    disabled={!patient}
                    onClick={joinWaitlist}
                    data-testid="waitlist-join"
                  >
                    {t('booking.h5.joinWaitlist')}
                  </Button>
                ) : (
                  <Button
                    block
                    color="primary"
                    size="large"
                    loading={busy}
                    disabled={!patient || state !== 'bookable'}
                    onClick={book}
                    data-testid="book-submit"
                  >
                    {t('booking.h5.confirmBook')}
                  </Button>
                )}
              </div>
            </>
          )}
        </Loadable>
      )}
    </div>
  );
}
