import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Table, type TableColumnsType, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { FulfilmentStatus, FulfilmentSummary } from '../../../shared/prescriptions.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { FulfilmentDrawer } from './FulfilmentDrawer.js';
import { FulfilmentStatusTag, MethodTag } from './tags.js';
import './prescriptions.css';

const POLL_MS = 30_000;

/** The tabs, in the order the counter works them: to dispense, returned parcels, then the rest. */
const TABS: FulfilmentStatus[] = [
  'paid',
  'returned',
  'dispensed',
  'shipping',
  'delivered',
  'received',
  'picked_up',
  'awaiting_payment',
  'cancelled',
];

/** States the pharmacy acts on; the others are only looked at. */
const ACTIONABLE: ReadonlySet<FulfilmentStatus> = new Set(['paid', 'returned']);

const query = (status: FulfilmentStatus, cursor?: string) =>
  `/fulfilments?${new URLSearchParams({ status, limit: '50', ...(cursor ? { cursor } : {}) }).toString()}`;

/**
 * 处方流转 at a pharmacy (RX-13, RX-11): the prescriptions patients chose this pharmacy for, by state;
 * each opens to verify the signature and dispense (pick-up against the code, or delivery), or to handle
 * a returned parcel.
 */
export function CirculationPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<FulfilmentStatus>('paid');
  const first = useApiData<Page<FulfilmentSummary>>(query(status));
  const [more, setMore] = useState<Page<FulfilmentSummary>[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [open, setOpen] = useState<FulfilmentSummary>();
  const reload = first.reload;
  const pages = first.data ? [first.data, ...more] : [];
  const rows = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new tab starts from its first page.
  useEffect(() => setMore([]), [status]);
  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<Page<FulfilmentSummary>>(query(status, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoadingMore(false);
    }
  }

  const columns: TableColumnsType<FulfilmentSummary> = [
    {
      title: t('rxStaff.circulation.createdAt'),
      key: 'createdAt',
      width: 120,
      render: (_, f) => <span className="nowrap">{formatDateTime(f.createdAt, i18n.language)}</span>,
    },
    { title: t('rxStaff.circulation.patient'), dataIndex: 'patientName' },
    {
      title: t('rxStaff.circulation.method'),
      key: 'method',
      render: (_, f) => <MethodTag method={f.method} />,
    },
    { title: t('rxStaff.circulation.drugs'), key: 'drugs', render: (_, f) => f.drugs.join('、') },
    {
      title: t('rxStaff.circulation.total'),
      key: 'total',
      align: 'right',
      render: (_, f) => formatYuan(f.totalFen),
    },
    {
      title: t('rxStaff.circulation.status'),
      key: 'status',
      render: (_, f) => <FulfilmentStatusTag status={f.status} />,
    },
    {
      title: t('rxStaff.circulation.actions'),
      key: 'actions',
      width: 96,
      render: (_, f) => (
        <Button
          type={ACTIONABLE.has(f.status) ? 'primary' : 'default'}
          size="small"
          autoInsertSpace={false}
          onClick={() => setOpen(f)}
          data-testid="fulfilment-open"
        >
          {ACTIONABLE.has(f.status) ? t('rxStaff.circulation.open') : t('rxStaff.circulation.view')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="circulation">
      <Card
        variant="borderless"
        title={t('rxStaff.circulation.title')}
        extra={
          <span className="rx-toolbar">
            <Typography.Text type="secondary">{t('rxStaff.circulation.hint')}</Typography.Text>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={reload} autoInsertSpace={false}>
              {t('rxStaff.review.refresh')}
            </Button>
          </span>
        }
      >
        <Tabs
          activeKey={status}
          onChange={(key) => setStatus(key as FulfilmentStatus)}
          items={TABS.map((key) => ({ key, label: t(`rxStaff.circulation.tabs.${key}`) }))}
        />
        {first.error !== undefined && (
          <Alert type="error" showIcon className="rx-page-alert" title={errorText(first.error, t)} />
        )}
        <Table<FulfilmentSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          onRow={rowTestId('fulfilment-row')}
          locale={{ emptyText: t('rxStaff.circulation.empty') }}
          scroll={{ x: 800 }}
        />
        {cursor && (
          <div className="rx-more">
            <Button onClick={loadMore} loading={loadingMore}>
              {t('rxStaff.circulation.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <FulfilmentDrawer
        id={open?.id}
        title={t('rxStaff.circulation.drawerTitle', { name: open?.patientName ?? '' })}
        onClose={() => setOpen(undefined)}
        onChanged={reload}
      />
    </div>
  );
}
