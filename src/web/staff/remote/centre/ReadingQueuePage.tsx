import { ExperimentOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Select, Table, type TableColumnsType, Tabs, Typography } from 'antd';
import {
  type ComponentProps,
  type HTMLAttributes,
  type ReactElement,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate, useSearchParams } from 'react-router-dom';
import type { Page } from '../../../../shared/http.js';
import type { DiagnosticRequestView, RemoteKind, RequestStatus } from '../../../../shared/remote.js';
import { get, post } from '../../../api.js';
import { useMe } from '../../../auth.js';
import { useNow } from '../../../components/useNow.js';
import { errorText } from '../../../errors.js';
import { formatDateTime } from '../../../format.js';
import { CriticalTag, kindText, StatusTag, sexAge, UrgencyTag, usePanels, WaitingCell } from './parts.js';
import { ReadingPage } from './ReadingPage.js';
import { byQueueOrder, bySignedDesc } from './reading.js';
import { SpecimenReception } from './SpecimenReception.js';
import './centre.css';

/**
 * 诊断中心阅片 (/clinic/readingQueue): the centre's queue (REMOTE-3, REMOTE-5), a request's reading page at
 * /clinic/readingQueue/:id, and the laboratory's specimen reception at /clinic/readingQueue/specimens.
 */
export function ReadingQueuePage() {
  return (
    <Routes>
      <Route index element={<QueueList />} />
      <Route path="specimens" element={<SpecimenReception />} />
      <Route path=":id" element={<ReadingPage />} />
    </Routes>
  );
}

type TabKey = 'ready' | 'mine' | 'signed';
const TABS: readonly TabKey[] = ['ready', 'mine', 'signed'];
const TAB_STATUSES: Record<TabKey, RequestStatus[]> = {
  ready: ['ready'],
  mine: ['claimed', 'reported'],
  signed: ['signed'],
};
const PAGE = 50;
const POLL_MS = 30_000;

interface Loaded {
  items: DiagnosticRequestView[];
  /** The next cursor per status still paging. */
  cursors: Partial<Record<RequestStatus, string>>;
}

const listPath = (status: RequestStatus, kind: RemoteKind | undefined, cursor?: string) =>
  `/diagnostic-requests?role=centre&status=${status}${kind ? `&kind=${kind}` : ''}&limit=${PAGE}${
    cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
  }`;

/** The requests in the given statuses (one list per status, merged), reloaded on `version`. */
function useQueue(statuses: readonly RequestStatus[], kind: RemoteKind | undefined, version: number) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<unknown>();
  const [more, setMore] = useState(false);
  const key = statuses.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `statuses`; `version` reloads.
  useEffect(() => {
    let current = true;
    Promise.all(
      key.split(',').map((s) => get<Page<DiagnosticRequestView>>(listPath(s as RequestStatus, kind))),
    )
      .then((pages) => {
        if (!current) return;
        const cursors: Loaded['cursors'] = {};
        key.split(',').forEach((s, i) => {
          const next = pages[i]?.nextCursor;
          if (next) cursors[s as RequestStatus] = next;
        });
        setLoaded({ items: pages.flatMap((p) => p.items), cursors });
        setError(undefined);
      })
      .catch((failure) => {
        if (current) setError(failure);
      });
    return () => {
      current = false;
    };
  }, [key, kind, version]);

  const loadMore = useCallback(async () => {
    if (!loaded) return;
    setMore(true);
    try {
      const entries = Object.entries(loaded.cursors) as [RequestStatus, string][];
      const pages = await Promise.all(
        entries.map(([s, c]) => get<Page<DiagnosticRequestView>>(listPath(s, kind, c))),
      );
      const cursors: Loaded['cursors'] = {};
      entries.forEach(([s], i) => {
        const next = pages[i]?.nextCursor;
        if (next) cursors[s] = next;
      });
      const seen = new Set(loaded.items.map((r) => r.id));
      setLoaded({
        items: [...loaded.items, ...pages.flatMap((p) => p.items).filter((r) => !seen.has(r.id))],
        cursors,
      });
    } catch (failure) {
      setError(failure);
    } finally {
      setMore(false);
    }
  }, [loaded, kind]);

  return { loaded, error, loadMore, loadingMore: more };
}

