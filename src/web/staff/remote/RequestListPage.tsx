import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import {
  type DiagnosticRequestView,
  type LabPanel,
  REMOTE_KINDS,
  REQUEST_STATUSES,
  type RemoteKind,
  type RequestStatus,
} from '../../../shared/remote.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { CriticalAlertsBanner } from './CriticalAlertsBanner.js';
import {
  CriticalTag,
  dateTime,
  durationText,
  itemText,
  OverdueTag,
  StatusTag,
  sexAgeText,
  UrgencyTag,
} from './parts.js';

interface Filters {
  mine: boolean;
  status?: RequestStatus;
  kind?: RemoteKind;
}

function query(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams({ role: 'requester', limit: '20' });
  if (filters.mine) params.set('mine', 'true');
  if (filters.status) params.set('status', filters.status);
  if (filters.kind) params.set('kind', filters.kind);
  if (cursor) params.set('cursor', cursor);
  return `/diagnostic-requests?${params.toString()}`;
}

/** The lab panels' names by code, to show 血常规 for CBC (an empty map until they arrive). */
export function usePanelNames(): ReadonlyMap<string, string> {
  const { i18n } = useTranslation();
  const panels = useApiData<{ items: LabPanel[] }>('/lab-panels');
  const english = i18n.language.startsWith('en');
  return new Map((panels.data?.items ?? []).map((p) => [p.code, english ? p.nameEn : p.name]));
}

/** 我的申请 / 本机构: the requests with their state, waiting time and critical values, paged by cursor. */
export function RequestListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({ mine: true });
  const first = useApiData<Page<DiagnosticRequestView>>(query(filters));
  const [more, setMore] = useState<Page<DiagnosticRequestView>[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const panelNames = usePanelNames();
  const components = useTableCaption(t('remoteRequests.list.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const requests = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // New filters start again from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` is the trigger.
  useEffect(() => setMore([]), [filters]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await get<Page<DiagnosticRequestView>>(query(filters, cursor));
      setMore((loaded) => [...loaded, next]);
    } catch (error) {
      setMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  }

  function reload() {
    setMore([]);
    first.reload();
  }

  const columns: TableColumnsType<DiagnosticRequestView> = [
    {
      title: t('remoteRequests.list.accessionNo'),
      key: 'no',
      width: 150,
      render: (_, r) => <span className="nowrap rr-accession">{r.accessionNo}</span>,
    },
    {
      title: t('remoteRequests.list.patient'),
      key: 'patient',
      width: 100,
      render: (_, r) => (
        <>
          <Typography.Text strong>{r.patient.name}</Typography.Text>
          <div className="rr-muted nowrap">{sexAgeText(r.patient, t)}</div>
        </>
      ),
    },
    {
      title: `${t('remoteRequests.list.item')} / ${t('remoteRequests.list.centre')}`,
      key: 'item',
      render: (_, r) => (
        <>
          <div>{itemText(r, t, panelNames)}</div>
          <div className="rr-muted">{r.centre.name}</div>
        </>
      ),
    },
    {
      title: t('remoteRequests.list.status'),
      key: 'status',
      width: 190,
      render: (_, r) => (
        <span className="rr-tags">
          <UrgencyTag urgency={r.urgency} />
          <StatusTag status={r.status} />
          {r.criticalAlert && <CriticalTag />}
        </span>
      ),
    },
    {
      title: t('remoteRequests.list.createdAt'),
      key: 'createdAt',
      width: 140,
      render: (_, r) => <span className="nowrap">{dateTime(r.createdAt)}</span>,
    },
    {
      title: t('remoteRequests.list.waiting'),
      key: 'waiting',
      width: 130,
      render: (_, r) =>
        r.status === 'cancelled' ? (
          t('remoteRequests.common.none')
        ) : r.waitingMinutes === null ? (
          <span className="rr-muted">{t('remoteRequests.list.notArrived')}</span>
        ) : (
          <span className="rr-tags">
            <span className="nowrap">{durationText(r.waitingMinutes, t)}</span>
            {r.overdue && <OverdueTag />}
          </span>
        ),
    },
    {
      title: t('remoteRequests.list.actions'),
      key: 'actions',
      width: 80,
      render: (_, r) => (
        <Button
          size="small"
          type="primary"
          autoInsertSpace={false}
          onClick={() => navigate(r.id)}
          aria-label={t('remoteRequests.list.openLabel', { no: r.accessionNo })}
          data-testid="remote-request-open"
        >
          {t('remoteRequests.list.open')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page rr-page" data-testid="remote-requests">
      <CriticalAlertsBanner onAcknowledged={reload} />
      <Card
        variant="borderless"
        title={<CardHeading>{t('remoteRequests.title')}</CardHeading>}
        extra={
          <Space wrap>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={reload} autoInsertSpace={false}>
              {t('remoteRequests.common.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined aria-hidden />}
              onClick={() => navigate('new')}
              data-testid="remote-request-new"
            >
              {t('remoteRequests.list.new')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('remoteRequests.list.intro')}</Typography.Paragraph>
        <div className="rr-toolbar">
          <Segmented
            aria-label={t('remoteRequests.list.scope')}
            value={filters.mine ? 'mine' : 'institution'}
            onChange={(value) => setFilters((f) => ({ ...f, mine: value === 'mine' }))}
            options={[
              { value: 'mine', label: t('remoteRequests.list.mine') },
              { value: 'institution', label: t('remoteRequests.list.institution') },
            ]}
            data-testid="remote-scope"
          />
          <Select<RequestStatus | ''>
            className="rr-toolbar__select"
            aria-label={t('remoteRequests.list.statusFilter')}
            value={filters.status ?? ''}
            onChange={(value) => setFilters((f) => ({ ...f, status: value || undefined }))}
            options={[
              { value: '', label: t('remoteRequests.list.allStatuses') },
              ...REQUEST_STATUSES.map((s) => ({ value: s, label: t(`remoteRequests.status.${s}`) })),
            ]}
            data-testid="remote-filter-status"
          />
          <Select<RemoteKind | ''>
            className="rr-toolbar__select"
            aria-label={t('remoteRequests.list.kindFilter')}
            value={filters.kind ?? ''}
            onChange={(value) => setFilters((f) => ({ ...f, kind: value || undefined }))}
            options={[
              { value: '', label: t('remoteRequests.list.allKinds') },
              ...REMOTE_KINDS.map((k) => ({ value: k, label: t(`remoteRequests.kind.${k}`) })),
            ]}
            data-testid="remote-filter-kind"
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="rr-page-alert" title={errorText(first.error, t)} />
        )}
        <Table<DiagnosticRequestView>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={requests}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 940 }}
          rowClassName={(r) => (r.criticalAlert && !r.criticalAlert.acknowledgedAt ? 'rr-row--critical' : '')}
          onRow={(r) =>
            ({
              'data-testid': 'remote-request-row',
              'data-id': r.id,
              'data-status': r.status,
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('remoteRequests.list.empty') }}
        />
        {moreError !== undefined && (
          <Alert type="error" showIcon className="rr-page-alert" title={errorText(moreError, t)} />
        )}
        {cursor && (
          <div className="rr-more">
            <Button onClick={() => void loadMore()} loading={loadingMore} data-testid="remote-load-more">
              {t('remoteRequests.list.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
