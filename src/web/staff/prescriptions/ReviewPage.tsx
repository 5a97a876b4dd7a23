import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Table, type TableColumnsType, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { PrescriptionSummary } from '../../../shared/prescriptions.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { ReviewDrawer } from './ReviewDrawer.js';
import { byWaitingOrder, nextToReview, waitedMinutes } from './review.js';
import './prescriptions.css';

const POLL_MS = 30_000;

function waited(t: TFunction, since: string, now: Date): string {
  const minutes = waitedMinutes(since, now);
  return minutes < 60
    ? t('rxStaff.review.minutes', { count: minutes })
    : t('rxStaff.review.hours', { count: Math.floor(minutes / 60) });
}

/**
 * 待审处方 (RX-10): the institution's signed prescriptions waiting for a pharmacist, oldest first, with
 * how many pre-check findings each has. Opening one shows it in full; after a decision the next opens.
 */
export function ReviewPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queue = useApiData<Page<PrescriptionSummary>>('/prescriptions?queue=review&limit=100');
  const now = useNow(true, 30_000);
  const [open, setOpen] = useState<string>();
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const reload = queue.reload;
  const items = byWaitingOrder(queue.data?.items ?? []).filter((p) => !decided.has(p.id));

  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  function onDecided(id: string) {
    const next = nextToReview(queue.data?.items ?? [], decided, id);
    setDecided((done) => new Set([...done, id]));
    reload();
    if (next) {
      setOpen(next.id);
    } else {
      setOpen(undefined);
      message.info(t('rxStaff.review.allDone'));
    }
  }

  const columns: TableColumnsType<PrescriptionSummary> = [
    {
      title: t('rxStaff.review.signedAt'),
      key: 'signedAt',
      width: 120,
      render: (_, p) => (
        <span className="nowrap">{p.signedAt ? formatDateTime(p.signedAt, i18n.language) : '—'}</span>
      ),
    },
    {
      title: t('rxStaff.review.waited'),
      key: 'waited',
      width: 90,
      render: (_, p) => <span className="nowrap">{waited(t, p.signedAt ?? p.createdAt, now)}</span>,
    },
    { title: t('rxStaff.review.patient'), key: 'patient', render: (_, p) => p.patientName },
    {
      title: t('rxStaff.review.doctor'),
      key: 'doctor',
      render: (_, p) => (
        <div>
          {p.doctorName}
          <div className="cell-sub">{p.institutionName}</div>
        </div>
      ),
    },
    { title: t('rxStaff.review.drugs'), key: 'drugs', render: (_, p) => p.drugs.join('、') },
    {
      title: t('rxStaff.review.total'),
      key: 'total',
      align: 'right',
      render: (_, p) => formatYuan(p.totalFen),
    },
    {
      title: t('rxStaff.review.flags'),
      key: 'flags',
      width: 96,
      render: (_, p) =>
        p.flags > 0 ? (
          <Badge
            color="red"
            text={t('rxStaff.review.flagCount', { count: p.flags })}
            data-testid="review-flags"
          />
        ) : (
          <Typography.Text type="secondary">{t('rxStaff.review.noFlags')}</Typography.Text>
        ),
    },
    {
      title: t('rxStaff.review.actions'),
      key: 'actions',
      width: 88,
      render: (_, p) => (
        <Button
          type="primary"
          size="small"
          autoInsertSpace={false}
          onClick={() => setOpen(p.id)}
          data-testid="review-open"
        >
          {t('rxStaff.review.open')}
        </Button>
      ),
    },
  ];

  const opened = queue.data?.items.find((p) => p.id === open);
  return (
    <div className="staff-page" data-testid="review-queue">
      <Card
        variant="borderless"
        title={t('rxStaff.review.queueTitle')}
        extra={
          <span className="rx-toolbar">
            <Typography.Text type="secondary">{t('rxStaff.review.queueHint')}</Typography.Text>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={reload} autoInsertSpace={false}>
              {t('rxStaff.review.refresh')}
            </Button>
          </span>
        }
      >
        {queue.error !== undefined && (
          <Alert type="error" showIcon className="rx-page-alert" title={errorText(queue.error, t)} />
        )}
        <Table<PrescriptionSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={queue.data === undefined && queue.error === undefined}
          pagination={false}
          onRow={rowTestId('review-row')}
          locale={{ emptyText: t('rxStaff.review.empty') }}
          scroll={{ x: 900 }}
        />
      </Card>
      <ReviewDrawer
        id={open}
        title={t('rxStaff.review.drawerTitle', { name: opened?.patientName ?? '' })}
        onClose={() => setOpen(undefined)}
        onDecided={onDecided}
      />
    </div>
  );
}
