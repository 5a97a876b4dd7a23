import { CalendarOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Select, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import {
  addDays,
  formatDateTime,
  formatDay,
  formatYuan,
  shanghaiDate,
  shanghaiInstant,
} from '../../format.js';
import { BookingsTable, rowTestId } from './BookingsTable.js';
import { ScheduleFormModal } from './ScheduleFormModal.js';
import { StopScheduleModal } from './StopScheduleModal.js';
import { TemplateModal } from './TemplateModal.js';
import { ModeTag, ScheduleStatusTag, TokensLeft } from './tags.js';
import './scheduling.css';

/** Two weeks at a time: the release window (7 days by default) and the week after it. */
const RANGE_DAYS = 14;

/** 排班管理: an institution's doctors, their sessions by date, creating, templating and stopping them. */
export function SchedulesPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const today = shanghaiDate();
  const [from, setFrom] = useState(today);
  const to = addDays(from, RANGE_DAYS - 1);
  const doctors = useApiData<Page<Practitioner>>(`/doctors?institutionId=${me.institutionId}&limit=100`);
  const doctorId = params.get('doctor') ?? doctors.data?.items[0]?.id;
  const doctor = doctors.data?.items.find((d) => d.id === doctorId);
  const schedules = useApiData<Page<Schedule>>(
    doctorId ? `/schedules?doctorId=${doctorId}&from=${from}&to=${to}` : null,
  );
  const [dialog, setDialog] = useState<'create' | 'template'>();
  const [stopping, setStopping] = useState<Schedule>();
  const [viewingId, setViewingId] = useState<string>();
  const viewing = schedules.data?.items.find((s) => s.id === viewingId);
  const [notice, setNotice] = useState<string>();
  const now = Date.now();

  const columns: TableColumnsType<Schedule> = [
    { title: t('booking.staff.date'), key: 'date', render: (_, s) => formatDay(s.date, i18n.language) },
    { title: t('booking.staff.hours'), key: 'hours', render: (_, s) => `${s.startTime}–${s.endTime}` },
    { title: t('booking.mode.label'), key: 'mode', render: (_, s) => <ModeTag mode={s.mode} /> },
    { title: t('booking.staff.tokens'), key: 'tokens', render: (_, s) => <TokensLeft schedule={s} /> },
    { title: t('booking.fee'), key: 'fee', render: (_, s) => formatYuan(s.feeFen) },
    {
      title: t('booking.staff.releaseAt'),
      key: 'release',
      render: (_, s) => formatDateTime(s.releaseAt, i18n.language),
    },
    {
      title: t('booking.staff.status'),
      key: 'status',
      render: (_, s) => <ScheduleStatusTag status={s.status} />,
    },
    {
      title: t('booking.staff.actions'),
      key: 'actions',
      render: (_, s) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            onClick={() => {
              setViewingId(s.id);
              schedules.reload();
            }}
            data-testid="schedule-bookings"
          >
            {t('booking.staff.bookings')}
          </Button>
          <Button
            type="link"
            size="small"
            danger
            disabled={s.status === 'stopped' || shanghaiInstant(s.date, s.endTime).getTime() < now}
            onClick={() => setStopping(s)}
            data-testid="schedule-stop"
          >
            {t('booking.staff.stop')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="schedules-page">
      <Card variant="borderless" title={t('staff.cards.schedules.title')}>
        <div className="schedule-toolbar">
          <Select
            className="schedule-toolbar__doctor"
            data-testid="doctor-select"
            showSearch={{ optionFilterProp: 'label' }}
            loading={doctors.data === undefined}
            value={doctorId}
            placeholder={t('booking.staff.chooseDoctor')}
            aria-label={t('booking.staff.chooseDoctor')}
            onChange={(id) => setParams({ doctor: id }, { replace: true })}
            options={doctors.data?.items.map((d) => ({
              value: d.id,
              label: `${d.name} · ${d.department.name} · ${d.professionalTitle}`,
            }))}
          />
          <Space.Compact>
            <Button
              icon={<LeftOutlined aria-hidden />}
              aria-label={t('booking.staff.earlier')}
              onClick={() => setFrom(addDays(from, -RANGE_DAYS))}
            />
            <Button icon={<CalendarOutlined aria-hidden />} onClick={() => setFrom(today)}>
              {formatDay(from, i18n.language)} – {formatDay(to, i18n.language)}
            </Button>
            <Button
              icon={<RightOutlined aria-hidden />}
              aria-label={t('booking.staff.later')}
              onClick={() => setFrom(addDays(from, RANGE_DAYS))}
            />
          </Space.Compact>
          <Space className="schedule-toolbar__actions">
            <Button
              type="primary"
              icon={<PlusOutlined aria-hidden />}
              disabled={!doctor}
              onClick={() => setDialog('create')}
              data-testid="schedule-create"
            >
              {t('booking.staff.create')}
            </Button>
            <Button disabled={!doctor} onClick={() => setDialog('template')} data-testid="schedule-template">
              {t('booking.staff.template')}
            </Button>
          </Space>
        </div>
        {notice && (
          <Alert
            className="schedule-notice"
            type="success"
            showIcon
            closable
            title={notice}
            onClose={() => setNotice(undefined)}
            data-testid="schedule-notice"
          />
        )}
        <Table<Schedule>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={doctorId !== undefined && schedules.data === undefined}
          dataSource={schedules.data?.items}
          columns={columns}
          onRow={rowTestId('schedule-row')}
          scroll={{ x: 900 }}
          locale={{ emptyText: t('booking.staff.noSchedules') }}
        />
      </Card>

      <ScheduleFormModal
        doctor={doctor}
        open={dialog === 'create'}
        onClose={() => setDialog(undefined)}
        onCreated={(created) => {
          setDialog(undefined);
          if (created.date < from || created.date > to) setFrom(created.date);
          schedules.reload();
        }}
      />
      <TemplateModal
        doctor={doctor}
        open={dialog === 'template'}
        onClose={() => setDialog(undefined)}
        onDone={schedules.reload}
      />
      <StopScheduleModal
        schedule={stopping}
        onClose={() => setStopping(undefined)}
        onStopped={(cancelled) => {
          setStopping(undefined);
          setNotice(t('booking.staff.stoppedNotice', { count: cancelled }));
          schedules.reload();
        }}
      />
      <Drawer
        open={viewingId !== undefined}
        size={760}
        title={
          viewing &&
          `${t('booking.staff.bookings')} · ${formatDay(viewing.date, i18n.language)} ${viewing.startTime}–${viewing.endTime}`
        }
        onClose={() => setViewingId(undefined)}
        destroyOnHidden
      >
        {viewing && (
          <>
            <Typography.Paragraph type="secondary">
              {doctor?.name} · <TokensLeft schedule={viewing} />
            </Typography.Paragraph>
            <BookingsTable schedule={viewing} />
          </>
        )}
      </Drawer>
    </div>
  );
}
