import { App, Button, Table, type TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { Appointment, Schedule } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatTime, shanghaiDate } from '../../format.js';
import { AppointmentStatusTag, ChannelTag } from './tags.js';

/** A test id on each table row (antd passes onRow's answer to the <tr>). */
export const rowTestId = (testId: string) => () => ({ 'data-testid': testId }) as HTMLAttributes<HTMLElement>;

/**
 * The bookings of one schedule, by token; staff check a patient in for an offline visit on its day
 * (the patient shows the QR code from their H5).
 */
export function BookingsTable({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, error, reload } = useApiData<Page<Appointment>>(`/schedules/${schedule.id}/appointments`);
  const checkInDay = schedule.date === shanghaiDate() && schedule.mode === 'offline';

  async function checkIn(appointment: Appointment) {
    try {
      await post(`/appointments/${appointment.id}/check-in`);
      message.success(t('booking.staff.checkedIn', { name: appointment.patientName }));
      reload();
    } catch (failure) {
      message.error(errorText(failure, t));
    }
  }

  const columns: TableColumnsType<Appointment> = [
    { title: t('booking.tokenNumber'), dataIndex: 'tokenNumber', width: 72 },
    { title: t('booking.staff.patient'), dataIndex: 'patientName' },
    {
      title: t('booking.staff.window'),
      key: 'window',
      render: (_, a) => `${formatTime(a.windowStart)}–${formatTime(a.windowEnd)}`,
    },
    {
      title: t('booking.channel.label'),
      key: 'channel',
      render: (_, a) => <ChannelTag channel={a.channel} />,
    },
    {
      title: t('booking.staff.status'),
      key: 'status',
      render: (_, a) => <AppointmentStatusTag status={a.status} />,
    },
    {
      title: t('booking.staff.actions'),
      key: 'actions',
      width: 96,
      render: (_, a) =>
        checkInDay && a.status === 'confirmed' ? (
          <Button size="small" type="primary" onClick={() => checkIn(a)} data-testid="check-in">
            {t('booking.staff.checkIn')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Table<Appointment>
      size="small"
      rowKey="id"
      pagination={false}
      loading={data === undefined && error === undefined}
      dataSource={data?.items}
      columns={columns}
      onRow={rowTestId('booking-row')}
      locale={{ emptyText: error ? errorText(error, t) : t('booking.staff.noBookings') }}
    />
  );
}
