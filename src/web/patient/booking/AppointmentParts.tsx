import { List, Tag } from 'antd-mobile';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Appointment } from '../../../shared/scheduling.js';
import { APPOINTMENT_TONE } from '../../booking.js';
import { useNow } from '../../components/useNow.js';
import { formatWindow } from '../../format.js';
import { institutionDisplayName } from '../../names.js';
import './appointments.css';

/** Milliseconds left to pay a held token, ticking each second; undefined when nothing is held. */
export function useHoldLeft(holdUntil: string | undefined): number | undefined {
  const now = useNow(holdUntil !== undefined);
  return holdUntil === undefined ? undefined : new Date(holdUntil).getTime() - now.getTime();
}

/**
 * Time left as words, never a clock reading: 14分59秒 / 14 min 59 s ("15:00" read as 3 pm, [8/12]).
 */
export function formatRemaining(ms: number, t: TFunction): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0
    ? t('waitlist.remaining', { minutes, seconds })
    : t('waitlist.remainingSeconds', { seconds });
}

/** 待支付 剩14分32秒 / 已预约 / 已取消 …; a held booking counts down to the end of its hold. */
export function AppointmentStatusTag({ appointment }: { appointment: Appointment }) {
  const { t } = useTranslation();
  const pending = appointment.status === 'pending_payment';
  const left = useHoldLeft(pending ? appointment.holdUntil : undefined);
  return (
    <Tag color={APPOINTMENT_TONE[appointment.status]} data-testid="appointment-status">
      {t(`booking.status.${appointment.status}`)}
      {left !== undefined && left > 0 && ` ${t('waitlist.tagLeft', { time: formatRemaining(left, t) })}`}
    </Tag>
  );
}

/** A row of 我的预约: doctor, where, who and when, with the status. */
export function AppointmentCard({ appointment, onOpen }: { appointment: Appointment; onOpen(): void }) {
  const { t, i18n } = useTranslation();
  return (
    <List.Item className="appointment-card" data-testid="appointment-item" onClick={onOpen}>
      <div className="appointment-card__head">
        <span className="appointment-card__doctor">{appointment.doctorName}</span>
        <span className="appointment-card__dept">{appointment.departmentName}</span>
        <AppointmentStatusTag appointment={appointment} />
      </div>
      <div className="appointment-card__line">{institutionDisplayName(appointment, i18n.language)}</div>
      <div className="appointment-card__line">
        {t('booking.h5.patientLine', { name: appointment.patientName })}
      </div>
      <div className="appointment-card__line appointment-card__when">
        {formatWindow(appointment.windowStart, appointment.windowEnd, i18n.language)} ·{' '}
        {t('booking.token', { number: appointment.tokenNumber })}
      </div>
    </List.Item>
  );
}