function QueueList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = TABS.includes(params.get('tab') as TabKey) ? (params.get('tab') as TabKey) : 'ready';
  const kindParam = params.get('kind');
  const kind = (['ecg', 'imaging', 'lab'] as const).find((k) => k === kindParam);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  function setParam(name: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  return (
    <div className="rc-page" data-testid="reading-queue">
      <Card
        variant="borderless"
        title={
          <Typography.Title level={2} className="rc-card-heading">
            {t('remoteCentre.queue.heading')}
          </Typography.Title>
        }
        extra={
          <span className="rc-toolbar">
            <Typography.Text type="secondary">{t('remoteCentre.queue.hint')}</Typography.Text>
            <Select<RemoteKind | 'all'>
              aria-label={t('remoteCentre.queue.kindFilter')}
              className="rc-kind-filter"
              value={kind ?? 'all'}
              onChange={(value) => setParam('kind', value === 'all' ? undefined : value)}
              options={[
                { value: 'all', label: t('remoteCentre.queue.allKinds') },
                ...(['ecg', 'imaging', 'lab'] as const).map((k) => ({
                  value: k,
                  label: t(`remoteCentre.kind.${k}`),
                })),
              ]}
              data-testid="queue-kind"
            />
            <Button icon={<ReloadOutlined aria-hidden />} onClick={reload} autoInsertSpace={false}>
              {t('remoteCentre.queue.refresh')}
            </Button>
            <Button
              icon={<ExperimentOutlined aria-hidden />}
              onClick={() => navigate('specimens')}
              autoInsertSpace={false}
              data-testid="open-specimens"
            >
              {t('remoteCentre.queue.specimens')}
            </Button>
          </span>
        }
      >
        <Tabs
          activeKey={tab}
          onChange={(key) => setParam('tab', key === 'ready' ? undefined : key)}
          items={TABS.map((key) => ({
            key,
            label: t(
              key === 'ready'
                ? 'remoteCentre.queue.tabReady'
                : key === 'mine'
                  ? 'remoteCentre.queue.tabMine'
                  : 'remoteCentre.queue.tabSigned',
            ),
            children:
              tab === key ? <QueueTable tab={key} kind={kind} version={version} onChanged={reload} /> : null,
          }))}
        />
      </Card>
    </div>
  );
}

