import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppointmentStatus, Channel, Mode, Schedule } from '../../../shared/scheduling.js';
import { APPOINTMENT_TONE, type Tone } from '../../booking.js';

/** antd's tag colours for the shared tones. */
const ANTD_COLOR: Record<Tone, string> = {
  default: 'default',
  primary: 'processing',
  success: 'success',
  warning: 'warning',
  danger: 'error',
};

export function AppointmentStatusTag({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={ANTD_COLOR[APPOINTMENT_TONE[status]]} data-testid="booking-status">
      {t(`booking.status.${status}`)}
    </Tag>
  );
}

export function ModeTag({ mode }: { mode: Mode }) {
  const { t } = useTranslation();
  return (
    <Tag color={mode === 'offline' ? 'cyan' : 'geekblue'} variant="filled">
      {t(`booking.mode.${mode}`)}
    </Tag>
  );
}

export function ChannelTag({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return <Tag variant="filled">{t(`booking.channel.${channel}`)}</Tag>;
}

export function ScheduleStatusTag({ status }: { status: Schedule['status'] }) {
  const { t } = useTranslation();
  return status === 'open' ? (
    <Tag color="success">{t('booking.staff.open')}</Tag>
  ) : (
    <Tag color="default">{t('booking.staff.stopped')}</Tag>
  );
}

/** Free public tokens of the public ones, and what is kept for referrals and partners. */
export function TokensLeft({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const reserved = schedule.quotas.referral + schedule.quotas.partner;
  return (
    <span className="tokens-left">
      {t('booking.staff.tokensLeft', { available: schedule.available, total: schedule.quotas.public })}
      {reserved > 0 && (
        <span className="tokens-left__reserved">
          {t('booking.staff.reserved', {
            referral: schedule.quotas.referral,
            partner: schedule.quotas.partner,
          })}
        </span>
      )}
    </span>
  );
}
