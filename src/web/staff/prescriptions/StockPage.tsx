import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Result, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { StockLine } from '../../../shared/prescriptions.js';
import { get } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatYuan, shanghaiDate } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { ReceiveBatchModal } from './ReceiveBatchModal.js';
import { expiryState } from './stock.js';
import './prescriptions.css';

type Batch = StockLine['batches'][number];

function ExpiryTag({ expiresOn, today }: { expiresOn: string; today: string }) {
  const { t } = useTranslation();
  const state = expiryState(expiresOn, today);
  if (state === 'expired') return <Tag color="red">{t('rxStaff.stock.expired')}</Tag>;
  if (state === 'near') return <Tag color="orange">{t('rxStaff.stock.nearExpiry')}</Tag>;
  return null;
}

const query = (pharmacyId: string, q: string, cursor?: string) =>
  `/pharmacies/${pharmacyId}/stock?${new URLSearchParams({
    limit: '50',
    ...(q ? { q } : {}),
    ...(cursor ? { cursor } : {}),
  }).toString()}`;

function StockTable({ pharmacyId }: { pharmacyId: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const first = useApiData<Page<StockLine>>(query(pharmacyId, q));
  const [more, setMore] = useState<Page<StockLine>[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [receiving, setReceiving] = useState(false);
  const today = shanghaiDate();
  const pages = first.data ? [first.data, ...more] : [];
  const rows = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts from its first page.
  useEffect(() => setMore([]), [q]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<Page<StockLine>>(query(pharmacyId, q, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoadingMore(false);
    }
  }

  const columns: TableColumnsType<StockLine> = [
    {
      title: t('rxStaff.stock.drug'),
      key: 'drug',
      render: (_, s) => (
        <div>
          {s.genericName}
          <div className="cell-sub">{s.drugId}</div>
        </div>
      ),
    },
    { title: t('rxStaff.stock.spec'), dataIndex: 'spec' },
    {
      title: t('rxStaff.stock.price'),
      key: 'price',
      align: 'right',
      render: (_, s) => formatYuan(s.priceFen),
    },
    { title: t('rxStaff.stock.onHand'), dataIndex: 'onHand', align: 'right' },
    { title: t('rxStaff.stock.reserved'), dataIndex: 'reserved', align: 'right' },
    {
      title: t('rxStaff.stock.available'),
      key: 'available',
      align: 'right',
      render: (_, s) => {
        const available = s.onHand - s.reserved;
        return available > 0 ? available : <Typography.Text type="danger">{available}</Typography.Text>;
      },
    },
    {
      title: t('rxStaff.stock.batches'),
      key: 'batches',
      render: (_, s) => {
        const soonest = [...s.batches].sort((a, b) => a.expiresOn.localeCompare(b.expiresOn))[0];
        return (
          <span className="nowrap rx-batches-cell">
            {s.batches.length}
            {soonest && <ExpiryTag expiresOn={soonest.expiresOn} today={today} />}
          </span>
        );
      },
    },
  ];

  const batchColumns: TableColumnsType<Batch> = [
    {
      title: t('rxStaff.stock.batchNo'),
      dataIndex: 'batchNo',
      render: (v: string) => <span className="rx-mono">{v}</span>,
    },
    {
      title: t('rxStaff.stock.expiresOn'),
      key: 'expiresOn',
      render: (_, b) => (
        <span className="nowrap">
          {b.expiresOn} <ExpiryTag expiresOn={b.expiresOn} today={today} />
        </span>
      ),
    },
    { title: t('rxStaff.stock.quantity'), dataIndex: 'quantity', align: 'right' },
  ];

  return (
    <>
      <div className="rx-toolbar rx-toolbar--page">
        <Input.Search
          allowClear
          className="rx-search"
          placeholder={t('rxStaff.stock.search')}
          aria-label={t('rxStaff.stock.search')}
          onSearch={(value) => setQ(value.trim())}
          data-testid="stock-search"
        />
        <Button
          type="primary"
          icon={<InboxOutlined aria-hidden />}
          onClick={() => setReceiving(true)}
          data-testid="stock-receive"
        >
          {t('rxStaff.stock.receive')}
        </Button>
      </div>
      {first.error !== undefined && (
        <Alert type="error" showIcon className="rx-page-alert" title={errorText(first.error, t)} />
      )}
      <Table<StockLine>
        rowKey="drugId"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={first.data === undefined && first.error === undefined}
        pagination={false}
        onRow={rowTestId('stock-row')}
        locale={{ emptyText: t('rxStaff.stock.empty') }}
        expandable={{
          expandedRowRender: (s) => (
            <Table<Batch>
              size="small"
              rowKey="batchNo"
              pagination={false}
              columns={batchColumns}
              dataSource={s.batches}
              aria-label={`${s.genericName} ${t('rxStaff.stock.batches')}`}
            />
          ),
          rowExpandable: (s) => s.batches.length > 0,
        }}
        scroll={{ x: 800 }}
      />
      {cursor && (
        <div className="rx-more">
          <Button onClick={loadMore} loading={loadingMore}>
            {t('rxStaff.stock.loadMore')}
          </Button>
        </div>
      )}
      <ReceiveBatchModal
        pharmacyId={pharmacyId}
        open={receiving}
        onClose={() => setReceiving(false)}
        onReceived={() => {
          setReceiving(false);
          setMore([]);
          first.reload();
        }}
      />
    </>
  );
}

/** 药品追溯 / 库存 (RX-11): the pharmacy's stock by drug, each with its batches and expiry; receive a batch. */
export function StockPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="staff-page" data-testid="stock-page">
      <Card
        variant="borderless"
        title={t('rxStaff.stock.title')}
        extra={<Typography.Text type="secondary">{t('rxStaff.stock.hint')}</Typography.Text>}
      >
        {me.institutionId ? (
          <StockTable pharmacyId={me.institutionId} />
        ) : (
          <Result status="info" title={t('rxStaff.stock.noPharmacy')} />
        )}
      </Card>
    </div>
  );
}