function QueueTable({
  tab,
  kind,
  version,
  onChanged,
}: {
  tab: TabKey;
  kind: RemoteKind | undefined;
  version: number;
  onChanged(): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const me = useMe();
  const now = useNow(true, 30_000);
  const queue = useQueue(TAB_STATUSES[tab], kind, version);
  const [claiming, setClaiming] = useState<string>();
  const all = queue.loaded?.items ?? [];
  const panels = usePanels(all.some((r) => r.kind === 'lab'));

  const items = useMemo(() => {
    const list = queue.loaded?.items ?? [];
    if (tab === 'signed') return bySignedDesc(list);
    const mine =
      tab === 'mine' ? list.filter((r) => r.claimedBy?.practitionerId === me.practitionerId) : list;
    return byQueueOrder(mine);
  }, [queue.loaded, tab, me.practitionerId]);

  async function claim(r: DiagnosticRequestView) {
    setClaiming(r.id);
    try {
      await post(`/diagnostic-requests/${r.id}/claim`);
      message.success(t('remoteCentre.queue.claimed'));
      navigate(r.id);
    } catch (failure) {
      message.error(errorText(failure, t));
      onChanged();
    } finally {
      setClaiming(undefined);
    }
  }

  const columns: TableColumnsType<DiagnosticRequestView> = [
    {
      title: t('remoteCentre.queue.urgency'),
      key: 'urgency',
      width: 88,
      render: (_, r) => <UrgencyTag urgency={r.urgency} />,
    },
    {
      title: t('remoteCentre.queue.accessionNo'),
      key: 'accessionNo',
      render: (_, r) => (
        <span className="rc-mono" data-testid="accession-no">
          {r.accessionNo}
        </span>
      ),
    },
    {
      title: t('remoteCentre.queue.patient'),
      key: 'patient',
      render: (_, r) => (
        <div>
          <Typography.Text strong data-testid="patient-name">
            {r.patient.name}
          </Typography.Text>
          <div className="rc-sub">{sexAge(t, r.patient)}</div>
        </div>
      ),
    },
    {
      title: t('remoteCentre.queue.kindCol'),
      key: 'kind',
      render: (_, r) => kindText(t, r, panels.data?.items, i18n.language),
    },
    {
      title: t('remoteCentre.queue.requester'),
      key: 'requester',
      render: (_, r) => (
        <div>
          {r.requester.institutionName}
          <div className="rc-sub">{r.requester.practitionerName}</div>
        </div>
      ),
    },
    {
      title: t(tab === 'signed' ? 'remoteCentre.queue.turnaround' : 'remoteCentre.queue.waiting'),
      key: 'waiting',
      render: (_, r) => <WaitingCell r={r} now={now} />,
    },
    {
      title: t('remoteCentre.queue.flags'),
      key: 'flags',
      width: 96,
      render: (_, r) => (r.criticalAlert ? <CriticalTag /> : null),
    },
    ...(tab === 'ready'
      ? []
      : ([
          {
            title: tab === 'signed' ? t('remoteCentre.queue.reader') : t('remoteCentre.queue.status'),
            key: 'status',
            render: (_, r) =>
              tab === 'signed' ? (
                <div>
                  {r.claimedBy?.name ?? '—'}
                  <div className="rc-sub">{r.signedAt ? formatDateTime(r.signedAt, i18n.language) : ''}</div>
                </div>
              ) : (
                <StatusTag status={r.status} />
              ),
          },
        ] satisfies TableColumnsType<DiagnosticRequestView>)),
    {
      title: t('remoteCentre.queue.actions'),
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_, r) =>
        tab === 'ready' ? (
          <Button
            type="primary"
            size="small"
            autoInsertSpace={false}
            loading={claiming === r.id}
            disabled={claiming !== undefined && claiming !== r.id}
            onClick={() => claim(r)}
            data-testid="queue-claim"
          >
            {t('remoteCentre.queue.claim')}
          </Button>
        ) : (
          <Button
            size="small"
            autoInsertSpace={false}
            onClick={() => navigate(r.id)}
            data-testid="queue-open"
          >
            {t(tab === 'mine' ? 'remoteCentre.queue.continue' : 'remoteCentre.queue.view')}
          </Button>
        ),
    },
  ];

  const empty =
    tab === 'ready'
      ? t('remoteCentre.queue.empty')
      : tab === 'mine'
        ? t('remoteCentre.queue.emptyMine')
        : t('remoteCentre.queue.emptySigned');
  const hasMore = Object.keys(queue.loaded?.cursors ?? {}).length > 0;

  return (
    <>
      {queue.error !== undefined && (
        <Alert type="error" showIcon className="rc-alert" title={errorText(queue.error, t)} />
      )}
      <Table<DiagnosticRequestView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={queue.loaded === undefined && queue.error === undefined}
        pagination={false}
        components={captioned(t('remoteCentre.queue.caption'))}
        onRow={(r) =>
          ({
            'data-testid': 'queue-row',
            'data-urgency': r.urgency,
            className: r.urgency === 'urgent' ? 'rc-row--urgent' : undefined,
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: empty }}
        // Sideways scrolling only with rows: their buttons let the keyboard reach it; an empty table's
        // scroll box would hold nothing focusable (axe scrollable-region-focusable).
        scroll={items.length > 0 ? { x: 1000 } : undefined}
      />
      {hasMore && (
        <div className="rc-more">
          <Button onClick={queue.loadMore} loading={queue.loadingMore}>
            {t('remoteCentre.queue.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

/** antd's Table draws no <caption>: one for screen readers (the card heading says it for the eye). */
const captionCache = new Map<string, { table: (props: ComponentProps<'table'>) => ReactElement }>();
function captioned(caption: string) {
  let components = captionCache.get(caption);
  if (!components) {
    components = {
      table: ({ children, ...props }) => (
        <table {...props}>
          <caption className="rc-sr-only">{caption}</caption>
          {children}
        </table>
      ),
    };
    captionCache.set(caption, components);
  }
  return components;
}
